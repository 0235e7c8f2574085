#!/usr/bin/env bash
# Installs the Debian tools the tests use as oracles and runtimes, enables qemu-user emulation of the foreign
# arch (binfmt_misc), then checks every capability the tests rely on. Idempotent; needs root.
# Usage: scripts/install-deps.sh [--check-only|--recheck]   (Debian 12 / Ubuntu, amd64 or arm64 host)
# After a passing self-check it records a fingerprint (this script, the installed versions of its packages, the
# binfmt_misc handler, the java and docker found); later runs with the same fingerprint skip the ~2-10 s
# self-check. --recheck runs it anyway; --check-only installs nothing and always checks.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Everything here is installed with --no-install-recommends: list what the tests run, not what it recommends.
pkgs=(rpm rpmlint rpm2cpio cpio gnupg createrepo-c dnf podman runc mmdebstrap arch-test gcc libc6-dev
      gcc-aarch64-linux-gnu libc6-dev-arm64-cross gcc-x86-64-linux-gnu libc6-dev-amd64-cross
      qemu-user-static binfmt-support zstd xz-utils openssl git binutils file zip unzip softhsm2 opensc curl)

die() { echo "install-deps: MISSING: $*" >&2; exit 1; }

if [ "$(id -u)" != 0 ]; then die "root (the tests install packages and run a root podman service)"; fi
host=$(dpkg --print-architecture)
case "$host" in
  amd64) foreign=arm64; qemu=aarch64; triplet=aarch64-linux-gnu; own=(gcc-x86-64-linux-gnu libc6-dev-amd64-cross) ;;
  arm64) foreign=amd64; qemu=x86_64; triplet=x86_64-linux-gnu; own=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross) ;;
  *) die "an amd64 or arm64 host (this one is $host)" ;;
esac
# The cross compiler for the host's own arch is not needed (and not installable on every host).
want=()
for p in "${pkgs[@]}"; do [[ " ${own[*]} " == *" $p "* ]] || want+=("$p"); done
command -v javac >/dev/null || want+=(openjdk-17-jdk-headless)
command -v docker >/dev/null || want+=(docker.io)   # only for its docker CLI: the tests talk to podman

# What the self-check depends on; a change to any of it runs the self-check again.
state="${RPM_RELEASE_STATE_DIR:-/var/tmp/rpm-release-state}"
stamp="$state/install-deps.ok"
fingerprint() {
  { sha256sum < "$0"   # the content only: the same script run from another checkout or path matches
    dpkg-query -W -f='${Package} ${Version} ${db:Status-Abbrev}\n' "${want[@]}" 2>&1
    cat "/proc/sys/fs/binfmt_misc/qemu-$qemu" 2>&1
    readlink -f "$(command -v javac)" "$(command -v docker)" 2>&1
  } | sha256sum | cut -d' ' -f1
}
if [ -z "${1:-}" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(fingerprint)" ]; then
  echo "install-deps: ok (self-check passed before with the same packages, handler, java and docker;" \
    "--recheck runs it again)" >&2
  exit 0
fi

if [ "${1:-}" != --check-only ]; then
  missing=()
  for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "install-deps: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -q >&2
    apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}" >&2
  fi
  # qemu-user emulation of the foreign arch: binfmt_misc mounted, Debian's qemu-$qemu handler enabled.
  if [ ! -e /proc/sys/fs/binfmt_misc/status ]; then
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc \
      || die "binfmt_misc (mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc failed; in a container, do it on the host)"
  fi
  if ! grep -qx enabled "/proc/sys/fs/binfmt_misc/qemu-$qemu" 2>/dev/null; then
    update-binfmts --enable "qemu-$qemu" >&2 || die "the qemu-$qemu binfmt handler (update-binfmts --enable qemu-$qemu failed)"
  fi
fi

