#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# How fast diff_fuzzer finds planted bugs (docs/fuzzing.md, "Planted bugs"). Copies the tracked
# tree to a scratch directory, and for each fuzz/mutants/*.patch: applies it there, rebuilds
# diff_fuzzer (clang-14, no sanitizers), fuzzes from an empty corpus with a fixed seed until the
# first divergence or LIMIT seconds, then replays the committed corpus fuzz/corpus/diff_fuzzer
# through the same build, and reverts the patch. The repository's own files are never touched.
#
#   fuzz/mutants.sh [LIMIT] [PATCH...]      # LIMIT default 300 seconds per bug
#   HMMSPEC_KERNEL_HMM_C=../shared/seeds/hmm.c fuzz/mutants.sh
#   HMMSPEC_FUZZ_SEED=N   libFuzzer's -seed (default 1)
# Exit status: 0 when every bug was found, 1 when one was not (or did not build), 2 on bad
# arguments.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

limit=${1:-300}
case "$limit" in '' | *[!0-9]*) echo "fuzz/mutants.sh: LIMIT must be a positive integer, not '$limit'" >&2; exit 2 ;; esac
[ "$limit" -gt 0 ] || { echo "fuzz/mutants.sh: LIMIT must be positive" >&2; exit 2; }
shift || true
patches=("$@")
[ ${#patches[@]} -gt 0 ] || patches=(fuzz/mutants/*.patch)
for p in "${patches[@]}"; do
  [ -f "$p" ] || { echo "fuzz/mutants.sh: $p: no such patch" >&2; exit 2; }
done
seed=${HMMSPEC_FUZZ_SEED:-1}

scratch=${HMMSPEC_FUZZ_MUTANTS:-$repo/build-fuzz-mutants}
src="$scratch/src"
build="$scratch/build"
rm -rf "$src"
mkdir -p "$src" "$build"
# -m: fresh mtimes, so that no object built from an earlier mutant survives
git ls-files -z | tar --null -T - -cf - | tar -C "$src" -xmf -

kernel=()
if [ -n "${HMMSPEC_KERNEL_HMM_C:-}" ]; then
  kernel=(-DHMMSPEC_KERNEL_HMM_C="$(realpath "$HMMSPEC_KERNEL_HMM_C")")
fi
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 -DHMMSPEC_FUZZ=ON \
  -DHMMSPEC_SANITIZE=OFF -DHMMSPEC_TESTS=OFF -DHMMSPEC_BENCH=OFF -DHMMSPEC_PROOFS=OFF \
  "${kernel[@]}" >/dev/null
echo "== building the unmutated diff_fuzzer"
cmake --build "$build" --target diff_fuzzer >/dev/null

missed=0
results=()
for p in "${patches[@]}"; do
  name=$(basename "$p" .patch)
  out="$scratch/$name"
  rm -rf "$out"
  mkdir -p "$out/corpus"
  patch -s -d "$src" -p1 <"$p"
  echo "== $name: $(sed -n '3s/^# //p' "$p")"
  if ! cmake --build "$build" --target diff_fuzzer >"$out/build.log" 2>&1; then
    echo "   does not build; see $out/build.log" >&2
    grep -E 'error' "$out/build.log" | head -n 5 >&2 || true
    results+=("$name: DOES NOT BUILD")
    missed=1
    patch -s -R -d "$src" -p1 <"$p"
    continue
  fi
  t0=$(date +%s.%N)
  set +e
  "$build/fuzz/diff_fuzzer" -seed="$seed" -max_total_time="$limit" -dict=fuzz/diff_fuzzer.dict \
    -max_len=1024 -timeout=20 -artifact_prefix="$out/" "$out/corpus" >"$out/fuzz.log" 2>&1
  rc=$?
  set -e
  t1=$(date +%s.%N)
  crash=$(find "$out" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' \) | head -n 1)
  if [ "$rc" -ne 0 ] && [ -n "$crash" ]; then
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
    execs=$(grep -oE '^#[0-9]+' "$out/fuzz.log" | tail -n 1 | tr -d '#')
    sig=$(sed -n 's/^signature: //p' "$out/fuzz.log" | head -n 1)
    found="found in ${secs}s (after about ${execs:-?} executions)"
  else
    found="NOT found in ${limit}s"
    sig="-"
    missed=1
  fi
  if "$build/fuzz/diff_fuzzer" -runs=0 fuzz/corpus/diff_fuzzer >"$out/replay.log" 2>&1; then
    replay="the committed corpus misses it"
  else
    replay="the committed corpus catches it"
  fi
  echo "   $found; $replay"
  echo "   signature: $sig"
  [ -n "$crash" ] && echo "   input: $crash"
  results+=("$name: $found; $replay")
  patch -s -R -d "$src" -p1 <"$p"
done

echo "== summary (seed $seed, limit ${limit}s, from an empty corpus)"
printf '%s\n' "${results[@]}"
exit "$missed"
