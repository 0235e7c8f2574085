package io.avalanche.rpm.publish;

import io.avalanche.rpm.Digests;
import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.store.FileStore;
import io.avalanche.rpm.store.StoreException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A file: destination whose tree holds symbolic links (repodata/, an arch directory, linux/, the key file, the .repo
 * file, the lock file) is neither written nor read through them: publish and reads refuse, naming the link, and
 * nothing changes where it points (issue 21, point 15).
 */
class FileDestinationLinksTest {
    static final String X86 = Layout.SEED.root() + "x86_64/";
    @TempDir
    Path tmp;
    Path release;
    Path dest;
    Path outside;

    @BeforeEach
    void setUp() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        release = Files.createDirectories(tmp.resolve("release"));
        Path p = TestRpms.build(work, "avalanchego", "6.0.0", "x86_64", List.of());
        Files.move(p, release.resolve("avalanchego-v6.0.0-x86_64.rpm"));
        Files.writeString(release.resolve(ReleaseManifest.KEY_FILE), "not checked in this test\n");
        dest = tmp.resolve("dest");
        outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("repomd.xml"), "<repomd/>\n");
        Files.writeString(outside.resolve("keep.txt"), "keep\n");
    }

    private static Publisher.Options options() {
        return Publisher.Options.defaults(null).withTimestamp(1).withoutReleaseChecks();
    }

    private void publish() {
        new Publisher(new FileStore(dest), o -> { }, s -> { }).publish(release, options());
    }

    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                m.put(root.relativize(p).toString(), Digests.hex(Digests.sha256(p)));
            }
        }
        return m;
    }

    private void refused(Path link, String target) throws IOException {
        Map<String, String> before = snapshot(outside);
        assertThatThrownBy(this::publish).isInstanceOf(StoreException.class)
                .hasMessageContaining(link + " is a symbolic link (to " + target + ")");
        assertThat(snapshot(outside)).as("nothing changed where the link points").isEqualTo(before);
    }

    @Test
    void aLinkedRepodataDirectoryIsRefused() throws Exception {
        Path link = dest.resolve(X86 + "repodata");
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, outside);
        refused(link, outside.toString());
    }

    @Test
    void aLinkedArchDirectoryIsRefused() throws Exception {
        Path link = dest.resolve(X86.substring(0, X86.length() - 1));
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, outside);
        refused(link, outside.toString());
    }

    @Test
    void aLinkedLinuxDirectoryIsRefused() throws Exception {
        Files.createDirectories(dest);
        Path link = dest.resolve("linux");
        Files.createSymbolicLink(link, outside);
        refused(link, outside.toString());
    }

    @Test
    void aLinkedKeyFileIsRefusedNotRead() throws Exception {
        // the link points at a copy of the very key: read through the link it would look already published
        Path target = outside.resolve("key.asc");
        Files.copy(release.resolve(ReleaseManifest.KEY_FILE), target);
        Path link = dest.resolve(Layout.SEED.root() + ReleaseManifest.KEY_FILE);
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, target);
        refused(link, target.toString());
    }

    @Test
    void aLinkedRepoFileIsRefused() throws Exception {
        Path target = outside.resolve("keep.txt");
        Path link = dest.resolve(Layout.SEED.root() + "avalanchego.repo");
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, target);
        refused(link, target.toString());
    }

    @Test
    void aLinkedLockFileIsRefusedAndCreatesNothingWhereItPoints() throws Exception {
        Files.createDirectories(dest);
        Path target = outside.resolve("created-by-the-lock");
        Path link = dest.resolve(FileStore.LOCK_FILE);
        Files.createSymbolicLink(link, target);
        refused(link, target.toString());
        assertThat(target).doesNotExist();
    }

    @Test
    void readsRefuseLinksTooAsValidateFromFileDoes() throws Exception {
        publish();
        Path repodata = dest.resolve(X86 + "repodata");
        Path moved = tmp.resolve("moved-repodata");
        Files.move(repodata, moved);
        Files.createSymbolicLink(repodata, moved);
        FileStore store = new FileStore(dest);
        assertThatThrownBy(() -> store.get(X86 + "repodata/repomd.xml")).isInstanceOf(StoreException.class)
                .hasMessageContaining(repodata + " is a symbolic link");
        assertThatThrownBy(() -> store.list(X86 + "repodata/")).isInstanceOf(StoreException.class);
        // the root itself may be a link: the user named it
        Path linkedRoot = tmp.resolve("linked-root");
        Files.createSymbolicLink(linkedRoot, dest);
        assertThat(new FileStore(linkedRoot).head(X86 + "avalanchego-v6.0.0-x86_64.rpm")).isPresent();
    }
}
