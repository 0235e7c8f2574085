package io.avalanche.rpm.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.format.ReleaseTag;
import io.avalanche.rpm.sign.KeyRequest;
import io.avalanche.rpm.store.S3Settings;
import io.avalanche.rpm.testing.Cmd;
import io.avalanche.rpm.testing.TestPackages;
import io.avalanche.rpm.validate.CheckOutcome;
import io.avalanche.rpm.validate.ValidationOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One release run for both arches: each built (the foreign one cross-compiled with the sample honouring $CC),
 * signed with one key, published in one go into per-arch repositories; validated where this machine can (the
 * host arch, --local) while foreign-arch validation under emulation is not part of this machine's validator.
 */
class MultiArchReleaseTest {
    @TempDir
    Path tmp;

    @Test
    void bothArchesBuildSignAndPublishInOneRun() throws Exception {
        Arch host = Arch.host();
        Arch foreign = host == Arch.X86_64 ? Arch.AARCH64 : Arch.X86_64;
        Path src = TestPackages.sampleRepo(tmp.resolve("src"));
        Path out = tmp.resolve("out");
        Path bucket = tmp.resolve("bucket");
        List<String> log = new ArrayList<>();
        java.util.Set<Thread> logged = java.util.concurrent.ConcurrentHashMap.newKeySet();
        ReleasePipeline.Request r = new ReleasePipeline.Request(ReleaseTag.parse("v1.14.1"), false, src,
                List.of(host, foreign), null, out, "file:" + bucket, KeyRequest.ephemeralKey(),
                S3Settings.fromEnvironment(Map.of()), new ValidationOptions.Local(), "2.34", tmp.resolve("junit.xml"),
                Compression.parse("zstd:3"), false, ReleaseBuilder.Checks.STRICT);
        ReleasePipeline.Result res = ReleasePipeline.run(r, line -> {
            logged.add(Thread.currentThread());
            log.add(line);
        });
        assertThat(res.passed()).as(String.join("\n", log)).isTrue();
        // the host arch is packaged while the foreign arch builds: its lines come after that build's start, before
        // the foreign packages', and none is logged from the packaging's thread (the build's output lines come from
        // its process's reader)
        int foreignBuild = indexOf(log, "== build v1.14.1 for " + foreign.rpm());
        int hostPackaged = indexOf(log, "packaging avalanchego-v1.14.1-" + host.rpm() + ".rpm");
        assertThat(hostPackaged).as(String.join("\n", log)).isGreaterThan(foreignBuild)
                .isLessThan(indexOf(log, "packaging avalanchego-v1.14.1-" + foreign.rpm() + ".rpm"));
        assertThat(logged).contains(Thread.currentThread()).noneMatch(t -> t.getName().startsWith("package-"));
        assertThat(log).anyMatch(l -> l.startsWith("== build v1.14.1 for " + foreign.rpm() + " (cross-compiled: ")
                && l.contains("GOARCH=" + foreign.docker()) && l.contains("CC=" + (foreign == Arch.AARCH64
                ? "aarch64" : "x86_64") + "-linux-gnu-gcc"));
        // both arches validated twice (release directory, then the bucket); the foreign one under qemu-user emulation
        assertThat(res.validations()).hasSize(4).allMatch(v -> v.report().passed());
        assertThat(res.validations()).filteredOn(v -> v.arch() == foreign).hasSize(2)
                .allMatch(v -> v.report().platform() != null && v.report().platform().emulated());
        assertThat(log).anyMatch(l -> l.startsWith("NOTE  " + foreign.rpm() + " programs ran under emulation"));

        Path key = out.resolve("RPM-GPG-KEY-avalanchego");
        Path db = tmp.resolve("rpmdb");
        Cmd.run("rpmkeys", "--dbpath", db.toString(), "--import", key.toString()).ok();
        for (Arch a : List.of(host, foreign)) {
            for (String name : List.of("avalanchego", "subnet-evm")) {
                String file = name + "-v1.14.1-" + a.rpm() + ".rpm";
                Path rpm = out.resolve(file);
                assertThat(Cmd.run("rpm", "-qp", "--nosignature", "--qf", "%{ARCH}", rpm.toString()).ok().output())
                        .isEqualTo(a.rpm());
                assertThat(Cmd.run("rpmkeys", "--dbpath", db.toString(), "--checksig", "--define",
                        "_pkgverify_level signature", rpm.toString()).ok().output()).contains("OK");
                assertThat(bucket.resolve("linux/rpms/" + a.rpm() + "/" + file)).hasSameBinaryContentAs(rpm);
            }
            assertThat(bucket.resolve("linux/rpms/" + a.rpm() + "/repodata/repomd.xml.asc")).isRegularFile();
        }
        // the foreign binary really is for the foreign machine
        Path cpio = tmp.resolve("x");
        Files.createDirectories(cpio);
        Cmd.run(List.of("sh", "-c", "rpm2cpio \"$1\" | cpio -idm --quiet", "sh",
                out.resolve("avalanchego-v1.14.1-" + foreign.rpm() + ".rpm").toString()), cpio, Map.of()).ok();
        assertThat(Cmd.run("file", "-b", cpio.resolve("var/opt/avalanchego/bin/avalanchego").toString()).ok().output())
                .contains(foreign == Arch.AARCH64 ? "ARM aarch64" : "x86-64");

        JsonNode m = new ObjectMapper().readTree(out.resolve("release.json").toFile());
        assertThat(m.has("arch")).isFalse();
        assertThat(m.get("arches").toString()).isEqualTo("[\"" + host.rpm() + "\",\"" + foreign.rpm() + "\"]");
        assertThat(m.get("files")).hasSize(5);
        assertThat(res.validations()).extracting(v -> v.arch().rpm() + " " + v.phase())
                .containsExactly(host.rpm() + " release directory", foreign.rpm() + " release directory",
                        host.rpm() + " published", foreign.rpm() + " published");
        assertThat(res.validations().get(1).report().target()).contains(foreign.rpm() + ", emulated: qemu-user");
        assertThat(res.validations().get(0).report().results()).hasSize(11)   // 10 package checks, 1 trust check
                .allMatch(c -> c.status() == CheckOutcome.Status.PASSED);
        // every validation, the published ones too, is pinned to the key the release signed with (issue 21)
        assertThat(res.validations()).allSatisfy(v -> assertThat(v.report().results())
                .anySatisfy(c -> assertThat(c.check() + " " + c.status() + " " + c.message())
                        .startsWith("published-key PASSED").contains("the key this release signs with")));
        assertThat(Files.readString(tmp.resolve("junit.xml"))).contains(host.rpm() + " published avalanchego");
    }

