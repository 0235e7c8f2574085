#!/usr/bin/env bash
# The commit stamped into the binaries (sample; same rule as upstream's scripts/git_commit.sh).
# shellcheck disable=SC2034
set -euo pipefail

AVALANCHE_PATH=$( cd "$( dirname "${BASH_SOURCE[0]}" )"; cd .. && pwd ) # Directory above this script

# WARNING: this will use the most recent commit even if there are un-committed changes present
git_commit="${AVALANCHEGO_COMMIT:-$(git -C "${AVALANCHE_PATH}" rev-parse HEAD)}"
commit_hash="${git_commit::8}"
