#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# An exhaustive bound spread over shards and merged (docs/checking.md, "Shards and merging"):
# the shards of the 1-page bound are disjoint, their counts sum to the bound's, their merge
# equals the unsharded run; a missing shard is a gap (exit 3), overlapping shards, a malformed
# summary and a summary of another bound are bad input (exit 2) naming the file; bad --shard
# values and combinations are exit 2 naming the flag.
#   check_shards.sh HMMSPEC CMAKE JSON_VALID_CMAKE
set -u
hmmspec=$(realpath "$1")
cmake=$2
json_valid=$(realpath "$3")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fail=0
expect() { # EXIT MESSAGE-SUBSTRING command...
  local want=$1 msg=$2
  shift 2
  timeout 120 "$@" >out 2>err
  local rc=$?
  if [ "$rc" -ne "$want" ] || ! grep -qF -- "$msg" out err; then
    echo "FAIL $*: exit $rc (expected $want), '$msg' expected in: $(cat out err | head -c 800)"
    fail=1
  else
    echo "ok   $* -> $rc"
  fi
}
check() { # DESCRIPTION test...
  local what=$1
  shift
  if "$@"; then
    echo "ok   $what"
  else
    echo "FAIL $what"
    fail=1
  fi
}
field() { # FILE NAME: the first number of "NAME": in a JSON file (a word no other call gives, if none)
  local v
  v=$(sed -n "s/^ *\"$2\": \([0-9][0-9]*\),\{0,1\}$/\1/p" "$1" | head -n 1)
  echo "${v:-no-$2-in-$1}"
}

# --shard: malformed, zero N, K out of range; with --case or --from
expect 2 "--shard 4: expected K/N" "$hmmspec" exhaustive --pages 1 --shard 4
expect 2 "--shard a/4: expected K/N" "$hmmspec" exhaustive --pages 1 --shard a/4
expect 2 "--shard 1/0: N must be at least 1" "$hmmspec" exhaustive --pages 1 --shard 1/0
expect 2 "--shard 0/4: K must be between 1 and 4" "$hmmspec" exhaustive --pages 1 --shard 0/4
expect 2 "--shard 5/4: K must be between 1 and 4" "$hmmspec" exhaustive --pages 1 --shard 5/4
expect 2 "--from excludes --shard" "$hmmspec" exhaustive --pages 1 --shard 1/4 --from 3
expect 2 "--case excludes --shard" "$hmmspec" exhaustive --pages 1 --shard 1/4 --case 3
expect 2 "--pages excludes --merge" "$hmmspec" exhaustive --pages 1 --merge x.json
expect 2 "--pages is required (or --merge FILE...)" "$hmmspec" exhaustive --json
expect 2 "--merge needs the summaries (FILE...)" "$hmmspec" exhaustive --merge --json
expect 2 "FILE requires --merge" "$hmmspec" exhaustive --pages 1 x.json
# more shards than cases: empty shards are fine
expect 0 "0" "$hmmspec" exhaustive --pages 1 --count --shard 1/9000
expect 0 "cases: 0 run of shard 1/9000 (no cases of the 8840)" "$hmmspec" exhaustive --pages 1 --shard 1/9000

# The whole bound, and its three shards: disjoint, summing to the whole, merging to it.
"$hmmspec" exhaustive --pages 1 --json >all.json
total=$(field all.json total_cases)
check "the unsharded run: $total cases" [ "$(field all.json cases)" = "$total" ]
sum=0
for k in 1 2 3; do
  n=$("$hmmspec" exhaustive --pages 1 --count --shard $k/3)
  "$hmmspec" exhaustive --pages 1 --shard $k/3 --json >shard-$k.json
  rc=$?
  check "shard $k/3: exit $rc, $n cases run of its $n" \
    [ "$rc" = 0 -a "$(field shard-$k.json cases)" = "$n" -a "$(field shard-$k.json divergences)" = 0 ]
  sum=$((sum + n))
done
check "the shards' cases sum to the bound's ($sum of $total)" [ "$sum" = "$total" ]
check "shard 2 starts where shard 1 ends" [ "$(field shard-1.json end)" = "$(field shard-2.json first)" ]
check "shard 3 starts where shard 2 ends" [ "$(field shard-2.json end)" = "$(field shard-3.json first)" ]
check "shard 3 ends at the bound's end" [ "$(field shard-3.json end)" = "$total" ]
expect 0 "cases: $total of $total run, complete, divergences: 0" \
  "$hmmspec" exhaustive --merge shard-3.json shard-1.json shard-2.json
