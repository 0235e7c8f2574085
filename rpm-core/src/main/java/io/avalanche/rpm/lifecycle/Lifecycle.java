package io.avalanche.rpm.lifecycle;

import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.format.Channel;
import io.avalanche.rpm.format.ReleaseTag;
import io.avalanche.rpm.publish.DetachedSigner;
import io.avalanche.rpm.publish.Layout;
import io.avalanche.rpm.publish.PublishException;
import io.avalanche.rpm.publish.RepositoryRewrite;
import io.avalanche.rpm.publish.YankRecords;
import io.avalanche.rpm.publish.YumRepository;
import io.avalanche.rpm.store.Destinations;
import io.avalanche.rpm.store.ObjectStore;
import io.avalanche.rpm.store.S3Settings;
import io.avalanche.rpm.write.FreeText;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A published repository over time: {@link #prune}, {@link #yank} and {@link #unyank}, each planned first (a plan
 * changes nothing) and applied only when asked. Every change rewrites and re-signs the metadata of the repositories
 * concerned before it deletes any object, and keeps the replaced metadata generation for readers in flight, as
 * publish does. The CLI and the Jenkins steps call these operations and print their results.
 */
public final class Lifecycle implements AutoCloseable {
    /** The longest yank reason: one line that says why, not a document. */
    public static final int MAX_REASON = 500;

    private final ObjectStore store;
    private final boolean ownsStore;
    private final Consumer<String> log;

    /**
     * How to run: {@code layout} of the destination, {@code signer} of the rewritten repomd.xml (null: only for
     * unsigned repositories), {@code lockWait} for another writer of a locked store, {@code apply} false for the plan
     * alone (--dry-run, prune without --yes).
     */
    public record Options(Layout layout, DetachedSigner signer, Duration lockWait, boolean apply) {
        public Options {
            layout = layout == null ? Layout.SEED : layout;
            lockWait = lockWait == null ? S3Settings.DEFAULT_TIMEOUT : lockWait;
        }
    }

    /** Lifecycle operations on a store the caller owns (and closes). */
    public Lifecycle(ObjectStore store, Consumer<String> log) {
        this(store, false, log);
    }

    private Lifecycle(ObjectStore store, boolean ownsStore, Consumer<String> log) {
        this.store = store;
        this.ownsStore = ownsStore;
        this.log = log;
        store.reportRetries(log);
    }

    /**
     * Opens {@code destination} ({@code s3://BUCKET[/prefix]} or {@code file:DIR}, checked first). A file: directory
     * must exist: these commands change a published tree, and a mistyped path must not become a new one.
     */
    public static Lifecycle open(String destination, S3Settings s3, Consumer<String> log) {
        Destinations.Destination d = Destinations.check(destination);
        if (d.dir() != null && !java.nio.file.Files.isDirectory(d.dir())) {
            throw new SpecException("--to " + d.url() + ": no such directory; prune, yank and unyank change what"
                    + " publish wrote there");
        }
        return new Lifecycle(Destinations.open(d, s3), true, log);
    }

    /** What a prune planned, and when applied what it rewrote and deleted. */
    public record PruneResult(PrunePlan plan, boolean applied, List<YumRepository.Result> rewritten,
                              List<String> deleted) {
        public PruneResult {
            rewritten = List.copyOf(rewritten);
            deleted = List.copyOf(deleted);
        }

        /** JSON-ready: the plan's fields, applied, rewritten [dirs], deleted [keys]. */
        public java.util.Map<String, Object> toMap() {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>(plan.toMap());
            m.put("applied", applied);
            m.put("rewritten", rewritten.stream().map(YumRepository.Result::dir).toList());
            m.put("deleted", deleted);
            return m;
        }

        /** The plan's lines and, when applied, what was deleted after rewriting which indexes. */
        public List<String> lines() {
            List<String> lines = new java.util.ArrayList<>(plan.lines());
            if (applied) {
                lines.add(deleted.isEmpty() ? "nothing to prune" : "deleted " + deleted.size()
                        + " package(s) after rewriting " + rewritten.size() + " repository index(es)");
            }
            return lines;
        }
    }

