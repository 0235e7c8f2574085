# After an upgrade, a running node restarts on the new binary and unit; a stopped one stays stopped.
if [ -d /run/systemd/system ] && [ -x /usr/bin/systemctl ]; then
    /usr/bin/systemctl daemon-reload >/dev/null 2>&1 || :
    if [ "$1" -ge 1 ]; then
        /usr/bin/systemctl try-restart avalanchego.service >/dev/null 2>&1 || :
    fi
fi
exit 0
