#!/usr/bin/env bash
# Builds build/avalanchego (sample: a C stand-in; same interface as upstream's scripts/build.sh).
set -euo pipefail

REPO_ROOT=$( cd "$( dirname "${BASH_SOURCE[0]}" )"; cd .. && pwd )
# Configure the build environment
source "${REPO_ROOT}"/scripts/constants.sh
# Determine the git commit hash to use for the build
source "${REPO_ROOT}"/scripts/git_commit.sh

echo "Building AvalancheGo with [${CC:-gcc}]..."
mkdir -p "$(dirname "${avalanchego_path}")"
"${CC:-gcc}" -O2 -Wall -DGIT_COMMIT="\"$git_commit\"" -o "${avalanchego_path}" "${REPO_ROOT}"/main/avalanchego.c
