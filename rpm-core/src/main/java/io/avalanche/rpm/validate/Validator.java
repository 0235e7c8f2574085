package io.avalanche.rpm.validate;

import io.avalanche.rpm.PathNames;
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
        InstallTarget target;
        try {
            target = open(rel, workDir, platform);
        } catch (RpmException e) {
            for (String name : rel.rpms().keySet()) {
                out.add(CheckOutcome.error(name, INSTALL, e.getMessage(), since(t0)));
                out.add(CheckOutcome.skipped(name, SMOKE, "not run: no install target"));
            }
            return out;
        }
        try (target) {
            Exec.Result imp = target.importKey(rel.publicKey());
            Map<String, Exec.Result> checks = new LinkedHashMap<>();
            for (var e : rel.rpms().entrySet()) {
                checks.put(e.getKey(), imp.ok() ? target.checkSignature(e.getValue()) : null);
            }
            boolean allK = imp.ok() && checks.values().stream().allMatch(Exec.Result::ok);
            boolean local = options.install() instanceof ValidationOptions.Local;
            List<Path> toInstall = rel.rpms().entrySet().stream()
                    .filter(e -> !(local && e.getKey().equals(ServiceCheck.PACKAGE))).map(Map.Entry::getValue).toList();
            Exec.Result inst = allK ? target.install(toInstall) : null;
            Duration installTime = since(t0);
            for (var e : rel.rpms().entrySet()) {
                String name = e.getKey();
                String file = PathNames.name(e.getValue());
                Exec.Result k = checks.get(name);
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
                if (e.getKey().equals(ServiceCheck.PACKAGE)) {
                    out.addAll(service(target, rel, platform, installed, local));
                } else if (!installed) {
                    out.add(CheckOutcome.skipped(e.getKey(), SMOKE, "not run: the packages were not installed"));
                } else {
                    out.add(smokeOrError(target, e.getKey(), e.getValue()));
                }
            }
            confinement[0] = target.confinement();
        }
        return out;
    }

    /** The service package's two checks: in the installed target, then with systemd booted in its own container. */
    private List<CheckOutcome> service(InstallTarget target, FetchedRelease rel, Platform platform, boolean installed,
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
        out.add(verdict(name, SERVICE, () -> ServiceCheck.installed(target)));
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
            return ContainerTarget.start(c.engine(), c.imageFor(platform.arch()), rel.publicKey().getParent(), platform);
        }
        return LocalTarget.start(workDir.resolve("root"), options.targetGlibc(), platform);
    }

    /** The smoke check; an ERROR (nothing ran) when the programs cannot be confined on this host. */
    private CheckOutcome smokeOrError(InstallTarget target, String name, Path rpm) {
        long t0 = System.nanoTime();
        try {
            return timed(name, SMOKE, () -> smoke(target, name, rpm));
        } catch (HostSandbox.ConfinementException e) {
            return CheckOutcome.error(name, SMOKE, e.getMessage() + "; nothing was run", since(t0));
        }
    }

    private Partial smoke(InstallTarget target, String name, Path rpm) {
        String commit = options.commit();
        if (name.equals("avalanchego")) {
            Exec.Result r = target.run(ValidationOptions.BINARY, "--version");
            SmokeCheck.Verdict v = SmokeCheck.avalanchego(ValidationOptions.BINARY, r.exitCode(), r.output(), commit);
            return new Partial(v.ok(), v.message(), r.output());
        }
        if (name.equals("subnet-evm")) {
            String plugin = options.pluginPath();
            String misplaced = SmokeCheck.pluginPlacement(pluginFiles(rpm), plugin, options.vmIdSource());
            if (misplaced != null) {
                return new Partial(false, rpm.getFileName() + " " + misplaced, "");
            }
            Exec.Result x = target.isExecutable(plugin);
            if (!x.ok()) {
                return new Partial(false, "plugin " + plugin + " is missing or not executable in " + target.describe(),
                        x.output());
            }
            Exec.Result r = target.run(plugin, "--version");
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
        } catch (HostSandbox.ConfinementException e) {
            throw e;
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
