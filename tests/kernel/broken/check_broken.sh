#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A broken kernel never takes the tool down (docs/kernel-party.md, "Isolation"). Each broken
# copy of the v5.7 hmm.c (broken_kernels.cmake), loaded with --kernel, runs the built-in
# scenarios beside the reference: the run must finish, exit 1, run every scenario, and name the
# party, the scenario and what happened. `explain`, `exhaustive` and `fuzz` must finish too.
#   check_broken.sh HMMSPEC KERNEL_DIR CRASHES
# CRASHES is 0 in an AddressSanitizer build, where ASan owns SIGSEGV: the crashing kernels are
# then left out (the no-progress and WARN ones still run).
set -u
hmmspec=$(realpath "$1")
dir=$(realpath "$2")
crashes=$3
scenarios=$(realpath "$(dirname "$0")/../../scenarios")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
total=$("$hmmspec" run --builtin --party reference --quiet | sed -n 's/^summary: \([0-9]*\) scenarios.*/\1/p')

# check TAG PATTERN...: `run --builtin` with kernel-TAG and the reference exits 1 within the
# ctest timeout, runs every scenario, and its output has every PATTERN (grep -E).
check() {
  local tag=$1
  shift
  local so=$dir/libhmmspec_kernel_$tag.so
  "$hmmspec" --kernel "$so" run --builtin --party "kernel-$tag,reference" >"$tmp/$tag.out" 2>&1
  local rc=$?
  local ran
  ran=$(grep -cE '^(PASS|FAIL|SKIP) ' "$tmp/$tag.out")
  local ok=1
  [ "$rc" -eq 1 ] || { echo "FAIL $tag: exit $rc, expected 1"; ok=0; }
  [ "$ran" -eq "$total" ] || { echo "FAIL $tag: $ran of $total scenarios reported"; ok=0; }
  for p in "$@"; do
    grep -qE -- "$p" "$tmp/$tag.out" || { echo "FAIL $tag: no line matches: $p"; ok=0; }
  done
  if [ $ok -eq 1 ]; then
    echo "ok   $tag: $(grep -cE '^FAIL ' "$tmp/$tag.out") of $ran scenarios fail; e.g."
    grep -m1 -E "$1" "$tmp/$tag.out" | sed 's/^/       /'
  else
    fail=1
    head -n 40 "$tmp/$tag.out"
  fi
}

if [ "$crashes" = 1 ]; then
  check broken-null-vma \
    '^  kernel-broken-null-vma: .*the call did not return: crashed: SIGSEGV at NULL\+0x[0-9a-f]+ \(.*mm/hmm\.c:[0-9]+\)' \
    '^FAIL [a-z0-9-]+  \(kernel-broken-null-vma: crashed: SIGSEGV' \
    'reference departs from kernel-broken-null-vma at failure'
  check broken-pfns-index \
    'crashed: SIGSEGV at pfns\[[0-9]+\] \(past the end: pfns\[\] has [0-9]+ entries\) \((hmm_vma_handle_pte|hmm_vma_walk_pmd|hmm_pfns_fill), mm/hmm\.c:[0-9]+' \
    '^PASS '
fi
check broken-endless-again \
  'the call did not return: no progress inside the walk after [0-9]+ page-table reads \(hmm_vma_walk_pmd, mm/hmm\.c:3(3[2-9]|[4-6][0-9])\)' \
  '^PASS '
check broken-warn-inverted \
  'reference departs from kernel-broken-warn-inverted at reports\[0\]:' \
  '^    kernel-broken-warn-inverted: WARN at mm/hmm\.c:83$' \
  '^PASS '

# The other commands that run parties finish on a broken kernel (exit 1: not killed by a
# signal, 128+N, nor stopped by the timeout, 124): explain names the failure of a scenario that
# fails so; exhaustive and fuzz stop at their first divergence, whatever it is.
run_cmd() { # what pattern command...
  local what=$1 pattern=$2
  shift 2
  # in the scratch directory: fuzz writes its divergences to the working directory
  (cd "$tmp" && timeout 120 "$@") >"$tmp/cmd.out" 2>&1
  local rc=$?
  if [ "$rc" -ne 1 ] || ! grep -qE -- "$pattern" "$tmp/cmd.out"; then
    echo "FAIL $what: exit $rc, expected 1 and a line matching $pattern"
    head -n 30 "$tmp/cmd.out"
    fail=1
  else
    echo "ok   $what: $(grep -m1 -oE -- "$pattern.{0,100}" "$tmp/cmd.out")"
  fi
}
tags=(broken-endless-again)
[ "$crashes" = 1 ] && tags=(broken-null-vma broken-pfns-index broken-endless-again)
for tag in "${tags[@]}"; do
  so=$dir/libhmmspec_kernel_$tag.so
  scenario=$(grep -m1 -E '^FAIL .*(crashed|no progress)' "$tmp/$tag.out" | cut -d' ' -f2)
  file=$(ls "$scenarios"/*/"$scenario".hmm 2>/dev/null | head -n 1)
  if [ -n "$file" ]; then
    run_cmd "explain $scenario on kernel-$tag" '(crashed: SIG|no progress inside the walk)' \
      "$hmmspec" --kernel "$so" explain "$file"
  else
    echo "FAIL kernel-$tag: no scenario file for '$scenario'"
    fail=1
  fi
  # (the tiny worlds of 2 pages have no requested hole in a gap: null-vma passes them all)
  [ "$tag" = broken-null-vma ] ||
    run_cmd "exhaustive on kernel-$tag" 'departs from kernel-' \
      "$hmmspec" --kernel "$so" exhaustive --geometry tiny --pages 2
  run_cmd "fuzz on kernel-$tag" 'departs from kernel-' \
    "$hmmspec" --kernel "$so" fuzz --runs 3000 --seed 1 --stop-on-first --quiet --no-minimize
done

# The exhaustive bound over shards on a broken kernel (docs/checking.md, "Shards and merging"):
# each shard stops at its first divergence (exit 1), and their merge exits 1 with the first
# divergence by case number, from the shard that saw it, as a scenario file.
so=$dir/libhmmspec_kernel_broken-warn-inverted.so
for k in 1 2 3; do
  timeout 120 "$hmmspec" --kernel "$so" exhaustive --pages 1 --shard $k/3 --json >"$tmp/shard-$k.json"
  rc=$?
  if [ $rc -ne 1 ] || ! grep -q '"divergences": 1,' "$tmp/shard-$k.json"; then
    echo "FAIL exhaustive --shard $k/3 on kernel-broken-warn-inverted: exit $rc, expected 1 and one divergence"
    fail=1
  fi
done
run_cmd "exhaustive --merge of 3 shards on kernel-broken-warn-inverted" \
  '^first divergence: case 1 \(shard-1\.json\): kernel-broken-warn-inverted departs from kernel-5\.7 at reports\[0\]' \
  "$hmmspec" exhaustive --merge shard-3.json shard-2.json shard-1.json
grep -qE '^gap: cases 2\.\.2945 \(2944 cases\): not run by shard-1\.json' "$tmp/cmd.out" &&
  grep -q '^scenario exhaustive-tiny-1p-case-1$' "$tmp/cmd.out" || {
  echo "FAIL exhaustive --merge: no gap after shard-1's divergence, or no scenario of case 1"
  fail=1
}
exit $fail