# Self-check: exercise each capability the tests use; the first one missing is named and fails the script.
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
try() { # try WHAT CMD...: run CMD quietly; on failure name WHAT and show its output
  local what=$1; shift
  "$@" >"$t/out" 2>&1 || { cat "$t/out" >&2; die "$what"; }
}
printf '#include <stdio.h>\nint main(void) { puts("hello " ARCH); return 0; }\n' > "$t/hello.c"
try "C compiler for $host (gcc, libc6-dev)" gcc -DARCH="\"$host\"" -o "$t/native" "$t/hello.c"
try "running a $host program" "$t/native"
try "C cross compiler for $foreign ($triplet-gcc: gcc-$triplet, libc6-dev-$foreign-cross)" \
  "$triplet-gcc" -DARCH="\"$foreign\"" -o "$t/foreign" "$t/hello.c"
try "static linking for $foreign (libc6-dev-$foreign-cross)" \
  "$triplet-gcc" -static -DARCH="\"$foreign\"" -o "$t/foreign-static" "$t/hello.c"
grep -qx enabled "/proc/sys/fs/binfmt_misc/qemu-$qemu" 2>/dev/null \
  || die "the qemu-$qemu binfmt_misc handler (run this script as root: it mounts binfmt_misc and runs update-binfmts --enable qemu-$qemu)"
grep -q '^flags: .*F' "/proc/sys/fs/binfmt_misc/qemu-$qemu" \
  || die "the fix-binary (F) flag of the qemu-$qemu handler, needed inside containers (Debian's qemu-user-static sets it)"
[ "$("$t/foreign-static")" = "hello $foreign" ] || die "running a $foreign program under qemu-user via binfmt_misc (qemu-user-static)"
[ "$(QEMU_LD_PREFIX=/usr/$triplet "$t/foreign")" = "hello $foreign" ] \
  || die "running a dynamic $foreign program with the cross glibc in /usr/$triplet (libc6-$foreign-cross)"
try "readelf/objdump (binutils)" readelf -h "$t/foreign"
mkdir -p "$t/rpmbuild/SPECS" "$t/repo"
printf '%s\n' 'Name: selfcheck' 'Version: 1' 'Release: 1' 'Summary: install-deps self-check' 'License: MIT' \
  'BuildArch: noarch' '%description' 'x' '%files' > "$t/rpmbuild/SPECS/selfcheck.spec"
try "rpmbuild (rpm)" rpmbuild --define "_topdir $t/rpmbuild" -bb "$t/rpmbuild/SPECS/selfcheck.spec"
cp "$t"/rpmbuild/RPMS/noarch/selfcheck-1-1.noarch.rpm "$t/repo/"
try "rpm" rpm -qp "$t/repo/selfcheck-1-1.noarch.rpm"
try "rpmkeys (rpm)" rpmkeys --checksig --nosignature "$t/repo/selfcheck-1-1.noarch.rpm"
try "rpmsign (rpm)" rpmsign --version
try "rpm2cpio and cpio" bash -c "rpm2cpio '$t/repo/selfcheck-1-1.noarch.rpm' | cpio -t --quiet"
try "gpg (gnupg)" gpg --version
try "rpmlint" rpmlint --version
try "createrepo_c (createrepo-c)" createrepo_c -q "$t/repo"
try "dnf" dnf -q --installroot "$t/root" --setopt=reposdir=/dev/null --repofrompath="selfcheck,file://$t/repo" \
  --setopt=selfcheck.gpgcheck=0 --releasever=9 repoquery selfcheck
for c in zstd xz openssl git zip unzip mmdebstrap arch-test softhsm2-util pkcs11-tool; do
  command -v "$c" >/dev/null || die "$c (see the package list in $0)"
done
try "Java 17+ for the Maven wrapper (openjdk-17-jdk-headless)" bash -c \
  'v=$(javac -version 2>&1 | sed -E "s/^javac ([0-9]+).*/\1/"); [ "$v" -ge 17 ]'
try "podman behind the docker CLI (scripts/podman-env.sh start; podman, runc, docker)" bash -c \
  "eval \"\$('$here/scripts/podman-env.sh' start)\" && docker ps -q --filter 'name=^rpm-release-ping\$'"
mkdir -p -m 700 "$state"
fingerprint > "$stamp"
echo "install-deps: ok ($host with $foreign under qemu-$qemu, rpm, dnf, createrepo_c, podman via docker)" >&2
