#!/usr/bin/env bash
# Runs refetch-bench and the anchor benchmarks (TanStack query-core, RTK Query) one after the other on this
# machine, then prints the figures side by side with ratios. Absolute times on a shared machine drift by 20%
# or more; ratios taken in one run hold.
#
#   bench/compare.sh                 build/ must hold a built refetch-bench (scripts/setup.sh makes it)
#   REPS=9 bench/compare.sh          more repetitions for both
#
# The anchors live read-only in ../shared/bench/anchors; they are copied to a scratch folder and installed
# there with npm ci (their lockfile pins the versions).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)
anchors_src=${ANCHORS:-$root/../shared/bench/anchors}
bench=${BENCH:-$root/build/bench/refetch-bench}
out=${OUT:-$root/build/bench-results}

[[ -x $bench ]] || { echo "compare.sh: $bench not built; run scripts/setup.sh first" >&2; exit 1; }
[[ -f $anchors_src/run.sh ]] || { echo "compare.sh: anchors not found at $anchors_src (set ANCHORS=...)" >&2; exit 1; }
mkdir -p "$out"

scratch=$out/anchors
if [[ ! -d $scratch/node_modules ]]; then
  rm -rf "$scratch"
  cp -r "$anchors_src" "$scratch"
  chmod -R u+w "$scratch"
  (cd "$scratch" && npm ci --silent)
fi

echo "compare.sh: refetch-bench..." >&2
"$bench" > "$out/refetch.jsonl"
echo "compare.sh: anchors..." >&2
(cd "$scratch" && ./run.sh) > "$out/anchors.jsonl"
node "$root/bench/compare.mjs" "$out/refetch.jsonl" "$out/anchors.jsonl" | tee "$out/table.md"
