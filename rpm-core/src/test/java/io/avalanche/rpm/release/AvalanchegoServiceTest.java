package io.avalanche.rpm.release;

import io.avalanche.rpm.format.ReleaseTag;
import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.sign.SigningKey;
import io.avalanche.rpm.sign.SigningKeys;
import io.avalanche.rpm.testing.Cmd;
import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.write.RpmWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The avalanchego-service package as rpm and rpmlint read it (signed as a release signs it). */
class AvalanchegoServiceTest {
    /** rpmlint 2.4's warnings for the package; each is explained in the README (avalanchego-service). */
    static final List<String> EXPECTED_WARNINGS = List.of(
            "W: requires-on-release avalanchego = 1.14.1-1",
            "W: only-non-binary-in-usr-lib",
            "W: non-standard-uid /var/lib/avalanchego avalanchego",
            "W: non-standard-gid /var/lib/avalanchego avalanchego",
            "W: non-coherent-filename avalanchego-service-v1.14.1-noarch.rpm avalanchego-service-1.14.1-1.noarch.rpm",
            "W: no-documentation",
            "W: invalid-license BSD-3-Clause");

    @TempDir
    static Path tmp;
    static Path rpm;
    static Path home;

    @BeforeAll
    static void build() throws Exception {
        try (SigningKey key = SigningKeys.ephemeral()) {
            ReleaseManifest.Artifact a = AvalanchegoService.write(ReleaseTag.parse("v1.14.1"), 1_700_000_000L,
                    Compression.parse("zstd:3"), tmp, RpmWriter.SignatureFiller.signingWith(key.headerSigner()),
                    l -> { });
            rpm = tmp.resolve(a.name());
            assertThat(a.name()).isEqualTo("avalanchego-service-v1.14.1-noarch.rpm");
            Path pub = key.exportPublicKey(tmp.resolve("RPM-GPG-KEY-avalanchego"));
            // rpmlint checks the signature with rpm -Kv against $HOME's database (Debian's rpm: ~/.rpmdb)
            home = Files.createDirectories(tmp.resolve("home"));
            Cmd.run("rpmkeys", "--dbpath", home.resolve(".rpmdb").toString(), "--import", pub.toString()).ok();
        }
    }

    private static String q(String format) {
        return Cmd.run("rpm", "-qp", "--nosignature", "--qf", format, rpm.toString()).ok().output();
    }

    @Test
    void rpmlintFindsNoErrorAndOnlyTheExplainedWarnings() {
        String out = Cmd.run(List.of("rpmlint", rpm.toString()), null, Map.of("HOME", home.toString())).output();
        List<String> findings = out.lines().filter(l -> l.startsWith("avalanchego-service.noarch: "))
                .map(l -> l.substring("avalanchego-service.noarch: ".length())).toList();
        assertThat(findings).as(out).noneMatch(l -> l.startsWith("E: "))
                .containsExactlyInAnyOrderElementsOf(EXPECTED_WARNINGS);
        assertThat(out).contains("0 errors");
    }

    @Test
    void noarchAndTiedToTheSameAvalanchegoBuild() {
        assertThat(q("%{NAME}|%{VERSION}|%{RELEASE}|%{ARCH}")).isEqualTo("avalanchego-service|1.14.1|1|noarch");
        assertThat(q("[%{REQUIRENAME} %{REQUIREFLAGS:deptype} %{REQUIREVERSION}\\n]").lines().toList())
                .contains("avalanchego manual 1.14.1-1", "shadow-utils pre ", "/bin/sh pre,interp ",
                        "/bin/sh post,interp ", "/bin/sh preun,interp ", "/bin/sh postun,interp ")
                .noneMatch(l -> l.startsWith("subnet-evm") || l.startsWith("systemd") || l.startsWith("glibc"));
        assertThat(q("[%{ORDERNAME} %{ORDERFLAGS:deptype}\\n]").lines().toList())
                .containsExactly("systemd post", "systemd preun", "systemd postun");
        assertThat(q("[%{REQUIREFLAGS:depflags} %{REQUIRENAME}\\n]")).contains("= avalanchego");
    }

    @Test
    void filesOwnersAndConfig() {
        assertThat(q("[%{FILEFLAGS:fflags}|%{FILEMODES:perms}|%{FILEUSERNAME}:%{FILEGROUPNAME}|%{FILENAMES}\\n]")
                .lines().toList()).containsExactly(
                "|drwxr-xr-x|root:root|/etc/avalanchego",
                "cn|-rw-r--r--|root:root|/etc/avalanchego/config.json",
                "|-rw-r--r--|root:root|/usr/lib/systemd/system/avalanchego.service",
                "|-rw-r--r--|root:root|/usr/lib/sysusers.d/avalanchego.conf",
                "|drwxr-xr-x|avalanchego:avalanchego|/var/lib/avalanchego",
                "|drwxr-xr-x|root:root|/var/opt/avalanchego",
                "|drwxr-xr-x|root:root|/var/opt/avalanchego/plugins");
        assertThat(Cmd.run("rpm", "-qp", "--nosignature", "--configfiles", rpm.toString()).ok().output())
                .isEqualTo("/etc/avalanchego/config.json\n");
        String scripts = Cmd.run("rpm", "-qp", "--nosignature", "--scripts", rpm.toString()).ok().output();
        assertThat(scripts).contains("preinstall scriptlet (using /bin/sh)", "useradd -r -g avalanchego",
                "postinstall scriptlet (using /bin/sh)", "--no-reload preset avalanchego.service",
                "preuninstall scriptlet (using /bin/sh)", "--no-reload disable --now avalanchego.service",
                "postuninstall scriptlet (using /bin/sh)", "try-restart avalanchego.service")
                .doesNotContain("enable --now", "systemctl start");
    }

    @Test
    void unitRunsThePackagedNodeWithUpstreamsFlags() {
        String unit = AvalanchegoService.resource("avalanchego.service");
        assertThat(unit).contains("ExecStart=/var/opt/avalanchego/bin/avalanchego --config-file=/etc/avalanchego/config.json"
                        + " --data-dir=/var/lib/avalanchego --plugin-dir=/var/opt/avalanchego/plugins\n",
                "User=avalanchego\n", "LimitNOFILE=65536\n", "NoNewPrivileges=yes\n", "ProtectSystem=strict\n",
                "ReadWritePaths=/var/lib/avalanchego\n", "ProtectHome=yes\n", "PrivateTmp=yes\n",
                "WantedBy=multi-user.target\n");
        assertThat(AvalanchegoService.resource("avalanchego.sysusers"))
                .contains("u avalanchego - \"AvalancheGo node\" /var/lib/avalanchego /sbin/nologin");
    }

    @Test
    void configIsValidJson() throws Exception {
        com.fasterxml.jackson.databind.JsonNode n = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(AvalanchegoService.resource("config.json"));
        assertThat(n.isObject()).isTrue();
        assertThat(n.get("network-id").asText()).isEqualTo("mainnet");
    }
}
