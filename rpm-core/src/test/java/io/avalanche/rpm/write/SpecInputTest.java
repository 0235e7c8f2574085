package io.avalanche.rpm.write;

import io.avalanche.rpm.SpecException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpecInputTest {
    @Test
    void parsesDependencies() {
        Dependency d = Dependency.parse("glibc >= 2.34");
        assertThat(d.name()).isEqualTo("glibc");
        assertThat(d.flags()).isEqualTo(Dependency.GREATER | Dependency.EQUAL);
        assertThat(d.version()).isEqualTo("2.34");
        assertThat(d.toString()).isEqualTo("glibc >= 2.34");
        assertThat(Dependency.parse("bash").flags()).isZero();
        assertThat(Dependency.parse("foo < 2").flags()).isEqualTo(Dependency.LESS);
        assertThatThrownBy(() -> Dependency.parse("glibc >= ")).isInstanceOf(SpecException.class);
        assertThatThrownBy(() -> Dependency.parse("a b c")).isInstanceOf(SpecException.class);
        assertThatThrownBy(() -> Dependency.parse("glibc >= 2.34; rm")).isInstanceOf(SpecException.class);
    }

    @Test
    void aUrlRpmlintWouldCallInvalidIsRefused() {
        for (String ok : new String[] {"https://github.com/ava-labs/avalanchego", "http://example.org",
                "FTP://ftp.example.org/pub/", "https://user@build.example.org:8443/x?y=1#z", ""}) {
            assertThat(FreeText.url("url", ok)).isEqualTo(ok);
        }
        assertThat(FreeText.url("url", null)).isNull();
        for (String bad : new String[] {"javascript:alert(1)", "file:///etc/passwd", "github.com/ava-labs",
                "https://localhost/x", "https://", "https:///path", "mailto:a@b.org", "https://e.org/a b",
                "data:text/html,x"}) {
            assertThatThrownBy(() -> FreeText.url("url", bad)).as(bad).isInstanceOf(SpecException.class)
                    .hasMessage("package url '" + bad + "' is not a public http, https or ftp URL"
                            + " (e.g. https://github.com/ava-labs/avalanchego)");
        }
        assertThatThrownBy(() -> FreeText.url("url", "https://e.org/\u202Ex")).isInstanceOf(SpecException.class)
                .hasMessageContaining("U+202E");
    }

    @Test
    void parsesCompression() {
        assertThat(Compression.parse("zstd:19").level()).isEqualTo(19);
        assertThat(Compression.parse("zstd").level()).isEqualTo(19);
        assertThat(Compression.parse("xz").algorithm()).isEqualTo(Compression.Algorithm.XZ);
        assertThat(Compression.parse("gzip:6").level()).isEqualTo(6);
        assertThat(Compression.parse("none").toString()).isEqualTo("none");
        assertThatThrownBy(() -> Compression.parse("zstd:25")).isInstanceOf(SpecException.class)
                .hasMessageContaining("1..19");
        assertThatThrownBy(() -> Compression.parse("bzip2")).isInstanceOf(SpecException.class);
        assertThatThrownBy(() -> Compression.parse("none:3")).isInstanceOf(SpecException.class);
        assertThatThrownBy(() -> Compression.parse("zstd:x")).isInstanceOf(SpecException.class);
    }

    @Test
    void parsesFileMappings() {
        FileEntry f = FileEntry.parse("build/avalanchego:/var/opt/avalanchego/bin/avalanchego:0755");
        assertThat(f.source()).isEqualTo(Path.of("build/avalanchego"));
        assertThat(f.path()).isEqualTo("/var/opt/avalanchego/bin/avalanchego");
        assertThat(f.mode()).isEqualTo(0755);
        assertThatThrownBy(() -> FileEntry.parse("a:relative/path")).isInstanceOf(SpecException.class)
                .hasMessageContaining("absolute");
        assertThatThrownBy(() -> FileEntry.parse("a:/x/../etc/passwd")).isInstanceOf(SpecException.class);
        assertThatThrownBy(() -> FileEntry.parse("a:/x:999")).isInstanceOf(SpecException.class);
        assertThatThrownBy(() -> FileEntry.parse("a")).isInstanceOf(SpecException.class)
                .hasMessageContaining("SRC:DEST");
    }

    @Test
    void ownsOnlyItsOwnDirectories() {
        assertThat(InstallPath.ownedAncestors("/var/opt/avalanchego/bin/avalanchego"))
                .containsExactly("/var/opt/avalanchego", "/var/opt/avalanchego/bin");
        assertThat(InstallPath.ownedAncestors("/usr/bin/tool")).isEmpty();
        assertThat(InstallPath.ownedAncestors("/etc/avalanchego/conf.json")).containsExactly("/etc/avalanchego");
    }

    @Test
    void refusesBadSpecs() {
        assertThatThrownBy(() -> PackageSpec.builder().name("bad name").version("1").arch(
                io.avalanche.rpm.format.Arch.X86_64).file(new FileEntry(Path.of("x"), "/opt/x", 0644)).build())
                .isInstanceOf(SpecException.class).hasMessageContaining("name");
        assertThatThrownBy(() -> PackageSpec.builder().name("ok").version("1-2").arch(
                io.avalanche.rpm.format.Arch.X86_64).file(new FileEntry(Path.of("x"), "/opt/x", 0644)).build())
                .isInstanceOf(SpecException.class).hasMessageContaining("version");
        assertThatThrownBy(() -> PackageSpec.builder().name("ok").version("1").arch(
                io.avalanche.rpm.format.Arch.X86_64).build())
                .isInstanceOf(SpecException.class).hasMessageContaining("no files");
    }

    @Test
    void readsSourceDateEpoch() {
        assertThat(SourceDate.epochSeconds(java.util.Map.of("SOURCE_DATE_EPOCH", "1700000000")))
                .isEqualTo(1700000000L);
        assertThatThrownBy(() -> SourceDate.epochSeconds(java.util.Map.of("SOURCE_DATE_EPOCH", "yesterday")))
                .isInstanceOf(SpecException.class);
    }
}
