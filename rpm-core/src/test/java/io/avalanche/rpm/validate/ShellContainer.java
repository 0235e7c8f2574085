package io.avalanche.rpm.validate;

import io.avalanche.rpm.ProcessRunner;

import java.nio.file.Path;
import java.util.UUID;

/**
 * For tests that walk a package's life cycle step by step: a long-running container of an image (no network, a
 * directory mounted read-only at /rpms) and shell scripts run in it one at a time; removed on close.
 */
public final class ShellContainer implements AutoCloseable {
    private final ContainerTarget.Engine engine;
    private final String name = "rpm-release-test-" + UUID.randomUUID().toString().substring(0, 12);

    private ShellContainer(ContainerTarget.Engine engine) {
        this.engine = engine;
    }

    /** Starts a container of {@code image} with {@code dir} at /rpms. */
    public static ShellContainer start(ContainerTarget.Engine engine, String image, Path dir) {
        ShellContainer c = new ShellContainer(engine);
        ProcessRunner.Result r = engine.docker("run", "-d", "--name", c.name, "--network=none", "-v",
                dir.toAbsolutePath() + ":" + ContainerTarget.MOUNT + ":ro", image, "sleep", "infinity");
        if (!r.ok()) {
            c.close();
            throw new IllegalStateException("cannot start a container of " + image + ": " + r.output());
        }
        return c;
    }

    /** Runs {@code script} with /bin/sh -c in the container. */
    public ProcessRunner.Result sh(String script) {
        return engine.docker("exec", name, "/bin/sh", "-c", script);
    }

    @Override
    public void close() {
        engine.docker("rm", "-f", name);
    }
}
