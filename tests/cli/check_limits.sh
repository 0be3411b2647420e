#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Output follows the runs of a call, not its pages (docs/scenario-format.md, "Limits"): the
# JSON and explain outputs of large ranges, of a range whose every page faults and of a
# million-walk livelock stay small. (bench/limits.sh measures time and memory at the limits.)
set -u
hmmspec=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # MAX-BYTES MUST-CONTAIN EXIT command...
  local max=$1 want=$2 code=$3
  shift 3
  timeout 300 "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$? size
  size=$(stat -c %s "$tmp/out")
  if [ "$rc" -ne "$code" ] || [ "$size" -gt "$max" ] || ! grep -qF -- "$want" "$tmp/out"; then
    echo "FAIL $*: exit $rc (expected $code), $size bytes (at most $max), '$want' expected"
    head -c 2000 "$tmp/out" "$tmp/err"
    fail=1
  else
    echo "ok   $*: $size bytes"
  fi
}
printf 'range 0+8G\n' >"$tmp/range.hmm"
printf 'vma 0+64M read write anon\nrange 0+64M\ndefault_flags VW\n' >"$tmp/faulted.hmm"
printf 'vma 0x200000-0x400000 read write anon\ninject 0x200000 noprogress=forever\nrange 0x200000+4K\ndefault_flags V\nbudget 1000000\n' >"$tmp/livelock.hmm"
# 2^21 pages: one run each of requests, outputs, trace pages
check 4000 '"count": 2097152' 0 "$hmmspec" show --json "$tmp/range.hmm"
check 8000 '"count": 2097152' 0 "$hmmspec" run --json "$tmp/range.hmm"
check 12000 '"count": 2097152' 0 "$hmmspec" explain --json "$tmp/range.hmm"
check 2000 'pages 1-2097151' 0 "$hmmspec" explain "$tmp/range.hmm"
# 16384 faults: one log run per party; explain folds each PMD chunk
check 20000 '"count": 16384' 0 "$hmmspec" run --json "$tmp/faulted.hmm"
check 120000 'pages 1-511' 0 "$hmmspec" explain "$tmp/faulted.hmm"
# the picture (explain --html): a cell per run of pages, at most 1000 cells
check 12000 'data-count="2097151"' 0 "$hmmspec" explain --html "$tmp/range.hmm"
check 120000 'data-count="511"' 0 "$hmmspec" explain --html "$tmp/faulted.hmm"
printf 'vma 0+4G read write anon\nrange 0+4G\ndefault_flags VW\n' >"$tmp/faulted-4g.hmm"
check 1000000 '3096 more runs of pages (at most 1000 are drawn)' 0 "$hmmspec" explain --html "$tmp/faulted-4g.hmm"
# a million walks: one walk, repeated; one log run
check 4000 'the same walk again: 1000000 in all' 0 "$hmmspec" explain "$tmp/livelock.hmm"
check 20000 '"count": 1000000' 0 "$hmmspec" run --json "$tmp/livelock.hmm"
exit $fail
