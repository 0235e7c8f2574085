package io.avalanche.rpm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.avalanche.rpm.publish.DetachedSigner;
import io.avalanche.rpm.store.Destinations;
import io.avalanche.rpm.publish.GpgDetachedSigner;
import io.avalanche.rpm.release.KeySource;
import io.avalanche.rpm.release.RepoSigner;
import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.publish.PublishCheckException;
import io.avalanche.rpm.publish.Publisher;
import io.avalanche.rpm.store.S3Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code rpm-release publish}: uploads a release directory to S3 or a local directory and updates the yum repos. */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {"Publish a release directory (RPMs, RPM-GPG-KEY-avalanchego, release.json) to",
            "s3://BUCKET[/prefix]/linux/rpms/<arch>/ or a local directory, with signed yum metadata per arch.",
            "Published objects are immutable: identical bytes are skipped, different bytes refused unless --force.",
            "AWS settings come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION,",
            "AWS_DEFAULT_REGION, AWS_ENDPOINT_URL and AWS_PROFILE; --endpoint and --region override them."},
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

    @Option(names = "--endpoint", paramLabel = "URL", description = "S3 endpoint (path-style access), e.g. MinIO")
    String endpoint;

    @Option(names = "--region", paramLabel = "R", description = "AWS region (default: AWS_REGION or us-east-1)")
    String region;

    @Option(names = "--force", description = "Replace published objects whose bytes differ.")
    boolean force;

    @Option(names = "--json", description = "Print the result as JSON on stdout (progress goes to stderr).")
    boolean json;

    @Option(names = "--key", paramLabel = "FILE",
            description = "Armored secret release key that signs repodata/repomd.xml (repomd.xml.asc).")
    Path key;

    @Option(names = "--passphrase-env", paramLabel = "VAR", description = "Environment variable holding the key's passphrase.")
    String passphraseEnv;

    @picocli.CommandLine.Mixin
    Pkcs11Options pkcs11 = new Pkcs11Options();

    @Option(names = "--sign-with", paramLabel = "KEY_ID",
            description = "Alternatively, a gpg key (in GNUPGHOME) that signs repodata/repomd.xml.")
    String signWith;

    @Option(names = "--base-url", paramLabel = "URL",
            description = "URL customers use for the destination root in avalanchego.repo (default: the bucket URL)")
    String baseUrl;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "Give up after this long in total (e.g. 90s, 10m; default 10m).")
    String timeout;

    @Option(names = "--attempt-timeout", paramLabel = "DURATION",
            description = "Bound of one S3 request attempt: connect, send, every read (default 60s).")
    String attemptTimeout;

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
        java.time.Duration overall = duration("--timeout", timeout, S3Settings.DEFAULT_TIMEOUT);
        S3Settings s3 = S3Settings.fromEnvironment(environment).withEndpoint(endpoint).withRegion(region)
                .withTimeouts(duration("--attempt-timeout", attemptTimeout, S3Settings.DEFAULT_ATTEMPT_TIMEOUT),
                        overall);
        if (key != null && signWith != null) {
            throw new SpecException("give either --key FILE or --sign-with KEY_ID, not both");
        }
        if (passphraseEnv != null && key == null) {
            throw new SpecException("--passphrase-env applies only to --key");
        }
        KeySource tokenKey = pkcs11.keySource(key != null ? "--key" : signWith != null ? "--sign-with" : null,
                environment::get, System.in);
        try (io.avalanche.rpm.sign.SigningKey tk = tokenKey != null ? tokenKey.open() : null) {
            return publish(out, err, progress, s3, tk != null ? RepoSigner.of(tk.headerSigner()) : null, dest, overall);
        }
    }

    private Integer publish(PrintWriter out, PrintWriter err, PrintWriter progress, S3Settings s3,
                            DetachedSigner tokenSigner, Destinations.Destination dest, java.time.Duration overall) {
        DetachedSigner signer = tokenSigner != null ? tokenSigner : key != null
                ? RepoSigner.of(new KeySource.KeyFile(key, Passphrases.fromEnv(passphraseEnv, environment::get))
                        .open().headerSigner())
                : signWith != null ? new GpgDetachedSigner(signWith, environment) : null;
        if (signer == null) {
            err.println("warning: no --key: repodata/repomd.xml is not signed (repo_gpgcheck=0)");
        }
        Publisher.Options options = Publisher.Options.defaults(signer).withForce(force).withBaseUrl(baseUrl)
                .withLockWait(overall);
        String epoch = environment.get("SOURCE_DATE_EPOCH");
        if (epoch != null && epoch.matches("\\d+")) {
            options = options.withTimestamp(Long.parseLong(epoch));
        }
        long total = 0;
        try (var files = java.nio.file.Files.list(releaseDir)) {
            total = files.filter(java.nio.file.Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            total = 0;
        }
        progress.println("publishing " + releaseDir + " to " + dest.url()
                + (dest.s3() ? " (S3 endpoint " + s3.describeEndpoint() + ", timeout " + overall.toSeconds() + "s)" : ""));
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

    /** Parses 90, 90s, 500ms, 10m or an ISO-8601 duration (PT90S); a usage error otherwise. */
    static java.time.Duration duration(String option, String text, java.time.Duration fallback) {
        if (text == null) {
            return fallback;
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        java.time.Duration d;
        try {
            if (t.matches("\\d+(ms|s|m|h)?")) {
                long n = Long.parseLong(t.replaceAll("[a-z]+$", ""));
                d = t.endsWith("ms") ? java.time.Duration.ofMillis(n) : t.endsWith("m") ? java.time.Duration.ofMinutes(n)
                        : t.endsWith("h") ? java.time.Duration.ofHours(n) : java.time.Duration.ofSeconds(n);
            } else {
                d = java.time.Duration.parse(text.trim().toUpperCase(Locale.ROOT));
            }
        } catch (RuntimeException e) {
            throw new SpecException(option + " " + text + ": not a duration; write e.g. 90s, 10m or 500ms");
        }
        if (d.isZero() || d.isNegative()) {
            throw new SpecException(option + " " + text + ": must be positive");
        }
        return d;
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
