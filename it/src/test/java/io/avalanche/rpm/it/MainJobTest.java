package io.avalanche.rpm.it;

import io.avalanche.rpm.testing.Cmd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the README's first command exactly as written and checks what it produced with rpm itself. */
class MainJobTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    /** The first command in README.md's "The two commands" block. */
    static String readmeMainJobCommand() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        Matcher m = Pattern.compile("## The two commands\\s+```sh\\n([^\\n#]+?)\\s*(#[^\\n]*)?\\n").matcher(readme);
        assertThat(m.find()).as("README has a 'The two commands' block").isTrue();
        return m.group(1).trim();
    }

    @Test
    void readmeMainJobReleasesTheSample() throws Exception {
        String command = readmeMainJobCommand();
        assertThat(command).isEqualTo("./scripts/main-job.sh");
        Cmd.Result r = Cmd.run(List.of("bash", "-c", command), ROOT, Map.of());
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("RELEASE OK: v1.14.1", "RPMs:", "public key:", "JUnit:",
                "repository metadata:");

        Path work = ROOT.resolve("out/main-job");
        String arch = Cmd.run("uname", "-m").ok().output().trim().replace("arm64", "aarch64");
        Path release = work.resolve("release");
        Path key = release.resolve("RPM-GPG-KEY-avalanchego");
        Path db = tmp.resolve("db");
        Cmd.run("rpmkeys", "--dbpath", db.toString(), "--import", key.toString()).ok();
        String commit = Cmd.run("git", "-C", work.resolve("source").toString(), "rev-parse", "HEAD").ok().output().trim();
        for (String name : List.of("avalanchego", "subnet-evm")) {
            Path rpm = release.resolve(name + "-v1.14.1-" + arch + ".rpm");
            String k = Cmd.run("rpm", "--dbpath", db.toString(), "-vK", rpm.toString()).ok().output();
            assertThat(k).containsPattern("RSA/SHA256 [Ss]ignature.*: OK").doesNotContain("BAD", "NOKEY");
            Cmd.run("rpmkeys", "--dbpath", db.toString(), "--checksig", "--define", "_pkgverify_level signature",
                    rpm.toString()).ok();
            assertThat(Cmd.run("rpm", "-qp", "--requires", rpm.toString()).ok().output()).contains("glibc >= 2.34");
            String files = Cmd.run("rpm", "-qlvp", rpm.toString()).ok().output();
            assertThat(files).containsPattern("-rwxr-xr-x +1 root +root .* /var/opt/avalanchego/"
                    + (name.equals("avalanchego") ? "bin/avalanchego" : "plugins/srEXiWaHuhNyGwPUi444Tu47ZEDwxTWrbQiuD7FmgSAQ6X7Dy"));
            // rpmlint checks signatures against the default rpm database, which Debian keeps in ~/.rpmdb
            Path home = Files.createDirectories(tmp.resolve("home"));
            Cmd.run(List.of("rpmkeys", "--import", key.toString()), null, Map.of("HOME", home.toString())).ok();
            String lint = Cmd.run(List.of("rpmlint", rpm.toString()), null, Map.of("HOME", home.toString())).output();
            assertThat(lint.lines().filter(l -> l.contains(": E: "))).as(lint).isEmpty();
            Path published = work.resolve("bucket/linux/rpms/" + arch + "/" + rpm.getFileName());
            assertThat(Files.readAllBytes(published)).isEqualTo(Files.readAllBytes(rpm));
        }
        assertThat(work.resolve("bucket/linux/rpms/" + arch + "/repodata/repomd.xml")).isRegularFile();
        assertThat(work.resolve("bucket/linux/rpms/" + arch + "/repodata/repomd.xml.asc")).isRegularFile();
        assertThat(work.resolve("bucket/linux/rpms/RPM-GPG-KEY-avalanchego")).hasSameBinaryContentAs(key);
        // customers: dnf installs both packages from the published repository, checking the signed metadata
        Path glibcRepo = tmp.resolve("glibc-repo");
        io.avalanche.rpm.testing.TestPackages.glibcProvider(glibcRepo, "2.34");
        Cmd.run("createrepo_c", "--quiet", glibcRepo.toString()).ok();
        Path root = Files.createDirectories(tmp.resolve("installroot"));
        Path bucketRepo = work.resolve("bucket/linux/rpms/" + arch);
        Cmd.Result dnf = Cmd.run(List.of("dnf", "-y", "--installroot", root.toString(), "--releasever=9",
                "--setopt=reposdir=/dev/null", "--setopt=cachedir=" + root.resolve("var/cache/dnf"),
                "--repofrompath=avalanchego,file://" + bucketRepo, "--setopt=avalanchego.gpgcheck=1",
                "--setopt=avalanchego.repo_gpgcheck=1",
                "--setopt=avalanchego.gpgkey=file://" + work.resolve("bucket/linux/rpms/RPM-GPG-KEY-avalanchego"),
                "--repofrompath=base,file://" + glibcRepo, "--setopt=base.gpgcheck=0", "--nodocs",
                "--setopt=install_weak_deps=False", "install", "avalanchego", "subnet-evm"), null, Map.of());
        assertThat(dnf.exitCode()).as(dnf.output()).isZero();
        assertThat(dnf.output()).contains("Key imported successfully").doesNotContain("BAD");
        assertThat(Cmd.run(root.resolve("var/opt/avalanchego/bin/avalanchego").toString(), "--version").ok()
                .output()).contains("commit=" + commit);

        String junit = Files.readString(work.resolve("validation-junit.xml"));
        assertThat(junit).contains("smoke").doesNotContain("<failure");
        assertThat(Files.readString(release.resolve("release.json"))).contains(commit);
    }
}
