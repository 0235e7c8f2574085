package io.avalanche.rpm.validate;

import io.avalanche.rpm.ProcessRunner;

import io.avalanche.rpm.RpmException;
import io.avalanche.rpm.format.Evr;
import io.avalanche.rpm.format.RpmPackage;
import io.avalanche.rpm.format.RpmReader;
import io.avalanche.rpm.publish.Layout;
import io.avalanche.rpm.store.ObjectStore;
import io.avalanche.rpm.yum.PackageMetadata;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The upgrade path as a customer walks it, with the customer's own client: in a fresh container of the target image
 * of its own, real dnf installs the previous release of the same channel from the published repository (its .repo
 * file: gpgcheck=1, repo_gpgcheck=1, the published key), upgrades to the release being validated, runs the smoke
 * test and {@code rpm -V}, then downgrades back and checks again. The first release of a channel has nothing to
 * upgrade from: a NOTE says so.
 */
public final class UpgradeCheck {
    public static final String UPGRADE = "upgrade";
    public static final String DOWNGRADE = "downgrade";
    private static final String DNF = "dnf --version";
    /** The transactions in order: the previous release, this one, the previous one again. */
    private static final List<String> VERBS = List.of("install", UPGRADE, DOWNGRADE);
    private static final Pattern ANY_COMMIT = Pattern.compile("(commit=|@)[0-9a-fA-F]{40}(?![0-9A-Za-z])");

    private final ObjectStore store;
    private final Layout layout;
    private final ValidationOptions options;
    private final Platform platform;

    public UpgradeCheck(ObjectStore store, Layout layout, ValidationOptions options, Platform platform) {
        this.store = store;
        this.layout = layout;
        this.options = options;
        this.platform = platform;
    }

    /** The upgrade and downgrade checks of every package of {@code rel}; never throws for what it finds. */
    public List<CheckOutcome> check(ReleaseRef ref, FetchedRelease rel, Path workDir) {
        List<String> names = List.copyOf(rel.rpms().keySet());
        if (!(options.install() instanceof ValidationOptions.Container c)) {
            return notes(names, "the upgrade and downgrade checks run dnf in a container of the target image; "
                    + "--local validation does not run them");
        }
        long t0 = System.nanoTime();
        ChannelHistory history;
        Map<String, Evr> current = new LinkedHashMap<>();
        try {
            history = ChannelHistory.read(store, layout, ref.channel(), ref.rpmArch());
            for (Map.Entry<String, Path> e : rel.rpms().entrySet()) {
                RpmPackage p = RpmReader.read(e.getValue());
                long[] epoch = p.header().numbers(io.avalanche.rpm.format.Tag.EPOCH);
                current.put(e.getKey(), new Evr(epoch.length > 0 ? epoch[0] : 0, p.version(), p.release()));
            }
        } catch (RpmException | UncheckedIOException e) {
            return all(names, n -> CheckOutcome.failed(n, UPGRADE, "cannot read what the " + ref.channel().id()
                    + " channel offers: " + e.getMessage(), "", since(t0)));
        }
        String main = names.get(0);
        Evr now = current.get(main);
        var previous = history.previous(main, now);
        if (previous.isEmpty()) {
            return notes(names, "first release of the " + ref.channel().id() + " channel for " + ref.rpmArch()
                    + " (its metadata lists no " + main + " older than " + now + "): nothing to upgrade from");
        }
        Evr prev = previous.get();
        List<String> moving = new ArrayList<>();
        List<CheckOutcome> out = new ArrayList<>();
        List<PackageMetadata> needed = new ArrayList<>();
        for (String n : names) {
            var from = history.entry(n, prev);
            var to = history.entry(n, current.get(n));
            if (to.isEmpty()) {
                out.add(CheckOutcome.failed(n, UPGRADE, "the " + ref.channel().id() + " metadata does not list " + n
                        + " " + current.get(n) + ": dnf cannot upgrade to it (yanked, or the publish did not complete)",
                        "", since(t0)));
                out.add(CheckOutcome.skipped(n, DOWNGRADE, "not run: no upgrade"));
            } else if (from.isEmpty()) {
                out.addAll(notes(List.of(n), "the previous release " + prev + " of the " + ref.channel().id()
                        + " channel has no " + n + ": nothing to upgrade from"));
            } else {
                moving.add(n);
                needed.add(from.get());
                needed.add(to.get());
            }
        }
        if (!moving.isEmpty()) {
            out.addAll(walk(c, history, moving, prev, current, needed, workDir, t0));
        }
        return order(names, out);
    }

