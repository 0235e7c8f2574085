package io.avalanche.rpm.it;

import io.avalanche.rpm.sign.GpgHome;
import io.avalanche.rpm.testing.Cmd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The commands the launcher starts on its short class path (without the AWS SDK) and its class data sharing
 * archive work end to end through ./rpm-release, checked with rpm itself; the other commands get the full path.
 */
class LauncherTest {
    static final Path ROOT = MainJobTest.ROOT;

    @TempDir
    Path tmp;

    private Cmd.Result cli(String... args) {
        List<String> a = new ArrayList<>(List.of(ROOT.resolve("rpm-release").toString()));
        a.addAll(List.of(args));
        return Cmd.run(a, tmp, Map.of());
    }

    /** The launcher's name for the archive of the JDK it finds (JAVA_HOME, else java on PATH, links resolved). */
    static String archiveKey() throws Exception {
        String javaHome = System.getenv("JAVA_HOME");
        Path java = javaHome != null ? Path.of(javaHome, "bin", "java")
                : Path.of(Cmd.run("bash", "-c", "command -v java").ok().output().strip());
        String jdk = java.toRealPath().toString().replaceFirst("/bin/java$", "");
        return jdk.replaceAll("[^A-Za-z0-9._-]", "_").replaceFirst("^_", "");
    }

    @Test
    void packageSignVerifyAndInspectRunOnTheShortClassPath() throws Exception {
        assertThat(cli("--version").ok().output()).contains("rpm-release");
        Path fast = ROOT.resolve("rpm-cli/target/fast-start").resolve(archiveKey());
        List<String> lines = Files.readAllLines(fast.resolve("classpath"));
        assertThat(lines).hasSizeGreaterThanOrEqualTo(2);
        assertThat(lines.get(0)).contains("picocli-", "rpm-core-", "bcprov-").doesNotContain("/s3-", "/sdk-core-");
        assertThat(lines.get(1)).contains("/s3-", "/sdk-core-");
        assertThat(fast.resolve("app.jsa")).isRegularFile();

        Path payload = Files.writeString(tmp.resolve("payload.txt"), "launcher test\n");
        try (GpgHome gpg = new GpgHome()) {
            String fpr = gpg.generate(GpgHome.rsa(2048, "sign,cert", null, "launcher test key"));
            Path secret = Files.writeString(tmp.resolve("secret.asc"), gpg.exportSecret(fpr, null));
            Path pub = gpg.exportPublic(fpr, tmp.resolve("pub.asc"));

            Cmd.Result pkg = cli("package", "--name", "launcher-test", "--version", "1", "--arch", "noarch",
                    "--file", payload + ":/opt/launcher-test/payload.txt", "--out", "out", "--key", secret.toString(),
                    "--json");
            assertThat(pkg.exitCode()).as(pkg.output()).isZero();
            assertThat(pkg.output()).contains("\"sha256\"", "\"keyId\"");
            Path rpm = tmp.resolve("out/launcher-test-1-1.noarch.rpm");

            Path db = tmp.resolve("db");
            Cmd.run("rpmkeys", "--dbpath", db.toString(), "--import", pub.toString()).ok();
            assertThat(Cmd.run("rpm", "--dbpath", db.toString(), "-vK", rpm.toString()).ok().output())
                    .containsPattern("RSA/SHA256 [Ss]ignature.*: OK").doesNotContain("BAD", "NOKEY");

            Cmd.Result verify = cli("verify", "--key", pub.toString(), "--json", rpm.toString());
            assertThat(verify.exitCode()).as(verify.output()).isZero();
            assertThat(verify.output()).contains("\"ok\" : true");

            Cmd.Result resign = cli("sign", "--key", secret.toString(), rpm.toString());
            assertThat(resign.exitCode()).as(resign.output()).isZero();
            assertThat(cli("verify", "--key", pub.toString(), rpm.toString()).ok().output()).contains(": OK");

            assertThat(cli("inspect", "--json", rpm.toString()).ok().output()).contains("\"launcher-test\"");
            Cmd.Result wrongKey = cli("verify", "--key", secret.toString(), rpm.toString());
            assertThat(wrongKey.exitCode()).as(wrongKey.output()).isNotZero();
        }
        // help for a publishing command is built on the short class path too
        assertThat(cli("help", "publish").ok().output()).contains("Usage: rpm-release publish");
        // a publishing command gets the AWS SDK: against a closed port it fails on the network, not on a class
        List<String> a = new ArrayList<>(List.of(ROOT.resolve("rpm-release").toString(), "publish", "--to",
                "s3://no-such-bucket/x", "--endpoint", "http://127.0.0.1:9", "--timeout", "5s", "--attempt-timeout",
                "2s", tmp.resolve("out").toString()));
        Cmd.Result publish = Cmd.run(a, tmp, Map.of("AWS_ACCESS_KEY_ID", "x", "AWS_SECRET_ACCESS_KEY", "y",
                "AWS_REGION", "us-east-1"));
        assertThat(publish.exitCode()).as(publish.output()).isNotZero();
        assertThat(publish.output()).contains("error: ").doesNotContain("NoClassDefFound", "ClassNotFound");
    }

