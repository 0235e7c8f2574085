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
    /** User PIN of every token this fixture makes. */
    public static final String PIN = "user-pin-1234";
    private static final int POOL_SIZE = 8;
    private static final List<String> pool = new java.util.ArrayList<>();
    private static int handedOut;

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
            Path tokens = conf.resolveSibling("tokens");
            if (pool.isEmpty() && Files.isDirectory(tokens)) {   // tokens of earlier runs: start empty
                try (var old = Files.walk(tokens)) {
                    for (Path p : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            Files.createDirectories(tokens);
            if (!Files.isRegularFile(conf)) {
                Files.writeString(conf, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\n"
                        + "log.level = ERROR\nslots.removable = false\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return conf;
    }

    /**
     * A fresh, empty token whose user PIN is {@link #PIN}; returns its label. SoftHSM2 lists only the tokens that
     * existed when the module was initialized in this process, and a session left open elsewhere keeps it
     * initialized, so the first call makes a pool of tokens for the whole test JVM, before any test loads the module.
     */
    public static synchronized String newToken() {
        conf();
        if (pool.isEmpty()) {
            for (int i = 0; i < POOL_SIZE; i++) {
                String label = "t" + i + "-" + UUID.randomUUID().toString().substring(0, 8);
                Cmd.run(List.of("softhsm2-util", "--init-token", "--free", "--label", label, "--pin", PIN,
                        "--so-pin", SO_PIN), null, java.util.Map.of("SOFTHSM2_CONF", conf().toString())).ok();
                pool.add(label);
            }
        }
        if (handedOut == pool.size()) {
            throw new AssertionError("the SoftHSM2 token pool (" + POOL_SIZE + ") is used up: raise POOL_SIZE");
        }
        return pool.get(handedOut++);
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