    /**
     * Install the previous release, upgrade, downgrade, checking after each: in a container of its own, every
     * command in one run ({@link InstallTarget#run}), each transaction only when the one before it succeeded.
     */
    private List<CheckOutcome> walk(ValidationOptions.Container c, ChannelHistory history, List<String> names, Evr prev,
                                    Map<String, Evr> current, List<PackageMetadata> needed, Path workDir, long t0) {
        Path copy = workDir.resolve("upgrade-repository");
        String repoText;
        String repo = history.repoName();
        List<Step> steps = new ArrayList<>();
        steps.add(new Step(DNF, new Step.Run("dnf", List.of("--version"))));
        String before = DNF;
        for (String verb : VERBS) {
            Evr to = verb.equals(UPGRADE) ? null : prev;
            List<String> cmd = new ArrayList<>(List.of("-y", "--releasever=9", "--setopt=reposdir="
                    + ContainerTarget.MOUNT + "/yum.repos.d", "--disablerepo=*", "--enablerepo=" + repo,
                    "--setopt=install_weak_deps=False", "--nodocs", verb));
            for (String n : names) {
                cmd.add(n + "-" + (to != null ? to : current.get(n)));
            }
            steps.add(new Step(verb, new Step.Run("dnf", cmd), before));
            for (String n : names) {
                steps.add(new Step(verb + " q " + n,
                        new Step.Run("rpm", List.of("-q", "--qf", "%{EPOCHNUM}:%{VERSION}-%{RELEASE}", n)), verb));
                steps.add(new Step(verb + " V " + n, new Step.Run("rpm", List.of("-V", n)), verb));
                String binary = binary(n);
                if (binary != null) {
                    steps.add(new Step(verb + " smoke " + n, new Step.Run(binary, List.of("--version")), verb));
                }
            }
            before = verb;
        }
        Step.Results res;
        String where;
        try {
            repoText = history.copy(copy, needed, ContainerTarget.MOUNT);
            try (ContainerTarget box = ContainerTarget.open(c.engine(), c.imageFor(platform.arch()), copy, platform)) {
                where = box.describe();
                res = box.run(steps);
            }
        } catch (RpmException | UncheckedIOException e) {
            return all(names, n -> CheckOutcome.error(n, UPGRADE, "the upgrade check could not start: "
                    + e.getMessage(), since(t0)));
        }
        ProcessRunner.Result dnf = res.get(DNF);
        if (!dnf.ok()) {
            return all(names, n -> CheckOutcome.error(n, UPGRADE, "image " + c.imageFor(platform.arch())
                    + " has no dnf (" + lastLine(dnf.output()) + "): the upgrade check needs the customer's "
                    + "client; rebuild the stand-in with scripts/build-target-image.sh --rebuild --arch "
                    + platform.arch().docker(), since(t0)));
        }
        StringBuilder log = new StringBuilder("# " + repo + ".repo as published (baseurl and gpgkey pointed at "
                + "the copy in " + ContainerTarget.MOUNT + ")\n" + repoText + "\n");
        Phase first = phase(res, log, "install", names, prev, null);
        Phase up = first.ok ? phase(res, log, UPGRADE, names, null, current) : null;
        Phase down = up != null && up.ok ? phase(res, log, DOWNGRADE, names, prev, null) : null;
        List<CheckOutcome> out = new ArrayList<>();
        for (String n : names) {
            String route = prev + " -> " + current.get(n);
            String how = " with dnf from repository " + repo + " (its .repo file as published: "
                    + setting(repoText, "gpgcheck") + ", " + setting(repoText, "repo_gpgcheck") + ") in " + where;
            String upProblem = !first.ok ? first.problem : first.problems.get(n) != null ? first.problems.get(n)
                    : !up.ok ? up.problem : up.problems.get(n);
            if (upProblem == null) {
                out.add(CheckOutcome.passed(n, UPGRADE, "installed " + prev + ", upgraded " + route + how
                        + "; rpm -V and the smoke test passed on both", log.toString(), since(t0)));
            } else {
                out.add(CheckOutcome.failed(n, UPGRADE, "upgrade " + route + how + ": " + upProblem,
                        log.toString(), since(t0)));
            }
            if (down == null) {
                out.add(CheckOutcome.skipped(n, DOWNGRADE, "not run: the upgrade failed"));
            } else {
                String p = !down.ok ? down.problem : down.problems.get(n);
                out.add(p == null ? CheckOutcome.passed(n, DOWNGRADE, "downgraded " + current.get(n) + " -> "
                        + prev + how + "; rpm -V and the smoke test passed", log.toString(), since(t0))
                        : CheckOutcome.failed(n, DOWNGRADE, "downgrade " + current.get(n) + " -> " + prev + how
                        + ": " + p, log.toString(), since(t0)));
            }
        }
        return out;
    }

