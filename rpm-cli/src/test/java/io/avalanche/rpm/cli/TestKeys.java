package io.avalanche.rpm.cli;

import io.avalanche.rpm.testing.Cmd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/** Test helper: keys made by real gpg, exported as armored secret and public key files. */
final class TestKeys {
    private TestKeys() {
    }

    /**
     * A key "Key NAME" of {@code algo} (e.g. rsa2048), signing only, valid {@code validity} (e.g. 1d), without a
     * passphrase, made in {@code dir/gnupg-NAME}; writes {@code secret} and {@code pub}; returns the gpg home.
     */
    static Path gpg(Path dir, String name, String algo, String validity, Path secret, Path pub) throws IOException {
        Path home = Files.createDirectory(dir.resolve("gnupg-" + name),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Cmd.run("gpg", "--batch", "--homedir", home.toString(), "--pinentry-mode", "loopback", "--passphrase", "",
                "--quick-gen-key", "Key " + name + " <" + name + "@example.invalid>", algo, "sign", validity).ok();
        Cmd.run(List.of("sh", "-c", "gpg --batch --homedir \"$1\" --pinentry-mode loopback --passphrase '' --armor "
                + "--export-secret-keys > \"$2\" && gpg --batch --homedir \"$1\" --armor --export > \"$3\"", "sh",
                home.toString(), secret.toString(), pub.toString())).ok();
        return home;
    }
}
