#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# --json output is valid JSON, in valid UTF-8, for every input: a scenario name, a file name
# and a geometry name that are not UTF-8 come out with U+FFFD in place of the bad bytes.
#   check_json.sh HMMSPEC CMAKE JSON_VALID_CMAKE
set -u
hmmspec=$1
cmake=$2
json_valid=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # expected-exit command... (the output names the bad bytes unless fffd=no)
  local want=$1
  shift
  "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [ "$rc" -ne "$want" ]; then
    echo "FAIL $*: exit $rc, expected $want: $(cat "$tmp/err")"
    fail=1
  elif ! iconv -f UTF-8 -t UTF-8 "$tmp/out" >/dev/null 2>&1; then
    echo "FAIL $*: the output is not UTF-8"
    fail=1
  elif ! "$cmake" -DFILE="$tmp/out" -P "$json_valid"; then
    echo "FAIL $*: the output is not JSON"
    fail=1
  elif [ "${fffd:-yes}" = yes ] && ! grep -q $'\xef\xbf\xbd' "$tmp/out"; then
    echo "FAIL $*: no U+FFFD where the bad bytes were"
    fail=1
  else
    echo "ok   $*"
  fi
}
bad=$'\xff\xfe'
printf 'scenario name-%s\nrange 0+4K\n' "$bad" >"$tmp/name.hmm"
printf 'range 0+4K\nexpect ret 1\n' >"$tmp/file-$bad.hmm"
printf 'geometry custom bits=9,9,9,9 name=g%s\nrange 0+4K\n' "$bad" >"$tmp/geometry.hmm"
for f in "$tmp/name.hmm" "$tmp/geometry.hmm"; do
  check 0 "$hmmspec" show --json "$f"
  [ "$f" = "$tmp/geometry.hmm" ] && fffd=no # run and explain do not print the geometry
  check 0 "$hmmspec" run --json "$f"
  check 0 "$hmmspec" explain --json "$f"
  fffd=yes
done
check 0 "$hmmspec" show --json "$tmp/file-$bad.hmm"
check 1 "$hmmspec" run --json "$tmp/file-$bad.hmm"
check 1 "$hmmspec" explain --json "$tmp/file-$bad.hmm"
exit $fail
