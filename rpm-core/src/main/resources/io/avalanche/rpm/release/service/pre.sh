# The system user and group of /usr/lib/sysusers.d/avalanchego.conf, created before the files that belong to
# them are unpacked (what %sysusers_create_compat writes on RHEL 9).
getent group avalanchego >/dev/null || groupadd -r avalanchego || exit 1
getent passwd avalanchego >/dev/null || \
    useradd -r -g avalanchego -d /var/lib/avalanchego -s /sbin/nologin -c 'AvalancheGo node' avalanchego || exit 1
exit 0
