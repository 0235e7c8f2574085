package io.avalanche.rpm.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * Test fixture for Debian's SoftHSM2, a real PKCS#11 module: a private configuration and token directory (named
 * by SOFTHSM2_CONF, which surefire sets for the test JVM) and fresh tokens made with softhsm2-util.
 */
public final class SoftHsm {
    /** Debian's module path (package softhsm2). */
    public static final Path MODULE = Path.of("/usr/lib/softhsm/libsofthsm2.so");
    public static final String SO_PIN = "so-pin-5678";

    private SoftHsm() {
    }

    /** The configuration file; written (with its token directory) on first use. Fails loudly when not set up. */
    public static synchronized Path conf() {
        String c = System.getenv("SOFTHSM2_CONF");
        if (c == null) {
            throw new AssertionError("SOFTHSM2_CONF is not set: run the tests through Maven (surefire sets it)");
        }
        if (!Files.isRegularFile(MODULE)) {
            throw new AssertionError(MODULE + " is missing: install the Debian package softhsm2 (the README test"
                    + " command installs it)");
        }
        Path conf = Path.of(c);
        try {
            Path tokens = Files.createDirectories(conf.resolveSibling("tokens"));
            if (!Files.isRegularFile(conf)) {
                Files.writeString(conf, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\n"
                        + "log.level = ERROR\nslots.removable = false\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return conf;
    }

    /** Initializes a new token with a unique label starting with {@code prefix}; returns the label. */
    public static String newToken(String prefix, String pin) {
        conf();
        String label = (prefix + "-" + UUID.randomUUID().toString().substring(0, 8));
        if (label.length() > 32) {
            throw new IllegalArgumentException("token labels have at most 32 bytes: " + label);
        }
        Cmd.run(List.of("softhsm2-util", "--init-token", "--free", "--label", label, "--pin", pin,
                "--so-pin", SO_PIN), null, java.util.Map.of("SOFTHSM2_CONF", conf().toString())).ok();
        return label;
    }

    /** Deletes the token (its directory): what a token pulled out of the machine looks like to the module. */
    public static void deleteToken(String label) {
        Cmd.run(List.of("softhsm2-util", "--delete-token", "--token", label), null,
                java.util.Map.of("SOFTHSM2_CONF", conf().toString())).ok();
    }

    /** pkcs11-tool (OpenSC) listing of the token's objects with their attributes, logged in. */
    public static String listObjects(String label, String pin) {
        return Cmd.run(List.of("pkcs11-tool", "--module", MODULE.toString(), "--token-label", label, "--login",
                "--pin", pin, "--list-objects"), null, java.util.Map.of("SOFTHSM2_CONF", conf().toString()))
                .ok().output();
    }
}
