package io.avalanche.rpm.write;

import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.testing.TestPackages;
import io.avalanche.rpm.validate.ContainerEnv;
import io.avalanche.rpm.ProcessRunner;
import io.avalanche.rpm.validate.ShellContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The writer's scriptlets, %config(noreplace), %config, %ghost, owners, modes, links and %dir through a whole life
 * cycle with the real rpm in a fresh container of the target image (scriptlets never run on this host): install,
 * upgrade over a locally edited config (kept, the new default written as .rpmnew), an upgrade whose default did
 * not change (no .rpmnew), and erase (owned ghost removed, edited config saved as .rpmsave, data kept).
 */
class FileKindsInstallTest {
    @TempDir
    Path tmp;

    private static ProcessRunner.Result sh(ShellContainer c, String script) {
        return c.sh(script);
    }

    private static String ok(ShellContainer c, String script) {
        ProcessRunner.Result r = sh(c, script);
        assertThat(r.exitCode()).as("%s\n%s", script, r.output()).isZero();
        return r.output();
    }

    @Test
    void lifeCycleInTheTargetImage() throws Exception {
        Path rpms = tmp.resolve("rpms");
        for (String[] v : new String[][] {{"1.0", "{\"v\": 1}\n"}, {"2.0", "{\"v\": 2}\n"}, {"3.0", "{\"v\": 2}\n"}}) {
            PackageSpec s = TestPackages.featureSpec(tmp.resolve("src"), v[0], v[1]).build();
            RpmWriter.write(s, rpms, s.rpmFileName());
        }
        try (ShellContainer c = ShellContainer.start(ContainerEnv.engine(), ContainerEnv.image(Arch.host()), rpms)) {
            ok(c, "rpm -ivh --nosignature /rpms/demo-1.0-1.noarch.rpm");
            assertThat(ok(c, "getent passwd demo")).startsWith("demo:x:").contains(":/var/lib/demo:/sbin/nologin");
            assertThat(ok(c, "stat -c '%U:%G %a %F %n' /var/lib/demo /var/log/demo /etc/demo /etc/demo/demo.conf "
                    + "/etc/demo/plain.conf /opt/demo/bin/demo").lines().toList()).containsExactly(
                    "demo:demo 750 directory /var/lib/demo", "demo:demo 750 directory /var/log/demo",
                    "root:demo 750 directory /etc/demo", "root:demo 640 regular file /etc/demo/demo.conf",
                    "root:root 644 regular file /etc/demo/plain.conf", "root:root 755 regular file /opt/demo/bin/demo");
            assertThat(ok(c, "readlink /opt/demo/current /opt/demo/absolute; /opt/demo/current"))
                    .isEqualTo("bin/demo\n/opt/demo/bin/demo\ndemo 1.0\n");
            assertThat(sh(c, "test -e /var/log/demo/demo.log").exitCode()).as("ghost not written").isNotZero();
            assertThat(ok(c, "cat /var/lib/demo/scriptlets.log")).isEqualTo("post 1\n");

            // edit both config files, then upgrade to a package whose defaults changed
            ok(c, "echo '# local' >> /etc/demo/demo.conf && echo '# local' >> /etc/demo/plain.conf");
            String up = ok(c, "rpm -Uvh --nosignature /rpms/demo-2.0-1.noarch.rpm 2>&1");
            assertThat(up).contains("/etc/demo/demo.conf created as /etc/demo/demo.conf.rpmnew",
                    "/etc/demo/plain.conf saved as /etc/demo/plain.conf.rpmsave");
            assertThat(ok(c, "cat /etc/demo/demo.conf")).isEqualTo("{\"v\": 1}\n# local\n");
            assertThat(ok(c, "cat /etc/demo/demo.conf.rpmnew")).isEqualTo("{\"v\": 2}\n");
            assertThat(ok(c, "cat /etc/demo/plain.conf")).isEqualTo("plain=2.0\n");
            assertThat(ok(c, "stat -c '%U:%G %a' /etc/demo/demo.conf.rpmnew")).isEqualTo("root:demo 640\n");
            assertThat(ok(c, "cat /var/lib/demo/scriptlets.log")).isEqualTo("post 1\npost 2\npreun 1\npostun 1\n");

            // an upgrade whose default config is unchanged keeps the edit and writes no new .rpmnew
            ok(c, "rm /etc/demo/demo.conf.rpmnew");
            String same = ok(c, "rpm -Uvh --nosignature /rpms/demo-3.0-1.noarch.rpm 2>&1");
            assertThat(same).doesNotContain("demo.conf created as");
            assertThat(sh(c, "test -e /etc/demo/demo.conf.rpmnew").exitCode()).isNotZero();
            assertThat(ok(c, "cat /etc/demo/demo.conf")).isEqualTo("{\"v\": 1}\n# local\n");

            // erase: the owned ghost goes, the edited config is saved, data the package did not write stays
            ok(c, "echo log > /var/log/demo/demo.log && echo data > /var/lib/demo/state");
            String erase = ok(c, "rpm -e demo 2>&1");
            assertThat(erase).contains("/etc/demo/demo.conf saved as /etc/demo/demo.conf.rpmsave");
            assertThat(sh(c, "test -e /var/log/demo/demo.log").exitCode()).as("ghost removed").isNotZero();
            assertThat(sh(c, "test -e /opt/demo").exitCode()).as("owned directories removed").isNotZero();
            assertThat(ok(c, "cat /var/lib/demo/state; tail -n 2 /var/lib/demo/scriptlets.log"))
                    .isEqualTo("data\npreun 0\npostun 0\n");
        }
    }
}
