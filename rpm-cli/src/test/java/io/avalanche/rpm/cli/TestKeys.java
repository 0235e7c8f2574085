package io.avalanche.rpm.cli;

import io.avalanche.rpm.testing.Cmd;
import io.avalanche.rpm.testing.GpgKeygen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/** Test helper: keys made by real gpg, exported as armored secret and public key files. */
final class TestKeys {
    private TestKeys() {
    }

    /** {@link #gpg(Path, String, String, String, String, Path, Path)} without a passphrase. */
    static Path gpg(Path dir, String name, String algo, String validity, Path secret, Path pub) throws IOException {
        return gpg(dir, name, algo, validity, "", secret, pub);
    }

    /**
     * A key "Key NAME" of {@code algo} (e.g. rsa2048), signing only, valid {@code validity} (e.g. 1d), protected by
     * {@code passphrase} (empty: none), made in {@code dir/gnupg-NAME}; writes {@code secret} and {@code pub}; returns
     * the gpg home.
     */
    static Path gpg(Path dir, String name, String algo, String validity, String passphrase, Path secret, Path pub)
            throws IOException {
        Path home = Files.createDirectory(dir.resolve("gnupg-" + name),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        GpgKeygen.run(home, List.of("--batch", "--pinentry-mode", "loopback", "--passphrase", passphrase,
                "--quick-gen-key", "Key " + name + " <" + name + "@example.invalid>", algo, "sign", validity));
        Cmd.run(List.of("sh", "-c", "gpg --batch --homedir \"$1\" --pinentry-mode loopback --passphrase \"$4\" --armor "
                + "--export-secret-keys > \"$2\" && gpg --batch --homedir \"$1\" --armor --export > \"$3\"", "sh",
                home.toString(), secret.toString(), pub.toString(), passphrase)).ok();
        return home;
    }
}
