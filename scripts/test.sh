#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: first the sanitizer build's suite (AddressSanitizer +
# UndefinedBehaviorSanitizer over everything below the widgets, and a 30 s run of each libFuzzer target), then the
# main build's whole suite, whose CTest summary ends the output. Extra arguments go to both ctest runs
# (e.g. -R tst_json). REFETCH_SANITIZERS=0 skips the sanitizer build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

sanitizers=${REFETCH_SANITIZERS:-1}
extra=()
((sanitizers)) && extra=(clang-14 libclang-rt-14-dev)
REFETCH_EXTRA_PACKAGES="${extra[*]}" scripts/setup.sh

san_status=0
if ((sanitizers)); then
  export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1 CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
  printf 'test: configuring build-san/ (clang, ASan + UBSan, libFuzzer)\n' >&2
  cmake -S . -B build-san -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++-14 \
    -DREFETCH_SANITIZE=ON -DREFETCH_FUZZ=ON -DREFETCH_BUILD_UI=OFF -DREFETCH_BUILD_BENCH=OFF >/dev/null
  printf 'test: building build-san/\n' >&2
  cmake --build build-san -j "$(nproc)"
  printf 'test: running the sanitizer build'"'"'s tests\n' >&2
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-san --output-on-failure -j2 --timeout 300 --no-tests=ignore "$@" || san_status=$?
fi

if ((san_status)); then
  printf 'test: the sanitizer build'"'"'s tests FAILED (summary above); the main suite runs anyway\n' >&2
fi
printf 'test: running ctest\n' >&2
status=0
# --no-tests=error: a run that finds no tests must not pass.
ctest --test-dir build --output-on-failure -j2 --timeout 300 --no-tests=error "$@" || status=$?
((status)) && exit "$status"
exit "$san_status"
