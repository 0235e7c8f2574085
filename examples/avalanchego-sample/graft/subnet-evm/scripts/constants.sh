#!/usr/bin/env bash
# Subnet-EVM constants (sample; the shape of upstream's graft/subnet-evm/scripts/constants.sh at HEAD).
# shellcheck disable=SC2034
set -euo pipefail

SUBNET_EVM_PATH=$(
  cd "$(dirname "${BASH_SOURCE[0]}")"
  cd .. && pwd
)

# Avalanchego repository root
AVALANCHE_PATH=$(cd "$SUBNET_EVM_PATH" && cd ../.. && pwd)

# Source common constants from root
source "$AVALANCHE_PATH"/scripts/constants.sh
source "$AVALANCHE_PATH"/scripts/git_commit.sh

# Subnet-EVM specific constants (upstream also runs `go env GOPATH` here: never source this file to read them)
DEFAULT_PLUGIN_DIR="${HOME}/.avalanchego/plugins"
DEFAULT_VM_NAME="subnet-evm"
DEFAULT_VM_ID="srEXiWaHuhNyGwPUi444Tu47ZEDwxTWrbQiuD7FmgSAQ6X7Dy"
