#!/usr/bin/env bash
# Build constants (sample; the shape of upstream's scripts/constants.sh, without Go).
# shellcheck disable=SC2034
set -euo pipefail

AVALANCHE_PATH=$( cd "$( dirname "${BASH_SOURCE[0]}" )"; cd .. && pwd ) # Directory above this script

# Where AvalancheGo binary goes
avalanchego_path="$AVALANCHE_PATH/build/avalanchego"

# Required for cross-compilation (upstream: CGO_ENABLED=1 and the portable BLST flags)
export CGO_CFLAGS="-O2 -D__BLST_PORTABLE__"
export CGO_ENABLED=1
