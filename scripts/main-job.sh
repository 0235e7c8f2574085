#!/usr/bin/env bash
# The main job: a full local release of the sample program for x86_64 and aarch64 — build (the foreign arch
# cross-compiled), sign (one ephemeral key), validate, publish to a local file: bucket with a signed yum repository
# per arch, validate again from the bucket (each arch in a container of its own arch when podman is usable, the
# foreign one under qemu-user emulation; --local otherwise).
# Usage: scripts/main-job.sh [WORK_DIR]   (default: ./out/main-job; wiped and recreated)
#   RPM_RELEASE_WITH_SERVICE=1 adds the avalanchego-service package (release --with-service; needs containers)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mkdir -p "${1:-$here/out/main-job}" && cd "${1:-$here/out/main-job}" && pwd)"
tag=v1.14.1

if [ "$(id -u)" = 0 ]; then bash "$here/scripts/install-deps.sh"; fi

rm -rf "$work/source" "$work/bucket" "$work/release"
cp -r "$here/examples/avalanchego-sample" "$work/source"
git -C "$work/source" init -q
git -C "$work/source" add -A
GIT_AUTHOR_DATE="2024-06-01T12:00:00Z" GIT_COMMITTER_DATE="2024-06-01T12:00:00Z" \
  git -C "$work/source" -c user.name="rpm-release main job" -c user.email="main-job@localhost" \
  commit -q -m "avalanchego sample $tag"
git -C "$work/source" tag "$tag"   # a release is built from the commit its tag points at

# The two arches' images built side by side (a lock each; the foreign one takes minutes under qemu-user).
build_images() {
  "$here/scripts/build-target-image.sh" --arch arm64 >&2 &
  local arm=$! amd=0
  "$here/scripts/build-target-image.sh" --arch amd64 >&2 || amd=$?
  wait "$arm" && [ "$amd" = 0 ]
}

validate=(--local)
if [ "$(id -u)" = 0 ] && [ "${RPM_RELEASE_LOCAL:-}" != 1 ] && command -v podman >/dev/null && command -v docker >/dev/null; then
  # one probe of the service (podman-env.sh start), then one docker call for both images; build only a missing one
  images=(localhost/rpm-release-target:latest-amd64 localhost/rpm-release-target:latest-arm64)
  if eval "$("$here/scripts/podman-env.sh" start)" \
      && { [ "$(docker image inspect -f '{{.Architecture}}' "${images[@]}" 2>/dev/null | tr '\n' ' ')" = "amd64 arm64 " ] \
           || build_images; }; then
    validate=(--image 'localhost/rpm-release-target:latest-{arch}')
  else
    echo "main-job: container runtime not usable; validating with --local" >&2
  fi
fi

service=()
if [ "${RPM_RELEASE_WITH_SERVICE:-}" = 1 ]; then service=(--with-service); fi

"$here/rpm-release" release --tag "$tag" --source "$work/source" --arch x86_64 --arch aarch64 --ephemeral \
  --to "file:$work/bucket" --out "$work/release" --junit "$work/validation-junit.xml" "${validate[@]}" \
  ${service[@]+"${service[@]}"}
echo "repository metadata: $work/bucket/linux/rpms/x86_64/repodata/ and $work/bucket/linux/rpms/aarch64/repodata/"
