package io.avalanche.rpm.jenkins;

import io.avalanche.rpm.format.Channel;
import io.avalanche.rpm.lifecycle.Lifecycle;
import io.avalanche.rpm.lifecycle.YankResult;
import io.avalanche.rpm.publish.DetachedSigner;
import io.avalanche.rpm.publish.Layout;
import io.avalanche.rpm.publish.PendingPublish;
import io.avalanche.rpm.publish.Publisher;
import io.avalanche.rpm.publish.YumRepository;
import io.avalanche.rpm.store.Destinations;
import io.avalanche.rpm.store.S3Settings;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The plugin's door into rpm-core's publishing and repository lifecycle: publish in two phases around the controller
 * (Publisher.prepare / complete), and prune, yank and unyank (rpm-core's Lifecycle), each with the layout users name
 * (rpm-core's Layout.named) and results in rpm-core's toMap() vocabulary.
 */
final class RpmCorePublish {
    private RpmCorePublish() {
    }

    /** The index of a repository directory (as rpm-core names the directories it asks to sign). */
    static String repomdPath(String dir) {
        return dir + YumRepository.REPOMD;
    }

    /** The layout named {@code name} (null or blank: the seed's default), as rpm-core reads it; else SpecException. */
    static String checkLayout(String name) {
        return layoutNamed(name).id();
    }

    /** The layout names users may give, default first (seed, el9). */
    static List<String> layouts() {
        return Arrays.stream(Layout.values()).map(Layout::id).toList();
    }

    private static Layout layoutNamed(String name) {
        return name == null || name.isBlank() ? Layout.SEED : Layout.named(name);
    }

    /**
     * A publish prepared on the agent: packages uploaded, metadata files stored, no index written. {@code pending}
     * is rpm-core's PendingPublish as JSON (plain text crosses remoting; rpm-core classes would not pass the
     * controller's class filter); {@code toSign} maps each repository directory to its new repomd.xml bytes.
     */
    record PreparedPublish(String pending, LinkedHashMap<String, byte[]> toSign) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** The canonical s3://BUCKET[/prefix] of a bucket and prefix, checked by rpm-core; else SpecException. */
    static String destination(String bucket, String prefix) {
        return Destinations.s3(bucket, prefix).url();
    }

    /**
     * Phase 1 of rpmPublish (agent): everything up to, not including, writing repomd.xml.asc / repomd.xml, to the
     * bucket and prefix with the AWS settings withAWS set, in {@code layout} (null: the seed's).
     */
    static PreparedPublish preparePublish(Path releaseDir, String bucket, String prefix, Map<String, String> awsEnv,
                                          boolean force, String layout, Consumer<String> log) throws IOException {
        try (Publisher publisher = publisher(Destinations.s3(bucket, prefix), awsEnv, log)) {
            PendingPublish p = publisher.prepare(releaseDir, Publisher.Options.defaults(null).withForce(force)
                    .withLayout(layoutNamed(layout)));
            return new PreparedPublish(p.toJson(), new LinkedHashMap<>(p.toSign()));
        }
    }

    /**
     * Phase 2 of rpmPublish (agent): writes each repomd.xml.asc ({@code signatures}: repository directory to the
     * armored signature over its {@link PreparedPublish#toSign()} bytes; empty: unsigned) and repomd.xml, removes
     * the old metadata, writes the .repo file (in the layout phase 1 recorded). Fails (re-run publish) when another
     * publish changed an index since phase 1. Returns the vocabulary of {@code publish --json}.
     */
    static Map<String, Object> completePublish(String pending, String bucket, String prefix,
                                               Map<String, String> awsEnv, Map<String, byte[]> signatures,
                                               Consumer<String> log) throws IOException {
        Publisher.Result result;
        try (Publisher publisher = publisher(Destinations.s3(bucket, prefix), awsEnv, log)) {
            result = publisher.complete(PendingPublish.fromJson(pending), signatures);
        }
        return RpmCore.plain(result.toMap());
    }

    private static Publisher publisher(Destinations.Destination destination, Map<String, String> awsEnv,
                                       Consumer<String> log) {
        return Publisher.open(destination, s3(awsEnv, RpmPublishStep.FUNCTION),
                o -> log.accept(RpmCore.status(o.status()) + " " + o.location() + ": " + o.detail()), log);
    }

    /**
     * The S3 settings of {@code step} from the withAWS variables {@code awsEnv}: its timeouts are fixed, so its
     * messages name no option to change them.
     */
    static S3Settings s3(Map<String, String> awsEnv, String step) {
        return S3Settings.fromEnvironment(awsEnv).withWording(S3Settings.Wording.fixed(step));
    }

    /** rpm-core's canonical spelling of a lifecycle destination (s3://BUCKET[/prefix] or file:DIR); else SpecException. */
    static String checkDestination(String to) {
        return Destinations.check(to).url();
    }

    /** The directory a file: destination names (null for s3://), for the controller's allow-list. */
    static Path fileDirectory(String to) {
        Destinations.Destination d = Destinations.check(to);
        return d.kind() == Destinations.Kind.FILE ? d.dir() : null;
    }

    /** Checks channel names (stable, testing, fuji, experimental) as rpm-core reads them; else SpecException. */
    static void checkChannels(List<String> channels) {
        channels.forEach(Channel::named);
    }

    /**
     * A lifecycle operation to run on the controller: where ({@code to}, with the AWS settings of {@code awsEnv}),
     * in which layout, signing rewritten repomd.xml with {@code signer} (armored detached signature of the bytes;
     * null: the repositories are unsigned), and whether to apply (false: the plan alone, nothing changes).
     */
    record Target(String to, Map<String, String> awsEnv, String layout, UnaryOperator<byte[]> signer, boolean apply,
                  String step) {
        Lifecycle open(Consumer<String> log) {
            return Lifecycle.open(to, s3(awsEnv, step), log);
        }

        Lifecycle.Options options() {
            DetachedSigner s = signer == null ? null : signer::apply;
            return new Lifecycle.Options(layoutNamed(layout), s, null, apply);
        }
    }

    /** What a lifecycle operation returned: rpm-core's toMap() and the lines the CLI prints for it. */
    record Outcome(Map<String, Object> result, List<String> lines) {
    }

    /**
     * Prune: keeps the {@code keep} newest releases of each channel and arch ({@code channels} empty: every channel);
     * the plan unless {@link Target#apply}. rpm-core decides what stays (the newest stable release always does).
     */
    static Outcome prune(Target t, int keep, List<String> channels, Consumer<String> log) {
        Set<Channel> only = new LinkedHashSet<>();
        channels.forEach(c -> only.add(Channel.named(c)));
        try (Lifecycle l = t.open(log)) {
            Lifecycle.PruneResult r = l.prune(keep, only, t.options());
            return new Outcome(RpmCore.plain(r.toMap()), r.lines());
        }
    }

    /** Yank: takes {@code tag} (of RPM Release {@code release} only, when not null) out of every channel's metadata. */
    static Outcome yank(Target t, String tag, String release, String reason, Consumer<String> log) {
        try (Lifecycle l = t.open(log)) {
            return outcome(l.yank(tag, release, reason, t.options()));
        }
    }

    /** Unyank: brings the yanked packages of {@code tag} (of {@code release} only, when not null) back. */
    static Outcome unyank(Target t, String tag, String release, Consumer<String> log) {
        try (Lifecycle l = t.open(log)) {
            return outcome(l.unyank(tag, release, t.options()));
        }
    }

    private static Outcome outcome(YankResult r) {
        return new Outcome(RpmCore.plain(r.toMap()), r.lines());
    }
}