    /**
     * Keeps the {@code keep} newest releases of each channel and arch (see {@link PrunePlan}; {@code channels} empty:
     * every channel); when applied, rewrites each repository's metadata without the others, then deletes them.
     */
    public PruneResult prune(int keep, Set<Channel> channels, Options o) {
        if (keep < 0) {
            throw new SpecException("--keep " + keep + ": keep 0 or more releases per channel and arch");
        }
        RepositoryRewrite rw = rewrite(o);
        try (ObjectStore.Lock lock = o.apply() ? store.lock(o.lockWait()) : null) {
            Set<String> yanked = YankRecords.read(store, o.layout()).keys();
            List<PrunePlan.Repository> repos = new ArrayList<>();
            for (RepositoryRewrite.Repository r : rw.repositories()) {
                if (channels.isEmpty() || channels.contains(r.channel())) {
                    repos.add(PrunePlan.plan(keep, r, store.describe(r.dir()), rw.packages(r.dir()), yanked));
                }
            }
            PrunePlan plan = new PrunePlan(keep, repos);
            if (!o.apply() || plan.empty()) {
                return new PruneResult(plan, o.apply(), List.of(), List.of());
            }
            rw.check(repos.stream().filter(r -> !r.pruned().isEmpty()).map(PrunePlan.Repository::dir).toList());
            List<YumRepository.Result> rewritten = new ArrayList<>();
            List<String> deleted = new ArrayList<>();
            for (PrunePlan.Repository r : repos) {
                if (r.pruned().isEmpty()) {
                    continue;
                }
                Set<String> out = new LinkedHashSet<>(yanked);
                out.addAll(r.prunedKeys());
                // the index that no longer names them first; a prune killed after it leaves unlisted objects only
                rewritten.add(rw.rewrite(r.dir(), out));
                log.accept("repository " + r.location() + ": metadata rewritten without " + r.pruned().size()
                        + " release(s); deleting " + r.prunedKeys().size() + " package(s)");
                rw.delete(r.prunedKeys());
                deleted.addAll(r.prunedKeys());
            }
            return new PruneResult(plan, true, rewritten, deleted);
        }
    }

    /**
     * Takes every package of {@code tag} (of RPM Release {@code release} only, when given) out of the metadata of
     * every channel, so dnf stops offering it, and publishes the reason in the tag's yank record first; the objects
     * stay. Yanking again is harmless (the metadata is checked and rewritten where it still lists them).
     */
    public YankResult yank(String tag, String release, String reason, Options o) {
        ReleaseTag t = check(tag, release);
        if (reason == null || reason.isBlank() || reason.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new SpecException("--reason: say in one line why " + t.tag() + " is yanked (it is published in "
                    + o.layout().yankRecord(t.tag()) + ")");
        }
        if (reason.length() > MAX_REASON) {
            throw new SpecException("--reason: at most " + MAX_REASON + " characters, not " + reason.length()
                    + " (one line, published in " + o.layout().yankRecord(t.tag()) + ")");
        }
        FreeText.oneLineOf("--reason", reason);   // no bidirectional or invisible characters in the published record
        RepositoryRewrite rw = rewrite(o);
        try (ObjectStore.Lock lock = o.apply() ? store.lock(o.lockWait()) : null) {
            YankRecords records = YankRecords.read(store, o.layout());
            List<YankResult.Change> changes = matching(rw, t, release);
            if (changes.isEmpty()) {
                throw new PublishException("no package of " + t.tag() + (release == null ? "" : " release " + release)
                        + " is stored in any channel of " + store.describe(o.layout().root()) + ": nothing to yank");
            }
            String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
            List<YankRecords.Entry> entries = new ArrayList<>(records.of(t.tag()).map(YankRecords.Record::packages)
                    .orElse(List.of()));
            Set<String> known = new LinkedHashSet<>(entries.stream().map(YankRecords.Entry::key).toList());
            for (YankResult.Change c : changes) {
                for (RepositoryRewrite.StoredPackage p : c.packages()) {
                    if (known.add(p.key())) {
                        entries.add(new YankRecords.Entry(p.key(), p.name(), p.evr().toString(), p.arch(), c.channel(),
                                reason, now));
                    }
                }
            }
            return apply("yank", t, release, reason, o, rw, changes,
                    new YankRecords.Record(t.tag(), reason, now, entries));
        }
    }

