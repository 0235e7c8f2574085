# On erase (not upgrade): stop the node and disable the unit. Its data under /var/lib/avalanchego stays.
if [ "$1" -eq 0 ] && [ -x /usr/bin/systemctl ]; then
    if [ -d /run/systemd/system ]; then
        /usr/bin/systemctl --no-reload disable --now avalanchego.service >/dev/null 2>&1 || :
    else
        /usr/bin/systemctl --no-reload disable avalanchego.service >/dev/null 2>&1 || :
    fi
fi
exit 0
