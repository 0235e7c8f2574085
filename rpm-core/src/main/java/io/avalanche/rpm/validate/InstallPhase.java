package io.avalanche.rpm.validate;

import io.avalanche.rpm.PathNames;
import io.avalanche.rpm.ProcessRunner;
import io.avalanche.rpm.RpmException;
import io.avalanche.rpm.format.RpmPackage;
import io.avalanche.rpm.format.RpmReader;
import io.avalanche.rpm.format.Tag;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static io.avalanche.rpm.validate.Validator.INSTALL;
import static io.avalanche.rpm.validate.Validator.SERVICE;
import static io.avalanche.rpm.validate.Validator.SMOKE;
import static io.avalanche.rpm.validate.Validator.SYSTEMD;

/**
 * The install and smoke phase of a validation, run once the signature and scriptlet gates passed: every command in
 * the install target at once (import the trusted key, rpm -K, rpm -ivh, the smoke programs, the service package's
 * check), judged afterwards; the service package's systemd boot in a container of its own.
 */
final class InstallPhase {
    /** Step ids in the install target (a package name follows the last two). */
    private static final String IMPORT = "import";
    private static final String CHECK = "rpm -K";
    /** What {@code rpm -K} prints after a package's path when its digests and signature verify. */
    static final String CHECK_OK = ": digests signatures OK";
    private static final String RUN = "run ";
    private static final String EXECUTABLE = "is executable ";
    /** Why --local never installs the service package. */
    static final String LOCAL_NOTE = "NOTE: not installed: " + ServiceCheck.PACKAGE + " runs scriptlets (creates a "
            + "user, calls systemctl), which rpm-release runs in a container only, never on this host; validate in a "
            + "container (--image) to check it";

    private final ValidationOptions options;

    InstallPhase(ValidationOptions options) {
        this.options = options;
    }

    /**
     * A {@link HeldInstall} for a container validation, its container started and held before the gates are judged;
     * null for --local (its scratch root is made when used).
     */
    HeldInstall start(FetchedRelease rel, Platform platform) {
        if (!(options.install() instanceof ValidationOptions.Container c)) {
            return null;
        }
        Map<String, String> misplaced = new LinkedHashMap<>();
        return new HeldInstall(steps(rel, misplaced, false), misplaced, rel, c, platform);
    }

    /**
     * Installs and smoke-tests {@code rel}, in the held container of {@code early} when there is one (null: a target
     * opened now); {@code confinement[0]} receives how package code was confined.
     */
    List<CheckOutcome> run(FetchedRelease rel, Path workDir, Platform platform, String[] confinement,
                           HeldInstall early) {
        List<CheckOutcome> out = new ArrayList<>();
        long t0 = early == null ? System.nanoTime() : early.started();
        boolean local = options.install() instanceof ValidationOptions.Local;
        Map<String, String> misplaced = early == null ? new LinkedHashMap<>() : early.misplaced();
        List<Step> steps = early == null ? steps(rel, misplaced, local) : early.steps();
        InstallTarget target;
        try {
            target = early != null ? early.target() : open(rel, workDir, platform);
        } catch (RpmException e) {
            return notInstalled(rel, e, t0);
        }
        try (target) {
            Duration opened = early == null ? since(t0) : Duration.ZERO;   // a held container started beside the gates
            Step.Results res;
            try {
                res = early == null ? target.run(steps) : early.open();
            } catch (RpmException e) {
                return notInstalled(rel, e, t0);
            }
            Duration installTime = opened.plus(res.time(IMPORT, CHECK, INSTALL));
            ProcessRunner.Result imp = res.get(IMPORT);
            ProcessRunner.Result k = res.get(CHECK);
            ProcessRunner.Result inst = res.get(INSTALL);
            for (var e : rel.rpms().entrySet()) {
                String name = e.getKey();
                String file = PathNames.name(e.getValue());
                String checked = imp.ok() ? checkLine(k, file) : null;
                if (!imp.ok()) {
                    out.add(CheckOutcome.failed(name, INSTALL, "rpm --import of the trusted key failed in "
                            + target.describe(), imp.output(), installTime));
                } else if (!k.ok() && !checked.endsWith(CHECK_OK)) {
                    out.add(CheckOutcome.failed(name, INSTALL, "rpm -K " + file + " failed in " + target.describe(),
                            k.output(), installTime));
                } else if (inst == null) {
                    out.add(CheckOutcome.skipped(name, INSTALL, "not installed: rpm -K failed for another package"));
                } else if (local && name.equals(ServiceCheck.PACKAGE)) {
                    out.add(CheckOutcome.skipped(name, INSTALL, LOCAL_NOTE));
                } else if (!inst.ok()) {
                    out.add(CheckOutcome.failed(name, INSTALL, "rpm -ivh failed (exit " + inst.exitCode() + ") in "
                            + target.describe() + ": " + lastLine(inst.output()), checked + "\n" + inst.output(),
                            installTime));
                } else {
                    out.add(CheckOutcome.passed(name, INSTALL, "rpm -K and rpm -ivh OK in " + target.describe(),
                            checked + "\n" + inst.output(), installTime));
                }
            }
            boolean installed = inst != null && inst.ok();
            for (var e : rel.rpms().entrySet()) {
                String name = e.getKey();
                if (name.equals(ServiceCheck.PACKAGE)) {
                    out.addAll(service(res, rel, platform, installed, local));
                } else if (!installed) {
                    out.add(CheckOutcome.skipped(name, SMOKE, "not run: the packages were not installed"));
                } else {
                    out.add(smoke(target, name, res, misplaced.get(name)));
                }
            }
            confinement[0] = target.confinement();
        }
        return out;
    }