    /**
     * Every command, not only package, sign and verify, starts without Bouncy Castle's Miller-Rabin rounds on the RSA
     * moduli it loads (publish spent 170 ms of 0.9 s there); the JVM prints its properties on stderr when asked.
     */
    @Test
    void everyCommandSkipsMillerRabinOnTheKeysItLoads() {
        for (String command : List.of("publish", "validate", "release", "prune", "verify", "package")) {
            List<String> a = List.of(ROOT.resolve("rpm-release").toString(), command, "--help");
            Cmd.Result r = Cmd.run(a, tmp, Map.of("RPM_RELEASE_JAVA_OPTS", "-XshowSettings:properties"));
            assertThat(r.exitCode()).as(r.output()).isZero();
            assertThat(r.output()).as(command).contains("org.bouncycastle.rsa.max_mr_tests = 0");
        }
    }

    /**
     * The heap is in transparent huge pages exactly where the kernel offers them to a process that asks (its setting
     * madvise or always): the JVM's final flags say so for commands of each heap size.
     */
    @Test
    void theHeapIsInHugePagesWhereTheKernelOffersThem() throws Exception {
        Path setting = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        String kernel = Files.exists(setting) ? Files.readString(setting) : "";
        boolean offered = kernel.contains("[always]") || kernel.contains("[madvise]");
        for (String command : List.of("verify", "package", "release")) {
            List<String> a = List.of(ROOT.resolve("rpm-release").toString(), command, "--help");
            Cmd.Result r = Cmd.run(a, tmp, Map.of("RPM_RELEASE_JAVA_OPTS", "-XX:+PrintFlagsFinal"));
            assertThat(r.exitCode()).as(r.output()).isZero();
            assertThat(r.output()).as(command + " with the kernel's " + kernel.strip())
                    .containsPattern("bool UseTransparentHugePages +?= " + offered + " ");
        }
    }

    /**
     * A change to rpm-core's sources alone builds the CLI once, not at every start: Maven leaves rpm-cli.jar as it was
     * when nothing of rpm-cli changed, and a launcher that compared the sources with that jar built again at every
     * start (~6 s each). The launcher runs here in a checkout of stand-ins: a Maven wrapper that counts its builds and
     * leaves the jar alone, as Maven does then, a fast-start script and a JDK whose java only says it ran.
     */
    @Test
    void aChangeToCoreAloneBuildsOnceNotAtEveryStart() throws Exception {
        Path co = standInCheckout();
        standInJdk("jdk");
        java.time.Instant now = java.time.Instant.now();
        Path jar = Files.writeString(co.resolve("rpm-cli/target/rpm-cli.jar"), "");
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.from(now.minusSeconds(3600)));
        Path core = Files.writeString(co.resolve("rpm-core/src/main/Core.java"), "");
        Files.setLastModifiedTime(core, java.nio.file.attribute.FileTime.from(now.minusSeconds(600)));
        for (String f : List.of("pom.xml", "rpm-core/pom.xml", "rpm-cli/pom.xml", "rpm-cli/target/lib/dep.jar",
                "../jdk/lib/modules")) {
            Files.setLastModifiedTime(co.resolve(f), java.nio.file.attribute.FileTime.from(now.minusSeconds(7200)));
        }
        Map<String, String> env = Map.of("JAVA_HOME", tmp.resolve("jdk").toString());
        for (int i = 0; i < 2; i++) {
            Cmd.Result r = Cmd.run(List.of(co.resolve("rpm-release").toString(), "--version"), tmp, env);
            assertThat(r.ok().output()).contains("java-ran");
        }
        assertThat(Files.readAllLines(co.resolve("builds"))).as("builds by the launcher's two starts").hasSize(1);
        assertThat(Files.readAllLines(co.resolve("preps"))).as("fast starts prepared by the two starts").hasSize(1);

