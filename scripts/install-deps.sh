#!/usr/bin/env bash
# Installs the Debian tools the tests use as oracles and runtimes, when missing. Idempotent; needs root.
set -euo pipefail
pkgs=(rpm rpmlint rpm2cpio cpio gnupg createrepo-c dnf podman runc mmdebstrap gcc gcc-aarch64-linux-gnu
      zstd openssl git binutils zip unzip)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -q >&2
  apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}" >&2
fi
