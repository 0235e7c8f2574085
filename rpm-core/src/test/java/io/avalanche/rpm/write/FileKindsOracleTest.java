package io.avalanche.rpm.write;

import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.format.FileFlag;
import io.avalanche.rpm.testing.Cmd;
import io.avalanche.rpm.testing.TestPackages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Scriptlets, %config(noreplace), %ghost, owners, modes, symbolic links and %dir, read back by tools we did not
 * write: rpm -qp --scripts/--configfiles/--dump and query formats, rpm2cpio | cpio, rpmlint, and an rpm --root
 * install with --noscripts (scriptlets run in a container only: see FileKindsInstallTest).
 */
class FileKindsOracleTest {
    @TempDir
    static Path tmp;
    static Path rpm;

    @BeforeAll
    static void build() throws Exception {
        PackageSpec s = TestPackages.featureSpec(tmp.resolve("src"), "1.0", "{\"v\": 1}\n").build();
        rpm = RpmWriter.write(s, tmp, s.rpmFileName());
    }

    private static String q(String... args) {
        List<String> c = new java.util.ArrayList<>(List.of("rpm", "-qp"));
        c.addAll(List.of(args));
        c.add(rpm.toString());
        return Cmd.run(c).ok().output();
    }

    @Test
    void scriptletsAndTheirRequirements() {
        String scripts = q("--scripts");
        assertThat(scripts).contains("preinstall scriptlet (using /bin/sh):\ngetent group demo >/dev/null || "
                + "groupadd -r demo\n", "postinstall scriptlet (using /bin/sh):\necho \"post $1\"",
                "preuninstall scriptlet (using /bin/sh):\necho \"preun $1\"",
                "postuninstall scriptlet (using /bin/sh):\necho \"postun $1\"");
        assertThat(q("--qf", "%{PREINPROG}|%{POSTINPROG}|%{PREUNPROG}|%{POSTUNPROG}")).isEqualTo(
                "/bin/sh|/bin/sh|/bin/sh|/bin/sh");
        assertThat(q("--qf", "[%{REQUIRENAME} %{REQUIREFLAGS:deptype}\\n]").lines().toList()).contains(
                "/bin/sh pre,interp", "/bin/sh post,interp", "/bin/sh preun,interp", "/bin/sh postun,interp",
                "shadow-utils pre");
    }

    @Test
    void configGhostOwnersModesAndLinks() {
        assertThat(q("--configfiles").lines().toList()).containsExactly("/etc/demo/demo.conf", "/etc/demo/plain.conf");
        assertThat(q("--qf", "[%{FILEFLAGS:fflags}|%{FILEMODES:perms}|%{FILEUSERNAME}:%{FILEGROUPNAME}|%{FILENAMES}|"
                + "%{FILELINKTOS}\\n]").lines().toList()).containsExactly(
                "|drwxr-x---|root:demo|/etc/demo|",
                "cn|-rw-r-----|root:demo|/etc/demo/demo.conf|",
                "c|-rw-r--r--|root:root|/etc/demo/plain.conf|",
                "|drwxr-xr-x|root:root|/opt/demo|",
                "|lrwxrwxrwx|root:root|/opt/demo/absolute|/opt/demo/bin/demo",
                "|drwxr-xr-x|root:root|/opt/demo/bin|",
                "|-rwxr-xr-x|root:root|/opt/demo/bin/demo|",
                "|lrwxrwxrwx|root:root|/opt/demo/current|bin/demo",
                "|drwxr-x---|demo:demo|/var/lib/demo|",
                "|drwxr-x---|demo:demo|/var/log/demo|",
                "g|-rw-r-----|demo:demo|/var/log/demo/demo.log|");
        // --dump: path size mtime digest mode owner group isconfig isdoc rdev symlink
        assertThat(q("--dump")).contains(
                "/opt/demo/current 8 1700000000 " + "0".repeat(64) + " 0120777 root root 0 0 0 bin/demo",
                "/var/log/demo/demo.log 0 1700000000 " + "0".repeat(64) + " 0100640 demo demo 0 0 0 X",
                "/etc/demo 0 1700000000 " + "0".repeat(64) + " 040750 root demo 0 0 0 X")
                .containsPattern("/etc/demo/demo.conf 9 1700000000 [0-9a-f]{64} 0100640 root demo 1 0 0 X");
        // the ghost is listed but never verified for content (rpmbuild's verify flags for %ghost)
        assertThat(q("--qf", "[%{FILENAMES} %{FILEVERIFYFLAGS}\\n]")).contains("/var/log/demo/demo.log 4294967256",
                "/opt/demo/bin/demo 4294967295");
        assertThat(q("--qf", "%{SIZE}")).isEqualTo(String.valueOf(9 + 10 + 18 + 24 + 8));
    }

    @Test
    void payloadHasLinksAndDirectoriesButNoGhost() {
        String list = Cmd.run(List.of("sh", "-c", "rpm2cpio \"$0\" | cpio -itv --quiet", rpm.toString())).ok().output();
        assertThat(list).contains("./opt/demo/current -> bin/demo", "./opt/demo/absolute -> /opt/demo/bin/demo",
                "./var/lib/demo\n", "./etc/demo/demo.conf\n").doesNotContain("demo.log");
        String k = Cmd.run("rpm", "-Kv", "--nosignature", rpm.toString()).ok().output();
        assertThat(k).contains("Header SHA256 digest: OK", "Payload SHA256 digest: OK").doesNotContain("BAD");
    }

