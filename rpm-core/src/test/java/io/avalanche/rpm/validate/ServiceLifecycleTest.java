package io.avalanche.rpm.validate;

import io.avalanche.rpm.ProcessRunner;

import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.release.AvalanchegoService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service package as a customer lives with it, with real dnf in a fresh container of the target image from a
 * signed repository holding two releases: dnf install avalanchego-service pulls in the avalanchego of
 * the same version-release (not the optional subnet-evm), creates the user and installs a unit systemd-analyze
 * verify accepts; an upgrade keeps an edited config.json and writes the new default as .rpmnew; erase leaves
 * /var/lib/avalanchego and the node's data in place.
 */
class ServiceLifecycleTest {
    static final String DNF = "dnf -y -q --releasever=9 --setopt=reposdir=/dev/null --setopt=install_weak_deps=False "
            + "--repofrompath=rel,file:///rpms/linux/rpms/x86_64 --setopt=rel.gpgcheck=1 --setopt=rel.repo_gpgcheck=1 "
            + "--setopt=rel.gpgkey=file:///rpms/linux/rpms/RPM-GPG-KEY-avalanchego ";

    @TempDir
    Path tmp;

    private static String ok(ShellContainer c, String script) {
        ProcessRunner.Result r = c.sh(script);
        assertThat(r.exitCode()).as("%s\n%s", script, r.output()).isZero();
        return r.output();
    }

    @Test
    void installUpgradeEraseWithDnf() {
        ContainerTarget.Engine engine = ContainerEnv.engine();
        TestReleases releases = new TestReleases(tmp.resolve("fixtures"));
        Path bucket = tmp.resolve("bucket");
        String newDefault = "{\n  \"network-id\": \"mainnet\",\n  \"http-host\": \"127.0.0.1\",\n  \"log-level\": \"info\"\n}\n";
        releases.publish(releases.serviceReleaseDir("r1", Arch.X86_64, null, null, "v1.14.1"), bucket);
        releases.publish(releases.serviceReleaseDir("r2", Arch.X86_64, null, newDefault, "v1.14.2"), bucket);

        try (ShellContainer c = ShellContainer.start(engine, ContainerEnv.image(Arch.host()), bucket)) {
            ok(c, DNF + "install avalanchego-service-1.14.1");
            assertThat(ok(c, "rpm -q avalanchego avalanchego-service; rpm -q subnet-evm || true")).contains(
                    "avalanchego-1.14.1-1.x86_64", "avalanchego-service-1.14.1-1.noarch",
                    "package subnet-evm is not installed");
            assertThat(ok(c, "getent passwd avalanchego")).contains(":/var/lib/avalanchego:/sbin/nologin");
            assertThat(ok(c, "systemd-analyze verify " + AvalanchegoService.UNIT_PATH + " 2>&1; echo rc=$?"))
                    .isEqualTo("rc=0\n");
            assertThat(ok(c, "systemctl is-enabled avalanchego.service || true")).isEqualTo("disabled\n");

            // the operator edits the config and the node has data
            ok(c, "sed -i 's/127.0.0.1/0.0.0.0/' /etc/avalanchego/config.json && mkdir -p /var/lib/avalanchego/db "
                    + "&& echo state > /var/lib/avalanchego/db/MANIFEST && chown -R avalanchego: /var/lib/avalanchego/db");
            String up = ok(c, DNF.replace(" -q ", " ") + "upgrade avalanchego-service 2>&1");
            assertThat(up).contains("/etc/avalanchego/config.json created as /etc/avalanchego/config.json.rpmnew");
            assertThat(ok(c, "rpm -q avalanchego avalanchego-service")).contains("avalanchego-1.14.2-1.x86_64",
                    "avalanchego-service-1.14.2-1.noarch");
            assertThat(ok(c, "grep -c 0.0.0.0 /etc/avalanchego/config.json")).isEqualTo("1\n");
            assertThat(ok(c, "cat /etc/avalanchego/config.json.rpmnew")).isEqualTo(newDefault);

            ok(c, DNF + "remove avalanchego-service");
            assertThat(ok(c, "rpm -q avalanchego-service || true")).contains("not installed");
            assertThat(ok(c, "cat /var/lib/avalanchego/db/MANIFEST; stat -c '%U %n' /var/lib/avalanchego "
                    + "/var/lib/avalanchego/db; test ! -e " + AvalanchegoService.UNIT_PATH + " && echo unit-gone"))
                    .isEqualTo("state\navalanchego /var/lib/avalanchego\navalanchego /var/lib/avalanchego/db\nunit-gone\n");
            assertThat(ok(c, "ls /etc/avalanchego")).contains("config.json.rpmsave");
        }
    }
}
