package io.avalanche.rpm.release;

import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.format.ReleaseTag;
import io.avalanche.rpm.testing.Cmd;
import io.avalanche.rpm.testing.TestPackages;
import io.avalanche.rpm.write.Compression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A hostile tree's build makes its output, or a directory above it, a symbolic link (to a file of the host, out of
 * the tree, or to another file of the tree): `build` refuses it naming the link, packages and signs nothing, and never
 * deletes or reads through the link. Issue 21, point 5.
 */
class BuildOutputTest {
    @TempDir
    Path tmp;

    /** The sample tree with {@code line} run at the end of the avalanchego (or subnet-evm) build script, committed. */
    private Path tree(String script, String line) throws IOException {
        Path src = TestPackages.copySample(tmp.resolve("src"));
        Path build = src.resolve(script);
        Files.writeString(build, Files.readString(build) + line + "\n");
        TestPackages.commitAll(src);
        TestPackages.tag(src, "v1.14.1");
        return src;
    }

    private ReleaseBuilder.Request request(Path src) {
        return new ReleaseBuilder.Request(src, ReleaseTag.parse("v1.14.1"), Arch.host(), null, tmp.resolve("out"),
                Compression.parse("zstd:3"));
    }

    private void assertNothingPackaged() throws IOException {
        Path out = tmp.resolve("out");
        if (Files.exists(out)) {
            try (Stream<Path> s = Files.list(out)) {
                assertThat(s.toList()).as("nothing in --out, no staging directory left").isEmpty();
            }
        }
    }

    @Test
    void anOutputLinkedToAHostFileIsRefusedNotPackaged() throws IOException {
        Path src = tree("scripts/build.sh", "ln -sf /etc/hostname \"${avalanchego_path}\"");
        assertThatThrownBy(() -> ReleaseBuilder.build(request(src), l -> { }))
                .isInstanceOf(BuildException.class)
                .hasMessageContaining(src.resolve("build/avalanchego") + " is a symbolic link (to /etc/hostname)")
                .hasMessageContaining("regular file inside the source tree");
        assertNothingPackaged();
    }

    @Test
    void aPluginLinkedToAnotherFileOfTheTreeIsRefusedToo() throws IOException {
        // inside the tree, yet a link: refused all the same (the scripts write regular files)
        Path src = tree("graft/subnet-evm/scripts/build.sh", "ln -sf ../../../main/avalanchego.c \"$BINARY_PATH\"");
        assertThatThrownBy(() -> ReleaseBuilder.build(request(src), l -> { }))
                .isInstanceOf(BuildException.class)
                .hasMessageContaining(src.resolve("build/subnet-evm") + " is a symbolic link");
        assertNothingPackaged();
    }

    @Test
    void aBuildDirectoryMovedOutOfTheTreeBehindALinkIsRefused() throws IOException {
        Path outside = tmp.resolve("outside");
        Path src = tree("scripts/build.sh", "mv \"$(dirname \"${avalanchego_path}\")\" '" + outside + "' && ln -s '"
                + outside + "' \"$(dirname \"${avalanchego_path}\")\"");
        assertThatThrownBy(() -> ReleaseBuilder.build(request(src), l -> { }))
                .isInstanceOf(BuildException.class)
                .hasMessageContaining(src.resolve("build") + " is a symbolic link (to " + outside + ")");
        assertThat(outside.resolve("avalanchego")).as("the real binary, out of the tree").isRegularFile();
        assertNothingPackaged();
    }

    @Test
    void aCommittedBuildLinkIsNeitherFollowedToDeleteNorToRead() throws IOException {
        // the tree is clean and its build/ is a link to a directory of the user's: the old output "removed" before
        // the build would have been a file there
        Path victim = Files.createDirectories(tmp.resolve("victim"));
        Files.writeString(victim.resolve("avalanchego"), "not yours to delete\n");
        Path src = TestPackages.copySample(tmp.resolve("src"));
        Files.createSymbolicLink(src.resolve("build"), victim);
        TestPackages.commitAll(src);
        TestPackages.tag(src, "v1.14.1");
        assertThat(Cmd.run("git", "-C", src.toString(), "status", "--porcelain").ok().output()).isEmpty();
        assertThatThrownBy(() -> ReleaseBuilder.build(request(src), l -> { }))
                .isInstanceOf(BuildException.class)
                .hasMessageContaining(src.resolve("build") + " is a symbolic link (to " + victim + ")");
        assertThat(victim.resolve("avalanchego")).hasContent("not yours to delete");
        assertNothingPackaged();
    }

    @Test
    void aFifoAsOutputIsRefusedWithoutBlocking() throws IOException {
        Path src = tree("scripts/build.sh", "rm -f \"${avalanchego_path}\" && mkfifo \"${avalanchego_path}\"");
        assertThatThrownBy(() -> ReleaseBuilder.build(request(src), l -> { }))
                .isInstanceOf(BuildException.class)
                .hasMessageContaining(src.resolve("build/avalanchego") + " is not a regular file");
        assertNothingPackaged();
    }

    @Test
    void aRegularOutputIsPackagedFromAPrivateCopyThatLeavesNothingBehind() throws Exception {
        Path src = TestPackages.sampleRepo(tmp.resolve("src"));
        var m = ReleaseBuilder.build(request(src), l -> { });
        Path rpm = tmp.resolve("out").resolve(m.files().get(0).name());
        // the packaged binary is the built one, byte for byte
        Path unpacked = Files.createDirectories(tmp.resolve("unpacked"));
        Cmd.run("sh", "-c", "rpm2cpio \"$1\" | (cd \"$2\" && cpio -idm --quiet)", "sh", rpm.toString(),
                unpacked.toString()).ok();
        assertThat(unpacked.resolve("var/opt/avalanchego/bin/avalanchego"))
                .hasSameBinaryContentAs(src.resolve("build/avalanchego"));
        try (Stream<Path> s = Files.list(tmp.resolve("out"))) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
        }
    }
}
