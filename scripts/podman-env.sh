#!/bin/bash
# Root podman service with a private configuration, driven by the docker CLI (DOCKER_HOST).
#
# Usage:
#   eval "$(scripts/podman-env.sh start)"  start the service if needed; print the exports to use
#   scripts/podman-env.sh env              print the exports only
#   scripts/podman-env.sh stop             stop the service and unmount leftover overlay mounts
#   scripts/podman-env.sh purge            stop, then delete the whole state directory (images too)
# State lives in $RPM_RELEASE_PODMAN_DIR (default /var/tmp/rpm-release-podman). Idempotent; needs root.
set -euo pipefail

DIR=${RPM_RELEASE_PODMAN_DIR:-/var/tmp/rpm-release-podman}
SOCK="$DIR/podman.sock"

exports() {
    echo "export CONTAINERS_CONF='$DIR/containers.conf'"
    echo "export CONTAINERS_STORAGE_CONF='$DIR/storage.conf'"
    echo "export DOCKER_HOST='unix://$SOCK'"
}

need_root() {
    if [ "$(id -u)" != 0 ]; then
        echo "podman-env.sh: must run as root (rootless podman is not supported here)" >&2
        exit 1
    fi
}

install_tools() {
    local missing=()
    for p in podman runc; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "podman-env.sh: installing ${missing[*]}" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -o DPkg::Lock::Timeout=600 "${missing[@]}" >&2
    fi
    if ! command -v docker >/dev/null; then
        echo "podman-env.sh: no docker CLI on PATH (expected /usr/local/bin/docker)" >&2
        exit 1
    fi
}

write_config() {
    mkdir -p "$DIR/storage" "$DIR/run" "$DIR/tmp"
    chmod 0700 "$DIR"
    cat > "$DIR/containers.conf.new" <<CONF
[containers]
netns = "none"
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$DIR/events.log"
tmp_dir = "$DIR/tmp"
CONF
    mv "$DIR/containers.conf.new" "$DIR/containers.conf"
    cat > "$DIR/storage.conf.new" <<CONF
[storage]
driver = "overlay"
graphroot = "$DIR/storage"
runroot = "$DIR/run"
CONF
    mv "$DIR/storage.conf.new" "$DIR/storage.conf"
}

alive() {
    [ -S "$SOCK" ] && [ -f "$DIR/service.pid" ] && kill -0 "$(cat "$DIR/service.pid")" 2>/dev/null
}

# The cheapest call that proves the service answers: GET /_ping on its socket (~0.03 s; `docker version` asks
# podman for /version, ~1-1.5 s). Without curl, the cheapest docker CLI call that needs the service.
answers() {
    if command -v curl >/dev/null; then
        curl -sf --max-time 10 --unix-socket "$SOCK" http://d/_ping >/dev/null 2>&1
    else
        DOCKER_HOST="unix://$SOCK" timeout 10 docker ps -q --filter 'name=^rpm-release-ping$' >/dev/null 2>&1
    fi
}

running() {
    alive && answers
}

# A live service that is only slow (a loaded machine) is waited for, never restarted under other users' feet.
running_patiently() {
    for _ in 1 2 3 4 5 6; do
        running && return 0
        alive || return 1
    done
    return 1
}

start() {
    need_root
    # One starter at a time (parallel test JVMs call this together); the service must not inherit the lock.
    mkdir -p "$DIR"
    exec 9>"$DIR/start.lock"
    flock -w 300 9 || { echo "podman-env.sh: another start held $DIR/start.lock for 5 min" >&2; exit 1; }
    if running_patiently; then
        exports
        return
    fi
    install_tools
    stop_service
    write_config
    rm -f "$SOCK"
    # Started in $DIR, not the caller's directory: a removed working directory (a deleted clone) makes every later
    # container start fail ("unable to upgrade to tcp, received 409").
    (cd "$DIR" && CONTAINERS_CONF="$DIR/containers.conf" CONTAINERS_STORAGE_CONF="$DIR/storage.conf" \
        exec setsid nohup podman system service --time=0 "unix://$SOCK" >"$DIR/service.log" 2>&1 </dev/null 9>&-) &
    echo $! > "$DIR/service.pid"
    for _ in $(seq 1 100); do
        if running; then
            exports
            return
        fi
        sleep 0.1
    done
    echo "podman-env.sh: podman service did not come up on $SOCK; log follows" >&2
    cat "$DIR/service.log" >&2
    exit 1
}

unmount_leftovers() {
    [ -d "$DIR" ] || return 0
    # Deepest mount points first.
    { findmnt -rn -o TARGET | grep -F "$DIR/" || true; } | sort -r | while read -r m; do
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
    done
}

stop_service() {
    if [ -f "$DIR/service.pid" ]; then
        local pid
        pid=$(cat "$DIR/service.pid")
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            for _ in $(seq 1 50); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.1
            done
            kill -9 "$pid" 2>/dev/null || true
        fi
        rm -f "$DIR/service.pid"
    fi
    rm -f "$SOCK"
    unmount_leftovers
}

case "${1:-start}" in
    start) start ;;
    env) exports ;;
    stop) need_root; stop_service ;;
    purge)
        need_root
        stop_service
        rm -rf --one-file-system "$DIR"
        ;;
    *) echo "usage: $0 start|env|stop|purge" >&2; exit 2 ;;
esac
