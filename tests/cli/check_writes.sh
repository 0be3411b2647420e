#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A write that fails is an error: exit 2 and a message naming what could not be written,
# never "written" and exit 0. Standard output is checked when the command ends.
set -u
hmmspec=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # MESSAGE command... (standard output goes to /dev/full when the command says so)
  local want=$1
  shift
  local err rc
  err=$("$@" 2>&1 >/dev/null)
  rc=$?
  if [ "$rc" -ne 2 ] || [[ $err != *"$want"* ]]; then
    echo "FAIL $*: exit $rc, expected 2 and '$want'; stderr: $err"
    fail=1
  else
    echo "ok   $* -> $want"
  fi
}
full() { "$@" >/dev/full; }
input=$src/fuzz/corpus/diff_fuzzer/0092a2ab76325b2ffb104e0c9c3f4f7e96fb4111
check "standard output: No space left on device" full "$hmmspec" show "$src/docs/examples/mixed-world.hmm"
check "standard output: No space left on device" full "$hmmspec" run --builtin --quiet
check "standard output: No space left on device" full "$hmmspec" run --json "$src/docs/examples/mixed-world.hmm"
check "/dev/null/x: Not a directory" "$hmmspec" fuzz --encode-to /dev/null/x --builtin
check "/dev/full: No space left on device" "$hmmspec" reproduce "$input" -o /dev/full
check "$tmp/none/x.hmm: No such file or directory" "$hmmspec" reproduce "$input" -o "$tmp/none/x.hmm"
check "$tmp/none: No such file or directory" "$hmmspec" fuzz --artifacts "$tmp/none" --runs 1
check "/dev/null: Not a directory" "$hmmspec" fuzz --artifacts /dev/null --runs 1
exit $fail
