package io.avalanche.rpm.cli;

import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.release.KeySource;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Mixin for sign, package, publish and release: sign with a key inside a PKCS#11 token, given its armored
 * OpenPGP certificate; an alternative to --key FILE and --ephemeral.
 */
final class Pkcs11Options {
    @Mixin
    Pkcs11TokenOptions token = new Pkcs11TokenOptions();

    @Option(names = "--cert", paramLabel = "FILE",
            description = "Armored OpenPGP certificate of the token key (rpm-release keygen --export-key); with --pkcs11-*.")
    Path cert;

    /** True when any PKCS#11 option (or --cert) is on the command line. */
    boolean given() {
        return token.given() || cert != null;
    }

    /**
     * The token key source, or null when no PKCS#11 option is given. Refuses an incomplete set, and a combination
     * with another key option ({@code otherKeyOption}: "--key" or "--ephemeral", null when none was given).
     */
    KeySource keySource(String otherKeyOption, Function<String, String> environment, InputStream stdin) {
        if (!given()) {
            return null;
        }
        if (otherKeyOption != null) {
            throw new SpecException("give either " + otherKeyOption + " or a token key (--pkcs11-module, --pkcs11-token,"
                    + " --pkcs11-key, --cert), not both");
        }
        token.requireComplete();
        if (cert == null) {
            throw new SpecException("a token key needs --cert FILE: the armored OpenPGP certificate of the key"
                    + " (rpm-release keygen --export-key wrote it)");
        }
        if (!Files.isRegularFile(cert)) {
            throw new SpecException("--cert " + cert + ": no such file");
        }
        return new KeySource.Pkcs11(token.module, token.token, token.key, token.pin(environment, stdin), cert);
    }
}
