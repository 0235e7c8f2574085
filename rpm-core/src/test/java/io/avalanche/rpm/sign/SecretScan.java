package io.avalanche.rpm.sign;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Test helper: asserts that text or files hold neither a passphrase nor any line of an armored private key. */
public final class SecretScan {
    private final List<String> needles = new ArrayList<>();

    public SecretScan(String passphrase, String armoredSecretKey) {
        this(passphrase, armoredSecretKey, "");
    }

    /** Lines also found in {@code armoredPublicKey} (public material shared by both blocks) are not secret. */
    public SecretScan(String passphrase, String armoredSecretKey, String armoredPublicKey) {
        java.util.Set<String> pub = new java.util.HashSet<>();
        for (String line : armoredPublicKey.split("\r?\n")) {
            pub.add(line.trim());
        }
        if (passphrase != null) {
            needles.add(passphrase);
        }
        needles.add("PRIVATE KEY BLOCK");
        if (armoredSecretKey != null) {
            for (String line : armoredSecretKey.split("\r?\n")) {
                String l = line.trim();
                if (l.length() >= 16 && !l.startsWith("-----") && !l.contains(":") && !pub.contains(l)) {
                    needles.add(l);
                }
            }
            assertThat(needles.size()).as("secret key lines to scan for").isGreaterThan(5);
        }
    }

    /** Number of distinct secret strings searched for (a scan with none would prove nothing). */
    public int size() {
        return needles.size();
    }

    public void assertClean(String what, String text) {
        for (String n : needles) {
            assertThat(text).as(what + " must not contain secret material").doesNotContain(n);
        }
    }

    public void assertClean(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            assertClean("exception message", String.valueOf(c.getMessage()));
        }
    }

    /** Scans every regular file under dir (e.g. the test's output tree and the temp dirs it used). */
    public void assertTreeClean(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                assertClean(p.toString(), new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
    }
}
