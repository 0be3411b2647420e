#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The CI fuzz campaign (docs/fuzzing.md): builds the libFuzzer targets with clang-14 and
# -fsanitize=fuzzer,address,undefined, checks that the byte reader matches FuzzedDataProvider,
# replays the corpus in fuzz/corpus/, then fuzzes each target for SECONDS (default 120) on a
# scratch copy of its corpus; diff_fuzzer then fuzzes SECONDS/3 more with every input pinned to
# 6.1 and SECONDS/3 pinned to 6.12 (HMMSPEC_FUZZ_VERSION), so that each 6.x version gets time of
# its own besides its share of the mixed run (a third, not more: CI's whole run has a budget).
# Any crash, sanitizer report, divergence, timeout or out-of-memory fails the script; the inputs
# are kept in $BUILD/fuzz-artifacts for `hmmspec reproduce`.
#
#   fuzz/ci.sh [SECONDS]
#   HMMSPEC_KERNEL_HMM_C=../shared/seeds/hmm.c fuzz/ci.sh 120   # with the kernel party
#   HMMSPEC_FUZZ_BUILD=dir   the build directory (default build-fuzz-ci)
#   HMMSPEC_FUZZ_DEBIAN_KERNELS=OFF   no Debian 6.1/6.12 kernel parties (6.x inputs then run
#                                     on reference-6.1 and reference-6.12 alone)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-120}
build=${HMMSPEC_FUZZ_BUILD:-build-fuzz-ci}
targets=(diff_fuzzer scenario_fuzzer)

kernel=()
if [ -n "${HMMSPEC_KERNEL_HMM_C:-}" ]; then
  kernel=(-DHMMSPEC_KERNEL_HMM_C="$(realpath "$HMMSPEC_KERNEL_HMM_C")")
fi
# diff_fuzzer runs the inputs of each kernel version (byte 0 names it) on that version's parties:
# the Debian 6.x kernels are built so that 6.x inputs compare kernel-6.x with reference-6.x.
# scenario_fuzzer runs no party.
debian=${HMMSPEC_FUZZ_DEBIAN_KERNELS:-ON}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
  -DHMMSPEC_FUZZ=ON -DHMMSPEC_SANITIZE=ON -DHMMSPEC_WERROR=ON -DHMMSPEC_DEBIAN_KERNELS="$debian" \
  -DHMMSPEC_TESTS=OFF -DHMMSPEC_BENCH=OFF -DHMMSPEC_PROOFS=OFF "${kernel[@]}" >/dev/null
cmake --build "$build" --target "${targets[@]}" provider_equivalence

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
artifacts="$build/fuzz-artifacts"
rm -rf "$artifacts"
mkdir -p "$artifacts"

# libFuzzer flags from a target's .options file ("key = value" under [libfuzzer]).
options() {
  awk -F' *= *' '/^\[/{sec=$0; next} sec=="[libfuzzer]" && NF==2 {printf "-%s=%s\n", $1, $2}' "fuzz/$1.options" |
    sed "s|^-dict=|-dict=fuzz/|"
}

echo "== byte reader versus FuzzedDataProvider"
"$build/fuzz/provider_equivalence" 20000

failed=0
for t in "${targets[@]}"; do
  echo "== $t: replaying fuzz/corpus/$t"
  if ! "$build/fuzz/$t" -runs=0 $(options "$t") "fuzz/corpus/$t" >"$artifacts/$t-replay.log" 2>&1; then
    echo "FAIL: $t fails on its corpus; log: $artifacts/$t-replay.log"
    tail -n 60 "$artifacts/$t-replay.log"
    failed=1
  fi
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# fuzz TARGET SECONDS [VERSION]: one run on the scratch corpus, every input pinned to VERSION if
# given (its crash files are replayed with `hmmspec reproduce --version VERSION`).
fuzz() {
  local t=$1 secs=$2 version=${3:-}
  local run=$t${version:+-$version}
  echo "== $t: fuzzing for ${secs}s${version:+, every input a $version case}"
  [ -d "$work/$t" ] || cp -r "fuzz/corpus/$t" "$work/$t"
  set +e
  HMMSPEC_FUZZ_VERSION=$version "$build/fuzz/$t" -max_total_time="$secs" -print_final_stats=1 \
    $(options "$t") -artifact_prefix="$artifacts/$run-" "$work/$t" >"$artifacts/$run.log" 2>&1
  local rc=$?
  set -e
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' \
    "$artifacts/$run.log" || true
  # the rule coverage the target prints at exit (of the versions it ran)
  sed -n '/^rule coverage over/,$p' "$artifacts/$run.log" | grep -E '^rule coverage|rules never hit|every rule' || true
  local found
  found=$(find "$artifacts" -maxdepth 1 -name "$run-*" ! -name '*.log' | head -n 20)
  if [ "$rc" -ne 0 ] || [ -n "$found" ]; then
    echo "FAIL: $run found a problem (exit $rc)"
    grep -E -A 30 'DIVERGENCE|ERROR: |runtime error|round trip failed' "$artifacts/$run.log" | head -n 80 || true
    for f in $found; do
      echo "  input: $f   (replay: hmmspec reproduce${version:+ --version $version} $f)"
    done
    failed=1
  fi
}
unset HMMSPEC_FUZZ_VERSION
fuzz diff_fuzzer "$seconds"
third=$(((seconds + 2) / 3))
fuzz diff_fuzzer "$third" 6.1
fuzz diff_fuzzer "$third" 6.12
fuzz scenario_fuzzer "$seconds"

if [ "$failed" -ne 0 ]; then
  echo "fuzz/ci.sh: FAILED (logs and inputs in $artifacts)"
  exit 1
fi
echo "fuzz/ci.sh: no finding in ${#targets[@]} targets x ${seconds}s (diff_fuzzer ${third}s more on each of 6.1 and 6.12); corpus replays clean"
