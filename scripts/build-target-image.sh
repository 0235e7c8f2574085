#!/bin/bash
# Builds the local stand-in for the target image (Debian bookworm + rpm, behaving like Rocky for
# rpm installs) into the private podman storage of podman-env.sh. Skips when the image exists and
# was built by this revision of the script (label rpm-release-target-revision); rebuilds an older one.
# The image holds rpm, dnf, systemd (systemctl, systemd-analyze; bootable with podman --systemd) and
# shadow's useradd/groupadd, so the avalanchego-service package's scriptlets and unit can be checked.
#
# Usage: scripts/build-target-image.sh [--rebuild] [--arch amd64|arm64] [--also-tag NAME] [--include PKG,...]
#                                       [--builder] [IMAGE]
#   --arch    image architecture (default: the host's); a foreign one is bootstrapped under qemu-user
#             (binfmt_misc, see scripts/install-deps.sh) and imported with that Architecture
#   --include extra Debian packages (e.g. gcc,libc6-dev,git for a builder image)
#   --builder the tests' image to build in (`build --image`): --include gcc,libc6-dev,git, named
#             localhost/rpm-release-builder:latest-ARCH, also tagged :latest for the host's arch
#   IMAGE     default localhost/rpm-release-target:latest-ARCH, also tagged :latest for the host's arch
#   MIRROR    env: Debian mirror URL (default: the first Debian URI in /etc/apt/sources.list*)
# Needs root, mmdebstrap, rpm, rpmbuild; the only network it uses is the apt mirror.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
IMAGE=
ARCH=$(dpkg --print-architecture)
HOST_ARCH=$ARCH
REBUILD=0
ALSO=()
EXTRA=
NAME=localhost/rpm-release-target
# Bump when the image's content changes: existing images of an older revision are rebuilt.
REVISION=3
while [ $# -gt 0 ]; do
    case "$1" in
        --rebuild) REBUILD=1 ;;
        --arch)
            case "$2" in
                amd64|x86_64) ARCH=amd64 ;;
                arm64|aarch64) ARCH=arm64 ;;
                *) echo "build-target-image.sh: --arch $2: use amd64 (x86_64) or arm64 (aarch64)" >&2; exit 2 ;;
            esac
            shift ;;
        --also-tag) ALSO+=("$2"); shift ;;
        --include) EXTRA="$EXTRA,$2"; shift ;;
        --builder) EXTRA="$EXTRA,gcc,libc6-dev,git"; NAME=localhost/rpm-release-builder ;;
        -h|--help) awk 'NR > 1 && /^#/ { print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) IMAGE=$1 ;;
    esac
    shift
done
# A target image (no --include) carries dnf (a customer's client), systemd (systemctl, systemd-analyze, bootable in a
# container) and shadow's useradd; an image with --include (a builder) only rpm and what it names.
if [ -z "$EXTRA" ]; then INCLUDE=rpm,dnf,passwd,systemd; else INCLUDE="rpm$EXTRA"; fi
if [ -z "$IMAGE" ]; then
    IMAGE=$NAME:latest-$ARCH
    if [ "$ARCH" = "$HOST_ARCH" ]; then ALSO+=("$NAME:latest"); fi
fi

# Only the podman CLI is used here (no API call): the service's configuration is enough once it exists, so a
# caller that started the service does not pay for a second probe.
if [ -f "${RPM_RELEASE_PODMAN_DIR:-/var/tmp/rpm-release-podman}/containers.conf" ]; then
    eval "$("$HERE/podman-env.sh" env)"
else
    eval "$("$HERE/podman-env.sh" start)"
fi

image_arch() {
    podman image inspect --format '{{.Architecture}}' "$1" 2>/dev/null
}

image_revision() {
    local r
    r=$(podman image inspect --format '{{index .Config.Labels "rpm-release-target-revision"}}' "$1" 2>/dev/null)
    case "$r" in ''|'<no value>') echo 1 ;; *) echo "$r" ;; esac
}

