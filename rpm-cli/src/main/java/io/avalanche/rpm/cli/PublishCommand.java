package io.avalanche.rpm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.avalanche.rpm.publish.DetachedSigner;
import io.avalanche.rpm.store.Destinations;
import io.avalanche.rpm.publish.GpgDetachedSigner;
import io.avalanche.rpm.release.RepoSigner;
import io.avalanche.rpm.sign.KeyChoice;
import io.avalanche.rpm.sign.KeyPurpose;
import io.avalanche.rpm.sign.KeySource;
import io.avalanche.rpm.sign.SigningKey;
import io.avalanche.rpm.write.SourceDate;
import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.publish.PublishCheckException;
import io.avalanche.rpm.publish.Publisher;
import io.avalanche.rpm.store.S3Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/** {@code rpm-release publish}: uploads a release directory to S3 or a local directory and updates the yum repos. */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {"Publish a release directory (RPMs, RPM-GPG-KEY-avalanchego, release.json) to",
            "s3://BUCKET[/prefix]/linux/rpms/<arch>/ or a local directory, with signed yum metadata per arch.",
            "Published objects are immutable: identical bytes are skipped, different bytes refused unless --force.",
            "AWS settings come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION,",
            "AWS_DEFAULT_REGION, AWS_ENDPOINT_URL and AWS_PROFILE; --endpoint and --region override them.",
            "A release whose RPM-GPG-KEY-avalanchego holds an ephemeral key is refused for s3:// (exit 2)."},
        footer = {"", "Examples:",
            "  rpm-release publish --to s3://avalanchego-releases --key release.asc --passphrase-env RPM_KEY_PASS out/release",
            "  rpm-release publish --to s3://releases --endpoint http://127.0.0.1:9000 --json out/release",
            "  rpm-release publish --to file:/tmp/bucket out/release"})
final class PublishCommand implements Callable<Integer> {
    private final Map<String, String> environment;

    @Spec
    CommandSpec spec;

    @Option(names = "--to", required = true, paramLabel = "DEST",
            description = "s3://BUCKET[/prefix] or file:DIR")
    String to;

    @Option(names = "--force", description = "Replace published objects whose bytes differ.")
    boolean force;

    @Option(names = "--json", description = "Print the result as JSON on stdout (progress goes to stderr).")
    boolean json;

    @Mixin
    S3Options s3Options = new S3Options();

    @Mixin
    KeyOptions keys = new KeyOptions();

    @Option(names = "--sign-with", paramLabel = "KEY_ID",
            description = "Alternatively, a gpg key (in GNUPGHOME) that signs repodata/repomd.xml.")
    String signWith;

    @Option(names = "--base-url", paramLabel = "URL",
            description = "URL customers use for the destination root in avalanchego.repo (default: the bucket URL)")
    String baseUrl;

    @Parameters(index = "0", paramLabel = "RELEASE_DIR", description = "Directory with the release files.")
    Path releaseDir;

    PublishCommand() {
        this(System.getenv());
    }

    PublishCommand(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter progress = json ? err : out;
        Destinations.Destination dest = Destinations.check(to);
        if (!java.nio.file.Files.isDirectory(releaseDir)) {
            throw new SpecException(releaseDir + " is not a release directory (RPMs, RPM-GPG-KEY-avalanchego, "
                    + "release.json)");
        }
        S3Settings s3 = s3Options.settings(environment, "publish");
        OptionalLong epoch = SourceDate.fromEnvironment(environment);
        Optional<KeyChoice> choice = KeyChoice.of(keys.request(false, signWith, environment::get, System.in),
                KeyPurpose.publish(dest.url(), dest.s3()));
        try (SigningKey key = choice.orElse(null) instanceof KeySource k ? k.open() : null) {
            DetachedSigner signer = key != null ? RepoSigner.of(key.headerSigner())
                    : choice.orElse(null) instanceof KeyChoice.GpgAgent g ? new GpgDetachedSigner(g.keyId(), environment)
                    : null;
            if (signer == null) {
                err.println("warning: no --key: repodata/repomd.xml is not signed (repo_gpgcheck=0)");
            }
            Publisher.Options options = Publisher.Options.defaults(signer).withForce(force).withBaseUrl(baseUrl)
                    .withLockWait(s3.timeout());
            if (epoch.isPresent()) {
                options = options.withTimestamp(epoch.getAsLong());
            }
            return publish(out, err, progress, s3, options, dest);
        }
    }

    private Integer publish(PrintWriter out, PrintWriter err, PrintWriter progress, S3Settings s3,
                            Publisher.Options options, Destinations.Destination dest) {
        long total = 0;
        try (var files = java.nio.file.Files.list(releaseDir)) {
            total = files.filter(java.nio.file.Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            total = 0;
        }
        progress.println("publishing " + releaseDir + " to " + dest.url()
                + (dest.s3() ? " (S3 endpoint " + s3.describeEndpoint() + ", timeout " + s3.timeout().toSeconds() + "s)"
                : ""));
        progress.flush();
        try (Progress bar = Progress.open(err, "publish to " + dest.url(), total);
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
            if (json) {
                out.println(toJson(r));
            }
            return Main.OK;
        } catch (PublishCheckException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return Main.CHECK_FAILED;
        }
    }

    private static String toJson(Publisher.Result r) {
        Map<String, Object> m = r.toMap();
        try {
            return new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                    .writerWithDefaultPrettyPrinter().writeValueAsString(m);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

}