    @Test
    void rpmlintReadsEveryFeature() {
        String out = Cmd.run("rpmlint", rpm.toString()).output();
        assertThat(out).contains(
                "W: non-standard-uid /var/lib/demo demo", "W: non-standard-gid /etc/demo/demo.conf demo",
                "W: symlink-should-be-relative /opt/demo/absolute /opt/demo/bin/demo",
                "W: postin-without-ghost-file-creation /var/log/demo/demo.log",
                "W: conffile-without-noreplace-flag /etc/demo/plain.conf",
                "E: non-standard-dir-perm /var/lib/demo 750")
                // demo.conf is noreplace; the ghost has no content to be zero-length; the payload matches the header
                .doesNotContain("conffile-without-noreplace-flag /etc/demo/demo.conf", "zero-length",
                        "E: file-parent-ownership-mismatch", "rpm-error", "Traceback");
    }

    @Test
    void installsIntoAScratchRootWithOwnersModesLinksAndNoGhost() throws Exception {
        Path root = tmp.resolve("root");
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n"
                + "demo:x:4242:4243:demo:/var/lib/demo:/sbin/nologin\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\ndemo:x:4243:\n");
        Cmd.run("rpm", "--root", root.toString(), "--dbpath", "/var/lib/rpm", "--initdb").ok();
        Cmd.run("rpm", "--root", root.toString(), "--dbpath", "/var/lib/rpm", "-i", "--noscripts", "--nodeps",
                "--nosignature", rpm.toString()).ok();
        Path link = root.resolve("opt/demo/current");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readSymbolicLink(link)).isEqualTo(Path.of("bin/demo"));
        assertThat(Files.readString(root.resolve("opt/demo/current"))).isEqualTo("#!/bin/sh\necho demo 1.0\n");
        assertThat(root.resolve("var/log/demo/demo.log")).doesNotExist();
        assertThat(attrs(root.resolve("var/lib/demo"))).isEqualTo("4242:4243 rwxr-x---");
        assertThat(attrs(root.resolve("etc/demo/demo.conf"))).isEqualTo("0:4243 rw-r-----");
        assertThat(attrs(root.resolve("opt/demo/bin/demo"))).isEqualTo("0:0 rwxr-xr-x");
        String verify = Cmd.run("rpm", "--root", root.toString(), "--dbpath", "/var/lib/rpm", "-V", "demo").output();
        assertThat(verify).as("rpm -V after install: only the ghost is missing").doesNotContain("demo.conf", "/opt/");
    }

    private static String attrs(Path p) throws Exception {
        Map<String, Object> a = Files.readAttributes(p, "unix:uid,gid,permissions", LinkOption.NOFOLLOW_LINKS);
        @SuppressWarnings("unchecked")
        Set<java.nio.file.attribute.PosixFilePermission> perms =
                (Set<java.nio.file.attribute.PosixFilePermission>) a.get("permissions");
        return a.get("uid") + ":" + a.get("gid") + " " + PosixFilePermissions.toString(perms);
    }

    @Test
    void refusesWhatRpmCannotMean() {
        Path src = tmp.resolve("src/demo-1.0");
        assertThatThrownBy(() -> new FileEntry(src, "/etc/x", 0644, "root", "root", Set.of(FileFlag.NOREPLACE), null))
                .isInstanceOf(SpecException.class).hasMessageContaining("mark the file %config too");
        assertThatThrownBy(() -> new FileEntry(src, "/etc/x", 0644, "root", "root", Set.of(FileFlag.GHOST), null))
                .isInstanceOf(SpecException.class).hasMessageContaining("%ghost file has no content");
        assertThatThrownBy(() -> FileEntry.symlink("/opt/x/l", "")).isInstanceOf(SpecException.class)
                .hasMessageContaining("invalid symbolic link target");
        assertThatThrownBy(() -> new FileEntry(src, "/opt/x/f", 0644).ownedBy("bad user", "root"))
                .isInstanceOf(SpecException.class).hasMessageContaining("invalid owner name 'bad user'");
        assertThatThrownBy(() -> new FileEntry(null, "/opt/x/f", 0644)).isInstanceOf(SpecException.class)
                .hasMessageContaining("no source file given");
        assertThatThrownBy(() -> new Scriptlet(Scriptlet.Phase.PRE, "/bin/sh -e", "true"))
                .isInstanceOf(SpecException.class).hasMessageContaining("absolute path without arguments");
        assertThatThrownBy(() -> PackageSpec.builder().name("x").version("1").arch(io.avalanche.rpm.format.Arch.NOARCH)
                .file(new FileEntry(src, "/opt/x/f", 0644))
                .script(Scriptlet.shell(Scriptlet.Phase.POST, "true")).script(Scriptlet.shell(Scriptlet.Phase.POST, "false"))
                .build()).isInstanceOf(SpecException.class).hasMessageContaining("two %post scriptlets");
    }
}