    /**
     * The steps in the target: import the key, rpm -K of every package in one run, install all when it passed (--local:
     * never the service package), then the smoke commands (a plugin only when the package puts it where it belongs,
     * recorded in {@code misplaced}) and the service package's check.
     */
    private List<Step> steps(FetchedRelease rel, Map<String, String> misplaced, boolean local) {
        List<Step> steps = new ArrayList<>(List.of(new Step(IMPORT, new Step.ImportKey(rel.publicKey()))));
        steps.add(new Step(CHECK, new Step.CheckSignature(List.copyOf(rel.rpms().values())), IMPORT));
        List<Path> toInstall = rel.rpms().entrySet().stream()
                .filter(e -> !(local && e.getKey().equals(ServiceCheck.PACKAGE))).map(Map.Entry::getValue).toList();
        steps.add(new Step(INSTALL, new Step.Install(toInstall), IMPORT, CHECK));
        for (var e : rel.rpms().entrySet()) {
            String name = e.getKey();
            if (name.equals("avalanchego")) {
                steps.add(new Step(RUN + name, new Step.Run(ValidationOptions.BINARY, List.of("--version")), INSTALL));
            } else if (name.equals("subnet-evm")) {
                String plugin = options.pluginPath();
                String wrong;
                try {
                    wrong = SmokeCheck.pluginPlacement(pluginFiles(e.getValue()), plugin, options.vmIdSource());
                    wrong = wrong == null ? null : PathNames.name(e.getValue()) + " " + wrong;
                } catch (RpmException | UncheckedIOException x) {
                    wrong = x.getMessage();
                }
                if (wrong != null) {
                    misplaced.put(name, wrong);
                    continue;
                }
                steps.add(new Step(EXECUTABLE + name, new Step.IsExecutable(plugin), INSTALL));
                steps.add(new Step(RUN + name, new Step.Run(plugin, List.of("--version")), INSTALL, EXECUTABLE + name));
            } else if (name.equals(ServiceCheck.PACKAGE) && !local) {
                steps.add(new Step(RUN + name, ServiceCheck.step(), INSTALL));
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

    /** The service package's two checks: in the installed target, then with systemd booted in its own container. */
    private List<CheckOutcome> service(Step.Results res, FetchedRelease rel, Platform platform, boolean installed,
                                       boolean local) {
        String name = ServiceCheck.PACKAGE;
        if (local) {
            return List.of(CheckOutcome.skipped(name, SERVICE, "not run: " + name + " is not installed with --local"),
                    CheckOutcome.skipped(name, SYSTEMD, "not run: " + name + " is not installed with --local"));
        }
        if (!installed) {
            return List.of(CheckOutcome.skipped(name, SERVICE, "not run: the packages were not installed"),
                    CheckOutcome.skipped(name, SYSTEMD, "not run: the packages were not installed"));
        }
        List<CheckOutcome> out = new ArrayList<>();
        ProcessRunner.Result r = res.get(RUN + name);
        ServiceCheck.Verdict v = ServiceCheck.judge(r.output());
        out.add(new CheckOutcome(name, SERVICE, v.status(), v.message(), v.output(), res.time(RUN + name)));
        ValidationOptions.Container c = (ValidationOptions.Container) options.install();
        out.add(verdict(name, SYSTEMD, () -> SystemdBoot.check(c.engine(), c.imageFor(platform.arch()), platform,
                List.copyOf(rel.rpms().values()), rel.publicKey())));
        return out;
    }

    private static CheckOutcome verdict(String pkg, String check, Supplier<ServiceCheck.Verdict> body) {
        long t0 = System.nanoTime();
        try {
            ServiceCheck.Verdict v = body.get();
            return new CheckOutcome(pkg, check, v.status(), v.message(), v.output(), since(t0));
        } catch (RpmException | UncheckedIOException e) {
            return CheckOutcome.failed(pkg, check, e.getMessage(), "", since(t0));
        }
    }

    private InstallTarget open(FetchedRelease rel, Path workDir, Platform platform) {
        if (options.install() instanceof ValidationOptions.Container c) {
            return ContainerTarget.open(c.engine(), c.imageFor(platform.arch()), rel.publicKey().getParent(), platform);
        }
        return LocalTarget.start(workDir.resolve("root"), options.targetGlibc(), platform);
    }

    /**
     * The smoke check from the steps' results; an ERROR (nothing ran) when the programs could not be confined on this
     * host ({@link HostSandbox#NOT_CONFINED}).
     */
    private CheckOutcome smoke(InstallTarget target, String name, Step.Results res, String misplaced) {
        Duration t = res.time(EXECUTABLE + name, RUN + name);
        ProcessRunner.Result run = res.get(RUN + name);
        if (run != null && run.exitCode() == HostSandbox.NOT_CONFINED) {
            return CheckOutcome.error(name, SMOKE, run.output() + "; nothing was run", t);
        }
        String commit = options.commit();
        Partial p;
        if (name.equals("avalanchego")) {
            SmokeCheck.Verdict v = SmokeCheck.avalanchego(ValidationOptions.BINARY, run.exitCode(), run.output(), commit);
            p = new Partial(v.ok(), v.message(), run.output());
        } else if (name.equals("subnet-evm")) {
            String plugin = options.pluginPath();
            ProcessRunner.Result x = misplaced != null ? null : res.get(EXECUTABLE + name);
            if (misplaced != null) {
                p = new Partial(false, misplaced, "");
            } else if (!x.ok()) {
                p = new Partial(false, "plugin " + plugin + " is missing or not executable in " + target.describe(),
                        x.output());
            } else {
                SmokeCheck.Verdict v = SmokeCheck.plugin(plugin, run.exitCode(), run.output(), commit);
                p = new Partial(v.ok(), v.message(), run.output());
            }
        } else {
            p = new Partial(true, "no smoke test defined for package " + name, "");
        }
        return p.ok() ? CheckOutcome.passed(name, SMOKE, p.message(), p.output(), t)
                : CheckOutcome.failed(name, SMOKE, p.message(), p.output(), t);
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

    private static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /**
     * The line {@code rpm -K} printed for {@code file} ("PATH: digests signatures OK" when it verified), or, when it
     * printed none, its whole output.
     */
    static String checkLine(ProcessRunner.Result k, String file) {
        return k.output().lines().filter(l -> l.contains("/" + file + ": ")).findFirst().orElse(k.output().strip());
    }

    private static String lastLine(String s) {
        List<String> lines = s.strip().lines().toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }
}
