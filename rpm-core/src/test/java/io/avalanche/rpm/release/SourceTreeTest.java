package io.avalanche.rpm.release;

import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.testing.UpstreamShapes;
import io.avalanche.rpm.testing.UpstreamShapes.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading a tree without running it: build scripts, era of the subnet-evm script, DEFAULT_VM_ID and its line. */
class SourceTreeTest {
    static final String VM = UpstreamShapes.VM_ID;

    @TempDir
    Path tmp;

    @Test
    void readsEachEraAndTheVmIdLineWithoutSourcingIt() throws Exception {
        for (Shape s : new Shape[] {Shape.E1, Shape.E2, Shape.E3}) {
            Path src = UpstreamShapes.tree(tmp.resolve(s.name()), s, "v1.14.1", false);
            SourceTree t = SourceTree.read(src);
            assertThat(t.vmId()).isEqualTo(VM);
            assertThat(t.vmIdSource()).matches("graft/subnet-evm/scripts/constants\\.sh:\\d+");
            int line = Integer.parseInt(t.vmIdSource().substring(t.vmIdSource().indexOf(':') + 1));
            assertThat(Files.readAllLines(src.resolve(SourceTree.SUBNET_EVM_CONSTANTS)).get(line - 1))
                    .isEqualTo("DEFAULT_VM_ID=\"" + VM + "\"");
            assertThat(t.era()).isEqualTo(s == Shape.E3 ? SourceTree.Era.CHANGES_DIRECTORY : SourceTree.Era.RELATIVE);
        }
    }

    @Test
    void acceptsTheUsualShellSpellings() throws Exception {
        Path src = UpstreamShapes.tree(tmp.resolve("t"), Shape.E3, "v1.14.1", false);
        Path c = src.resolve(SourceTree.SUBNET_EVM_CONSTANTS);
        for (String line : new String[] {"export DEFAULT_VM_ID='" + VM + "'", "DEFAULT_VM_ID=" + VM + "  # the id",
            "DEFAULT_VM_ID=${DEFAULT_VM_ID:-" + VM + "}", "  DEFAULT_VM_ID=\"${DEFAULT_VM_ID:-" + VM + "}\""}) {
            Files.writeString(c, "#!/usr/bin/env bash\nGOPATH=\"$(go env GOPATH)\"\n" + line + "\n");
            assertThat(SourceTree.read(src).vmId()).as(line).isEqualTo(VM);
        }
    }

    @Test
    void refusesMissingAmbiguousOrComputedVmIds() throws Exception {
        Path src = UpstreamShapes.tree(tmp.resolve("t"), Shape.E3, "v1.14.1", false);
        Path c = src.resolve(SourceTree.SUBNET_EVM_CONSTANTS);
        Files.writeString(c, "DEFAULT_VM_NAME=subnet-evm\n");
        assertThatThrownBy(() -> SourceTree.read(src)).isInstanceOf(SpecException.class)
                .hasMessageContaining("constants.sh").hasMessageContaining("no DEFAULT_VM_ID");
        Files.writeString(c, "DEFAULT_VM_ID=\"$(cat id)\"\n");
        assertThatThrownBy(() -> SourceTree.read(src)).isInstanceOf(SpecException.class)
                .hasMessageContaining("not a literal cb58 VM ID");
        Files.writeString(c, "DEFAULT_VM_ID=\"../../etc/passwd\"\n");
        assertThatThrownBy(() -> SourceTree.read(src)).isInstanceOf(SpecException.class);
        Files.writeString(c, "DEFAULT_VM_ID=\"" + VM + "\"\nDEFAULT_VM_ID=\"pkEmJQuTUic3dxzg8EYnktwn4W7uCHofNcwiYo458vodAUbY7\"\n");
        assertThatThrownBy(() -> SourceTree.read(src)).isInstanceOf(SpecException.class)
                .hasMessageContaining("different values");
    }

    @Test
    void refusesTreesWithoutTheScripts() throws Exception {
        Path pre = UpstreamShapes.tree(tmp.resolve("pre"), Shape.PRE_GRAFT, "v1.13.5", true);
        assertThatThrownBy(() -> SourceTree.read(pre)).isInstanceOf(SpecException.class)
                .hasMessageContaining("graft/subnet-evm/scripts/build.sh is missing")
                .hasMessageContaining("v1.14.1-rc.0");
        assertThatThrownBy(() -> SourceTree.read(tmp.resolve("nothing"))).hasMessageContaining("does not exist");
        Path file = Files.writeString(tmp.resolve("a-file"), "");
        assertThatThrownBy(() -> SourceTree.read(file)).isInstanceOf(SpecException.class)
                .hasMessage("source tree " + file + " is not a directory: pass --source the root of an "
                        + "ava-labs/avalanchego checkout");
        Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> SourceTree.read(tmp.resolve("empty"))).isInstanceOf(SpecException.class)
                .hasMessageContaining("scripts/build.sh is missing");
    }
}
