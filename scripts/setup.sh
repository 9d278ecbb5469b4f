#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine for Refetch, then configures and builds it into build/.
# Safe to run again: apt is only called when a package is missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf 'setup: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

packages=(
  build-essential cmake ninja-build git pkg-config
  qt6-base-dev qt6-base-dev-tools qt6-httpserver-dev qt6-websockets-dev qt6-networkauth-dev
  # lrelease for the English plural forms (resources/translations), lupdate for tst_translations.
  qt6-tools-dev qt6-l10n-tools
  libqt6sql6-sqlite qtkeychain-qt6-dev libgl-dev qt6-qpa-plugins
  xvfb xauth ccache
  # A private Secret Service for tst_tokenstore_keychain (the app itself needs neither).
  dbus-daemon gnome-keyring
  # What the install tests check with (tests/install/): the man page's groff, the .desktop and AppStream validators,
  # and CPack's .deb with dpkg-shlibdeps (it needs file) and lintian.
  man-db desktop-file-utils appstream file lintian
  # The third-party REST servers tst_servers starts (tests/servers/): Django REST framework and FastAPI.
  python3-djangorestframework python3-django-filters python3-fastapi python3-uvicorn
)
# What a caller needs besides (scripts/test.sh: clang and libFuzzer for the sanitizer build).
read -r -a extra <<<"${REFETCH_EXTRA_PACKAGES:-}"
packages+=("${extra[@]}")
# A newer node from elsewhere (nodesource, nvm) stays: Debian's is only the fallback.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

command -v dpkg-query >/dev/null 2>&1 || die "dpkg-query not found: this script expects Debian 12"

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]})); then
  log "installing ${#missing[@]} missing package(s): ${missing[*]}"
  if ((EUID == 0)); then
    as_root=()
  elif command -v sudo >/dev/null 2>&1; then
    # Under CI a password prompt would hang: let sudo fail instead.
    if [[ ${CI:-} == true ]]; then as_root=(sudo -n); else as_root=(sudo); fi
  else
    die "apt needs root: run as root or install sudo (missing: ${missing[*]})"
  fi
  # env, because sudo resets the environment; the lock timeout waits out unattended-upgrades.
  apt=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300)
  log "apt-get update"
  "${apt[@]}" update -q
  "${apt[@]}" install -y -q --no-install-recommends "${missing[@]}"
else
  log "all Debian packages present"
fi

# A build/ made by another generator cannot be reconfigured with Ninja; say so instead of a cmake error.
if [[ -f build/CMakeCache.txt ]] && ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' build/CMakeCache.txt; then
  die "build/ was configured with another generator; remove build/ and run again"
fi

# Release, without debug info: a quarter less compile time for the test command; configure a build of your
# own with -DCMAKE_BUILD_TYPE=RelWithDebInfo to debug.
log "configuring build/"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
# Relative paths for ccache: a fresh clone elsewhere (as CI makes) hits the same cache entries.
# The sloppiness lets ccache cache what uses the tests' precompiled header.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1 CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
log "building with $(nproc) jobs"
cmake --build build -j "$(nproc)"
log "build done"
