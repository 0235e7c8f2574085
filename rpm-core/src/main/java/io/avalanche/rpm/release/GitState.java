package io.avalanche.rpm.release;

import io.avalanche.rpm.Futures;
import io.avalanche.rpm.ProcessRunner;
import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.validate.ValidationReport;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * What git says about a source tree: HEAD's commit and time, modified or untracked files, and the commit a tag
 * points at (peeled: annotated and lightweight tags alike). Read-only git commands only.
 */
public record GitState(String commit, long commitTime, List<String> changes, String tagCommit) {
    private static final Executor GIT = Futures.daemons("git");

    public GitState {
        changes = List.copyOf(changes);
    }

    /**
     * Reads the state of {@code source}; {@code tag} null for no tag lookup. Not a git checkout: SpecException. The
     * status and the tag are read while HEAD is (three git processes at once instead of five one after another).
     */
    public static GitState read(Path source, String tag) {
        CompletableFuture<ProcessRunner.Result> status = CompletableFuture.supplyAsync(() -> git(source, "status",
                "--porcelain=v1", "--untracked-files=all", "--ignored=no"), GIT);
        CompletableFuture<ProcessRunner.Result> tagged = tag == null ? CompletableFuture.completedFuture(null)
                : CompletableFuture.supplyAsync(() -> git(source, "rev-parse", "--verify", "--quiet",
                        "refs/tags/" + tag + "^{commit}"), GIT);
        ProcessRunner.Result head = git(source, "log", "-1", "--format=%H %ct", "HEAD");
        ProcessRunner.Result st = Futures.join(status);
        ProcessRunner.Result t = Futures.join(tagged);
        String[] commitAndTime = head.output().trim().split(" ");
        if (head.exitCode() != 0 || commitAndTime.length != 2 || !commitAndTime[0].matches("[0-9a-f]{40}|[0-9a-f]{64}")
                || !commitAndTime[1].matches("\\d{1,19}")) {
            ProcessRunner.Result top = git(source, "rev-parse", "--show-toplevel");
            if (top.exitCode() != 0) {
                throw new SpecException(source + " is not a git checkout (" + firstLine(top.output()) + "): the commit"
                        + " is stamped into the binaries and release.json; clone the repository or git init it");
            }
            throw new SpecException(source + ": git has no commit checked out (" + firstLine(head.output())
                    + "); commit the tree first");
        }
        if (st.exitCode() != 0) {
            throw new BuildException(source + ": git status failed: " + firstLine(st.output()));
        }
        List<String> changes = st.output().lines().filter(l -> !l.isBlank()).toList();
        String tagCommit = t != null && t.exitCode() == 0 ? t.output().trim() : null;
        return new GitState(commitAndTime[0], Long.parseLong(commitAndTime[1]), changes, tagCommit);
    }

    public boolean clean() {
        return changes.isEmpty();
    }

    /**
     * This state without the untracked files a run writes into {@code out} when {@code out} lies inside the tree at
     * {@code root} (the default --out of a run started in the checkout): its packages, key, release.json, JUnit report
     * and a killed run's staging directory. They are not sources, and the run's next build must not call them dirt.
     * Anything else there, and any tracked change, still counts.
     */
    public GitState withoutReleaseOutputs(Path root, Path out) {
        if (out == null) {
            return this;
        }
        Path rel = root.toAbsolutePath().normalize().relativize(out.toAbsolutePath().normalize());
        if (rel.startsWith("..")) {
            return this;
        }
        String prefix = "?? " + (rel.toString().isEmpty() ? "" : rel.toString().replace('\\', '/') + "/");
        List<String> kept = changes.stream().filter(c -> !(c.startsWith(prefix)
                && releaseOutput(c.substring(prefix.length())))).toList();
        return kept.size() == changes.size() ? this : new GitState(commit, commitTime, kept, tagCommit);
    }

    private static boolean releaseOutput(String name) {
        return name.startsWith(OutputDir.STAGING_PREFIX) || !name.contains("/") && (name.endsWith(".rpm")
                || name.equals(ReleaseManifest.FILE_NAME) || name.equals(ReleaseManifest.KEY_FILE)
                || name.equals(ValidationReport.DEFAULT_JUNIT));
    }

    /** Up to five changed paths as git prints them, for messages. */
    public String changesSummary() {
        String shown = String.join(", ", changes.subList(0, Math.min(5, changes.size())));
        return changes.size() > 5 ? shown + " and " + (changes.size() - 5) + " more" : shown;
    }

    private static ProcessRunner.Result git(Path source, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "-C", source.toString()));
        cmd.addAll(List.of(args));
        return ProcessRunner.of(cmd).env(Map.of("GIT_OPTIONAL_LOCKS", "0")).run();
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }

    /** Why {@code tag} does not name the checked-out commit, or null when it does. */
    String mismatch(io.avalanche.rpm.format.ReleaseTag tag) {
        if (tag.pullRequest()) {
            String sha = tag.tag().substring(tag.tag().lastIndexOf('.') + 1);
            return commit().startsWith(sha) ? null : "pull-request tag " + tag.tag() + " names commit " + sha
                    + " but commit " + commit() + " is checked out; pass --pr the checked-out commit";
        }
        if (tagCommit() == null) {
            return "tag " + tag.tag() + " does not exist in the repository: check out the tag you release "
                    + "(git fetch --tags && git checkout " + tag.tag() + ") or create it";
        }
        if (!tagCommit().equals(commit())) {
            return "tag " + tag.tag() + " points at commit " + tagCommit() + " but commit " + commit()
                    + " is checked out: git checkout " + tag.tag();
        }
        return null;
    }
}
