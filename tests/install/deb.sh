#!/usr/bin/env bash
# tst_deb: the .deb CPack makes of the build (refetch_VERSION_ARCH.deb) passes lintian with no error and no warning.
# Its Depends names the Qt libraries it links (dpkg-shlibdeps) and what it loads at run time (the SQLite driver, the
# platform plugins), its Recommends Wayland's plugin and the libsecret QtKeychain opens; it holds exactly the files
# `cmake --install` installs, under /usr, with the executable stripped. Lintian's infos are printed, not failed on.
# Usage: deb.sh BUILD_DIR VERSION
set -euo pipefail
build=$1 version=$2

status=0
fail() {
  printf 'FAIL: %s\n' "$*" >&2
  status=1
}
for tool in cpack dpkg-deb dpkg-shlibdeps lintian file; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing (scripts/setup.sh installs it)" >&2; exit 1; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Its own output folder, so that a run beside tst_install or another build shares nothing.
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp" >"$tmp/cpack.log" 2>&1 || { cat "$tmp/cpack.log" >&2; exit 1; }
deb="$tmp/refetch_${version}_$(dpkg --print-architecture).deb"
[[ -f $deb ]] || { fail "no $deb; cpack made: $(ls "$tmp")"; exit 1; }

depends=$(dpkg-deb -f "$deb" Depends)
# The package names alone, one a line ("libc6 (>= 2.34)" -> libc6).
names=$(tr ',' '\n' <<<"$depends" | sed -e 's/^ *//' -e 's/ .*//')
for package in qt6-qpa-plugins libqt6sql6-sqlite libqt6core6 libqt6gui6 libqt6widgets6 libqt6network6 libqt6sql6 \
               libqt6httpserver6 libqt6keychain1 libc6 libstdc++6; do
  grep -qxF -- "$package" <<<"$names" || fail "Depends lacks $package: $depends"
done

recommends=$(dpkg-deb -f "$deb" Recommends)
for package in qt6-wayland libsecret-1-0; do
  grep -qxF -- "$package" <<<"$(tr ',' '\n' <<<"$recommends" | sed -e 's/^ *//' -e 's/ .*//')" ||
    fail "Recommends lacks $package: $recommends"
done

# The files: exactly those `cmake --install` installs (tst_install checks which), under /usr.
cmake --install "$build" --prefix "$tmp/installed/usr" >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log" >&2; exit 1; }
packed=$(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $6 }' | sed 's|^\./||' | LC_ALL=C sort)
installed=$(cd "$tmp/installed" && find . ! -type d | sed 's|^\./||' | LC_ALL=C sort)
difference=$(diff <(echo "$installed") <(echo "$packed")) ||
  fail "the package's files differ from cmake --install's (< installed only, > packed only):"$'\n'"$difference"
dpkg-deb -x "$deb" "$tmp/root"
file "$tmp/root/usr/bin/refetch" | grep -q ', stripped' || fail "usr/bin/refetch is not stripped: $(file "$tmp/root/usr/bin/refetch")"

# An error or a warning fails; infos are shown: today the .comment section a plain strip leaves (dh_strip removes it),
# no bindnow and no fortified calls (the build's flags are the project's, not dpkg-buildflags'). Its line about
# running as root is no finding.
lintian_status=0
lintian --fail-on error,warning --display-info "$deb" >"$tmp/lintian.log" 2>&1 || lintian_status=$?
grep -v '^running with root privileges is not recommended!$' "$tmp/lintian.log" || true
((lintian_status == 0)) || fail "lintian exited with $lintian_status (its findings above)"

((status == 0)) && echo "$(basename "$deb"): lintian has no error or warning; Depends: $depends"
exit "$status"
