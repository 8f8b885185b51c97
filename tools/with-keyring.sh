#!/usr/bin/env bash
# Run a command with a real, unlocked Secret Service (gnome-keyring) on a private D-Bus session,
# in a throw-away HOME so the developer's own keyring is never touched.
# Usage: dbus-run-session -- bash tools/with-keyring.sh CMD...
set -euo pipefail
keyring_home=$(mktemp -d)
export HOME="$keyring_home"
export XDG_DATA_HOME="$keyring_home/.local/share" XDG_CONFIG_HOME="$keyring_home/.config"
export XDG_CACHE_HOME="$keyring_home/.cache" XDG_STATE_HOME="$keyring_home/.local/state"
export XDG_RUNTIME_DIR="$keyring_home/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
eval "$(echo -n pw | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
export NEBULA_TEST_SECRET_SERVICE=1
status=0
"$@" || status=$?
pkill -u "$(id -u)" -f "gnome-keyring-daemon.*$keyring_home" 2>/dev/null || true
rm -rf "$keyring_home"
exit "$status"
