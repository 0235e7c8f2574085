package io.avalanche.rpm.sign;

import io.avalanche.rpm.testing.GpgKeygen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Test helper: a private 0700 GNUPGHOME where real gpg generates and exports keys; deleted on close. */
public final class GpgHome implements AutoCloseable {
    private final Path home;

    public GpgHome() throws IOException {
        home = Files.createTempDirectory(Path.of("/tmp"), "gpg",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    public Path dir() {
        return home;
    }

    /**
     * Generates a key with {@code gpg --batch --gen-key}; {@code params} are the parameter lines without
     * %commit (the parameter file lives inside this 0700 home and is deleted right away). Returns the
     * primary fingerprint.
     */
    public String generate(String... params) throws IOException {
        return generateWith(List.of(), params);
    }

    /** As {@link #generate}, with extra gpg options (e.g. --faked-system-time, --cert-digest-algo). */
    public String generateWith(List<String> options, String... params) throws IOException {
        Path p = home.resolve("params");
        List<String> lines = new ArrayList<>(List.of(params));
        lines.add("%commit");
        Files.write(p, lines, StandardCharsets.UTF_8);
        try {
            List<String> a = new ArrayList<>(options);
            a.addAll(List.of("--batch", "--gen-key", p.toString()));
            GpgKeygen.run(home, a);
        } finally {
            Files.deleteIfExists(p);
        }
        Proc.Result r = gpg("--batch", "--with-colons", "--list-secret-keys").ok();
        String last = null;
        boolean afterSec = false;
        for (String line : r.out().split("\n")) {
            if (line.startsWith("sec:")) {
                afterSec = true;
            } else if (afterSec && line.startsWith("fpr:")) {
                Matcher m = Pattern.compile("^fpr:+([0-9A-F]{40}):").matcher(line);
                if (m.find()) {
                    last = m.group(1);
                }
                afterSec = false;
            }
        }
        return last;
    }

    /** The armored secret key, exported with the passphrase given on stdin (never on the command line). */
    public String exportSecret(String fpr, String passphrase) {
        byte[] in = passphrase == null ? new byte[0] : (passphrase + "\n").getBytes(StandardCharsets.UTF_8);
        return Proc.run(List.of("gpg", "--homedir", home.toString(), "--batch", "--pinentry-mode", "loopback",
                "--passphrase-fd", "0", "--armor", "--export-secret-keys", fpr), null, Map.of(), in).ok().out();
    }

    public Path exportPublic(String fpr, Path file) throws IOException {
        Files.writeString(file, gpg("--armor", "--export", fpr).ok().out());
        return file;
    }

    public Proc.Result gpg(String... args) {
        List<String> cmd = new ArrayList<>(List.of("gpg", "--homedir", home.toString()));
        cmd.addAll(List.of(args));
        return Proc.run(cmd);
    }

    @Override
    public void close() throws IOException {
        Proc.run(List.of("gpgconf", "--homedir", home.toString(), "--kill", "all"));
        try (Stream<Path> s = Files.walk(home)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Parameter lines for an RSA key of these bits, with usage and optional passphrase. */
    public static String[] rsa(int bits, String usage, String passphrase, String name) {
        List<String> l = new ArrayList<>(List.of("Key-Type: RSA", "Key-Length: " + bits, "Key-Usage: " + usage,
                "Name-Real: " + name, "Name-Email: " + name.replace(' ', '.') + "@example.invalid", "Expire-Date: 0"));
        l.add(passphrase == null ? "%no-protection" : "Passphrase: " + passphrase);
        return l.toArray(String[]::new);
    }
}
