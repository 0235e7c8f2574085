package io.avalanche.rpm.publish;

import io.avalanche.rpm.store.S3Settings;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

import java.net.URI;
import java.util.Map;

/** S3Proxy 4.1.0 in-process on 127.0.0.1 with SigV4 auth and an in-memory blob store. */
public final class S3ProxyFixture implements AutoCloseable {
    public static final String ID = "AKIAPUBLISHTEST";
    public static final String SECRET = "publish-test-secret-0123456789";
    final S3Proxy proxy;
    final BlobStore blobs;

    private S3ProxyFixture(S3Proxy proxy, BlobStore blobs) {
        this.proxy = proxy;
        this.blobs = blobs;
    }

    public static S3ProxyFixture start(String... buckets) throws Exception {
        BlobStore blobs = new TransientNio2BlobStore();
        for (String b : buckets) {
            blobs.createContainer(b);
        }
        S3Proxy proxy = S3Proxy.builder().blobStore(blobs).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V4, ID, SECRET).ignoreUnknownHeaders(true)
                .v4MaxNonChunkedRequestSize(256L << 20).build();
        proxy.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        return new S3ProxyFixture(proxy, blobs);
    }

    public String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    /** The variables withAWS would set, pointing at this server. */
    public Map<String, String> env() {
        return env(endpoint());
    }

    public Map<String, String> env(String endpoint) {
        return Map.of("AWS_ACCESS_KEY_ID", ID, "AWS_SECRET_ACCESS_KEY", SECRET, "AWS_REGION", "us-east-1",
                "AWS_ENDPOINT_URL", endpoint);
    }

    /**
     * The objects under {@code prefix} once S3Proxy has dropped the temporary blobs of uploads the client aborted: it
     * writes a body to KEY-UUID and removes that on its own thread after the connection closed, so a listing right
     * after an abort can show it (real S3 never lists an unfinished upload). Waits at most 10 s; a stored object stays.
     */
    public static java.util.List<io.avalanche.rpm.store.StoredObject> listSettled(
            io.avalanche.rpm.store.ObjectStore store, String prefix) throws InterruptedException {
        java.util.regex.Pattern temporary = java.util.regex.Pattern.compile(
                ".*-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            java.util.List<io.avalanche.rpm.store.StoredObject> all = store.list(prefix);
            if (all.stream().noneMatch(o -> temporary.matcher(o.key()).matches()) || System.nanoTime() > deadline) {
                return all;
            }
            Thread.sleep(50);
        }
    }

    public S3Settings settings() {
        return S3Settings.fromEnvironment(env());
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
