#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Re-checks every SMT-LIB2 query written by `hmmspec prove --smt2 DIR` with two independent
# solvers from the command line, z3 and cvc5: each must answer what the file's
# (set-info :status ...) says. Exits 1 on any mismatch or missing answer, 2 on bad usage.
# Usage: proofs/recheck.sh DIR [TIMEOUT_SECONDS [JOBS]]
set -u
dir=${1:-}
limit=${2:-120}
jobs=${3:-$(nproc 2>/dev/null || echo 1)}
if [[ -z "$dir" || ! -d "$dir" ]]; then
  echo "usage: $0 DIR [TIMEOUT_SECONDS [JOBS]]  (DIR from hmmspec prove --smt2 DIR)" >&2
  exit 2
fi
for tool in z3 cvc5 timeout xargs; do
  if ! command -v "$tool" >/dev/null; then
    echo "$0: $tool not found (apt-get install z3 cvc5 coreutils findutils)" >&2
    exit 2
  fi
done
shopt -s nullglob
files=("$dir"/*.smt2)
if (( ${#files[@]} == 0 )); then
  echo "$0: no .smt2 files in $dir" >&2
  exit 2
fi

# One file: prints "ok|MISMATCH|skip status z3=.. (ms) cvc5=.. (ms) name"; exit 1 on mismatch.
check_one() {
  local f=$1 limit=$2 expected z c start mid end verdict=ok
  expected=$(sed -n 's/^(set-info :status \([a-z]*\))$/\1/p' "$f" | head -n1)
  if [[ "$expected" != sat && "$expected" != unsat ]]; then
    printf '%-8s %s (no decided status in the file)\n' skip "$(basename "$f")"
    return 0
  fi
  start=$(date +%s%N)
  z=$(timeout "$limit" z3 "$f" 2>&1 | head -n1)
  mid=$(date +%s%N)
  c=$(timeout "$limit" cvc5 --lang smt2 "$f" 2>&1 | head -n1)
  end=$(date +%s%N)
  [[ "$z" == "$expected" && "$c" == "$expected" ]] || verdict=MISMATCH
  printf '%-8s %-6s z3=%-7s (%6d ms) cvc5=%-7s (%6d ms) %s\n' "$verdict" "$expected" "$z" \
    $(( (mid - start) / 1000000 )) "$c" $(( (end - mid) / 1000000 )) "$(basename "$f")"
  [[ $verdict == ok ]]
}
export -f check_one

if printf '%s\0' "${files[@]}" | xargs -0 -P "$jobs" -I{} bash -c 'check_one "$1" "$2"' _ {} "$limit"; then
  echo "$0: ${#files[@]} queries re-checked by z3 and cvc5"
  exit 0
fi
echo "$0: at least one query was not re-checked as expected" >&2
exit 1
