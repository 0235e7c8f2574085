#!/usr/bin/env bash
# Builds the subnet-evm plugin to $1 (sample; the shape of upstream's build.sh since v1.14.2-rc.18: it cds itself).
set -euo pipefail

SUBNET_EVM_PATH=$(
    cd "$(dirname "${BASH_SOURCE[0]}")"
    cd .. && pwd
)

# Load the constants
source "$SUBNET_EVM_PATH"/scripts/constants.sh

if [[ $# -eq 1 ]]; then
    BINARY_PATH=$1
elif [[ $# -eq 0 ]]; then
    BINARY_PATH="${AVALANCHEGO_BUILD_PATH:-$AVALANCHE_PATH/build}/subnet-evm"
else
    echo "Invalid arguments to build subnet-evm. Requires zero (default binary path) or one argument to specify the binary path."
    exit 1
fi

echo "Building Subnet EVM @ GitCommit: $git_commit at $BINARY_PATH"
cd "$SUBNET_EVM_PATH"
mkdir -p "$(dirname "$BINARY_PATH")"
"${CC:-gcc}" -O2 -Wall -DGIT_COMMIT="\"$git_commit\"" -o "$BINARY_PATH" "plugin/"*.c
