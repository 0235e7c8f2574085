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

    /**
     * Base64 lines of the secret block whose decoded bytes also occur in {@code armoredPublicKey} (the
     * public material both blocks share: modulus, user ID, self-signatures) are not secret and not searched.
     */
    public SecretScan(String passphrase, String armoredSecretKey, String armoredPublicKey) {
        String pub = new String(dearmor(armoredPublicKey), java.nio.charset.StandardCharsets.ISO_8859_1);
        if (passphrase != null) {
            needles.add(passphrase);
        }
        needles.add("PRIVATE KEY BLOCK");
        if (armoredSecretKey != null) {
            for (String line : armoredSecretKey.split("\r?\n")) {
                String l = line.trim();
                if (l.length() < 16 || l.startsWith("-----") || l.contains(":") || l.startsWith("=")) {
                    continue;
                }
                byte[] decoded;
                try {
                    decoded = java.util.Base64.getDecoder().decode(l);
                } catch (IllegalArgumentException e) {
                    continue;
                }
                if (!pub.contains(new String(decoded, java.nio.charset.StandardCharsets.ISO_8859_1))) {
                    needles.add(l);
                }
            }
            assertThat(needles.size()).as("secret key lines to scan for").isGreaterThan(5);
        }
    }

    /** The binary packets of an armored block (empty for empty input). */
    static byte[] dearmor(String armored) {
        StringBuilder b64 = new StringBuilder();
        boolean body = false;
        for (String line : armored.split("\r?\n")) {
            String l = line.trim();
            if (l.startsWith("-----BEGIN")) {
                body = false;
                continue;
            }
            if (l.startsWith("-----END")) {
                break;
            }
            if (!body) {
                body = l.isEmpty();
                continue;
            }
            if (l.startsWith("=")) {
                continue;
            }
            b64.append(l);
        }
        return java.util.Base64.getDecoder().decode(b64.toString());
    }

    /** The base64 lines of the secret block that hold secret material (what a leak would show). */
    List<String> keyLines() {
        return needles.stream().filter(n -> n.length() >= 16 && n.matches("[A-Za-z0-9+/=]+")).toList();
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
