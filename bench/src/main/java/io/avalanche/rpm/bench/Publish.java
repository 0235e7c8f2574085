package io.avalanche.rpm.bench;

import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.Digests;
import io.avalanche.rpm.publish.Publisher;
import io.avalanche.rpm.store.S3Settings;
import io.avalanche.rpm.store.S3Store;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Publisher.publish of a release directory (one RPM + key) to an in-process S3Proxy on 127.0.0.1, against a
 * raw PutObject of the same RPM bytes with the same SDK client; each run uses a fresh prefix.
 */
final class Publish {
    private static final String ID = "AKIABENCH";
    private static final String SECRET = "bench-secret-0123456789";

    private Publish() {
    }

    /** S3Proxy in-process on 127.0.0.1 (in-memory blob store, SigV4), started. */
    static S3Proxy startProxy(BlobStore blobs) throws Exception {
        S3Proxy proxy = S3Proxy.builder().blobStore(blobs).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V4, ID, SECRET).ignoreUnknownHeaders(true)
                .v4MaxNonChunkedRequestSize(512L << 20).build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(10);
        }
        return proxy;
    }

    static S3Settings settings(S3Proxy proxy) {
        return S3Settings.fromEnvironment(Map.of("AWS_ACCESS_KEY_ID", ID, "AWS_SECRET_ACCESS_KEY", SECRET,
                "AWS_REGION", "us-east-1", "AWS_ENDPOINT_URL", "http://127.0.0.1:" + proxy.getPort()));
    }

    /**
     * A copy of a release directory that has a release.json, as every release directory that build/release writes
     * (and sign refreshes) has: file names with their SHA-256. An existing one is kept as it is.
     */
    static Path withManifest(Path releaseDir) throws Exception {
        if (Files.isRegularFile(releaseDir.resolve(ReleaseManifest.FILE_NAME))) {
            return releaseDir;
        }
        Path copy = Files.createTempDirectory("publish-release");
        StringBuilder json = new StringBuilder("{\"files\": [");
        try (var s = Files.list(releaseDir)) {
            for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
                json.append(json.charAt(json.length() - 1) == '[' ? "" : ", ").append("{\"name\": \"")
                        .append(f.getFileName()).append("\", \"size\": ").append(Files.size(f))
                        .append(", \"sha256\": \"").append(Digests.hex(Digests.sha256(f))).append("\"}");
            }
        }
        Files.writeString(copy.resolve(ReleaseManifest.FILE_NAME), json.append("]}\n"));
        copy.toFile().deleteOnExit();
        return copy;
    }

    static void run(Path givenDir, Path rpm, int runs) throws Exception {
        Path releaseDir = withManifest(givenDir);
        BlobStore blobs = new TransientNio2BlobStore();
        blobs.createContainer("bench");
        S3Proxy proxy = startProxy(blobs);
        try {
            S3Settings settings = settings(proxy);
            long size = Files.size(rpm);
            long[] ours = new long[runs];
            long[] raw = new long[runs];
            long[] rawSha = new long[runs];
            byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(rpm));
            String sha64 = java.util.Base64.getEncoder().encodeToString(sha);
            for (int i = -1; i < runs; i++) {
                String prefix = "run" + (i + 1);
                long t;
                try (S3Store store = new S3Store("bench", prefix, settings)) {
                    t = System.nanoTime();
                    long t0 = t;
                    boolean verbose = System.getenv("BENCH_VERBOSE") != null;
                    new Publisher(store, o -> { }, m -> {
                        if (verbose) {
                            System.err.printf("%4d ms %s%n", (System.nanoTime() - t0) / 1_000_000, m);
                        }
                    }).publish(releaseDir,
                            Publisher.Options.defaults(null).withTimestamp(1700000000L));
                    long d = System.nanoTime() - t;
                    t = System.nanoTime();
                    store.client().putObject(b -> b.bucket("bench").key("raw/" + prefix + "/" + rpm.getFileName())
                            .contentLength(size), RequestBody.fromFile(rpm));
                    long r = System.nanoTime() - t;
                    t = System.nanoTime();
                    store.client().putObject(b -> b.bucket("bench").key("rawsha/" + prefix + "/" + rpm.getFileName())
                            .contentLength(size).checksumAlgorithm(ChecksumAlgorithm.SHA256).checksumSHA256(sha64),
                            RequestBody.fromFile(rpm));
                    long rs = System.nanoTime() - t;
                    if (i >= 0) {
                        ours[i] = d;
                        raw[i] = r;
                        rawSha[i] = rs;
                    }
                }
                blobs.deleteContainer("bench");
                blobs.createContainer("bench");
            }
            for (int i = 0; i < runs; i++) {
                // throughput ratio ours / raw of each alternating pair = raw time / our time
                Results.value("inprocess.publish.pair" + (i + 1), "ratio raw/ours (throughput ours/raw), "
                        + size + " bytes", (double) raw[i] / ours[i]);
            }
            Results.line("inprocess.publish", size + " bytes", Stats.median(ours));
            Results.line("inprocess.rawput", size + " bytes", Stats.median(raw));
            Results.line("inprocess.rawput.sha256", size + " bytes", Stats.median(rawSha));
        } finally {
            proxy.stop();
            if (!releaseDir.equals(givenDir)) {
                try (var s = Files.list(releaseDir)) {
                    s.forEach(f -> f.toFile().delete());
                }
                Files.deleteIfExists(releaseDir);
            }
        }
    }
}
