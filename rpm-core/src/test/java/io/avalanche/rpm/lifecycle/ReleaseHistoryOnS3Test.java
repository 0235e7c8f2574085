package io.avalanche.rpm.lifecycle;

import io.avalanche.rpm.store.S3Settings;
import io.avalanche.rpm.store.S3Store;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

/** The release history on S3 (S3Proxy; customers read it through an anonymous endpoint, as through a CDN). */
class ReleaseHistoryOnS3Test extends ReleaseHistory {
    @Test
    void onS3() throws Exception {
        BlobStore blobs = new TransientNio2BlobStore();
        blobs.createContainer("history");
        S3Proxy publisher = S3Proxy.builder().blobStore(blobs).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V4, "AKIAHISTORY", "history-secret-0123456789")
                .ignoreUnknownHeaders(true).v4MaxNonChunkedRequestSize(256L << 20).build();
        S3Proxy customers = S3Proxy.builder().blobStore(blobs).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.NONE, null, null).build();
        publisher.start();
        customers.start();
        try {
            for (S3Proxy p : new S3Proxy[] {publisher, customers}) {
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (!"STARTED".equals(p.getState()) && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
            }
            S3Settings s3 = S3Settings.fromEnvironment(Map.of("AWS_ACCESS_KEY_ID", "AKIAHISTORY",
                    "AWS_SECRET_ACCESS_KEY", "history-secret-0123456789", "AWS_REGION", "us-east-1",
                    "AWS_ENDPOINT_URL", "http://127.0.0.1:" + publisher.getPort()));
            try (S3Store store = S3Store.open("s3://history", s3)) {
                history(store, "http://127.0.0.1:" + customers.getPort() + "/history/");
            }
        } finally {
            customers.stop();
            publisher.stop();
        }
    }
}
