package io.avalanche.rpm.release;

import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.ProgressReporter;
import io.avalanche.rpm.RpmException;
import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.write.PackageSpec;
import io.avalanche.rpm.write.RpmWriter;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.format.ReleaseTag;
import io.avalanche.rpm.Digests;
import io.avalanche.rpm.IoErrors;
import io.avalanche.rpm.validate.ContainerTarget;
import io.avalanche.rpm.validate.ImageReference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The `build` stage: reads the tree (scripts, VM ID, git state), refuses what must not be built, runs upstream's
 * build scripts as upstream's packaging does (host or container), then packages both RPMs.
 */
public final class ReleaseBuilder {
    /** Where the subnet-evm plugin binary is built, relative to the source tree. */
    public static final String PLUGIN_OUTPUT = SourceTree.PLUGIN_OUTPUT;
    public static final String AVALANCHEGO_OUTPUT = SourceTree.AVALANCHEGO_OUTPUT;

    private ReleaseBuilder() {
    }

    /** Explicit overrides of the source checks; each is said loudly and recorded in release.json. */
    public record Checks(boolean allowDirty, boolean allowTagMismatch) {
        public static final Checks STRICT = new Checks(false, false);
    }

    /**
     * What to build: source tree, tag, arch, optional container image (run through {@code engine}, the docker
     * CLI by default), output directory, compression, and the overrides of the source checks.
     */
    public record Request(Path source, ReleaseTag tag, Arch arch, String image, Path out, Compression compression,
                          ContainerTarget.Engine engine, Checks checks) {
        public Request {
            if (image != null) {
                ImageReference.check(image);
            }
            OutputDir.checkNotEmpty(out);
            source = source.toAbsolutePath().normalize();
            out = out == null ? null : out.toAbsolutePath().normalize();
            engine = engine == null ? ContainerTarget.Engine.dockerCli() : engine;
            checks = checks == null ? Checks.STRICT : checks;
        }

        public Request(Path source, ReleaseTag tag, Arch arch, String image, Path out, Compression compression,
                       ContainerTarget.Engine engine) {
            this(source, tag, arch, image, out, compression, engine, Checks.STRICT);
        }

        public Request(Path source, ReleaseTag tag, Arch arch, String image, Path out, Compression compression) {
            this(source, tag, arch, image, out, compression, null, Checks.STRICT);
        }

        public Request withArch(Arch a) {
            return new Request(source, tag, a, image, out, compression, engine, checks);
        }
    }

    /** The commit and its time, from git in the source tree. */
    public record SourceInfo(String commit, long commitTime) {
    }

