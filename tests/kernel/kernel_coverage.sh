#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Line coverage of each kernel party's mm/hmm.c under ctest: the built-in suite, the spec
# scenarios, the kernel tests and the replay of fuzz/corpus all run the kernels, so the lines
# none of them reaches are the lines no check of this project executes. The kernels are built
# with -DHMMSPEC_KERNEL_COVERAGE=ON (hmm.c alone at -O0 with gcov counters) in a build of its
# own; the counts of every process that loaded a kernel are summed by gcov, per kernel.
# docs/checking.md gives the result for the seed and the Debian kernels, with the reason for
# every line left out.
#
#   tests/kernel/kernel_coverage.sh [--json] [--counts-only] [BUILD]   (BUILD: default build-kcov)
#   HMMSPEC_KERNEL_HMM_C=../shared/seeds/hmm.c tests/kernel/kernel_coverage.sh
#   HMMSPEC_COVERAGE_CTEST_ARGS  the ctest selection (default: -LE "mutants|clusterfuzzlite",
#                                the tests that build kernels of their own are left out)
#   HMMSPEC_COVERAGE_CMAKE_ARGS  more arguments for the coverage build's cmake
#
# Prints, per kernel, the lines run out of the lines with code, then each line never run as
# "mm/hmm.c:N: text". --counts-only reads the counts BUILD holds, without building or testing.
# Exit 0 when the measurement was made (whatever it found), 1 when a test
# failed (the counts are still printed), 2 on a usage or build error.
set -euo pipefail
cd "$(dirname "$0")/../.."

json=0
counts_only=0
build="build-kcov"
for a in "$@"; do
  case "$a" in
  --json) json=1 ;;
  --counts-only) counts_only=1 ;;
  -h | --help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  -*) echo "kernel_coverage.sh: unknown option '$a'" >&2; exit 2 ;;
  *) build=$a ;;
  esac
done
command -v gcov >/dev/null || { echo "kernel_coverage.sh: gcov not found (apt-get install gcc)" >&2; exit 2; }

status=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if [ "$counts_only" = 0 ]; then
  kernel=()
  if [ -n "${HMMSPEC_KERNEL_HMM_C:-}" ]; then
    [ -f "$HMMSPEC_KERNEL_HMM_C" ] || { echo "kernel_coverage.sh: HMMSPEC_KERNEL_HMM_C: no such file: $HMMSPEC_KERNEL_HMM_C" >&2; exit 2; }
    kernel=(-DHMMSPEC_KERNEL_HMM_C="$(realpath "$HMMSPEC_KERNEL_HMM_C")")
  fi
  launcher=()
  if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  # shellcheck disable=SC2086 # more cmake arguments, as words
  if ! cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHMMSPEC_KERNEL_COVERAGE=ON \
    -DHMMSPEC_PROOFS=OFF -DHMMSPEC_BENCH=OFF "${kernel[@]}" "${launcher[@]}" \
    ${HMMSPEC_COVERAGE_CMAKE_ARGS:-} >"$log" 2>&1 ||
    ! cmake --build "$build" -j"$(nproc)" >>"$log" 2>&1; then
    tail -30 "$log" >&2
    echo "kernel_coverage.sh: the coverage build in $build failed (log above)" >&2
    exit 2
  fi

  # counts start from zero: the previous measurement's .gcda files are removed
  find "$build/kernel" -name '*.gcda' -delete
  # shellcheck disable=SC2086 # the selection is a list of ctest arguments
  ctest --test-dir "$build" -j"$(nproc)" ${HMMSPEC_COVERAGE_CTEST_ARGS:--LE "mutants|clusterfuzzlite"} \
    >"$log" 2>&1 || status=1
  grep -E "tests passed|tests failed" "$log" >&2 || true
  [ "$status" = 0 ] || grep -E '^[[:space:]]+[0-9]+ - ' "$log" >&2 || true
fi
[ -d "$build/kernel" ] || { echo "kernel_coverage.sh: $build holds no kernel build" >&2; exit 2; }

# One gcov run per kernel object: hmmspec_kernel_hmm_<tag>.dir holds hmm.c's .gcno and .gcda.
work=$(mktemp -d)
trap 'rm -f "$log"; rm -rf "$work"' EXIT
results=()
for dir in "$build"/kernel/CMakeFiles/hmmspec_kernel_hmm_*.dir; do
  tag=${dir##*hmmspec_kernel_hmm_}
  tag=${tag%.dir}
  tag=${tag//_/.}
  # the broken kernels of tests/kernel/broken are the isolation tests' own, not kernels
  case "$tag" in broken-*) continue ;; esac
  gcno=$(find "$dir" -name '*.gcno' | head -1)
  [ -n "$gcno" ] || continue
  out="$work/$tag.gcov"
  if [ -z "$(find "$dir" -name '*.gcda' | head -1)" ]; then
    results+=("$tag never-loaded")
    continue
  fi
  # from the build directory: the object's source paths may be relative to it (ccache)
  (cd "$build" && gcov -t "${gcno#"$build"/}" 2>/dev/null) >"$out" || true
  results+=("$tag $out")
done

# .gcov text: "count:line:source"
# shellcheck disable=SC2016 # an awk program; '-' has no code, '#####' and '=====' were never run.
awk_summary='
  BEGIN { FS = ":" }
  /^ *-: *0:Source:/ { next }
  {
    count = $1; gsub(/ /, "", count); line = $2 + 0
    if (count == "-" || line == 0) next
    text = $0; sub(/^[^:]*:[^:]*:/, "", text); gsub(/^[ \t]+/, "", text)
    code++
    if (count == "#####" || count == "=====") { missed[++n] = line; missed_text[n] = text } else run++
  }
  END {
    if (json) {
      printf "{\"kernel\":\"kernel-%s\",\"lines_with_code\":%d,\"lines_run\":%d,\"never_run\":[", tag, code, run
      for (i = 1; i <= n; i++) printf "%s%d", (i > 1 ? "," : ""), missed[i]
      printf "]}"
    } else {
      printf "kernel-%s mm/hmm.c: %d of %d lines with code run (%.1f%%), %d never run\n", tag, run, code, code ? 100 * run / code : 0, n
      for (i = 1; i <= n; i++) printf "  mm/hmm.c:%d: %s\n", missed[i], missed_text[i]
    }
  }'
ctest_result=$([ "$status" = 0 ] && echo passed || echo failed)
[ "$counts_only" = 1 ] && ctest_result="not run"
[ "$json" = 1 ] && printf '{"ctest":"%s","kernels":[' "$ctest_result"
first=1
for r in "${results[@]}"; do
  tag=${r%% *}
  file=${r#* }
  [ "$json" = 1 ] && [ $first = 0 ] && printf ','
  first=0
  if [ "$file" = never-loaded ]; then
    if [ "$json" = 1 ]; then printf '{"kernel":"kernel-%s","never_loaded":true}' "$tag"; else echo "kernel-$tag: no process ran it"; fi
    continue
  fi
  # gcov -t prints every source file the object was compiled from: keep hmm.c's part
  awk -v want="hmm.c" 'BEGIN{keep=0} /^ *-: *0:Source:/{ n=split($0,p,"/"); keep=(p[n]==want) } keep' "$file" |
    awk -v json="$json" -v tag="$tag" "$awk_summary"
done
[ "$json" = 1 ] && printf ']}\n'
exit $status