"$hmmspec" exhaustive --merge --json shard-1.json shard-2.json shard-3.json >merged.json
rc=$?
check "the merge as JSON: exit $rc, covered equals the unsharded run's cases" \
  [ "$rc" = 0 -a "$(field merged.json covered)" = "$(field all.json cases)" \
  -a "$(field merged.json cases)" = "$total" ]
check "the merge as JSON is JSON" "$cmake" -DFILE=merged.json -P "$json_valid"
check "each shard's summary is JSON" "$cmake" -DFILE=shard-2.json -P "$json_valid"
expect 0 "cases: $total of $total run, complete" "$hmmspec" exhaustive --merge all.json

# A missing shard is a gap; overlapping shards and repeated summaries are reported.
first2=$(field shard-2.json first)
last2=$(($(field shard-2.json end) - 1))
expect 3 "gap: cases $first2..$last2 ($((last2 - first2 + 1)) cases): in no summary" \
  "$hmmspec" exhaustive --merge shard-1.json shard-3.json
expect 3 '"verdict": "incomplete"' "$hmmspec" exhaustive --merge --json shard-1.json shard-3.json
"$hmmspec" exhaustive --pages 1 --shard 1/2 --json >half-1.json
expect 2 "overlap: cases 0..$(($(field shard-1.json end) - 1)) ($(field shard-1.json end) cases): run by shard-1.json, half-1.json" \
  "$hmmspec" exhaustive --merge shard-1.json shard-2.json shard-3.json half-1.json
expect 2 "run by shard-2.json, shard-2.json" \
  "$hmmspec" exhaustive --merge shard-1.json shard-2.json shard-3.json shard-2.json

# Bad input names the file: not JSON, not a summary, unreadable, another bound.
printf '{"format": ' >broken.json
expect 2 "broken.json: not JSON: parse error" "$hmmspec" exhaustive --merge shard-1.json broken.json
"$hmmspec" exhaustive --pages 1 --count --json >count.json
expect 2 "count.json: not a summary of hmmspec exhaustive" "$hmmspec" exhaustive --merge count.json
expect 2 "missing.json: No such file or directory" "$hmmspec" exhaustive --merge shard-1.json missing.json
expect 2 "$tmp: Is a directory" "$hmmspec" exhaustive --merge "$tmp"
"$hmmspec" exhaustive --pages 2 --shard 1/10000 --json >pages-2.json
expect 2 "pages-2.json: pages 2, but shard-1.json has pages 1" \
  "$hmmspec" exhaustive --merge shard-1.json shard-2.json shard-3.json pages-2.json
# the shards of another kernel version's bound (its worlds, its parties) do not merge with these
"$hmmspec" exhaustive --pages 1 --version 6.1 --shard 2/3 --json >shard-2-6.1.json
check "a 6.1 summary names its kernel" grep -q '"kernel": "6.1"' shard-2-6.1.json
check "a 5.7 summary names its kernel" grep -q '"kernel": "5.7"' shard-2.json
expect 2 "shard-2-6.1.json: kernel 6.1, but shard-1.json has kernel 5.7" \
  "$hmmspec" exhaustive --merge shard-1.json shard-2-6.1.json shard-3.json
"$hmmspec" exhaustive --pages 1 --version 6.1 --shard 1/3 --json >shard-1-6.1.json
"$hmmspec" exhaustive --pages 1 --version 6.1 --shard 3/3 --json >shard-3-6.1.json
expect 0 "merged: 3 summaries of kernel 6.1, geometry tiny" \
  "$hmmspec" exhaustive --merge shard-1-6.1.json shard-2-6.1.json shard-3-6.1.json
# a summary without "kernel" (written before 6.x bounds) is of v5.7
grep -v '"kernel"' shard-2.json >no-kernel.json
expect 0 "cases: $total of $total run, complete" \
  "$hmmspec" exhaustive --merge shard-1.json no-kernel.json shard-3.json
expect 2 "--version 6.2 is not 5.7, 6.1, 6.12 or all" "$hmmspec" exhaustive --pages 1 --version 6.2
expect 2 "--json, --shard, --case and --count take one version" \
  "$hmmspec" exhaustive --pages 1 --version all --json
sed 's/"divergences": 0/"divergences": 1/' shard-2.json >tampered.json
expect 2 "tampered.json: divergences 1 but no first_divergence" \
  "$hmmspec" exhaustive --merge shard-1.json tampered.json shard-3.json
exit $fail
