#!/usr/bin/env bash
# Builds build/avalanchego with the current git commit baked in (same interface as the real repository).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
commit="$(git -C "$root" rev-parse HEAD)"
mkdir -p "$root/build"
"${CC:-gcc}" -O2 -Wall -DCOMMIT="\"$commit\"" -o "$root/build/avalanchego" "$root/main/avalanchego.c"
echo "Build Successful: $root/build/avalanchego (commit $commit)"