    /** One dnf transaction and the checks after it: whether dnf succeeded, and per package what is wrong. */
    private record Phase(boolean ok, String problem, Map<String, String> problems) {
    }

    private Phase phase(Step.Results res, StringBuilder log, String verb, List<String> names,
                        Evr to, Map<String, Evr> toEach) {
        ProcessRunner.Result r = res.get(verb);
        log.append("$ ").append(String.join(" ", r.command())).append("\n").append(r.output()).append("\n");
        if (!r.ok()) {
            return new Phase(false, "dnf " + verb + " failed (exit " + r.exitCode() + "): " + lastLine(r.output()),
                    Map.of());
        }
        Map<String, String> problems = new LinkedHashMap<>();
        for (String n : names) {
            Evr want = to != null ? to : toEach.get(n);
            ProcessRunner.Result q = res.get(verb + " q " + n);
            ProcessRunner.Result v = res.get(verb + " V " + n);
            log.append("$ rpm -q ").append(n).append(": ").append(q.output().strip()).append("\n$ rpm -V ").append(n)
                    .append(": exit ").append(v.exitCode()).append("\n").append(v.output());
            String installed = q.output().strip();
            String expect = want.epoch() + ":" + want.version() + "-" + want.release();
            if (!q.ok() || !installed.equals(expect)) {
                problems.put(n, "after dnf " + verb + ", rpm -q " + n + " says '" + installed + "', expected " + want);
            } else if (!v.ok()) {
                problems.put(n, "after dnf " + verb + ", rpm -V " + n + " reports changed files: "
                        + lastLine(v.output()));
            } else {
                String smoke = smoke(res.get(verb + " smoke " + n), n, toEach != null);
                log.append("$ smoke ").append(n).append(": ").append(smoke == null ? "ok" : smoke).append("\n");
                if (smoke != null) {
                    problems.put(n, "after dnf " + verb + ", " + smoke);
                }
            }
        }
        return new Phase(true, null, problems);
    }

    private String binary(String name) {
        return name.equals("avalanchego") ? ValidationOptions.BINARY
                : name.equals("subnet-evm") ? options.pluginPath() : null;
    }

    /**
     * The smoke test after a transaction: the release being validated must report its commit; the previous one
     * (whose commit is not known here) must start and report a full commit. Null when it passes.
     */
    private String smoke(ProcessRunner.Result r, String name, boolean validated) {
        String binary = binary(name);
        if (binary == null) {
            return null;
        }
        if (validated) {
            SmokeCheck.Verdict v = name.equals("avalanchego")
                    ? SmokeCheck.avalanchego(binary, r.exitCode(), r.output(), options.commit())
                    : SmokeCheck.plugin(binary, r.exitCode(), r.output(), options.commit());
            return v.ok() ? null : v.message();
        }
        boolean ok = r.ok() && ANY_COMMIT.matcher(r.output()).find()
                && (!name.equals("avalanchego") || r.output().strip().startsWith("avalanchego/"));
        return ok ? null : binary + " --version printed '" + lastLine(r.output()) + "' (exit " + r.exitCode()
                + "); expected a version with a full commit";
    }

    /** {@code key=value} as the .repo file sets it ({@code key=(unset)} when it does not). */
    private static String setting(String repoText, String key) {
        for (String line : repoText.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).trim().equals(key)) {
                return key + "=" + line.substring(eq + 1).trim();
            }
        }
        return key + "=(unset)";
    }

    private static List<CheckOutcome> notes(List<String> names, String why) {
        List<CheckOutcome> out = new ArrayList<>();
        for (String n : names) {
            out.add(CheckOutcome.skipped(n, UPGRADE, "NOTE: " + why + "; upgrade and downgrade not checked"));
        }
        return out;
    }

    private static List<CheckOutcome> all(List<String> names, java.util.function.Function<String, CheckOutcome> f) {
        List<CheckOutcome> out = new ArrayList<>();
        for (String n : names) {
            out.add(f.apply(n));
            out.add(CheckOutcome.skipped(n, DOWNGRADE, "not run: no upgrade"));
        }
        return out;
    }

    private static List<CheckOutcome> order(List<String> names, List<CheckOutcome> outcomes) {
        List<CheckOutcome> out = new ArrayList<>();
        for (String n : names) {
            outcomes.stream().filter(o -> o.packageName().equals(n)).forEach(out::add);
        }
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
