#!/bin/bash
# Builds the local stand-in for the target image (Debian bookworm + rpm, behaving like Rocky for
# rpm installs) into the private podman storage of podman-env.sh. Skips when the image exists.
#
# Usage: scripts/build-target-image.sh [--rebuild] [--also-tag NAME] [--include PKG,...] [IMAGE]
#   --include extra Debian packages (e.g. gcc,libc6-dev,git for a builder image)
#   IMAGE     default localhost/rpm-release-target:latest
#   MIRROR    env: Debian mirror URL (default: the first Debian URI in /etc/apt/sources.list*)
# Needs root, mmdebstrap, rpm, rpmbuild; the only network it uses is the apt mirror.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
IMAGE=localhost/rpm-release-target:latest
REBUILD=0
ALSO=()
INCLUDE=rpm
while [ $# -gt 0 ]; do
    case "$1" in
        --rebuild) REBUILD=1 ;;
        --also-tag) ALSO+=("$2"); shift ;;
        --include) INCLUDE="$INCLUDE,$2"; shift ;;
        -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
        *) IMAGE=$1 ;;
    esac
    shift
done

eval "$("$HERE/podman-env.sh" start)"

if [ "$REBUILD" = 0 ] && podman image exists "$IMAGE"; then
    for t in "${ALSO[@]}"; do podman tag "$IMAGE" "$t"; done
    echo "build-target-image.sh: $IMAGE exists (use --rebuild to build it again)" >&2
    exit 0
fi

for p in mmdebstrap rpm; do
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
echo "build-target-image.sh: bootstrapping bookworm from $MIRROR_URL" >&2
mmdebstrap --mode=root --variant=essential --include="$INCLUDE" \
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

# Register the image's real glibc so that "Requires: glibc >= 2.34" resolves.
GLIBC=$(chroot "$ROOT" getconf GNU_LIBC_VERSION | awk '{print $2}')
TOP="$WORK/rpmbuild"
mkdir -p "$TOP/SPECS"
{
    echo "Name: rpm-release-glibc-provides"
    echo "Version: $GLIBC"
    echo "Release: 1"
    echo "Summary: Registers the image's glibc $GLIBC in the rpm database"
    echo "License: MIT"
    echo "BuildArch: noarch"
    echo "AutoReqProv: no"
    echo "Provides: glibc = $GLIBC"
    echo "Provides: rtld(GNU_HASH)"
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

if podman image exists "$IMAGE"; then podman rmi -f "$IMAGE" >/dev/null; fi
tar -C "$ROOT" --numeric-owner -c . | podman import --change 'CMD ["/bin/bash"]' - "$IMAGE" >/dev/null
for t in "${ALSO[@]}"; do podman tag "$IMAGE" "$t"; done
echo "build-target-image.sh: built $IMAGE (glibc $GLIBC)" >&2
