package io.avalanche.rpm.release;

import io.avalanche.rpm.ProgressReporter;
import io.avalanche.rpm.RpmException;
import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.build.Compression;
import io.avalanche.rpm.build.PackageSpec;
import io.avalanche.rpm.build.RpmWriter;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.format.ReleaseTag;
import io.avalanche.rpm.publish.Digests;
import io.avalanche.rpm.validate.ContainerTarget;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/** The `build` stage: runs the preset's build scripts (host or container), then packages both RPMs. */
public final class ReleaseBuilder {
    /** Where the subnet-evm plugin binary is built, relative to the source tree. */
    public static final String PLUGIN_OUTPUT = "build/subnet-evm";
    public static final String AVALANCHEGO_OUTPUT = "build/avalanchego";

    private ReleaseBuilder() {
    }

    /**
     * What to build: source tree, tag, arch, optional container image (run through {@code engine}, the docker
     * CLI by default), output directory, compression.
     */
    public record Request(Path source, ReleaseTag tag, Arch arch, String image, Path out, Compression compression,
                          ContainerTarget.Engine engine) {
        public Request {
            source = source.toAbsolutePath().normalize();
            out = out.toAbsolutePath().normalize();
            engine = engine == null ? ContainerTarget.Engine.dockerCli() : engine;
        }

        public Request(Path source, ReleaseTag tag, Arch arch, String image, Path out, Compression compression) {
            this(source, tag, arch, image, out, compression, null);
        }
    }

    /** The commit and its time, from git in the source tree. */
    public record SourceInfo(String commit, long commitTime) {
    }

    /** Build commands of the avalanchego preset, as argument lists relative to the source tree. */
    public static List<List<String>> buildCommands(Path source) {
        return List.of(List.of("scripts/build.sh"),
                List.of("graft/subnet-evm/scripts/build.sh", source.resolve(PLUGIN_OUTPUT).toString()));
    }

    /** Checks the source tree has the preset's interfaces; returns its VM ID. */
    public static String checkSource(Path source) {
        if (!Files.isDirectory(source)) {
            throw new SpecException("source tree " + source + " does not exist");
        }
        for (List<String> c : buildCommands(source)) {
            if (!Files.isRegularFile(source.resolve(c.get(0)))) {
                throw new SpecException(source + " is not an avalanchego source tree: " + c.get(0) + " is missing");
            }
        }
        return AvalanchegoPreset.vmId(source);
    }

    /** Reads HEAD's commit hash and commit time with git. */
    public static SourceInfo sourceInfo(Path source) {
        String commit = ProcessRunner.check(List.of("git", "-C", source.toString(), "rev-parse", "HEAD"), null,
                Map.of(), l -> { }).trim();
        String time = ProcessRunner.check(List.of("git", "-C", source.toString(), "log", "-1", "--format=%ct",
                "HEAD"), null, Map.of(), l -> { }).trim();
        if (!commit.matches("[0-9a-f]{40}")) {
            throw new BuildException(source + ": git rev-parse HEAD gave '" + commit + "'");
        }
        return new SourceInfo(commit, Long.parseLong(time));
    }

    /** Runs the build scripts, then packages; returns the manifest written to out/release.json. */
    public static ReleaseManifest build(Request r, Consumer<String> log) {
        return build(r, log, ProgressReporter.NONE);
    }

    /** As {@link #build(Request, Consumer)}, reporting compression progress per package. */
    public static ReleaseManifest build(Request r, Consumer<String> log, ProgressReporter progress) {
        checkSource(r.source());
        SourceInfo info = sourceInfo(r.source());
        Map<String, String> env = Map.of("SOURCE_DATE_EPOCH", Long.toString(info.commitTime()));
        for (List<String> cmd : buildCommands(r.source())) {
            log.accept("+ " + String.join(" ", cmd) + (r.image() == null ? "" : "   (in " + r.image() + ")"));
            if (r.image() == null) {
                ProcessRunner.check(cmd, r.source(), env, log);
            } else {
                runInContainer(r.engine(), r.image(), r.source(), cmd, env, log);
            }
        }
        return packageRelease(r, info, log, progress);
    }

    /** Packages already-built binaries of a source tree into out/ and writes release.json. */
    public static ReleaseManifest packageRelease(Request r, SourceInfo info, Consumer<String> log) {
        return packageRelease(r, info, log, ProgressReporter.NONE);
    }

