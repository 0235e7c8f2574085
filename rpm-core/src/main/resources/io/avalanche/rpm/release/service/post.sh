# A running systemd learns the new unit; on first install the preset decides whether it is enabled (RHEL's
# default preset leaves it disabled). It is never started here.
if [ -d /run/systemd/system ] && [ -x /usr/bin/systemctl ]; then
    /usr/bin/systemctl daemon-reload >/dev/null 2>&1 || :
fi
if [ "$1" -eq 1 ] && [ -x /usr/bin/systemctl ]; then
    /usr/bin/systemctl --no-reload preset avalanchego.service >/dev/null 2>&1 || :
fi
exit 0
