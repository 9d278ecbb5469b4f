#!/usr/bin/env bash
# Installs what is missing, builds, and starts Refetch on its built-in sample API. Extra arguments go to refetch.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup.sh
app=(build/app/refetch --demo "$@")
if [[ -z ${DISPLAY:-} && -z ${WAYLAND_DISPLAY:-} ]]; then
  printf 'run: no display found (DISPLAY and WAYLAND_DISPLAY are empty): the window runs unseen under xvfb-run\n' >&2
  exec xvfb-run -a "${app[@]}"
fi
exec "${app[@]}"