    /** As {@link #packageRelease(Request, SourceInfo, Consumer)}, reporting compression progress. */
    public static ReleaseManifest packageRelease(Request r, SourceInfo info, Consumer<String> log,
                                                 ProgressReporter progress) {
        String vmId = checkSource(r.source());
        Path avalanchego = r.source().resolve(AVALANCHEGO_OUTPUT);
        Path plugin = r.source().resolve(PLUGIN_OUTPUT);
        for (Path p : List.of(avalanchego, plugin)) {
            if (!Files.isRegularFile(p)) {
                throw new BuildException("the build did not produce " + p);
            }
            io.avalanche.rpm.build.ElfArchCheck.require(p, r.arch());
        }
        List<PackageSpec> specs = List.of(
                AvalanchegoPreset.avalanchego(r.tag(), r.arch(), avalanchego, info.commitTime(), r.compression()),
                AvalanchegoPreset.subnetEvm(r.tag(), r.arch(), plugin, vmId, info.commitTime(), r.compression()));
        List<ReleaseManifest.Artifact> files = new ArrayList<>();
        try {
            Files.createDirectories(r.out());
            for (PackageSpec s : specs) {
                String name = r.tag().fileName(s.name(), r.arch());
                log.accept("packaging " + name + " (" + r.compression() + ")");
                long total = Files.size(s.files().get(0).source());
                Path rpm;
                try (ProgressReporter.Task task = progress.start("compress " + name, total)) {
                    rpm = RpmWriter.write(s, r.out(), name, task::advance);
                }
                files.add(new ReleaseManifest.Artifact(name, s.name(), Files.size(rpm), Digests.hex(Digests.sha256(rpm))));
            }
        } catch (IOException e) {
            throw new RpmException(r.out() + ": " + e.getMessage(), e);
        }
        ReleaseManifest m = new ReleaseManifest(r.tag().tag(), r.tag().version(), r.tag().release(), info.commit(),
                info.commitTime(), r.arch().rpm(), vmId, files);
        m.write(r.out());
        return m;
    }

    private static void runInContainer(ContainerTarget.Engine engine, String image, Path source, List<String> cmd,
                                       Map<String, String> env, Consumer<String> log) {
        String name = "rpm-release-build-" + UUID.randomUUID().toString().substring(0, 12);
        List<String> args = new ArrayList<>(engine.docker());
        args.addAll(List.of("run", "--name", name, "--user", owner(source), "-v", source + ":" + source, "-w",
                source.toString(), "-e", "HOME=/tmp"));
        env.forEach((k, v) -> args.addAll(List.of("-e", k + "=" + v)));
        args.add(image);
        args.addAll(cmd);
        List<String> remove = new ArrayList<>(engine.docker());
        remove.addAll(List.of("rm", "-f", name));
        Thread cleanup = new Thread(() -> ProcessRunner.run(remove, null, engine.env(), l -> { }));
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            ProcessRunner.Result run = ProcessRunner.run(args, null, engine.env(), log);
            // `docker run` exit codes are unreliable against some engines: also read the container's own state
            List<String> inspect = new ArrayList<>(engine.docker());
            inspect.addAll(List.of("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", name));
            ProcessRunner.Result st = ProcessRunner.run(inspect, null, engine.env(), l -> { });
            String state = st.output().trim();
            if (run.exitCode() != 0 || st.exitCode() != 0 || !state.equals("exited 0")) {
                throw new BuildException(String.join(" ", cmd) + " failed in container " + image + " (docker run exit "
                        + run.exitCode() + ", container state: " + (st.exitCode() == 0 ? state : "unknown") + ")"
                        + (run.tail().isEmpty() ? "" : ":\n  " + String.join("\n  ", run.tail())));
            }
        } finally {
            ProcessRunner.run(remove, null, engine.env(), l -> { });
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException ignored) {
                // already shutting down: the hook removes the container
            }
        }
    }

    private static String owner(Path source) {
        try {
            return Files.getAttribute(source, "unix:uid") + ":" + Files.getAttribute(source, "unix:gid");
        } catch (IOException | UnsupportedOperationException e) {
            throw new BuildException("cannot read the owner of " + source + ": " + e.getMessage());
        }
    }
}
