#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `hmmspec interleave` (docs/checking.md, "Interleavings"): no finding on a world whose THP
# spans two driver chunks; with --plant the silent zap is found, printed as a runnable
# scenario whose `hmmspec run` reproduces the violation; bad input is exit 2 naming the line.
# With --builtin, the built-in suite's findings instead (ctest cli.interleave_builtin, label
# slow: a minute under ASan, so the sanitizer run leaves it to step 1).
#   check_interleave.sh HMMSPEC SOURCE_DIR [--builtin]
set -u
hmmspec=$(realpath "$1")
src=$(realpath "$2")
mode=${3:-}
plant=$src/tests/cli/interleave_plant.hmm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fail=0
builtin_checks() {
  # the built-in suite: exactly the four v5.7 hugetlb scenarios where the seed itself breaks the
  # contract, and 6.1's and 6.12's hugetlb-fault, where those kernels do (docs/checking.md,
  # "Interleavings"), no divergence, no other finding
  "$hmmspec" interleave --builtin >builtin.out 2>/dev/null
  printf '%s\n' hugetlb-fill hugetlb-first-request-2m hugetlb-later-request-ignored \
    hugetlb-pud-none-slot 6.1/hugetlb-fault 6.12/hugetlb-fault | sort >want
  sed -n 's/^FINDING in \([^ ]*\) .*/\1/p' builtin.out | sort >got
  if ! cmp -s want got || grep -q DIVERGENCE builtin.out; then
    echo "FAIL interleave --builtin: findings $(paste -sd ' ' got), expected $(paste -sd ' ' want)"
    fail=1
  else
    echo "ok   interleave --builtin -> the six known hugetlb findings (v5.7, 6.1, 6.12)"
  fi
  expect 0 "VIOLATION (kernel-5.7): call 1: driver contract C-NOPAGE at 0x12000" cat builtin.out
  # each finding is shrunk (hugetlb-fill's to one page of its hugetlb VMA, whose none slot v5.7
  # reports as a page), and the shrunk scenario, as printed, reproduces it under `hmmspec run`
  expect 0 "FINDING in hugetlb-fill (builtin:spec/hugetlb-fill.hmm), shrunk in" cat builtin.out
  awk '/^FINDING in hugetlb-fill / {f=1} f && /^--- scenario ---$/ {on=1; next}
       on && /^--- end of scenario ---$/ {exit} on' builtin.out >shrunk.hmm
  expect 0 "range 0x12000-0x13000" cat shrunk.hmm
  expect 1 "driver contract C-NOPAGE at 0x12000" "$hmmspec" run shrunk.hmm
}
expect() { # EXIT MESSAGE-SUBSTRING command...
  local want=$1 msg=$2
  shift 2
  timeout 120 "$@" >out 2>err
  local rc=$?
  if [ "$rc" -ne "$want" ] || ! grep -qF -- "$msg" out err; then
    echo "FAIL $*: exit $rc (expected $want), '$msg' expected in: $(cat out err | head -c 1500)"
    fail=1
  else
    echo "ok   $* -> $rc"
  fi
}
if [ "$mode" = --builtin ]; then
  builtin_checks
  exit $fail
fi
expect 0 ", 0 findings" "$hmmspec" interleave "$plant"
expect 1 "C-STILL at 0x14000" "$hmmspec" interleave --plant "$plant"
expect 1 "race 0x14000 pmd-seen zap-silent at=2 planted" "$hmmspec" interleave --plant "$plant"
# the first finding's scenario, as printed, reproduces it under `hmmspec run`
"$hmmspec" interleave --plant "$plant" 2>/dev/null |
  awk '/^--- scenario ---$/ {on=1; next} /^--- end of scenario ---$/ {exit} on' >found.hmm
expect 1 "C-STILL at 0x14000" "$hmmspec" run found.hmm
expect 1 '"findings": 2' "$hmmspec" interleave --plant --json "$plant"
printf 'geometry tiny\nrange 0x0-0x1000\nbogus 1\n' >bad.hmm
expect 2 "bad.hmm:3:1: unknown directive" "$hmmspec" interleave bad.hmm
expect 2 "give scenario files or --builtin" "$hmmspec" interleave
# the planted findings are shrunk too (the range keeps the page the race is about)
expect 1 "shrunk in" "$hmmspec" interleave --plant "$plant"
# explain traces every hmm_range_fault the driver loop makes: each chunk's tries, then the loop
expect 0 "-- chunk 1 [0x16000, 0x18000), try 1: 2 (seq 0), check passed" "$hmmspec" explain "$plant"
expect 0 "the loop on the reference: ret 0" "$hmmspec" explain "$plant"
expect 0 '"tries"' "$hmmspec" explain --json "$plant"
# a picture is of one hmm_range_fault: --html of a driver loop is refused
expect 2 "a picture is of one" "$hmmspec" explain --html "$plant"
exit $fail
