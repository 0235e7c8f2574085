package io.avalanche.rpm.validate;

import io.avalanche.rpm.PathNames;
import io.avalanche.rpm.ProcessRunner;
import io.avalanche.rpm.RpmException;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.format.Tag;
import io.avalanche.rpm.format.RpmPackage;
import io.avalanche.rpm.format.RpmReader;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Validates a published release: per package, (1) digests and signature against the published key,
 * (2) the ELF gate, (3) install into a fresh target with rpm --import / rpm -K / rpm -ivh, (4) smoke test.
 * Install and smoke run only when every signature check passed.
 */
public final class Validator {
    public static final String SIGNATURE = "signature";
    public static final String ELF = "elf";
    public static final String INSTALL = "install";
    public static final String SMOKE = "smoke";
    /** Step ids in the install target (a package name follows the last three). */
    private static final String IMPORT = "import";
    private static final String CHECK = "rpm -K ";
    private static final String RUN = "run ";
    private static final String EXECUTABLE = "is executable ";

    private final ValidationOptions options;

    public Validator(ValidationOptions options) {
        this.options = options;
    }

    /** Like {@link #validate(ReleaseSource, Path)} in a temporary work directory that is deleted afterwards. */
    public ValidationReport validate(ReleaseSource source) {
        Path work;
        try {
            work = java.nio.file.Files.createTempDirectory("rpm-release-validate");
        } catch (java.io.IOException e) {
            throw new UncheckedIOException("cannot create a temporary work directory: " + e.getMessage(), e);
        }
        try {
            return validate(source, work);
        } finally {
            Cleanup.deleteTree(work);
        }
    }

    /**
     * Fetches the release from {@code source} into workDir (caller owns and deletes it) and runs every check.
     * A foreign arch runs under qemu-user emulation; ValidationException when that is not set up.
     */
    public ValidationReport validate(ReleaseSource source, Path workDir) {
        ValidationOptions o = options.withVmIdOf(source);
        return o == options ? run(source, workDir) : new Validator(o).run(source, workDir);
    }

    private ValidationReport run(ReleaseSource source, Path workDir) {
        ReleaseRef ref = options.ref();
        Platform platform = Platform.resolve(Arch.parse(ref.rpmArch()), options.install()
                instanceof ValidationOptions.Container ? Platform.Runner.CONTAINER : Platform.Runner.LOCAL);
        FetchedRelease rel = source.fetch(ref, workDir);
        List<CheckOutcome> results = new ArrayList<>();
        List<CheckOutcome> signatures = new ArrayList<>();
        for (var e : rel.rpms().entrySet()) {
            CheckOutcome r = timed(e.getKey(), SIGNATURE, () -> {
                SignatureVerifier.Outcome o = options.signatureCheck().check(e.getValue(), rel.publicKey());
                return new Partial(o.ok(), o.message(), o.detail());
            });
            signatures.add(r);
            results.add(r);
        }
        source.publishedStore().ifPresent(store ->
                results.addAll(new RepositoryCheck(store, source.layout(), java.time.Instant.now()).check(ref, rel)));
        ElfGate gate = new ElfGate(options.targetGlibc());
        for (var e : rel.rpms().entrySet()) {
            results.add(timed(e.getKey(), ELF, () -> {
                ElfGate.Report g = gate.check(e.getValue(), workDir.resolve("elf"));
                if (g.ok()) {
                    return new Partial(true, g.inspected().isEmpty() ? "no ELF executables"
                            : g.inspected().size() + " ELF executable(s) match " + ref.rpmArch() + " and glibc <= "
                            + options.targetGlibc(), String.join("\n", g.inspected()));
                }
                return new Partial(false, String.join("; ", g.problems()), String.join("\n", g.inspected()));
            }));
        }
        List<String> badSig = signatures.stream().filter(CheckOutcome::failed).map(CheckOutcome::packageName).toList();
        if (!badSig.isEmpty()) {
            for (String name : rel.rpms().keySet()) {
                results.add(CheckOutcome.skipped(name, INSTALL, "not installed: signature check failed for " + badSig));
                results.add(CheckOutcome.skipped(name, SMOKE, "not run: nothing was installed"));
            }
        } else {
            results.addAll(installAndSmoke(rel, workDir, platform));
        }
        return new ValidationReport(ref.tag() + " " + ref.rpmArch(), targetName(platform), order(results, rel),
                platform);
    }

