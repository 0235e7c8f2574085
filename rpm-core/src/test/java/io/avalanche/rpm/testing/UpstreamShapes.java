package io.avalanche.rpm.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes source trees that imitate the lines of upstream's build scripts that matter to us, per era (written
 * here from what the scripts do at each tag; nothing of upstream is copied): where the subnet-evm build script
 * builds from, how constants.sh sets DEFAULT_VM_ID next to `go env GOPATH`, and a pre-graft tree.
 */
public final class UpstreamShapes {
    public static final String VM_ID = "srEXiWaHuhNyGwPUi444Tu47ZEDwxTWrbQiuD7FmgSAQ6X7Dy";

    /** The shapes of the trees, by upstream tag range. */
    public enum Shape {
        /** v1.13.5 and older: no graft/subnet-evm. */
        PRE_GRAFT,
        /** v1.14.1-rc.0 .. v1.14.2-rc.11: own constants (SUBNET_EVM_COMMIT), "plugin/"*.go relative, no cd. */
        E1,
        /** v1.14.2-rc.12 .. v1.14.2-rc.17: root constants sourced, version.GitCommit, still no cd. */
        E2,
        /** v1.14.2-rc.18 and later (HEAD): cd "$SUBNET_EVM_PATH" before go build. */
        E3
    }

    private UpstreamShapes() {
    }

    /** Writes the tree of a shape into dir (created), then git init, commit, and the tag (annotated or not). */
    public static Path tree(Path dir, Shape shape, String tag, boolean annotated) throws IOException {
        write(dir, "scripts/build.sh", """
                #!/usr/bin/env bash
                set -euo pipefail
                REPO_ROOT=$( cd "$( dirname "${BASH_SOURCE[0]}" )"; cd .. && pwd )
                source "${REPO_ROOT}"/scripts/constants.sh
                source "${REPO_ROOT}"/scripts/git_commit.sh
                go build ${race} -o "${avalanchego_path}" \\
                   -ldflags "-X github.com/ava-labs/avalanchego/version.GitCommit=$git_commit $static_ld_flags" \\
                   "${REPO_ROOT}"/main
                """);
        write(dir, "scripts/constants.sh", """
                AVALANCHE_PATH=$( cd "$( dirname "${BASH_SOURCE[0]}" )"; cd .. && pwd )
                avalanchego_path="$AVALANCHE_PATH/build/avalanchego"
                export CGO_ENABLED=1
                """);
        write(dir, "scripts/git_commit.sh", """
                git_commit="${AVALANCHEGO_COMMIT:-$(git --git-dir="${AVALANCHE_PATH}/.git" rev-parse HEAD)}"
                """);
        write(dir, ".gitignore", "build/\n");
        if (shape != Shape.PRE_GRAFT) {
            String constants = shape == Shape.E1 ? """
                    #!/usr/bin/env bash
                    set -euo pipefail
                    GOPATH="$(go env GOPATH)"
                    DEFAULT_PLUGIN_DIR="${HOME}/.avalanchego/plugins"
                    DEFAULT_VM_NAME="subnet-evm"
                    DEFAULT_VM_ID="%s"
                    SUBNET_EVM_COMMIT="$(git rev-parse HEAD)"
                    export CGO_ENABLED=1
                    """ : """
                    #!/usr/bin/env bash
                    set -euo pipefail
                    SUBNET_EVM_PATH=$(
                      cd "$(dirname "${BASH_SOURCE[0]}")"
                      cd .. && pwd
                    )
                    AVALANCHE_PATH=$(cd "$SUBNET_EVM_PATH" && cd ../.. && pwd)
                    source "$AVALANCHE_PATH"/scripts/constants.sh
                    source "$AVALANCHE_PATH"/scripts/git_commit.sh
                    GOPATH="$(go env GOPATH)"
                    DEFAULT_PLUGIN_DIR="${HOME}/.avalanchego/plugins"
                    DEFAULT_VM_NAME="subnet-evm"
                    DEFAULT_VM_ID="%s"
                    """;
            write(dir, "graft/subnet-evm/scripts/constants.sh", constants.formatted(VM_ID));
            String flags = shape == Shape.E1
                    ? "github.com/ava-labs/avalanchego/graft/subnet-evm/plugin/evm.GitCommit=$SUBNET_EVM_COMMIT $STATIC_LD_FLAGS"
                    : "github.com/ava-labs/avalanchego/version.GitCommit=$git_commit $static_ld_flags";
            write(dir, "graft/subnet-evm/scripts/build.sh", """
                    #!/usr/bin/env bash
                    set -o errexit
                    SUBNET_EVM_PATH=$(
                        cd "$(dirname "${BASH_SOURCE[0]}")"
                        cd .. && pwd
                    )
                    source "$SUBNET_EVM_PATH"/scripts/constants.sh
                    BINARY_PATH=$1
                    %sgo build -ldflags "-X %s" -o "$BINARY_PATH" "plugin/"*.go
                    """.formatted(shape == Shape.E3 ? "cd \"$SUBNET_EVM_PATH\"\n" : "", flags));
            write(dir, "graft/subnet-evm/plugin/main.go", "package main\n");
        }
        write(dir, "main/main.go", "package main\n");
        for (String s : List.of("scripts/build.sh", "graft/subnet-evm/scripts/build.sh")) {
            Path p = dir.resolve(s);
            if (Files.exists(p)) {
                p.toFile().setExecutable(true);
            }
        }
        TestPackages.commitAll(dir);
        if (annotated) {
            Cmd.run(List.of("git", "-C", dir.toString(), "-c", "user.name=t", "-c", "user.email=t@localhost", "tag",
                    "-a", "-m", tag, tag), null, Map.of()).ok();
        } else {
            TestPackages.tag(dir, tag);
        }
        return dir;
    }

    private static void write(Path root, String rel, String text) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }
}
