#!/usr/bin/env bash
# The test command: installs what the tests need, then runs every test of the default build.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
bash scripts/install-deps.sh

# The container tests' images (both arches' targets, the host's builder) are built while Maven compiles and runs the
# tests that need none (the foreign arch's takes minutes under qemu-user); a test that needs one waits for its build
# (build-target-image.sh's lock per arch) and then finds it. A failed build here is built again, or reported, by the
# first test that needs it.
builds=()
log=
if [ "$(id -u)" = 0 ] && command -v podman >/dev/null && bash scripts/podman-env.sh start >/dev/null; then
    log=$(mktemp "${TMPDIR:-/tmp}/rpm-release-images.XXXXXX")
    host=$(dpkg --print-architecture)
    for arch in amd64 arm64; do
        if [ "$arch" = "$host" ]; then   # the host's target and builder share the arch's lock: one after the other
            { bash scripts/build-target-image.sh --arch "$arch" && bash scripts/build-target-image.sh --builder; } \
                >>"$log" 2>&1 &
        else
            bash scripts/build-target-image.sh --arch "$arch" >>"$log" 2>&1 &
        fi
        builds+=($!)
    done
fi

rc=0
./mvnw -B -ntp verify "$@" || rc=$?
failed=0
for pid in ${builds[@]+"${builds[@]}"}; do
    wait "$pid" || failed=1
done
if [ "$failed" = 1 ]; then
    echo "test.sh: an image build beside the tests failed (the tests built or reported it); its output: $log" >&2
elif [ -n "$log" ]; then
    rm -f "$log"   # the builds' output matters only when one failed
fi
exit $rc