    /** Brings yanked packages of {@code tag} (of {@code release} only, when given) back into their metadata. */
    public YankResult unyank(String tag, String release, Options o) {
        ReleaseTag t = check(tag, release);
        RepositoryRewrite rw = rewrite(o);
        try (ObjectStore.Lock lock = o.apply() ? store.lock(o.lockWait()) : null) {
            YankRecords.Record record = YankRecords.read(store, o.layout()).of(t.tag()).orElseThrow(() ->
                    new PublishException(t.tag() + " is not yanked in " + store.describe(o.layout().root())
                            + " (no " + store.describe(o.layout().yankRecord(t.tag())) + ")"));
            List<YankRecords.Entry> back = record.packages().stream().filter(e -> release == null
                    || io.avalanche.rpm.format.Evr.parse(e.evr()).release().equals(release)).toList();
            if (back.isEmpty()) {
                throw new PublishException(t.tag() + " release " + release + " is not yanked (the record lists "
                        + record.packages().stream().map(YankRecords.Entry::evr).distinct().toList() + ")");
            }
            List<YankRecords.Entry> stay = new ArrayList<>(record.packages());
            stay.removeAll(back);
            List<YankResult.Change> changes = new ArrayList<>();
            for (RepositoryRewrite.Repository r : rw.repositories()) {
                List<RepositoryRewrite.StoredPackage> ps = rw.packages(r.dir()).stream()
                        .filter(p -> back.stream().anyMatch(e -> e.key().equals(p.key()))).toList();
                if (!ps.isEmpty()) {
                    changes.add(new YankResult.Change(r.channel().id(), r.arch(), r.dir(), store.describe(r.dir()), ps));
                }
            }
            String reason = record.reason();
            return apply("unyank", t, release, reason, o, rw, changes, new YankRecords.Record(t.tag(),
                    stay.isEmpty() ? null : reason, stay.isEmpty() ? null : record.yankedAt(), stay));
        }
    }

    /**
     * The end of a yank or unyank: without {@link Options#apply} only the plan; else the metadata is checked, the
     * tag's {@code record} written, and every changed repository's metadata rewritten without what the records list.
     */
    private YankResult apply(String action, ReleaseTag t, String release, String reason, Options o,
                             RepositoryRewrite rw, List<YankResult.Change> changes, YankRecords.Record record) {
        String recordAt = store.describe(o.layout().yankRecord(t.tag()));
        if (!o.apply()) {
            return new YankResult(action, t.tag(), release, reason, recordAt, false, changes, List.of());
        }
        rw.check(changes.stream().map(YankResult.Change::dir).toList());
        YankRecords.write(store, o.layout(), record);
        Set<String> out = YankRecords.read(store, o.layout()).keys();
        List<YumRepository.Result> rewritten = new ArrayList<>();
        for (YankResult.Change c : changes) {
            rewritten.add(rw.rewrite(c.dir(), out));
        }
        return new YankResult(action, t.tag(), release, reason, recordAt, true, changes, rewritten);
    }

    /** Every repository holding packages of the tag (and release), with those packages. */
    private List<YankResult.Change> matching(RepositoryRewrite rw, ReleaseTag t, String release) {
        List<YankResult.Change> out = new ArrayList<>();
        for (RepositoryRewrite.Repository r : rw.repositories()) {
            List<RepositoryRewrite.StoredPackage> ps = rw.packages(r.dir()).stream()
                    .filter(p -> p.evr().version().equals(t.version())
                            && (release == null || p.evr().release().equals(release))).toList();
            if (!ps.isEmpty()) {
                out.add(new YankResult.Change(r.channel().id(), r.arch(), r.dir(), store.describe(r.dir()), ps));
            }
        }
        return out;
    }

    private static ReleaseTag check(String tag, String release) {
        ReleaseTag t = ReleaseTag.parse(tag);
        return release == null ? t : t.withRelease(release);
    }

    private RepositoryRewrite rewrite(Options o) {
        return new RepositoryRewrite(store, o.layout(), o.signer(), Instant.now().getEpochSecond(), log);
    }

    /** Closes the store when {@link #open} opened it. */
    @Override
    public void close() {
        if (ownsStore) {
            store.close();
        }
    }
}
