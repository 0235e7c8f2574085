package io.avalanche.rpm.release;

import io.avalanche.rpm.Digests;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.format.ReleaseTag;
import io.avalanche.rpm.store.S3Settings;
import io.avalanche.rpm.testing.TestPackages;
import io.avalanche.rpm.validate.ValidationOptions;
import io.avalanche.rpm.write.Compression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * --out receives a release only when every validation passed, the published ones included, for every arch: when the
 * published location fails validation after the upload (here a package is damaged in the bucket between the publish
 * and the validation from there), --out keeps the previous release and the run says where the published one is.
 * Issue 21, point 8.
 */
class ReleaseCommitTest {
    @TempDir
    Path tmp;

    private ReleasePipeline.Request request(Path src, String tag, List<Arch> arches, Path bucket) {
        return new ReleasePipeline.Request(ReleaseTag.parse(tag), false, src, arches, null, tmp.resolve("out"),
                "file:" + bucket, io.avalanche.rpm.sign.KeyRequest.ephemeralKey(), S3Settings.fromEnvironment(Map.of()),
                new ValidationOptions.Local(), "2.34", tmp.resolve("junit.xml"), Compression.parse("zstd:1"), false,
                ReleaseBuilder.Checks.STRICT);
    }

    private static Map<String, String> files(Path dir) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                m.put(p.getFileName().toString(), Files.isRegularFile(p) ? Digests.hex(Digests.sha256(p)) : "dir");
            }
        }
        return m;
    }

    @Test
    void aPublishedValidationThatFailsForOneArchLeavesOutAsItWas() throws Exception {
        Arch host = Arch.host();
        Arch foreign = host == Arch.X86_64 ? Arch.AARCH64 : Arch.X86_64;
        Path src = TestPackages.sampleRepo(tmp.resolve("src"), TestPackages.SAMPLE, "v1.14.1", "v1.14.2");
        List<String> log = new ArrayList<>();
        ReleasePipeline.Result good = ReleasePipeline.run(request(src, "v1.14.1", List.of(host),
                tmp.resolve("bucket1")), log::add);
        assertThat(good.passed()).as(String.join("\n", log)).isTrue();
        assertThat(good.committed()).isTrue();
        Path out = tmp.resolve("out");
        Map<String, String> before = files(out);
        assertThat(before).containsKeys("release.json", "avalanchego-v1.14.1-" + host.rpm() + ".rpm");

        // both arches pass from the release directory and are published; then the foreign arch's avalanchego is
        // damaged in the bucket just before it is validated from there
        Path bucket = tmp.resolve("bucket2");
        Path published = bucket.resolve("linux/rpms/" + foreign.rpm() + "/avalanchego-v1.14.2-" + foreign.rpm()
                + ".rpm");
        List<String> log2 = new ArrayList<>();
        ReleasePipeline.Result bad = ReleasePipeline.run(request(src, "v1.14.2", List.of(host, foreign), bucket),
                line -> {
                    log2.add(line);
                    if (line.equals("== validate from file:" + bucket + " (" + foreign.rpm() + ", published)")) {
                        damage(published);
                    }
                });
        assertThat(bad.published()).as(String.join("\n", log2)).isNotNull();
        assertThat(bad.validations()).filteredOn(v -> v.phase().equals("release directory"))
                .hasSize(2).allMatch(v -> v.report().passed());
        assertThat(bad.validations()).filteredOn(v -> v.arch() == foreign && v.phase().equals("published"))
                .singleElement().matches(v -> !v.report().passed());
        assertThat(bad.passed()).isFalse();
        assertThat(bad.committed()).isFalse();
        assertThat(bad.toMap()).containsEntry("releaseDirUpdated", false);
        // --out still holds the good release and nothing of this one, the host arch's passing packages included
        assertThat(files(out)).isEqualTo(before);
        assertThat(log2).anyMatch(l -> l.contains(out + " left as it was") && l.contains("file:" + bucket));
        assertThat(tmp.resolve("junit.xml")).content().contains("<failure");
    }

    private static void damage(Path rpm) {
        try {
            byte[] b = Files.readAllBytes(rpm);
            b[b.length - 100] ^= 0x5a;
            Files.write(rpm, b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
