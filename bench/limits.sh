#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Time and peak memory of hmmspec on the largest inputs the scenario format allows
# (docs/scenario-format.md, "Limits"; the numbers are in docs/performance.md):
#   bench/limits.sh [HMMSPEC]        (default build/tools/hmmspec)
# Each line: the input, the command, wall seconds, peak RSS (GNU time's %M) and output bytes.
# Needs GNU time (/usr/bin/time, Debian package `time`).
set -euo pipefail
hmmspec=$(realpath "${1:-build/tools/hmmspec}")
[ -x /usr/bin/time ] || { echo "bench/limits.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

# the range limit: 2^24 pages (pfns[] of 128 MiB)
printf 'range 0+64G\n' >range.hmm
# every page of it faulted (a write fault per page, then every page read back)
printf 'vma 0+64G read write anon\nrange 0+64G\ndefault_flags VW\n' >faulted.hmm
# the budget limit: a fault that never makes progress, retried 10^6 times
printf 'vma 0x200000-0x400000 read write anon\ninject 0x200000 noprogress=forever\nrange 0x200000+4K\ndefault_flags V\nbudget 1000000\n' >livelock.hmm
# 200 expectations, each over the whole range
{ printf 'range 0+64G\nexpect ret 0\n'; for _ in $(seq 200); do echo 'expect pfn [0-16777216] none'; done; } >expect.hmm
sed -i 's/^range 0+64G$/vma 0+64G read anon\nrange 0+64G/' expect.hmm
# 200,000 rule lines, and a 2^20-line file of requests
{ for i in $(seq 200000); do echo "rule R-X$i"; done; echo 'range 0+4K'; } >rules.hmm
{ echo 'range 0+64G'; for i in $(seq 0 16 16777215); do echo "request [$i] V"; done; } >requests.hmm

printf '%-14s %-24s %9s %10s %12s\n' input command seconds "peak MiB" "output B"
measure() { # INPUT COMMAND...
  local input=$1
  shift
  /usr/bin/time -f '%e %M' -o time.txt "$hmmspec" "$@" "$input.hmm" >out.txt 2>/dev/null || true
  read -r secs kib <time.txt
  printf '%-14s %-24s %9s %10d %12d\n' "$input" "$*" "$secs" $((kib / 1024)) "$(stat -c %s out.txt)"
}
measure range show
measure range show --json
measure range run
measure range run --json
measure range explain
measure range explain --json
measure faulted run
measure faulted run --json
measure faulted explain
measure faulted explain --json
measure livelock run
measure livelock explain
measure expect run
measure rules show
measure requests show