    private static int indexOf(List<String> log, String prefix) {
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no line starts with " + prefix + ":\n" + String.join("\n", log));
    }

    /**
     * The foreign arch's build fails while the host arch is being packaged beside it: the release fails with the build's
     * error once that packaging has ended, --out is left as it was (nothing of the host's packages either) and no
     * packaging thread is left running.
     */
    @Test
    void aFailedBuildWaitsForThePackagingBesideItAndLeavesNothing() throws Exception {
        Arch host = Arch.host();
        Arch foreign = host == Arch.X86_64 ? Arch.AARCH64 : Arch.X86_64;
        Path src = tmp.resolve("src");
        TestPackages.copySample(src, TestPackages.SAMPLE);
        Path build = src.resolve("scripts/build.sh");
        Files.writeString(build, Files.readString(build).replace("echo \"Building AvalancheGo",
                "if [ \"${GOARCH:-}\" = " + foreign.docker() + " ]; then echo 'no cross compiler here' >&2; exit 7; fi\n"
                        + "echo \"Building AvalancheGo"));
        TestPackages.commitAll(src);
        TestPackages.tag(src, "v1.14.1");
        Path out = tmp.resolve("out");
        List<String> log = new ArrayList<>();
        ReleasePipeline.Request r = new ReleasePipeline.Request(ReleaseTag.parse("v1.14.1"), false, src,
                List.of(host, foreign), null, out, "file:" + tmp.resolve("bucket"), KeyRequest.ephemeralKey(),
                S3Settings.fromEnvironment(Map.of()), new ValidationOptions.Local(), "2.34", null,
                Compression.parse("zstd:19"), false, ReleaseBuilder.Checks.STRICT);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ReleasePipeline.run(r, log::add))
                .hasMessageContaining("failed with exit code 7").hasMessageContaining("no cross compiler here");
        assertThat(log).anyMatch(l -> l.startsWith("packaging avalanchego-v1.14.1-" + host.rpm() + ".rpm"));
        assertThat(out).doesNotExist();
        assertThat(tmp.resolve("bucket")).doesNotExist();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("package-"));
    }
}
