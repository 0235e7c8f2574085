package io.avalanche.rpm.validate;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How the service checks read their scripts' output: every way a target can be wrong fails with its reason. */
class ServiceCheckJudgeTest {
    static final String GOOD = String.join("\n", "verify.rc=0",
            "user=avalanchego:x:997:997:AvalancheGo node:/var/lib/avalanchego:/sbin/nologin",
            "stat=avalanchego:avalanchego 755 directory /var/lib/avalanchego",
            "stat=root:root 755 directory /etc/avalanchego",
            "stat=root:root 644 regular file /etc/avalanchego/config.json",
            "stat=root:root 755 directory /var/opt/avalanchego/plugins",
            "stat=root:root 644 regular file /usr/lib/systemd/system/avalanchego.service",
            "enabled=disabled", "preset=", "");

    static ServiceCheck.Verdict judge(String out) {
        return ServiceCheck.judge(out);
    }

    @Test
    void aGoodTargetPasses() {
        ServiceCheck.Verdict v = judge(GOOD);
        assertThat(v.status()).isEqualTo(CheckOutcome.Status.PASSED);
        assertThat(v.message()).contains("uid 997", "unit disabled after install (preset decides)");
    }

    @Test
    void eachProblemFailsWithItsReason() {
        assertThat(judge(GOOD.replace("verify.rc=0", "verify.rc=0\nverify.out=/usr/lib/systemd/system/"
                + "avalanchego.service:12: Unknown key 'X' in section [Service], ignoring.")).message())
                .contains("systemd-analyze verify", "Unknown key 'X'");
        assertThat(judge(GOOD.replace("verify.rc=0", "verify.rc=1")).status()).isEqualTo(CheckOutcome.Status.FAILED);
        assertThat(judge(GOOD.replaceAll("user=.*", "user=")).message()).contains("no system user avalanchego");
        assertThat(judge(GOOD.replace(":997:997:", ":1001:1001:")).message()).contains("not a system uid");
        assertThat(judge(GOOD.replace("/sbin/nologin", "/bin/bash")).message()).contains("a nologin shell");
        assertThat(judge(GOOD.replace("avalanchego:avalanchego 755 directory", "root:root 755 directory")).message())
                .contains("/var/lib/avalanchego is 'root:root 755 directory /var/lib/avalanchego', expected "
                        + "'avalanchego:avalanchego 755 directory'");
        assertThat(judge(GOOD.replace("stat=root:root 644 regular file /etc/avalanchego/config.json", "stat=stat: cannot "
                + "statx '/etc/avalanchego/config.json': No such file or directory")).message())
                .contains("/etc/avalanchego/config.json is 'stat: cannot statx");
        assertThat(judge(GOOD.replace("enabled=disabled", "enabled=enabled")).message())
                .contains("is 'enabled', expected disabled (no preset enables it)");
    }

    @Test
    void aPresetMayEnableItAndAnImageWithoutSystemdAnalyzeCannotRunTheCheck() {
        ServiceCheck.Verdict preset = judge(GOOD.replace("enabled=disabled", "enabled=enabled")
                .replace("preset=", "preset=enable avalanchego.service"));
        assertThat(preset.status()).isEqualTo(CheckOutcome.Status.PASSED);
        assertThat(preset.message()).contains("unit enabled after install (by preset)");
        ServiceCheck.Verdict none = judge(GOOD.replace("verify.rc=0", "verify.rc=missing"));
        assertThat(none.status()).isEqualTo(CheckOutcome.Status.ERROR);
        assertThat(none.message()).contains("no systemd-analyze", "dnf install systemd");
    }

    static final String BOOTED = String.join("\n", "active=active", "pid=83", "user=avalanchego",
            "cmdline=/var/opt/avalanchego/bin/avalanchego --config-file=/etc/avalanchego/config.json "
                    + "--data-dir=/var/lib/avalanchego --plugin-dir=/var/opt/avalanchego/plugins ",
            "nofile=65536", "mounts=private", "mount /=rw,relatime", "mount /=ro,nosuid,relatime",
            "mount /var/lib/avalanchego=rw,nosuid", "context=avalanchego:avalanchego 640", "limit=65536",
            "after=inactive", "alive=no", "context.after=removed", "boot=running", "");

    @Test
    void theSystemdCheckPassesASandboxedNodeThatStartsAndStops() {
        ServiceCheck.Verdict v = SystemdBoot.judge(BOOTED);
        assertThat(v.status()).isEqualTo(CheckOutcome.Status.PASSED);
        assertThat(v.message()).contains("pid 83", "ProtectSystem=strict in effect").doesNotContain("NOTE");
        ServiceCheck.Verdict shared = SystemdBoot.judge(BOOTED.replace("mounts=private", "mounts=shared")
                .replace("nofile=65536", "nofile=20000"));
        assertThat(shared.status()).isEqualTo(CheckOutcome.Status.PASSED);
        assertThat(shared.message()).contains("NOTE: systemd could not apply ProtectSystem=",
                "NOTE: the container engine caps open files at 20000");
    }

    @Test
    void theSystemdCheckFailsEachWayTheUnitCanBeWrong() {
        assertThat(SystemdBoot.judge(BOOTED.replace("active=active", "active=failed").replace("pid=83", "pid=0"))
                .message()).contains("did not leave it running (is-active 'failed', MainPID '0')");
        assertThat(SystemdBoot.judge(BOOTED.replace("active=active", "active=activating").replace("pid=83", "pid=0")
                + "\nsubstate=auto-restart\nstatus=1").message())
                .contains("(is-active 'activating', MainPID '0', the node exited with status 1)");
        assertThat(SystemdBoot.judge(BOOTED.replace("user=avalanchego", "user=root")).message())
                .contains("the node runs as 'root'");
        assertThat(SystemdBoot.judge(BOOTED.replace(" --plugin-dir=/var/opt/avalanchego/plugins", "")).message())
                .contains("lacks --plugin-dir=/var/opt/avalanchego/plugins");
        assertThat(SystemdBoot.judge(BOOTED.replace("context=avalanchego:avalanchego 640", "context=stat: cannot "
                + "statx")).message()).contains("did not write /var/lib/avalanchego/process.json");
        assertThat(SystemdBoot.judge(BOOTED.replace("limit=65536", "limit=1024")).message())
                .contains("LimitNOFILE is '1024', below avalanchego's --fd-limit 32768");
        assertThat(SystemdBoot.judge(BOOTED.replace("after=inactive", "after=deactivating").replace("alive=no",
                "alive=yes")).message()).contains("systemctl stop did not stop the node");
        assertThat(SystemdBoot.judge("error=rpm -ivh failed\ninstall=error: Failed dependencies:").message())
                .isEqualTo("rpm -ivh failed in the systemd container");
    }
}
