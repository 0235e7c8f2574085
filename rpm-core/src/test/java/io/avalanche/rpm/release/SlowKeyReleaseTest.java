package io.avalanche.rpm.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.avalanche.rpm.Digests;
import io.avalanche.rpm.ProgressReporter;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.format.ReleaseTag;
import io.avalanche.rpm.sign.KeyRequest;
import io.avalanche.rpm.sign.PendingKey;
import io.avalanche.rpm.sign.SigningKey;
import io.avalanche.rpm.store.S3Settings;
import io.avalanche.rpm.testing.Cmd;
import io.avalanche.rpm.testing.TestPackages;
import io.avalanche.rpm.validate.ValidationOptions;
import io.avalanche.rpm.write.Compression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A release whose ephemeral key is still being generated when the first arch's build ends does not wait for it:
 * that arch's packages are written unsigned and signed once the key is there, after the last build; the next arch's
 * are signed as they are written. Every package verifies with real rpmkeys against the exported key, and release.json
 * and the bucket hold the signed bytes.
 */
class SlowKeyReleaseTest {
    @TempDir
    Path tmp;

    @Test
    void packagesWrittenBeforeTheKeyIsReadyAreSignedAfterTheBuilds() throws Exception {
        Arch host = Arch.host();
        Arch foreign = host == Arch.X86_64 ? Arch.AARCH64 : Arch.X86_64;
        Path src = TestPackages.sampleRepo(tmp.resolve("src"));
        Path out = tmp.resolve("out");
        Path bucket = tmp.resolve("bucket");
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        // the key is generated at once but handed over only when the second arch's build begins, i.e. after the
        // first arch was packaged; that build begins once it is handed over. A pipeline that waited for the key would
        // wait 60 s here and then sign everything as written: the log tells
        CountDownLatch secondBuild = new CountDownLatch(1);
        AtomicReference<PendingKey> pending = new AtomicReference<>();
        ReleasePipeline.Request r = new ReleasePipeline.Request(ReleaseTag.parse("v1.14.1"), false, src,
                List.of(host, foreign), null, out, "file:" + bucket, KeyRequest.ephemeralKey(),
                S3Settings.fromEnvironment(Map.of()), new ValidationOptions.Local(), "2.34", null,
                Compression.parse("zstd:3"), false, ReleaseBuilder.Checks.STRICT);
        ReleasePipeline.Result res = ReleasePipeline.run(r, line -> {
            log.add(line);
            if (line.startsWith("== build v1.14.1 for " + foreign.rpm())) {
                secondBuild.countDown();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (pending.get().opening() && System.nanoTime() < deadline) {
                    java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
            }
        }, ProgressReporter.NONE, source -> {
            PendingKey p = PendingKey.opening(() -> {
                SigningKey k = source.open();
                secondBuild.await(60, TimeUnit.SECONDS);
                return k;
            });
            pending.set(p);
            return p;
        });
        assertThat(res.passed()).as(String.join("\n", log)).isTrue();
        String keyId = log.stream().filter(l -> l.startsWith("signing key ")).findFirst().orElseThrow().split(" ")[2];
        for (String name : List.of("avalanchego", "subnet-evm")) {
            assertThat(log).contains("  signed " + name + "-v1.14.1-" + host.rpm() + ".rpm with key " + keyId
                    + " (after it was written: the key was still being generated)");
            assertThat(log).contains("  signed " + name + "-v1.14.1-" + foreign.rpm() + ".rpm with key " + keyId
                    + " (as it was written)");
        }
        // the key was announced once, after the first arch was packaged
        assertThat(log).filteredOn(l -> l.startsWith("signing key ")).hasSize(1);
        List<String> lines = List.copyOf(log);
        assertThat(firstIndex(lines, "signing key ")).isGreaterThan(firstIndex(lines, "== build v1.14.1 for "
                + foreign.rpm()));

        Path db = tmp.resolve("rpmdb");
        Cmd.run("rpmkeys", "--dbpath", db.toString(), "--import", out.resolve("RPM-GPG-KEY-avalanchego").toString())
                .ok();
        JsonNode files = new ObjectMapper().readTree(out.resolve("release.json").toFile()).get("files");
        for (Arch a : List.of(host, foreign)) {
            for (String name : List.of("avalanchego", "subnet-evm")) {
                String file = name + "-v1.14.1-" + a.rpm() + ".rpm";
                Path rpm = out.resolve(file);
                assertThat(Cmd.run("rpmkeys", "--dbpath", db.toString(), "--checksig", "--define",
                        "_pkgverify_level signature", rpm.toString()).ok().output()).as(file)
                        .contains("digests signatures OK");
                assertThat(bucket.resolve("linux/rpms/" + a.rpm() + "/" + file)).hasSameBinaryContentAs(rpm);
                String sha = Digests.hex(Digests.sha256(rpm));
                assertThat(files).as("release.json lists the signed bytes of " + file)
                        .anyMatch(f -> f.get("name").asText().equals(file) && f.get("sha256").asText().equals(sha));
            }
        }
    }

    private static int firstIndex(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no line starts with " + prefix + ": " + lines);
    }
}
