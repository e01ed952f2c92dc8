#!/usr/bin/env bash
# Run a command where a desktop Secret Service answers: a private D-Bus
# session bus and an unlocked gnome-keyring whose files live in a temp dir.
# Installs Debian's gnome-keyring and dbus-daemon when they are missing.
#
#   scripts/live/secret-service.sh COMMAND [ARGS...]
set -euo pipefail

log() { printf 'secret-service.sh: %s\n' "$*" >&2; }

if ! command -v gnome-keyring-daemon >/dev/null || ! command -v dbus-run-session >/dev/null; then
    if [ "$(id -u)" != 0 ]; then
        log "gnome-keyring and dbus-daemon are missing and installing them needs root"
        exit 1
    fi
    log "installing gnome-keyring and dbus-daemon"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends gnome-keyring dbus-daemon >&2
fi

keyrings=$(mktemp -d /tmp/deskterm-keyring.XXXXXX)
trap 'rm -rf "$keyrings"' EXIT
# The keyring's password is throwaway: the keyring dies with the session.
dbus-run-session -- bash -c '
    printf deskterm | XDG_DATA_HOME="$1" gnome-keyring-daemon --unlock --components=secrets >/dev/null
    shift
    "$@"
' _ "$keyrings" "$@"
