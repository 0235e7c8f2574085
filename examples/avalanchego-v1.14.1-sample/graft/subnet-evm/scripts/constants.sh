#!/usr/bin/env bash
# Subnet-EVM constants (sample; the shape of upstream's graft/subnet-evm/scripts/constants.sh at v1.14.1).
# shellcheck disable=SC2034
set -euo pipefail

# Set the PATHS (upstream also runs `go env GOPATH` here: never source this file to read DEFAULT_VM_ID)
DEFAULT_PLUGIN_DIR="${HOME}/.avalanchego/plugins"
DEFAULT_VM_NAME="subnet-evm"
DEFAULT_VM_ID="srEXiWaHuhNyGwPUi444Tu47ZEDwxTWrbQiuD7FmgSAQ6X7Dy"

# if this isn't a git repository (say building from a release), don't set our git constants.
if ! git rev-parse --git-dir > /dev/null 2>&1; then
    CURRENT_BRANCH=""
    SUBNET_EVM_COMMIT=""
else
    # WARNING: this will use the most recent commit even if there are un-committed changes present
    SUBNET_EVM_COMMIT="$(git rev-parse HEAD)"
fi

# Static compilation
STATIC_LD_FLAGS=''

# CGO_ENABLED is required for multi-arch builds.
export CGO_ENABLED=1
