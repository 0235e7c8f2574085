#!/usr/bin/env bash
# The test command: installs what the tests need, then runs every test of the default build.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
bash scripts/install-deps.sh
./mvnw -B -ntp verify "$@"
