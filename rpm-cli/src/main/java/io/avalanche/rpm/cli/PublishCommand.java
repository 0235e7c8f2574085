package io.avalanche.rpm.cli;

import io.avalanche.rpm.publish.DetachedSigner;
import io.avalanche.rpm.store.Destinations;
import io.avalanche.rpm.write.SourceDate;
import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.publish.Layout;
import io.avalanche.rpm.publish.Publisher;
import io.avalanche.rpm.store.S3Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/** {@code rpm-release publish}: uploads a release directory to S3 or a local directory and updates the yum repos. */
@Command(name = "publish", mixinStandardHelpOptions = true)   // usage text: help/publish.properties
final class PublishCommand extends RepositoryCommand {
    @Option(names = "--force", description = "Replace published objects whose bytes differ.")
    boolean force;

    @Option(names = "--base-url", paramLabel = "URL",
            description = "URL customers use for the destination root in avalanchego.repo (default: the bucket URL;"
                    + " http, https, ftp or file, without query or fragment)")
    String baseUrl;

    @Parameters(index = "0", paramLabel = "RELEASE_DIR", description = "Directory with the release files.")
    Path releaseDir;

    PublishCommand() {
    }

    PublishCommand(Map<String, String> environment) {
        super(environment);
    }

    @Override
    public Integer call() {
        Destinations.Destination dest = destination.destination();
        Layout lay = destination.layout();
        if (!Files.isDirectory(releaseDir)) {
            throw new SpecException(releaseDir + " is not a release directory (RPMs, RPM-GPG-KEY-avalanchego, "
                    + "release.json)");
        }
        S3Settings s3 = destination.s3(environment(), "publish");
        if (plan.dryRun) {
            return dryRun(s3, dest, lay);
        }
        OptionalLong epoch = SourceDate.fromEnvironment(environment());
        try (RepoKeyOptions.Open key = keys.open(dest, environment(), stdin())) {
            DetachedSigner signer = key.signer();
            if (signer == null) {
                err().println("warning: no --key: repodata/repomd.xml is not signed (repo_gpgcheck=0)");
            }
            Publisher.Options options = Publisher.Options.defaults(signer).withForce(force).withBaseUrl(baseUrl)
                    .withLockWait(s3.timeout()).withLayout(lay);
            if (epoch.isPresent()) {
                options = options.withTimestamp(epoch.getAsLong());
            }
            return publish(s3, options, dest);
        }
    }

    /** --dry-run: the channel and each package's repository, from the release directory alone. */
    private int dryRun(S3Settings s3, Destinations.Destination dest, Layout lay) {
        try (Publisher publisher = Publisher.open(dest.url(), s3, o -> { }, log())) {
            Publisher.Plan planned = publisher.plan(releaseDir, Publisher.Options.defaults(null).withLayout(lay));
            return print(plan.json, () -> Output.toJson(planned.toMap()), () -> {
                List<String> lines = new ArrayList<>();
                lines.add("DRY RUN: nothing is read from or written to " + dest.url() + " (layout " + lay.id() + ")");
                lines.addAll(planned.lines());
                return lines;
            }, Main.OK);
        }
    }

    /** Uploads with progress (on stdout, or on stderr with --json) and prints the result. */
    private int publish(S3Settings s3, Publisher.Options options, Destinations.Destination dest) {
        PrintWriter progress = plan.json ? err() : out();
        progress.println("publishing " + releaseDir + " to " + dest.url()
                + (dest.s3() ? " (S3 endpoint " + s3.describeEndpoint() + ", timeout " + s3.timeout().toSeconds() + "s)"
                : ""));
        progress.flush();
        try (Progress bar = Progress.open(err(), "publish to " + dest.url(), totalBytes());
             Publisher publisher = Publisher.open(dest.url(), s3, o -> {
                bar.advance(o.size());
                progress.printf("%-9s %s (%d bytes, sha256 %s)%s%n", o.status().name().toLowerCase(Locale.ROOT),
                        o.location(), o.size(), o.sha256(), o.detail().isEmpty() ? "" : ": " + o.detail());
                progress.flush();
            }, line -> {
                progress.println(line);
                progress.flush();
            })) {
            Publisher.Result r = publisher.publish(releaseDir, options);
            bar.succeeded();
            progress.println("repo file: " + r.repoFileUrl());
            return print(plan.json, () -> Output.toSortedJson(r.toMap()), List::of, Main.OK);
        }
    }

    /** The bytes of the release directory's files, for the progress bar (0 when they cannot be listed). */
    private long totalBytes() {
        try (var files = Files.list(releaseDir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }
}
