package io.avalanche.rpm.jenkins;

import io.avalanche.rpm.ProcessRunner;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * S3Proxy in its own JVM on 127.0.0.1 with SigV4 authentication and a filesystem blob store, so its Jetty, Guava and
 * AWS SDK stay off the plugin's test classpath (the Jenkins side pins other versions: requireUpperBoundDeps). The
 * runnable jar is the one Maven's dependency:copy put in target/s3proxy (org.gaul:s3proxy:jar-with-dependencies).
 */
final class S3ProxyProcess implements AutoCloseable {
    static final Path JAR = Path.of(System.getProperty("rpmRelease.s3proxyJar", "target/s3proxy/s3proxy.jar"));
    /** Jetty's line once the connector listens: "Started ...ServerConnector@...{HTTP/1.1, (http/1.1)}{127.0.0.1:PORT}". */
    private static final Pattern STARTED = Pattern.compile("Started \\S*ServerConnector@\\S*\\{[^}]*\\}\\{127\\.0\\.0\\.1:(\\d+)\\}");

    private final Process process;
    private final int port;

    private S3ProxyProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts the server with {@code buckets} created (directories of the blob store under {@code dir}). */
    static S3ProxyProcess start(Path dir, String identity, String credential, String... buckets) throws Exception {
        if (!Files.isRegularFile(JAR)) {
            throw new AssertionError(JAR.toAbsolutePath() + " is missing: run the tests through Maven "
                    + "(the s3proxy-server execution of maven-dependency-plugin copies it there)");
        }
        Path blobs = Files.createDirectories(dir.resolve("blobs"));
        for (String b : buckets) {
            Files.createDirectories(blobs.resolve(b));
        }
        Properties p = new Properties();
        p.setProperty("s3proxy.endpoint", "http://127.0.0.1:0");
        p.setProperty("s3proxy.authorization", "aws-v4");
        p.setProperty("s3proxy.identity", identity);
        p.setProperty("s3proxy.credential", credential);
        p.setProperty("s3proxy.ignore-unknown-headers", "true");
        p.setProperty("s3proxy.v4-max-non-chunked-request-size", Long.toString(256L << 20));
        p.setProperty("jclouds.provider", "filesystem");
        p.setProperty("jclouds.filesystem.basedir", blobs.toString());
        p.setProperty("jclouds.identity", "local");
        p.setProperty("jclouds.credential", "local");
        Path properties = dir.resolve("s3proxy.properties");
        try (OutputStream o = Files.newOutputStream(properties)) {
            p.store(o, "S3Proxy for the plugin tests");
        }
        Path log = dir.resolve("s3proxy.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = ProcessRunner.of(java, "-Xmx256m", "-jar", JAR.toAbsolutePath().toString(), "--properties",
                properties.toString()).start(log);
        // a guard against a server that never comes up, not a timing assertion
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (true) {
            Matcher m = STARTED.matcher(Files.readString(log, StandardCharsets.UTF_8));
            if (m.find()) {
                return new S3ProxyProcess(process, Integer.parseInt(m.group(1)));
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new AssertionError("S3Proxy did not start (" + (process.isAlive() ? "no listening line"
                        : "exit " + process.waitFor()) + "):\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            Thread.sleep(50);
        }
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
