package io.avalanche.rpm.release;

import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.build.Compression;
import io.avalanche.rpm.build.PackageSpec;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.format.ReleaseTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AvalanchegoPresetTest {
    static final String VM = "srEXiWaHuhNyGwPUi444Tu47ZEDwxTWrbQiuD7FmgSAQ6X7Dy";

    @TempDir
    Path src;

    @Test
    void readsVmIdFromConstantsOrDefaultVmData() throws Exception {
        Path scripts = Files.createDirectories(src.resolve("graft/subnet-evm/scripts"));
        Files.writeString(scripts.resolve("default-vm-data.sh"), "#!/bin/bash\nexport DEFAULT_VM_ID=\"" + VM + "\"\n");
        assertThat(AvalanchegoPreset.vmId(src)).isEqualTo(VM);
        Files.writeString(scripts.resolve("constants.sh"),
                "# comment\nDEFAULT_VM_ID=${DEFAULT_VM_ID:-pkEmJQuTUic3dxzg8EYnktwn4W7uCHofNcwiYo458vodAUbY7}\n");
        assertThat(AvalanchegoPreset.vmId(src)).isEqualTo("pkEmJQuTUic3dxzg8EYnktwn4W7uCHofNcwiYo458vodAUbY7");
    }

    @Test
    void missingOrInvalidVmIdIsRefused() throws Exception {
        assertThatThrownBy(() -> AvalanchegoPreset.vmId(src)).isInstanceOf(SpecException.class)
                .hasMessageContaining("DEFAULT_VM_ID");
        Path scripts = Files.createDirectories(src.resolve("graft/subnet-evm/scripts"));
        Files.writeString(scripts.resolve("constants.sh"), "DEFAULT_VM_ID=\"../../etc/passwd\"\n");
        assertThatThrownBy(() -> AvalanchegoPreset.vmId(src)).isInstanceOf(SpecException.class);
    }

    @Test
    void specsHaveTheProductLayout() {
        ReleaseTag tag = ReleaseTag.parse("v1.14.1-rc.2");
        PackageSpec a = AvalanchegoPreset.avalanchego(tag, Arch.AARCH64, Path.of("avalanchego"), 1, Compression.defaults());
        assertThat(a.files()).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo("/var/opt/avalanchego/bin/avalanchego");
            assertThat(f.mode()).isEqualTo(0755);
        });
        assertThat(a.version()).isEqualTo("1.14.1~rc.2");
        assertThat(a.requires()).extracting(Object::toString).containsExactly("glibc >= 2.34");
        PackageSpec s = AvalanchegoPreset.subnetEvm(tag, Arch.AARCH64, Path.of("plugin"), VM, 1, Compression.defaults());
        assertThat(s.name()).isEqualTo("subnet-evm");
        assertThat(s.files().get(0).path()).isEqualTo("/var/opt/avalanchego/plugins/" + VM);
        assertThat(s.requires()).extracting(Object::toString).containsExactly("glibc >= 2.34");
    }
}
