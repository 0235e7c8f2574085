package io.avalanche.rpm.validate;

import io.avalanche.rpm.testing.Cmd;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.avalanche.rpm.validate.LocalValidatorTest.result;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 21 item 1: validating a signed but hostile release must not run its code on the host. Any scriptlet or
 * trigger in avalanchego (Lua or shell, every kind rpm runs) is a finding before anything is installed, in --local
 * and container mode alike; a hostile program run by the --local smoke test is confined (it cannot write to the
 * host, kill a host process, read a root-only file or reach the host's loopback), and the report says how.
 */
class HostileReleaseTest {
    @TempDir
    static Path tmp;
    static TestReleases releases;

    @BeforeAll
    static void setUp() {
        releases = new TestReleases(tmp.resolve("fixtures"));
    }

    static ValidationReport validate(Path dir, String name, ValidationOptions.Install install) {
        ValidationOptions o = ValidationOptions.of(new ReleaseRef(TestReleases.TAG, "x86_64"), TestReleases.COMMIT)
                .withInstall(install).withAnchor(TrustAnchor.pinned(releases.publicKey()));
        ValidationReport r = new Validator(o).validate(ReleaseSource.directory(dir), tmp.resolve("work-" + name));
        r.summaryLines().forEach(System.out::println);
        return r;
    }

    /** Spec lines of one scriptlet or trigger of each kind; %VICTIM% becomes a host PID it tries to kill. */
    static Map<String, List<String>> scriptlets() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("lua-pre", List.of("%pre -p <lua>", "posix.kill(%VICTIM%, 9)"));
        m.put("shell-post", List.of("%post", "kill -9 %VICTIM%"));
        m.put("lua-pretrans", List.of("%pretrans -p <lua>", "posix.kill(%VICTIM%, 9)"));
        m.put("lua-posttrans", List.of("%posttrans -p <lua>", "posix.kill(%VICTIM%, 9)"));
        m.put("preun", List.of("%preun", "kill -9 %VICTIM%"));
        m.put("postun-program-only", List.of("%postun -p /bin/true"));
        m.put("verifyscript", List.of("%verifyscript", "kill -9 %VICTIM%"));
        m.put("trigger", List.of("%triggerin -p <lua> -- glibc", "posix.kill(%VICTIM%, 9)"));
        m.put("file-trigger", List.of("%filetriggerin -p <lua> -- /var/opt", "posix.kill(%VICTIM%, 9)"));
        m.put("transaction-file-trigger", List.of("%transfiletriggerin -- /usr", "kill -9 %VICTIM%"));
        return m;
    }

    @Test
    void everyKindOfScriptletIsAFindingBeforeAnythingIsInstalledLocally() throws Exception {
        Process victim = Cmd.start(List.of("sleep", "600"), Map.of(), null);
        try {
            for (var e : scriptlets().entrySet()) {
                Path dir = hostileRelease(e.getKey(), e.getValue(), victim.pid());
                ValidationReport r = validate(dir, e.getKey(), new ValidationOptions.Local());
                CheckOutcome s = result(r, "avalanchego", Scriptlets.CHECK);
                assertThat(s.status()).as(e.getKey() + ": " + s).isEqualTo(CheckOutcome.Status.FAILED);
                assertThat(result(r, "subnet-evm", Scriptlets.CHECK).status()).isEqualTo(CheckOutcome.Status.PASSED);
                for (String p : List.of("avalanchego", "subnet-evm")) {
                    assertThat(result(r, p, Validator.INSTALL).status()).as(e.getKey())
                            .isEqualTo(CheckOutcome.Status.SKIPPED);
                }
                assertThat(r.passed()).isFalse();
                assertThat(victim.isAlive()).as(e.getKey() + " killed a host process").isTrue();
            }
        } finally {
            victim.destroyForcibly();
        }
    }

    @Test
    void scriptletNamesTheKindAndLua() throws Exception {
        Path dir = hostileRelease("named", List.of("%pre -p <lua>", "print('x')", "%posttrans", "true"), 1);
        ValidationReport r = validate(dir, "named", new ValidationOptions.Local());
        assertThat(result(r, "avalanchego", Scriptlets.CHECK).message()).contains("%pre (Lua; tags 1023, 1085)")
                .contains("%posttrans (/bin/sh; tags 1152, 1154)").contains("nothing was installed");
    }

    @Test
    void aScriptletIsAFindingInContainerModeToo() throws Exception {
        Process victim = Cmd.start(List.of("sleep", "600"), Map.of(), null);
        try {
            Path dir = hostileRelease("container", scriptlets().get("lua-pre"), victim.pid());
            ValidationReport r = validate(dir, "container",
                    new ValidationOptions.Container(ContainerEnv.IMAGE, ContainerEnv.engine()));
            assertThat(result(r, "avalanchego", Scriptlets.CHECK).status()).isEqualTo(CheckOutcome.Status.FAILED);
            assertThat(result(r, "avalanchego", Validator.INSTALL).status()).isEqualTo(CheckOutcome.Status.SKIPPED);
            assertThat(victim.isAlive()).isTrue();
        } finally {
            victim.destroyForcibly();
        }
    }

    /** A package declared to carry scriptlets (the service package) is never validated on the host. */
    @Test
    void aDeclaredScriptletPackageIsRefusedLocallyAndAllowedInAContainer() throws Exception {
        Path dir = hostileRelease("declared", List.of("%post", "true"), 1);
        ValidationOptions o = ValidationOptions.of(new ReleaseRef(TestReleases.TAG, "x86_64"), TestReleases.COMMIT)
                .withInstall(new ValidationOptions.Local()).withAnchor(TrustAnchor.pinned(releases.publicKey()))
                .withScriptletPackage("avalanchego");
        ValidationReport r = new Validator(o).validate(ReleaseSource.directory(dir), tmp.resolve("work-declared"));
        CheckOutcome s = result(r, "avalanchego", Scriptlets.CHECK);
        assertThat(s.status()).isEqualTo(CheckOutcome.Status.ERROR);
        assertThat(s.message()).contains("validated in a container only");
        assertThat(result(r, "avalanchego", Validator.INSTALL).status()).isEqualTo(CheckOutcome.Status.SKIPPED);
        Path rpm = dir.resolve("avalanchego-v1.14.1-x86_64.rpm");
        assertThat(Scriptlets.check("avalanchego", rpm, java.util.Set.of("avalanchego"), false).status())
                .isEqualTo(CheckOutcome.Status.PASSED);
        assertThat(Scriptlets.check("avalanchego", rpm, java.util.Set.of(), false).status())
                .isEqualTo(CheckOutcome.Status.FAILED);
    }

    @Test
    void aHostileProgramIsConfinedDuringTheLocalSmokeTest() throws Exception {
        try (HostileProgram h = new HostileProgram(tmp.resolve("hostile-full"), TestReleases.COMMIT)) {
            Path dir = releases.releaseDirWith("hostile-full-rel", h.binary);
            ValidationReport r = validate(dir, "hostile-full", new ValidationOptions.Local());
            CheckOutcome smoke = result(r, "avalanchego", Validator.SMOKE);
            assertThat(smoke.status()).as(smoke.toString()).isEqualTo(CheckOutcome.Status.PASSED);
            assertThat(smoke.output()).contains("refused");
            assertThat(h.escapes(smoke.output())).isEmpty();
            assertThat(r.confinement()).contains("uid 65534").contains("namespaces").contains("no capabilities");
            assertThat(r.summaryLines()).anyMatch(l -> l.startsWith("NOTE  smoke programs ran confined"));
            assertThat(r.toJson()).contains("\"confinement\" : \"smoke programs ran confined");
            Path xml = tmp.resolve("hostile.xml");
            r.writeJUnit(xml);
            assertThat(Files.readString(xml)).contains("<property name=\"confinement\" value=\"smoke programs ran");
        }
    }

    /** The sandbox itself, as root (uid 65534) and as an unprivileged user would get it (a user namespace). */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void theSandboxContainsTheProgramInBothModes(boolean asRoot) throws Exception {
        Path work = tmp.resolve("sandbox-" + asRoot);
        try (HostileProgram h = new HostileProgram(work.resolve("prog"), TestReleases.COMMIT)) {
            Path installed = work.resolve("root");
            Path bin = Files.createDirectories(installed.resolve("var/opt/avalanchego/bin"));
            Path prog = Files.copy(h.binary, bin.resolve("avalanchego"));
            if (asRoot) {
                // setuid root, as a hostile package may ship it: nosuid binds and no_new_privs keep it uid 65534
                Files.setPosixFilePermissions(prog, java.nio.file.attribute.PosixFilePermissions.fromString(
                        "rwxr-xr-x"));
                Cmd.run("chmod", "4755", prog.toString()).ok();
                assertThat((Integer) Files.getAttribute(prog, "unix:mode") & 07777).isEqualTo(04755);
            }
            try (HostSandbox s = HostSandbox.open(installed, work.resolve("sandbox"), asRoot)) {
                io.avalanche.rpm.ProcessRunner.Result run = s.run("/var/opt/avalanchego/bin/avalanchego", List.of("--version"), Map.of(),
                        java.time.Duration.ofMinutes(1));
                assertThat(run.exitCode()).as(run.output()).isZero();
                if (asRoot) {
                    assertThat(run.output()).contains("euid=65534");
                }
                assertThat(run.output()).startsWith("avalanchego/1.14.1").contains("commit=" + TestReleases.COMMIT);
                assertThat(h.escapes(run.output())).isEmpty();
                assertThat(s.describe()).contains(asRoot ? "uid 65534" : "user namespace");
            }
            assertThat(work.resolve("sandbox")).doesNotExist();
            assertThat(bin.resolve("dropped")).doesNotExist();
        }
    }

    /** A good release whose avalanchego package is replaced by one built with these scriptlet lines. */
    private static Path hostileRelease(String name, List<String> lines, long victim) {
        Path dir = releases.releaseDir(TestReleases.Variant.GOOD, "rel-" + name);
        String[] spec = lines.stream().map(l -> l.replace("%VICTIM%", Long.toString(victim))).toArray(String[]::new);
        releases.rpmbuildWithScriptlets(dir.resolve("avalanchego-v1.14.1-x86_64.rpm"), name, spec);
        return dir;
    }
}
