#!/bin/sh
# Runs a command in a private D-Bus session with its own gnome-keyring-daemon: a real Secret Service (what
# QtKeychain talks to on a Linux desktop) in a throwaway HOME, so the user's own keyring is never touched.
# Exits 77 (CTest's "skipped") when dbus-run-session or gnome-keyring-daemon is not installed.
set -eu
if ! command -v dbus-run-session >/dev/null 2>&1 || ! command -v gnome-keyring-daemon >/dev/null 2>&1; then
  echo "with-secret-service: dbus-run-session or gnome-keyring-daemon missing (Debian: dbus, gnome-keyring): skipped" >&2
  exit 77
fi
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export HOME="$home" XDG_DATA_HOME="$home/.local/share" XDG_CONFIG_HOME="$home/.config" XDG_RUNTIME_DIR="$home/run"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
# --unlock with a password on standard input creates and unlocks the login keyring, so no prompt is needed.
dbus-run-session -- sh -c 'printf %s refetch-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"' sh "$@"