    private String targetName(Platform platform) {
        return (options.install() instanceof ValidationOptions.Container c ? "image " + c.imageFor(platform.arch())
                : "local rpm root (glibc " + options.targetGlibc() + ")")
                + (platform.emulated() ? " (" + platform.label() + ": " + platform.how() + ")" : "");
    }

    private List<CheckOutcome> installAndSmoke(FetchedRelease rel, Path workDir, Platform platform) {
        List<CheckOutcome> out = new ArrayList<>();
        long t0 = System.nanoTime();
        Map<String, String> misplaced = new LinkedHashMap<>();
        List<Step> steps = steps(rel, misplaced);
        InstallTarget target;
        try {
            target = open(rel, workDir, platform);
        } catch (RpmException e) {
            return notInstalled(rel, e, t0);
        }
        try (target) {
            Duration opened = since(t0);
            Step.Results res;
            try {
                res = target.run(steps);
            } catch (RpmException e) {
                return notInstalled(rel, e, t0);
            }
            List<String> checkIds = rel.rpms().keySet().stream().map(n -> CHECK + n).toList();
            List<String> installIds = new ArrayList<>(List.of(IMPORT));
            installIds.addAll(checkIds);
            installIds.add(INSTALL);
            Duration installTime = opened.plus(res.time(installIds.toArray(String[]::new)));
            ProcessRunner.Result imp = res.get(IMPORT);
            ProcessRunner.Result inst = res.get(INSTALL);
            for (var e : rel.rpms().entrySet()) {
                String name = e.getKey();
                String file = PathNames.name(e.getValue());
                ProcessRunner.Result k = res.get(CHECK + name);
                if (!imp.ok()) {
                    out.add(CheckOutcome.failed(name, INSTALL, "rpm --import of the published key failed in "
                            + target.describe(), imp.output(), installTime));
                } else if (!k.ok()) {
                    out.add(CheckOutcome.failed(name, INSTALL, "rpm -K " + file + " failed in " + target.describe(),
                            k.output(), installTime));
                } else if (inst == null) {
                    out.add(CheckOutcome.skipped(name, INSTALL, "not installed: rpm -K failed for another package"));
                } else if (!inst.ok()) {
                    out.add(CheckOutcome.failed(name, INSTALL, "rpm -ivh failed (exit " + inst.exitCode() + ") in "
                            + target.describe() + ": " + lastLine(inst.output()), k.output() + inst.output(),
                            installTime));
                } else {
                    out.add(CheckOutcome.passed(name, INSTALL, "rpm -K and rpm -ivh OK in " + target.describe(),
                            k.output() + inst.output(), installTime));
                }
            }
            boolean installed = inst != null && inst.ok();
            for (var e : rel.rpms().entrySet()) {
                String name = e.getKey();
                if (!installed) {
                    out.add(CheckOutcome.skipped(name, SMOKE, "not run: the packages were not installed"));
                } else {
                    Duration t = res.time(EXECUTABLE + name, RUN + name);
                    Partial p = smoke(target, name, res, misplaced.get(name));
                    out.add(p.ok() ? CheckOutcome.passed(name, SMOKE, p.message(), p.output(), t)
                            : CheckOutcome.failed(name, SMOKE, p.message(), p.output(), t));
                }
            }
        }
        return out;
    }

    /**
     * The steps in the target: import the key, rpm -K each package, install all when every check passed, then
     * the smoke commands (a plugin only when the package puts it where it belongs, recorded in {@code misplaced}).
     */
    private List<Step> steps(FetchedRelease rel, Map<String, String> misplaced) {
        List<Step> steps = new ArrayList<>(List.of(new Step(IMPORT, new Step.ImportKey(rel.publicKey()))));
        List<String> installNeeds = new ArrayList<>(List.of(IMPORT));
        for (var e : rel.rpms().entrySet()) {
            steps.add(new Step(CHECK + e.getKey(), new Step.CheckSignature(e.getValue()), IMPORT));
            installNeeds.add(CHECK + e.getKey());
        }
        steps.add(new Step(INSTALL, new Step.Install(List.copyOf(rel.rpms().values())), installNeeds));
        for (var e : rel.rpms().entrySet()) {
            String name = e.getKey();
            if (name.equals("avalanchego")) {
                steps.add(new Step(RUN + name, new Step.Run(ValidationOptions.BINARY, List.of("--version")), INSTALL));
            } else if (name.equals("subnet-evm")) {
                String plugin = options.pluginPath();
                String wrong;
                try {
                    wrong = SmokeCheck.pluginPlacement(pluginFiles(e.getValue()), plugin, options.vmIdSource());
                    wrong = wrong == null ? null : e.getValue().getFileName() + " " + wrong;
                } catch (RpmException | UncheckedIOException x) {
                    wrong = x.getMessage();
                }
                if (wrong != null) {
                    misplaced.put(name, wrong);
                    continue;
                }
                steps.add(new Step(EXECUTABLE + name, new Step.IsExecutable(plugin), INSTALL));
                steps.add(new Step(RUN + name, new Step.Run(plugin, List.of("--version")), INSTALL, EXECUTABLE + name));
            }
        }
        return steps;
    }

