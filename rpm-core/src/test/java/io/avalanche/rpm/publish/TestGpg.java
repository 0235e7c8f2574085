package io.avalanche.rpm.publish;

import io.avalanche.rpm.testing.GpgKeygen;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/** A throw-away gpg key in a private 0700 GNUPGHOME: signs RPMs (rpmsign) and repomd.xml (detached). */
public final class TestGpg implements AutoCloseable {
    static final String UID = "Publish Test <publish-test@example.invalid>";
    public static final String EMAIL = "publish-test@example.invalid";
    private final Path home;

    private TestGpg(Path home) {
        this.home = home;
    }

    public static TestGpg generate(Path parent) throws Exception {
        Path home = Files.createTempDirectory(parent, "gpg",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        TestGpg g = new TestGpg(home);
        GpgKeygen.run(home, List.of("--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--quick-gen-key",
                UID, "rsa2048", "sign", "1d"));
        return g;
    }

    public byte[] publicKey() {
        return Tools.run(List.of("gpg", "--batch", "--homedir", home.toString(), "--armor", "--export", EMAIL),
                Map.of(), null).getBytes(StandardCharsets.UTF_8);
    }

    public DetachedSigner signer() {
        return data -> {
            Tools.Run r = Tools.exec(List.of("gpg", "--batch", "--homedir", home.toString(), "--armor",
                    "--detach-sign", "--local-user", EMAIL, "--output", "-"), Map.of(), null, data);
            if (r.exit() != 0 || !r.out().contains("BEGIN PGP SIGNATURE")) {
                throw new AssertionError("gpg --detach-sign failed: " + r.out());
            }
            String s = r.out();
            return s.substring(s.indexOf("-----BEGIN")).getBytes(StandardCharsets.UTF_8);
        };
    }

    public void rpmsign(Path rpm) {
        Tools.run(List.of("rpmsign", "--addsign", "--define", "_gpg_name " + EMAIL, "--define", "__gpg /usr/bin/gpg",
                "--define", "_gpg_path " + home, rpm.toString()), Map.of("GNUPGHOME", home.toString()), null);
    }

    @Override
    public void close() throws Exception {
        Tools.exec(List.of("gpgconf", "--homedir", home.toString(), "--kill", "all"), Map.of(), null, null);
        try (var s = Files.walk(home)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