# Keeps an existing image of this revision under IMAGE and the --also-tag names (0), or finds none to keep (1); with
# "say", names an older revision it will rebuild.
keep_existing() {
    local have t
    for have in "$IMAGE" "${ALSO[@]}"; do
        podman image exists "$have" || continue
        if [ "$(image_arch "$have")" != "$ARCH" ]; then
            echo "build-target-image.sh: $have exists but is for $(image_arch "$have"), not $ARCH;" \
                 "pass --rebuild or another IMAGE name" >&2
            exit 1
        fi
        if [ "$(image_revision "$have")" != "$REVISION" ]; then
            if [ "${1:-}" = say ]; then
                echo "build-target-image.sh: $have is revision $(image_revision "$have"), this script builds" \
                     "revision $REVISION: rebuilding" >&2
            fi
            return 1
        fi
        for t in "$IMAGE" "${ALSO[@]}"; do [ "$t" = "$have" ] || podman tag "$have" "$t"; done
        echo "build-target-image.sh: $IMAGE ($ARCH) exists (use --rebuild to build it again)" >&2
        return 0
    done
    return 1
}

# An image that exists is kept without waiting for the lock, which another image of the arch may hold for minutes.
if [ "$REBUILD" = 0 ] && keep_existing; then exit 0; fi

# One build of an arch's image at a time (parallel test JVMs ask together): the second finds the first's image.
exec 8>"${RPM_RELEASE_PODMAN_DIR:-/var/tmp/rpm-release-podman}/image-$ARCH.lock"
flock -w 1800 8 || { echo "build-target-image.sh: another build of the $ARCH image held its lock for 30 min" >&2; exit 1; }
if [ "$REBUILD" = 0 ] && keep_existing say; then exit 0; fi

if [ "$ARCH" != "$HOST_ARCH" ]; then
    # Foreign root file systems run their maintainer scripts (and later the container) under qemu-user.
    qemu=$([ "$ARCH" = arm64 ] && echo aarch64 || echo x86_64)
    if ! grep -qx enabled "/proc/sys/fs/binfmt_misc/qemu-$qemu" 2>/dev/null; then
        echo "build-target-image.sh: --arch $ARCH needs the qemu-$qemu binfmt_misc handler, which is not" \
             "enabled; run scripts/install-deps.sh as root (qemu-user-static, binfmt-support)" >&2
        exit 1
    fi
fi

for p in mmdebstrap rpm $([ "$ARCH" != "$HOST_ARCH" ] && echo arch-test); do
    dpkg -s "$p" >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -o DPkg::Lock::Timeout=600 "$p" >&2
done

mirror() {
    if [ -n "${MIRROR:-}" ]; then echo "$MIRROR"; return; fi
    local u
    u=$( { grep -hs -E '^\s*URIs:' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null \
             | awk '{print $2}'
           grep -hs -E '^\s*deb\s' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
             | sed -E 's/^\s*deb\s+(\[[^]]*\]\s+)?//' | awk '{print $1}'
         } | grep -E '/debian/?$' | head -n1)
    if [ -z "$u" ]; then
        echo "build-target-image.sh: no Debian mirror in /etc/apt/sources.list*; set MIRROR=URL" >&2
        exit 1
    fi
    echo "$u"
}

