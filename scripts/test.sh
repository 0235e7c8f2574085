#!/usr/bin/env bash
# The test command: installs what the tests need, then runs every test of the default build.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
bash scripts/install-deps.sh

# The container tests' target images are built while Maven compiles and runs the tests that need none (the foreign
# arch's takes minutes under qemu-user); a test that needs one waits for its build (build-target-image.sh's lock per
# arch) and then finds it. A failed build here is built again, or reported, by the first test that needs it.
builds=()
log=
if [ "$(id -u)" = 0 ] && command -v podman >/dev/null && bash scripts/podman-env.sh start >/dev/null; then
    log=$(mktemp "${TMPDIR:-/tmp}/rpm-release-images.XXXXXX")
    for arch in arm64 amd64; do
        bash scripts/build-target-image.sh --arch "$arch" >>"$log" 2>&1 &
        builds+=($!)
    done
fi

rc=0
./mvnw -B -ntp verify "$@" || rc=$?
for pid in ${builds[@]+"${builds[@]}"}; do
    wait "$pid" || echo "test.sh: a target image build beside the tests failed (the tests built or reported it): $log" >&2
done
exit $rc