    /** One build command: what it builds, the argument list, its working directory, output and environment. */
    public record Step(String product, List<String> command, Path workDir, Path output, Map<String, String> env) {
        public Step {
            command = List.copyOf(command);
            env = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(env));
        }
    }

    /** One package of the plan. */
    public record PackagePlan(String name, String version, String release, String fileName, String installPath) {
    }

    /** Everything a build will do, read from the tree before anything runs. */
    public record Plan(SourceTree tree, GitState git, ReleaseTag tag, Arch arch, String image, List<Step> steps,
                       List<PackagePlan> packages, List<String> overrides) {
        public Plan {
            steps = List.copyOf(steps);
            packages = List.copyOf(packages);
            overrides = List.copyOf(overrides);
        }

        public SourceInfo sourceInfo() {
            return new SourceInfo(git.commit(), git.commitTime());
        }

        /** The plan as printed by --dry-run (and before a real build). */
        public List<String> lines() {
            List<String> l = new ArrayList<>();
            l.add("source:   " + tree.root() + " at commit " + git.commit()
                    + (git.clean() ? " (clean)" : " (DIRTY: " + git.changesSummary() + ")"));
            l.add("tag:      " + tag.tag() + (tag.pullRequest() ? " (pull-request smoke build)"
                    : git.tagCommit() == null ? " (MISSING in the repository)"
                    : git.tagCommit().equals(git.commit()) ? " (points at the checked-out commit)"
                    : " (points at " + git.tagCommit() + ", NOT the checked-out commit)"));
            l.add("arch:     " + arch.rpm() + (arch == Arch.host() ? " (this machine)" : " (cross-compiled on "
                    + Arch.host().rpm() + ")") + (image == null ? ", build on this machine" : ", build in " + image));
            l.add("VM ID:    " + tree.vmId() + " (read from " + tree.vmIdSource() + ", not sourced)");
            l.add("subnet-evm build script " + tree.era().description());
            for (Step s : steps) {
                l.add("build " + s.product() + ": " + String.join(" ", s.command()));
                l.add("    in " + s.workDir() + "  ->  " + s.output());
                l.add("    env " + s.env());
            }
            for (PackagePlan p : packages) {
                l.add("package " + p.name() + ": version " + p.version() + ", release " + p.release() + ", file "
                        + p.fileName() + ", installs " + p.installPath());
            }
            overrides.forEach(o -> l.add("WARNING: " + o));
            return l;
        }
    }

    /** Reads the tree and git, applies every refusal (SpecException, exit 2) and returns what would run. */
    public static Plan plan(Request r) {
        SourceTree tree = SourceTree.read(r.source());
        return plan(r, tree, GitState.read(tree.root(), r.tag().pullRequest() ? null : r.tag().tag()));
    }

    /**
     * As {@link #plan(Request)} for several arches of one source tree and tag (release's requests): the tree and its
     * git state are read once (three git processes fewer per extra arch).
     */
    public static List<Plan> plan(List<Request> rs) {
        List<Plan> plans = new ArrayList<>();
        for (Request r : rs) {
            Plan first = plans.isEmpty() ? null : plans.get(0);
            plans.add(first != null && first.tree().root().equals(r.source()) && first.tag().equals(r.tag())
                    ? plan(r, first.tree(), first.git()) : plan(r));
        }
        return plans;
    }

    private static Plan plan(Request r, SourceTree tree, GitState read) {
        OutputDir.check(r.out());
        GitState git = read.withoutReleaseOutputs(tree.root(), r.out());
        List<String> overrides = new ArrayList<>();
        if (!git.clean()) {
            String what = "the source tree has " + git.changes().size() + " modified or untracked file(s) ("
                    + git.changesSummary() + "): the binaries would not be what commit " + git.commit() + " holds";
            if (!r.checks().allowDirty()) {
                throw new SpecException(tree.root() + ": " + what + "; commit or remove them (git status), "
                        + "or pass --allow-dirty to build it anyway");
            }
            overrides.add("--allow-dirty: " + what);
        }
        String mismatch = git.mismatch(r.tag());
        if (mismatch != null) {
            if (!r.checks().allowTagMismatch()) {
                throw new SpecException(tree.root() + ": " + mismatch + " (or pass --allow-tag-mismatch to build "
                        + "it anyway)");
            }
            overrides.add("--allow-tag-mismatch: " + mismatch);
        }
        return new Plan(tree, git, r.tag(), r.arch(), r.image(), BuildSteps.of(tree, git, r.arch(), r.image() != null),
                packages(tree, r.tag(), r.arch()), overrides);
    }

    private static List<PackagePlan> packages(SourceTree tree, ReleaseTag tag, Arch arch) {
        return List.of(
                new PackagePlan(AvalanchegoPreset.AVALANCHEGO, tag.version(), tag.release(),
                        tag.fileName(AvalanchegoPreset.AVALANCHEGO, arch), AvalanchegoPreset.BIN_PATH),
                new PackagePlan(AvalanchegoPreset.SUBNET_EVM, tag.version(), tag.release(),
                        tag.fileName(AvalanchegoPreset.SUBNET_EVM, arch), AvalanchegoPreset.pluginPath(tree.vmId())));
    }

    /**
     * Build commands for callers that run each command in the source tree root (the Jenkins steps): subnet-evm's
     * script is started in graft/subnet-evm through {@code env -C}, as upstream's packaging does with cd.
     */
    public static List<List<String>> buildCommands(Path source) {
        Path root = source.toAbsolutePath().normalize();
        return List.of(List.of("./" + SourceTree.AVALANCHEGO_BUILD),
                List.of("env", "-C", SourceTree.SUBNET_EVM_DIR, "./scripts/build.sh",
                        root.resolve(PLUGIN_OUTPUT).toString()));
    }

    /** Checks the source tree has the preset's interfaces; returns its VM ID. */
    public static String checkSource(Path source) {
        return SourceTree.read(source).vmId();
    }

    /** Reads HEAD's commit hash and commit time with git. */
    public static SourceInfo sourceInfo(Path source) {
        GitState g = GitState.read(source, null);
        return new SourceInfo(g.commit(), g.commitTime());
    }

    /** Plans, runs the build scripts, then packages; returns the manifest written to out/release.json. */
    public static ReleaseManifest build(Request r, Consumer<String> log) {
        return build(r, log, ProgressReporter.NONE);
    }

    /**
     * As {@link #build(Request, Consumer)}, reporting compression progress per package. The packages are written
     * into a staging directory inside out/ and moved in only when complete: nothing else in out/ is touched.
     */
    public static ReleaseManifest build(Request r, Consumer<String> log, ProgressReporter progress) {
        Plan plan = plan(r);
        plan.overrides().forEach(o -> log.accept("WARNING: " + o));
        BuildSteps.run(plan, r, log);
        try (OutputDir out = OutputDir.open(r.out())) {
            ReleaseManifest m = packageInto(plan, r.compression(), out.staging(), log, progress);
            m.write(out.staging());
            List<String> names = new ArrayList<>(m.files().stream().map(ReleaseManifest.Artifact::name).toList());
            names.add(ReleaseManifest.FILE_NAME);
            out.commit(names);
            return m;
        }
    }

    /** Packages already-built binaries of a source tree into out/ and writes release.json (the Jenkins steps). */
    public static ReleaseManifest packageRelease(Request r, SourceInfo info, Consumer<String> log) {
        return packageRelease(r, info, log, ProgressReporter.NONE);
    }

    /** As {@link #packageRelease(Request, SourceInfo, Consumer)}, reporting compression progress. */
    public static ReleaseManifest packageRelease(Request r, SourceInfo info, Consumer<String> log,
                                                 ProgressReporter progress) {
        SourceTree tree = SourceTree.read(r.source());
        GitState git = new GitState(info.commit(), info.commitTime(), List.of(), null);
        Plan plan = new Plan(tree, git, r.tag(), r.arch(), r.image(), BuildSteps.of(tree, git, r.arch(), r.image() != null),
                packages(tree, r.tag(), r.arch()), List.of());
        try {
            Files.createDirectories(r.out());
        } catch (IOException e) {
            throw new RpmException(r.out() + ": " + IoErrors.why(e), e);
        }
        ReleaseManifest m = packageInto(plan, r.compression(), r.out(), log, progress);
        m.write(r.out());
        return m;
    }

    /** Packages the plan's built binaries into dir; returns the manifest (not written). */
    public static ReleaseManifest packageInto(Plan plan, Compression compression, Path dir, Consumer<String> log,
                                              ProgressReporter progress) {
        return packageInto(plan, compression, dir, log, progress, null);
    }

    /**
     * As {@link #packageInto(Plan, Compression, Path, Consumer, ProgressReporter)}, signing each package as it is
     * written when {@code signer} is given (one write, no second read: the path {@code release} takes).
     */
    public static ReleaseManifest packageInto(Plan plan, Compression compression, Path dir, Consumer<String> log,
                                              ProgressReporter progress, RpmWriter.SignatureFiller signer) {
        try (CapturedBuild outputs = CapturedBuild.of(plan, dir)) {
            return outputs.packageInto(compression, dir, log, progress, signer);
        }
    }

    static ReleaseManifest packageCopies(Plan plan, Compression compression, Path dir, Consumer<String> log,
                                         ProgressReporter progress, RpmWriter.SignatureFiller signer,
                                         Path avalanchegoBinary, Path pluginBinary) {
        SourceTree tree = plan.tree();
        long time = plan.git().commitTime();
        List<PackageSpec> specs = List.of(
                AvalanchegoPreset.avalanchego(plan.tag(), plan.arch(), avalanchegoBinary, time, compression),
                AvalanchegoPreset.subnetEvm(plan.tag(), plan.arch(), pluginBinary, tree.vmId(), time, compression));
        List<ReleaseManifest.Artifact> files = new ArrayList<>();
        try {
            for (PackageSpec s : specs) {
                String name = plan.tag().fileName(s.name(), plan.arch());
                log.accept("packaging " + name + " (" + compression + ")");
                long total = Files.size(s.files().get(0).source());
                Path rpm;
                try (ProgressReporter.Task task = progress.start("compress " + name, total)) {
                    rpm = RpmWriter.write(s, dir, name, task::advance, signer);
                    task.succeeded();
                }
                files.add(new ReleaseManifest.Artifact(name, s.name(), Files.size(rpm),
                        Digests.hex(Digests.sha256(rpm))));
            }
        } catch (IOException e) {
            throw new RpmException(dir + ": " + IoErrors.why(e), e);
        }
        return new ReleaseManifest(plan.tag().tag(), plan.tag().version(), plan.tag().release(), plan.git().commit(),
                time, plan.arch().rpm(), tree.vmId(), files, null, tree.vmIdSource(), !plan.git().clean(),
                plan.overrides());
    }
}
