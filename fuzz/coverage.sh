#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Line and branch coverage of model/ and impl/ after a diff_fuzzer campaign (docs/fuzzing.md,
# "Measurements"). Fuzzes for SECONDS (default 600) from a scratch copy of
# fuzz/corpus/diff_fuzzer with a clang-14 build without sanitizers, then replays the campaign's
# corpus, and scenario_fuzzer's committed corpus for the parser, through a build with
# source-based coverage (-fprofile-instr-generate -fcoverage-mapping) and prints llvm-cov's
# totals for the reference, the rest of model/ and impl/. HTML: $COV/coverage/html.
#
#   fuzz/coverage.sh [SECONDS]
#   HMMSPEC_KERNEL_HMM_C=../shared/seeds/hmm.c fuzz/coverage.sh 600
#   HMMSPEC_FUZZ_COV=dir   the coverage build and its outputs (default build-fuzz-cov)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-600}
case "$seconds" in '' | *[!0-9]*) echo "fuzz/coverage.sh: SECONDS must be a non-negative integer, not '$seconds'" >&2; exit 2 ;; esac
cov=${HMMSPEC_FUZZ_COV:-build-fuzz-cov}
campaign_tree=${HMMSPEC_FUZZ_BUILD:-build-fuzz-nosan}

kernel=()
if [ -n "${HMMSPEC_KERNEL_HMM_C:-}" ]; then
  kernel=(-DHMMSPEC_KERNEL_HMM_C="$(realpath "$HMMSPEC_KERNEL_HMM_C")")
fi
common=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang-14
  -DCMAKE_CXX_COMPILER=clang++-14 -DHMMSPEC_FUZZ=ON -DHMMSPEC_SANITIZE=OFF
  -DHMMSPEC_TESTS=OFF -DHMMSPEC_BENCH=OFF -DHMMSPEC_PROOFS=OFF "${kernel[@]}")
cmake -S . -B "$campaign_tree" "${common[@]}" >/dev/null
cmake --build "$campaign_tree" --target diff_fuzzer >/dev/null
cmake -S . -B "$cov" "${common[@]}" -DCMAKE_C_FLAGS="-fprofile-instr-generate -fcoverage-mapping" \
  -DCMAKE_CXX_FLAGS="-fprofile-instr-generate -fcoverage-mapping" >/dev/null
cmake --build "$cov" --target diff_fuzzer scenario_fuzzer >/dev/null

out="$cov/coverage"
rm -rf "$out"
mkdir -p "$out/corpus"
cp fuzz/corpus/diff_fuzzer/* "$out/corpus/"
echo "== diff_fuzzer: ${seconds}s campaign from fuzz/corpus/diff_fuzzer ($(ls "$out/corpus" | wc -l) inputs)"
if [ "$seconds" -gt 0 ]; then
  "$campaign_tree/fuzz/diff_fuzzer" -max_total_time="$seconds" -print_final_stats=1 \
    -dict=fuzz/diff_fuzzer.dict -max_len=1024 -timeout=20 -artifact_prefix="$out/" \
    "$out/corpus" >"$out/campaign.log" 2>&1 ||
    { echo "fuzz/coverage.sh: the campaign stopped with a finding; log: $out/campaign.log" >&2; exit 1; }
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)' "$out/campaign.log"
fi

echo "== replaying $(ls "$out/corpus" | wc -l) inputs through the coverage build"
LLVM_PROFILE_FILE="$out/replay-%p.profraw" "$cov/fuzz/diff_fuzzer" -runs=0 "$out/corpus" >"$out/replay.log" 2>&1
# the parser and printer are scenario_fuzzer's: its committed corpus joins the profile
LLVM_PROFILE_FILE="$out/scenario-%p.profraw" "$cov/fuzz/scenario_fuzzer" -runs=0 \
  fuzz/corpus/scenario_fuzzer >"$out/scenario-replay.log" 2>&1
llvm-profdata-14 merge -sparse "$out"/replay-*.profraw "$out"/scenario-*.profraw -o "$out/fuzz.profdata"

bin=("$cov/fuzz/diff_fuzzer" -object "$cov/fuzz/scenario_fuzzer")
prof="$out/fuzz.profdata"
reference=(model/reference.cpp model/ref_*.cpp model/rules.cpp)
rest=()
for f in model/*.cpp; do
  case " ${reference[*]} " in *" $f "*) ;; *) rest+=("$f") ;; esac
done
walker=(impl/*.cpp impl/*.h)

# llvm-cov's TOTAL row: lines and branches covered of all
totals() {
  llvm-cov-14 report "${bin[@]}" -instr-profile="$prof" "$@" |
    awk '/^TOTAL/ { printf "lines %5.1f%% (%d of %d)   branches %5.1f%% (%d of %d)\n",
                    100*($8-$9)/$8, $8-$9, $8, 100*($11-$12)/$11, $11-$12, $11 }'
}
echo "== coverage (llvm-cov) after the campaign"
printf '%-34s %s\n' "the reference (model/ref*, rules)" "$(totals "${reference[@]}")"
printf '%-34s %s\n' "the rest of model/" "$(totals "${rest[@]}")"
printf '%-34s %s\n' "model/ (all)" "$(totals model/*.cpp model/*.h)"
printf '%-34s %s\n' "the walker (impl/)" "$(totals "${walker[@]}")"
llvm-cov-14 report "${bin[@]}" -instr-profile="$prof" model/*.cpp model/*.h "${walker[@]}" >"$out/per-file.txt"
llvm-cov-14 show "${bin[@]}" -instr-profile="$prof" -format=html -output-dir="$out/html" \
  model/*.cpp model/*.h "${walker[@]}" >/dev/null
echo "per file: $out/per-file.txt   html: $out/html/index.html"