        // a new way of preparing the fast start (scripts/fast-start.sh changed) prepares it again, once
        Files.setLastModifiedTime(co.resolve("scripts/fast-start.sh"),
                java.nio.file.attribute.FileTime.from(java.time.Instant.now().plusSeconds(60)));
        assertThat(Cmd.run(List.of(co.resolve("rpm-release").toString(), "--version"), tmp, env).ok().output())
                .contains("java-ran");
        assertThat(Files.readAllLines(co.resolve("preps"))).as("after fast-start.sh changed").hasSize(2);
        assertThat(Files.readAllLines(co.resolve("builds"))).hasSize(1);
    }

    /**
     * The launcher remembers the JDK behind a java link (instead of resolving it at every start), but not past a
     * change of the link: JAVA_HOME as a link turned from one JDK to another gets the other JDK's archive, and back.
     */
    @Test
    void aJavaLinkTurnedToAnotherJdkGetsThatJdksArchive() throws Exception {
        Path co = standInCheckout();
        Files.writeString(co.resolve("rpm-cli/target/rpm-cli.jar"), "");
        Path a = standInJdk("jdk-a");
        Path b = standInJdk("jdk-b");
        Path link = tmp.resolve("java-home");
        List<String> preps = new ArrayList<>();
        for (Path jdk : List.of(a, b, b, a)) {
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, jdk);
            Cmd.Result r = Cmd.run(List.of(co.resolve("rpm-release").toString(), "--version"), tmp,
                    Map.of("JAVA_HOME", link.toString()));
            String key = jdk.toRealPath().toString().replaceAll("[^A-Za-z0-9._-]", "_").replaceFirst("^_", "");
            assertThat(r.ok().output()).contains("java-ran " + jdk.getFileName()).contains("-XX:SharedArchiveFile="
                    + co.resolve("rpm-cli/target/fast-start").resolve(key).resolve("app.jsa") + " ");
            preps = Files.readAllLines(co.resolve("preps"));
        }
        assertThat(preps).as("one archive per JDK, each made once").hasSize(2);
    }

    /** A JAVA_HOME without bin/java is named in one line on stderr, before anything is built or prepared. */
    @Test
    void aJavaHomeWithoutJavaIsNamedAndNothingIsBuilt() throws Exception {
        Path co = standInCheckout();
        Path notJdk = Files.createDirectories(tmp.resolve("not a jdk"));
        Cmd.Result r = Cmd.run(List.of(co.resolve("rpm-release").toString(), "verify", "--help"), tmp,
                Map.of("JAVA_HOME", notJdk.toString()));
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.output().strip()).isEqualTo("rpm-release: JAVA_HOME=" + notJdk
                + " has no bin/java; point it at a JDK 17 or newer, or unset it");
        assertThat(co.resolve("builds")).doesNotExist();
        assertThat(co.resolve("preps")).doesNotExist();
    }

    /**
     * A link to the launcher (~/bin/rpm-release) runs the checkout the link leads to; a copy of the launcher alone
     * says it is not in a checkout (both tried to build with a ./mvnw beside the link: exit 127).
     */
    @Test
    void aLinkToTheLauncherRunsTheCheckoutItLeadsTo() throws Exception {
        Path co = standInCheckout();
        standInJdk("jdk");
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("rpm-release"), Path.of("..", "checkout", "rpm-release"));
        Map<String, String> env = Map.of("JAVA_HOME", tmp.resolve("jdk").toString());
        Cmd.Result r = Cmd.run(List.of(bin.resolve("rpm-release").toString(), "--version"), tmp, env);
        assertThat(r.ok().output()).contains("java-ran jdk").contains(co.resolve("rpm-cli/target/rpm-cli.jar").toString());
        assertThat(Files.readAllLines(co.resolve("builds"))).hasSize(1);
        try (var files = Files.list(bin)) {
            assertThat(files).containsExactly(bin.resolve("rpm-release"));
        }

        Path lone = Files.createDirectories(tmp.resolve("lone"));
        Files.copy(ROOT.resolve("rpm-release"), lone.resolve("rpm-release"));
        r = Cmd.run(List.of(lone.resolve("rpm-release").toString(), "--version"), tmp, env);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.output().strip()).isEqualTo("rpm-release: " + lone
                + " is not an rpm-release checkout (no mvnw to build the CLI with)");
    }

    /**
     * A checkout of stand-ins: a Maven wrapper that counts its builds (and leaves the jar alone) and a fast-start
     * script that records the archive directory it prepares.
     */
    private Path standInCheckout() throws Exception {
        Path co = Files.createDirectories(tmp.resolve("checkout"));
        Files.copy(ROOT.resolve("rpm-release"), co.resolve("rpm-release"));
        for (String d : List.of("rpm-core/src/main", "rpm-cli/src/main", "rpm-cli/target/lib", "scripts")) {
            Files.createDirectories(co.resolve(d));
        }
        for (String f : List.of("pom.xml", "rpm-core/pom.xml", "rpm-cli/pom.xml", "rpm-cli/target/lib/dep.jar")) {
            Files.writeString(co.resolve(f), "");
        }
        script(co.resolve("mvnw"), "echo build >> \"$(dirname \"$0\")/builds\"");
        script(co.resolve("scripts/fast-start.sh"), "echo \"prep $4\" >> \"$(dirname \"$0\")/../preps\" && "
                + "mkdir -p \"$4\" && : > \"$4/app.jsa\" && printf '%s:%s\\n\\n\\n' \"$2\" \"$4/lib/dep.jar\" > \"$4/classpath\"");
        return co;
    }

    /** A JDK under tmp whose java only says it ran, where, and with what. */
    private Path standInJdk(String name) throws Exception {
        Path jdk = tmp.resolve(name);
        script(Files.createDirectories(jdk.resolve("bin")).resolve("java"), "echo java-ran " + name + " \"$@\"");
        Files.writeString(Files.createDirectories(jdk.resolve("lib")).resolve("modules"), "");
        return jdk;
    }

    /**
     * The fast start's copies of signed jars (Bouncy Castle's) carry neither the signature nor the manifest's
     * per-entry digests (opening a jar reads its whole manifest, and a service lookup opens them all: ~1 MB for
     * Bouncy Castle); their main attributes (Multi-Release among them) are the originals'.
     */
    @Test
    void theFastStartsJarsHaveNoSignaturesNorPerEntryDigests() throws Exception {
        assertThat(cli("--version").ok().output()).contains("rpm-release");
        Path lib = ROOT.resolve("rpm-cli/target/fast-start").resolve(archiveKey()).resolve("lib");
        int signedBefore = 0;
        try (var jars = Files.list(lib)) {
            for (Path j : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                Path original = ROOT.resolve("rpm-cli/target/lib").resolve(j.getFileName().toString());
                try (java.util.jar.JarFile copy = new java.util.jar.JarFile(j.toFile(), false);
                     java.util.jar.JarFile orig = new java.util.jar.JarFile(original.toFile(), false)) {
                    assertThat(copy.stream().map(java.util.zip.ZipEntry::getName))
                            .noneMatch(n -> n.matches("META-INF/[^/]+\\.(SF|RSA|DSA|EC)"));
                    java.util.jar.Manifest m = copy.getManifest();
                    java.util.jar.Manifest o = orig.getManifest();
                    if (o == null) {
                        continue;
                    }
                    if (o.getEntries().values().stream().anyMatch(LauncherTest::onlyDigests)) {
                        signedBefore++;
                    }
                    assertThat(m.getEntries().values()).as(j.getFileName().toString())
                            .noneMatch(LauncherTest::onlyDigests);
                    assertThat(m.getMainAttributes()).as(j.getFileName().toString()).isEqualTo(o.getMainAttributes());
                }
            }
        }
        assertThat(signedBefore).as("jars whose manifests listed per-entry digests (Bouncy Castle's)")
                .isGreaterThanOrEqualTo(3);
    }

    private static boolean onlyDigests(java.util.jar.Attributes a) {
        return !a.isEmpty() && a.keySet().stream().allMatch(k -> k.toString().endsWith("-Digest"));
    }

    private static void script(Path p, String body) throws Exception {
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
