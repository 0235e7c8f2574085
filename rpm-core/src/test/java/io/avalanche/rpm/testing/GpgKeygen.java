package io.avalanche.rpm.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test helper: the one way tests make a key with real gpg (--quick-gen-key or --gen-key) in a gpg home. */
public final class GpgKeygen {
    private GpgKeygen() {
    }

    /**
     * Runs {@code gpg --homedir HOME ARGS}, failing the test when gpg fails. gpg-agent once failed a new key's
     * self-signature with "Corrupted protection" in a loaded .ci/run (gnupg 2.2.40): that failure alone is run once
     * more, with a new agent.
     */
    public static Cmd.Result run(Path home, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of("gpg", "--homedir", home.toString()));
        cmd.addAll(args);
        Cmd.Result made = Cmd.run(cmd, null, Map.of("LC_ALL", "C"));
        if (made.exitCode() != 0 && made.output().contains("Corrupted protection")) {
            Cmd.run("gpgconf", "--homedir", home.toString(), "--kill", "gpg-agent");
            made = Cmd.run(cmd, null, Map.of("LC_ALL", "C"));
        }
        return made.ok();
    }
}
