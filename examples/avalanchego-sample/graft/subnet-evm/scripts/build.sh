#!/usr/bin/env bash
# Builds the subnet-evm plugin to the path given as $1 (same interface as the real repository).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: build.sh OUTPUT_PATH}"
commit="$(git -C "$root" rev-parse HEAD)"
mkdir -p "$(dirname "$out")"
"${CC:-gcc}" -O2 -Wall -DCOMMIT="\"$commit\"" -o "$out" "$root/plugin/main.c"
echo "Build Successful: $out (commit $commit)"