WORK=$(mktemp -d "${RPM_RELEASE_PODMAN_DIR:-/var/tmp/rpm-release-podman}/image.XXXXXX")
cleanup() {
    { findmnt -rn -o TARGET | grep -F "$WORK/" || true; } | sort -r | while read -r m; do umount -l "$m" || true; done
    rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT
ROOT="$WORK/root"
MIRROR_URL=$(mirror)
echo "build-target-image.sh: bootstrapping bookworm ($ARCH) from $MIRROR_URL" >&2
mmdebstrap --mode=root --variant=essential --arch="$ARCH" --include="$INCLUDE" \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
    bookworm "$ROOT" "deb $MIRROR_URL bookworm main" >&2

# rpm database where Rocky keeps it (Debian's default is ~/.rpmdb).
mkdir -p "$ROOT/etc/rpm" "$ROOT/var/lib/rpm" "$ROOT/etc/popt.d"
echo '%_dbpath /var/lib/rpm' > "$ROOT/etc/rpm/macros.dbpath"
# Silence Debian's "use Alien instead" banner for installs, as on an RPM-based system.
cat > "$ROOT/etc/popt.d/rpm-force-debian" <<'POPT'
rpm alias -i -i --force-debian
rpm alias --install --install --force-debian
rpm alias -U -U --force-debian
rpm alias --upgrade --upgrade --force-debian
rpm alias -F -F --force-debian
rpm alias --freshen --freshen --force-debian
rpm alias -e -e --force-debian
rpm alias --erase --erase --force-debian
POPT

# Presets as on RHEL (redhat-release's 99-default-disable.preset): a package's `systemctl preset` in %post
# leaves its unit disabled unless a preset file enables it. Debian enables every unit by default.
mkdir -p "$ROOT/usr/lib/systemd/system-preset"
echo 'disable *' > "$ROOT/usr/lib/systemd/system-preset/99-default-disable.preset"

# Register the image's real glibc so that "Requires: glibc >= 2.34" resolves, and what a package's
# scriptlets need from the system: /bin/sh (their interpreter), shadow-utils (useradd), systemd.
GLIBC=$(chroot "$ROOT" getconf GNU_LIBC_VERSION | awk '{print $2}')
TOP="$WORK/rpmbuild"
mkdir -p "$TOP/SPECS"
{
    echo "Name: rpm-release-glibc-provides"
    echo "Version: $GLIBC"
    echo "Release: 1"
    echo "Summary: Registers the image's glibc $GLIBC, /bin/sh, shadow-utils and systemd in the rpm database"
    echo "License: MIT"
    echo "BuildArch: noarch"
    echo "AutoReqProv: no"
    echo "Provides: glibc = $GLIBC"
    echo "Provides: rtld(GNU_HASH)"
    echo "Provides: /bin/sh"
    if [ -x "$ROOT/usr/sbin/useradd" ]; then echo "Provides: shadow-utils"; fi
    if [ -x "$ROOT/usr/lib/systemd/systemd" ]; then
        echo "Provides: systemd = $(chroot "$ROOT" dpkg-query -W -f '${Version}' systemd | sed 's/-.*//')"
    fi
    find "$ROOT/lib/" "$ROOT/usr/lib/" -maxdepth 2 \( -name 'libc.so.6' -o -name 'ld-linux*.so.*' \
        -o -name 'libm.so.6' -o -name 'libpthread.so.0' -o -name 'libdl.so.2' -o -name 'librt.so.1' \) 2>/dev/null \
        | /usr/lib/rpm/elfdeps --provides 2>/dev/null | sort -u | sed 's/^/Provides: /'
    echo "%description"
    echo "Stand-in for the glibc package of the target distribution."
    echo "%files"
} > "$TOP/SPECS/provides.spec"
rpmbuild --define "_topdir $TOP" -bb "$TOP/SPECS/provides.spec" >"$WORK/rpmbuild.log" 2>&1 \
    || { cat "$WORK/rpmbuild.log" >&2; exit 1; }
rpm --root "$ROOT" --dbpath /var/lib/rpm --initdb
rpm --root "$ROOT" --dbpath /var/lib/rpm -i --force-debian "$TOP"/RPMS/noarch/*.rpm
chroot "$ROOT" rpm -q --whatprovides glibc >&2

# The import moves the tag; the image it replaces is removed unless a container (another job's) still uses it.
OLD=$(podman image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)
tar -C "$ROOT" --numeric-owner -c . \
    | podman import --os linux --arch "$ARCH" --change 'CMD ["/bin/bash"]' \
        --change "LABEL rpm-release-target-revision=$REVISION" - "$IMAGE" >/dev/null
for t in "${ALSO[@]}"; do podman tag "$IMAGE" "$t"; done
if [ -n "$OLD" ] && [ "$OLD" != "$(podman image inspect --format '{{.Id}}' "$IMAGE")" ]; then
    podman rmi "$OLD" >/dev/null 2>&1 || true
fi
echo "build-target-image.sh: built $IMAGE ($ARCH, glibc $GLIBC)" >&2
