#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Executions per second of the libFuzzer targets, with and without ASan+UBSan, on one core
# (docs/fuzzing.md, "Measurements"). Builds two clang-14 trees (with the kernel party when
# HMMSPEC_KERNEL_HMM_C names the seed), then fuzzes each target in each tree for SECONDS from a
# scratch copy of its corpus, one run at a time, and prints a table.
#
#   fuzz/speed.sh [SECONDS]            # default 60
#   HMMSPEC_KERNEL_HMM_C=../shared/seeds/hmm.c fuzz/speed.sh 60
#   HMMSPEC_FUZZ_SPEED_PREFIX=dir      build directories dir-nosan and dir-san (default build-fuzz-speed)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
case "$seconds" in '' | *[!0-9]*) echo "fuzz/speed.sh: SECONDS must be a positive integer, not '$seconds'" >&2; exit 2 ;; esac
[ "$seconds" -gt 0 ] || { echo "fuzz/speed.sh: SECONDS must be positive" >&2; exit 2; }
prefix=${HMMSPEC_FUZZ_SPEED_PREFIX:-build-fuzz-speed}

kernel=()
parties="reference walker"
if [ -n "${HMMSPEC_KERNEL_HMM_C:-}" ]; then
  kernel=(-DHMMSPEC_KERNEL_HMM_C="$(realpath "$HMMSPEC_KERNEL_HMM_C")")
  parties="kernel reference walker"
fi
for san in nosan san; do
  sanitize=OFF
  [ "$san" = san ] && sanitize=ON
  cmake -S . -B "$prefix-$san" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
    -DHMMSPEC_FUZZ=ON -DHMMSPEC_SANITIZE=$sanitize \
    -DHMMSPEC_TESTS=OFF -DHMMSPEC_BENCH=OFF -DHMMSPEC_PROOFS=OFF "${kernel[@]}" >/dev/null
  cmake --build "$prefix-$san" --target diff_fuzzer scenario_fuzzer >/dev/null
done

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# one run: TREE TARGET GEOMETRY(or "mixed") -> "execs exec/s"
run() {
  local tree=$1 target=$2 geometry=$3 dir="$work/$1-$2-$3"
  cp -r "fuzz/corpus/$target" "$dir"
  local env=()
  [ "$geometry" != mixed ] && env=(HMMSPEC_FUZZ_GEOMETRY="$geometry")
  env "${env[@]}" "$prefix-$tree/fuzz/$target" -max_total_time="$seconds" -print_final_stats=1 \
    -dict="fuzz/$target.dict" -max_len=1024 -timeout=20 "$dir" >"$dir.log" 2>&1 ||
    { echo "fuzz/speed.sh: $target ($tree, $geometry) stopped with a finding; log: $dir.log" >&2; tail -n 40 "$dir.log" >&2; exit 1; }
  local execs rate
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir.log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir.log")
  echo "$execs $rate"
}

echo "parties: $parties; ${seconds}s per run, one run at a time, corpus fuzz/corpus/<target>"
printf '%-16s %-10s %-22s %14s %10s\n' target geometry sanitizers executions exec/s
for target in diff_fuzzer scenario_fuzzer; do
  geometries=(mixed)
  [ "$target" = diff_fuzzer ] && geometries=(tiny tiny-la57 mixed)
  for geometry in "${geometries[@]}"; do
    [ "$target" = scenario_fuzzer ] && geometry=mixed
    for tree in nosan san; do
      label="none"
      [ "$tree" = san ] && label="ASan+UBSan"
      out=$(run "$tree" "$target" "$geometry")
      read -r execs rate <<<"$out"
      [ "$target" = scenario_fuzzer ] && shown=- || shown=$geometry
      printf '%-16s %-10s %-22s %14s %10s\n' "$target" "$shown" "$label" "$execs" "$rate"
    done
  done
done
