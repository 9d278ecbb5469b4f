#!/usr/bin/env bash
# Renders resources/icons/src/*.svg to NAME-SIZE.png next to this script. Run it after editing an SVG.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
g++ -std=c++20 -fPIC render.cpp -o "$tmp/render" $(pkg-config --cflags --libs Qt6Gui)
QT_QPA_PLATFORM=offscreen "$tmp/render"