    private static List<CheckOutcome> notInstalled(FetchedRelease rel, RpmException e, long t0) {
        List<CheckOutcome> out = new ArrayList<>();
        for (String name : rel.rpms().keySet()) {
            out.add(CheckOutcome.error(name, INSTALL, e.getMessage(), since(t0)));
            out.add(CheckOutcome.skipped(name, SMOKE, "not run: no install target"));
        }
        return out;
    }

    private InstallTarget open(FetchedRelease rel, Path workDir, Platform platform) {
        if (options.install() instanceof ValidationOptions.Container c) {
            return ContainerTarget.open(c.engine(), c.imageFor(platform.arch()), rel.publicKey().getParent(), platform);
        }
        return LocalTarget.start(workDir.resolve("root"), options.targetGlibc(), platform);
    }

    private Partial smoke(InstallTarget target, String name, Step.Results res, String misplaced) {
        String commit = options.commit();
        if (name.equals("avalanchego")) {
            ProcessRunner.Result r = res.get(RUN + name);
            SmokeCheck.Verdict v = SmokeCheck.avalanchego(ValidationOptions.BINARY, r.exitCode(), r.output(), commit);
            return new Partial(v.ok(), v.message(), r.output());
        }
        if (name.equals("subnet-evm")) {
            String plugin = options.pluginPath();
            if (misplaced != null) {
                return new Partial(false, misplaced, "");
            }
            ProcessRunner.Result x = res.get(EXECUTABLE + name);
            if (!x.ok()) {
                return new Partial(false, "plugin " + plugin + " is missing or not executable in " + target.describe(),
                        x.output());
            }
            ProcessRunner.Result r = res.get(RUN + name);
            SmokeCheck.Verdict v = SmokeCheck.plugin(plugin, r.exitCode(), r.output(), commit);
            return new Partial(v.ok(), v.message(), r.output());
        }
        return new Partial(true, "no smoke test defined for package " + name, "");
    }

    /** Files the package installs directly under the plugin directory; their names are the VM IDs. */
    static List<String> pluginFiles(Path rpm) {
        RpmPackage pkg = RpmReader.read(rpm);
        String[] dirs = pkg.header().strings(Tag.DIRNAMES);
        String[] bases = pkg.header().strings(Tag.BASENAMES);
        long[] idx = pkg.header().numbers(Tag.DIRINDEXES);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < bases.length && i < idx.length; i++) {
            if (idx[i] >= 0 && idx[i] < dirs.length && dirs[(int) idx[i]].equals(ValidationOptions.PLUGIN_DIR + "/")) {
                out.add(ValidationOptions.PLUGIN_DIR + "/" + bases[i]);
            }
        }
        return out;
    }

    private record Partial(boolean ok, String message, String output) {
    }

    private static CheckOutcome timed(String pkg, String check, Supplier<Partial> body) {
        long t0 = System.nanoTime();
        try {
            Partial p = body.get();
            return p.ok() ? CheckOutcome.passed(pkg, check, p.message(), p.output(), since(t0))
                    : CheckOutcome.failed(pkg, check, p.message(), p.output(), since(t0));
        } catch (RpmException | UncheckedIOException e) {
            return CheckOutcome.failed(pkg, check, e.getMessage(), "", since(t0));
        }
    }

    private static List<CheckOutcome> order(List<CheckOutcome> results, FetchedRelease rel) {
        List<CheckOutcome> out = new ArrayList<>();
        for (String name : rel.rpms().keySet()) {
            results.stream().filter(r -> r.packageName().equals(name)).forEach(out::add);
        }
        results.stream().filter(r -> !rel.rpms().containsKey(r.packageName())).forEach(out::add);
        return out;
    }

    private static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    private static String lastLine(String s) {
        List<String> lines = s.strip().lines().toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }
}
