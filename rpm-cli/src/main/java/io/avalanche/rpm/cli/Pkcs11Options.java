package io.avalanche.rpm.cli;

import io.avalanche.rpm.sign.KeyRequest;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Mixin of the key options (sign, package, publish, release): sign with a key inside a PKCS#11 token, given its
 * armored OpenPGP certificate; an alternative to --key FILE and --ephemeral.
 */
final class Pkcs11Options {
    @Mixin
    Pkcs11TokenOptions token = new Pkcs11TokenOptions();

    @Option(names = "--cert", paramLabel = "FILE",
            description = "Armored OpenPGP certificate of the token key (rpm-release keygen --export-key); with --pkcs11-*.")
    Path cert;

    /** The token options as given (every field null when none is). */
    KeyRequest.Token token(Function<String, String> environment, InputStream stdin) {
        return token.token(cert, environment, stdin);
    }
}
