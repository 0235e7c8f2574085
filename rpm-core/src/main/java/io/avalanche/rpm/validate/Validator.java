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
 * Validates a release: per package, (1) digests and signature against the trust anchor (a pinned key; the published
 * key only when the caller says so), (2) no scriptlet or trigger unless declared (read from the header, before
 * anything is installed), (3) the ELF gate, (4) install into a fresh target with rpm --import / rpm -K / rpm -ivh,
 * (5) smoke test. Install and smoke run only when every signature and scriptlet check passed.
 */
public final class Validator {
    public static final String SIGNATURE = "signature";
    public static final String ELF = "elf";
    public static final String INSTALL = "install";
    public static final String SMOKE = "smoke";
    /** The avalanchego-service package's checks in place of a smoke test: installed files, then booted systemd. */
    public static final String SERVICE = "service";
    public static final String SYSTEMD = "systemd";
    /** Why --local never installs the service package. */
    /** Step ids in the install target (a package name follows the last three). */
    private static final String IMPORT = "import";
    private static final String CHECK = "rpm -K ";
    private static final String RUN = "run ";
    private static final String EXECUTABLE = "is executable ";
    static final String LOCAL_NOTE = "NOTE: not installed: " + ServiceCheck.PACKAGE + " runs scriptlets (creates a "
            + "user, calls systemctl), which rpm-release runs in a container only, never on this host; validate in a "
            + "container (--image) to check it";

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
        options.anchor().require(source);
        ValidationOptions o = options.withVmIdOf(source);
        return o == options ? run(source, workDir) : new Validator(o).run(source, workDir);
    }

    private ValidationReport run(ReleaseSource source, Path workDir) {
        ReleaseRef ref = options.ref();
        Platform platform = Platform.resolve(Arch.parse(ref.rpmArch()), options.install()
                instanceof ValidationOptions.Container ? Platform.Runner.CONTAINER : Platform.Runner.LOCAL);
        FetchedRelease fetched = source.fetch(ref, workDir);
        TrustAnchor.Applied anchor = options.anchor().apply(fetched, source);
        FetchedRelease rel = new FetchedRelease(fetched.rpms(), anchor.keyFile());
        List<CheckOutcome> results = new ArrayList<>(anchor.checks());
        List<CheckOutcome> gates = new ArrayList<>();
        for (var e : rel.rpms().entrySet()) {
            CheckOutcome r = timed(e.getKey(), SIGNATURE, () -> {
                SignatureVerifier.Outcome o = options.signatureCheck().check(e.getValue(), rel.publicKey());
                return new Partial(o.ok(), o.message(), o.detail());
            });
            gates.add(r);
            results.add(r);
        }
        boolean local = options.install() instanceof ValidationOptions.Local;
        for (var e : rel.rpms().entrySet()) {
            CheckOutcome r;
            try {
                r = Scriptlets.check(e.getKey(), e.getValue(), options.scriptletPackages(), local);
            } catch (RpmException | UncheckedIOException ex) {
                r = CheckOutcome.failed(e.getKey(), Scriptlets.CHECK, ex.getMessage(), "", Duration.ZERO);
            }
            gates.add(r);
            results.add(r);
        }
        source.publishedStore().ifPresent(store ->
                results.addAll(new RepositoryCheck(store, source.layout(), java.time.Instant.now()).check(ref, rel)));
        ElfGate gate = new ElfGate(options.targetGlibc());
        for (var e : rel.rpms().entrySet()) {
            results.add(timed(e.getKey(), ELF, () -> {
                ElfGate.Report g = gate.check(e.getValue(), workDir.resolve("elf"));
                if (g.ok()) {
                    return new Partial(true, g.inspected().isEmpty() ? "no ELF files"
                            : g.inspected().size() + " ELF file(s) match " + ref.rpmArch() + " and glibc <= "
                            + options.targetGlibc(), String.join("\n", g.inspected()));
                }
                return new Partial(false, String.join("; ", g.problems()), String.join("\n", g.inspected()));
            }));
        }
        List<String> blocked = gates.stream().filter(CheckOutcome::failed)
                .map(c -> c.packageName() + " " + c.check()).toList();
        String[] confinement = {"no package code ran: nothing was installed"};
        if (!blocked.isEmpty()) {
            for (String name : rel.rpms().keySet()) {
                results.add(CheckOutcome.skipped(name, INSTALL, "not installed: " + blocked + " failed"));
                results.add(CheckOutcome.skipped(name, SMOKE, "not run: nothing was installed"));
            }
        } else {
            results.addAll(installAndSmoke(rel, workDir, platform, confinement));
            // from a published location: the customer's upgrade path, with dnf, in a container of its own
            source.publishedStore().ifPresent(store -> results.addAll(new UpgradeCheck(store, source.layout(),
                    options, platform).check(ref, rel, workDir)));
        }
        return new ValidationReport(ref.tag() + " " + ref.rpmArch(), targetName(platform), order(results, rel),
                platform, anchor.warnings(), confinement[0]);
    }

    private String targetName(Platform platform) {
        return (options.install() instanceof ValidationOptions.Container c ? "image " + c.imageFor(platform.arch())
                : "local rpm root (glibc " + options.targetGlibc() + ")")
                + (platform.emulated() ? " (" + platform.label() + ": " + platform.how() + ")" : "");
    }

    private List<CheckOutcome> installAndSmoke(FetchedRelease rel, Path workDir, Platform platform,
                                               String[] confinement) {
        List<CheckOutcome> out = new ArrayList<>();
        long t0 = System.nanoTime();
        boolean local = options.install() instanceof ValidationOptions.Local;
        Map<String, String> misplaced = new LinkedHashMap<>();
        List<Step> steps = steps(rel, misplaced, local);
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
            List<String> installIds = new ArrayList<>(List.of(IMPORT));
            rel.rpms().keySet().forEach(n -> installIds.add(CHECK + n));
            installIds.add(INSTALL);
            Duration installTime = opened.plus(res.time(installIds.toArray(String[]::new)));
            ProcessRunner.Result imp = res.get(IMPORT);
            ProcessRunner.Result inst = res.get(INSTALL);
            for (var e : rel.rpms().entrySet()) {
                String name = e.getKey();
                String file = PathNames.name(e.getValue());
                ProcessRunner.Result k = res.get(CHECK + name);
                if (!imp.ok()) {
                    out.add(CheckOutcome.failed(name, INSTALL, "rpm --import of the trusted key failed in "
                            + target.describe(), imp.output(), installTime));
                } else if (!k.ok()) {
                    out.add(CheckOutcome.failed(name, INSTALL, "rpm -K " + file + " failed in " + target.describe(),
                            k.output(), installTime));
                } else if (inst == null) {
                    out.add(CheckOutcome.skipped(name, INSTALL, "not installed: rpm -K failed for another package"));
                } else if (local && name.equals(ServiceCheck.PACKAGE)) {
                    out.add(CheckOutcome.skipped(name, INSTALL, LOCAL_NOTE));
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
     * The steps in the target: import the key, rpm -K each package, install all when every check passed (--local:
     * never the service package), then the smoke commands (a plugin only when the package puts it where it belongs,
     * recorded in {@code misplaced}) and the service package's check.
     */
    private List<Step> steps(FetchedRelease rel, Map<String, String> misplaced, boolean local) {
        List<Step> steps = new ArrayList<>(List.of(new Step(IMPORT, new Step.ImportKey(rel.publicKey()))));
        List<String> installNeeds = new ArrayList<>(List.of(IMPORT));
        for (var e : rel.rpms().entrySet()) {
            steps.add(new Step(CHECK + e.getKey(), new Step.CheckSignature(e.getValue()), IMPORT));
            installNeeds.add(CHECK + e.getKey());
        }
        List<Path> toInstall = rel.rpms().entrySet().stream()
                .filter(e -> !(local && e.getKey().equals(ServiceCheck.PACKAGE))).map(Map.Entry::getValue).toList();
        steps.add(new Step(INSTALL, new Step.Install(toInstall), installNeeds));
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
