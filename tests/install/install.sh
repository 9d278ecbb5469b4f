#!/usr/bin/env bash
# tst_install: `cmake --install` of the build puts exactly these files under a prefix, and nothing else (no
# refetch-bench, no test or helper): the executable, its man page, the .desktop file, the AppStream metainfo and the
# icon in each size with its SVG, all named by the application's id, and the copyright and changelog. The .desktop
# file passes desktop-file-validate and the metainfo appstreamcli (no error, warning or info), each icon is the size
# its folder says, and the installed refetch runs.
# Usage: install.sh BUILD_DIR APP_ID VERSION
set -euo pipefail
build=$1 id=$2 version=$3

status=0
fail() {
  printf 'FAIL: %s\n' "$*" >&2
  status=1
}
for tool in desktop-file-validate appstreamcli; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing (scripts/setup.sh installs it)" >&2; exit 1; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/usr
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log" >&2; exit 1; }

sizes=(16 24 32 48 64 128 256 512)
expected=(
  bin/refetch
  share/man/man1/refetch.1.gz
  "share/applications/$id.desktop"
  "share/metainfo/$id.metainfo.xml"
  "share/icons/hicolor/scalable/apps/$id.svg"
  share/doc/refetch/copyright
  share/doc/refetch/changelog.gz
)
for size in "${sizes[@]}"; do
  expected+=("share/icons/hicolor/${size}x$size/apps/$id.png")
done
if ! difference=$(diff <(printf '%s\n' "${expected[@]}" | LC_ALL=C sort) \
                       <(cd "$prefix" && find . ! -type d | sed 's|^\./||' | LC_ALL=C sort)); then
  fail "the installed files differ from the expected ones (< missing, > not expected):"$'\n'"$difference"
fi

# Each PNG is as large as its folder says (width and height are bytes 16-23 of the file, big-endian).
for size in "${sizes[@]}"; do
  png="$prefix/share/icons/hicolor/${size}x$size/apps/$id.png"
  [[ -f $png ]] || continue
  read -r w1 w2 w3 w4 h1 h2 h3 h4 < <(od -An -tu1 -j16 -N8 "$png")
  width=$(((w1 << 24) | (w2 << 16) | (w3 << 8) | w4)) height=$(((h1 << 24) | (h2 << 16) | (h3 << 8) | h4))
  ((width == size && height == size)) || fail "$png is ${width}x$height"
done

desktop="$prefix/share/applications/$id.desktop"
if [[ -f $desktop ]]; then
  out=$(desktop-file-validate "$desktop" 2>&1) || fail "desktop-file-validate failed: $out"
  [[ -z $out ]] || fail "desktop-file-validate: $out"
  grep -qx "Icon=$id" "$desktop" || fail "$desktop: Icon is not $id"
  grep -qx "Exec=refetch" "$desktop" || fail "$desktop: Exec is not refetch"
fi
metainfo="$prefix/share/metainfo/$id.metainfo.xml"
if [[ -f $metainfo ]]; then
  # Its infos fail too. Only --pedantic has a remark: the id's capital R, as reverse-DNS ids are written
  # (org.kde.Dolphin).
  out=$(appstreamcli validate --no-net --no-color "$metainfo" 2>&1) || fail "appstreamcli validate failed: $out"
  grep -qE '^[EWI]: ' <<<"$out" && fail "appstreamcli validate: $out"
  out=$(appstreamcli validate-tree --no-net --no-color "$tmp" 2>&1) || fail "appstreamcli validate-tree failed: $out"
  grep -q "<id>$id</id>" "$metainfo" || fail "$metainfo: id is not $id"
  grep -q "<launchable type=\"desktop-id\">$id.desktop</launchable>" "$metainfo" || fail "$metainfo: launchable is not $id.desktop"
  grep -q "<release version=\"$version\"" "$metainfo" || fail "$metainfo: no release $version"
fi

out=$(env -u DISPLAY -u WAYLAND_DISPLAY "$prefix/bin/refetch" --version 2>&1) || fail "the installed refetch --version: $out"
[[ $(sed -n 1p <<<"$out") == "Refetch $version" ]] || fail "the installed refetch --version says: $out"

((status == 0)) && echo "cmake --install put the ${#expected[@]} files in place; desktop-file-validate and appstreamcli pass"
exit "$status"
