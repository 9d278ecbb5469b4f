#!/usr/bin/env bash
# tst_manpage: the built refetch(1) names every command, argument and option that the built refetch's --help prints
# (the window's, and each command's under its own heading), and renders without a warning from groff; refetch --help
# and --version answer without a display, --version with the project's version and the Qt it runs on.
# Usage: manpage.sh REFETCH MANPAGE VERSION
set -euo pipefail
refetch=$1 manpage=$2 version=$3

status=0 checked=0
fail() {
  printf 'FAIL: %s\n' "$*" >&2
  status=1
}

# No display of any kind: a QApplication would abort here.
no_display=(env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM)

for flag in --version -v; do
  if ! out=$("${no_display[@]}" "$refetch" "$flag" 2>&1); then
    fail "refetch $flag without a display: $out"
    continue
  fi
  [[ $(sed -n 1p <<<"$out") == "Refetch $version" ]] || fail "refetch $flag, line 1: want 'Refetch $version', got: $out"
  [[ $(sed -n 2p <<<"$out") =~ ^Qt\ [0-9]+\.[0-9]+\.[0-9]+(\ \(built\ with\ Qt\ [0-9.]+\))?$ ]] ||
    fail "refetch $flag, line 2: want 'Qt X.Y.Z', got: $out"
done

# The names in the Options: list of a --help text (-o, --output <file> -> -o and --output).
options_of() {
  awk '/^Options:/ { on = 1; next } /^[A-Z][a-z]*:$/ { on = 0 }
       on && /^  -/ { sub(/^ +/, ""); split($0, columns, /  +/); n = split(columns[1], names, /, /)
                      for (i = 1; i <= n; i++) { sub(/ .*/, "", names[i]); print names[i] } }'
}
# The names in its Arguments: list.
arguments_of() {
  awk '/^Arguments:/ { on = 1; next } /^[A-Z][a-z]*:$/ { on = 0 } on && /^  [^ ]/ { print $1 }'
}
# The page's roff source, and the lines under a heading of it (.SH NAME or .SS NAME) as plain text.
page=$(gzip -dcf "$manpage")
under() {
  awk -v heading="$1" '/^\.S[HS] / { title = $0; sub(/^\.S[HS] /, "", title); on = title == heading; next } on' <<<"$page" |
    sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e 's/\\e/\\/g'
}
# The tag lines of a list under a heading (the line after .TP): "-o, --output file", "resource".
tags_under() {
  under "$1" | awk 'previous == ".TP" { print } { previous = $0 }'
}
# Whether one of the tag lines $2 names the option $1. (Here-strings, not pipes into grep -q: under pipefail, a
# writer cut short by grep's early exit would fail the check.)
names_option() {
  grep -qx -- "$1" <<<"$(tr ', ' '\n\n' <<<"$2")"
}

help=$("${no_display[@]}" "$refetch" --help) || fail "refetch --help without a display exited with $?"
options=$(options_of <<<"$help")
(($(wc -l <<<"$options") >= 5)) || fail "refetch --help: too few options read (a change in its layout?): $options"
tags=$(tags_under OPTIONS)
for option in $options; do
  checked=$((checked + 1))
  names_option "$option" "$tags" || fail "refetch(1) OPTIONS lacks $option (refetch --help has it)"
done

# The commands: the window's --help lists them under "Commands ...:" as "  NAME  summary".
commands=$(awk '/^Commands/ { on = 1; next } on && /^  [a-z]/ { print $1; next } { on = 0 }' <<<"$help")
[[ -n $commands ]] || fail "refetch --help lists no commands"
for command in $commands; do
  grep -q "^refetch $command " <<<"$(under SYNOPSIS)" || fail "refetch(1) SYNOPSIS lacks refetch $command"
  tags=$(tags_under "refetch $command")
  [[ -n $tags ]] || { fail "refetch(1) has no subsection 'refetch $command' with its options"; continue; }
  command_help=$("${no_display[@]}" "$refetch" "$command" --help) || fail "refetch $command --help exited with $?"
  for option in $(options_of <<<"$command_help"); do
    checked=$((checked + 1))
    names_option "$option" "$tags" || fail "refetch(1) 'refetch $command' lacks $option (its --help has it)"
  done
  for argument in $(arguments_of <<<"$command_help"); do
    [[ $argument == "$command" ]] && continue
    checked=$((checked + 1))
    grep -qx -- "$argument" <<<"$tags" || fail "refetch(1) 'refetch $command' lacks its argument $argument"
  done
done
grep -q "^\.TH REFETCH 1 .* \"Refetch $version\"" <<<"$page" || fail "refetch(1) does not name version $version"

# What lintian runs: groff's warnings (bad requests, lines it cannot fill) on standard error.
warnings=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$manpage" 2>&1 >/dev/null)
[[ -z $warnings ]] || fail "groff warns about refetch(1): $warnings"

((status == 0)) && echo "refetch(1) has all $checked options and arguments of refetch and its commands (${commands//$'\n'/, })"
exit "$status"
