package io.avalanche.rpm.validate;

import io.avalanche.rpm.IoErrors;
import io.avalanche.rpm.RpmException;
import io.avalanche.rpm.format.Arch;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
            throw new UncheckedIOException("cannot create a temporary work directory: " + IoErrors.why(e), e);
        }
        try {
            return validate(source, work);
        } finally {
            io.avalanche.rpm.ExitCleanup.deleteTree(work);
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
        InstallPhase install = new InstallPhase(options);
        // a container starts now, held at its gate, while the checks below run: no step of it before they passed
        try (HeldInstall early = install.start(rel, platform)) {
            return run(source, workDir, ref, platform, anchor, rel, install, early);
        }
    }

    private ValidationReport run(ReleaseSource source, Path workDir, ReleaseRef ref, Platform platform,
                                 TrustAnchor.Applied anchor, FetchedRelease rel, InstallPhase install,
                                 HeldInstall early) {
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
            results.addAll(install.run(rel, workDir, platform, confinement, early));
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

}
