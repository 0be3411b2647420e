#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# .clusterfuzzlite/build.sh as ClusterFuzzLite runs it in a kernel tree: OSS-Fuzz's variables
# set (clang-14, ASan and the fuzzer instrumentation in CFLAGS, LIB_FUZZING_ENGINE, OUT, SRC,
# WORK), the tree a copy of HMM_C as mm/hmm.c with a v5.7 Makefile, hmmspec at $SRC/hmmspec.
# The fuzzers, their dictionaries, options and seed corpora and the tree's kernel object must
# be in $OUT, and the fuzzers must run with the kernel party from $OUT alone.
#   check_clusterfuzzlite.sh SOURCE_DIR HMM_C     (exit 77: no clang-14, skipped)
set -u
src_dir=$1
hmm_c=$2
command -v clang++-14 >/dev/null || {
  echo "clang++-14 not installed: skipped"
  exit 77
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src/linux/mm" "$tmp/out" "$tmp/work"
cp "$hmm_c" "$tmp/src/linux/mm/hmm.c"
printf 'VERSION = 5\nPATCHLEVEL = 7\nSUBLEVEL = 0\nEXTRAVERSION =\nNAME = test tree\n' >"$tmp/src/linux/Makefile"
ln -s "$src_dir" "$tmp/src/hmmspec"
export CC=clang-14 CXX=clang++-14
export CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link"
export CXXFLAGS="$CFLAGS" LIB_FUZZING_ENGINE=-fsanitize=fuzzer
export OUT=$tmp/out SRC=$tmp/src WORK=$tmp/work
t0=$SECONDS
if ! (cd "$tmp/src/linux" && "$src_dir/.clusterfuzzlite/build.sh") >"$tmp/build.log" 2>&1; then
  tail -n 40 "$tmp/build.log"
  echo "FAIL: .clusterfuzzlite/build.sh failed"
  exit 1
fi
echo "ok   .clusterfuzzlite/build.sh in $((SECONDS - t0))s"
fail=0
for f in diff_fuzzer scenario_fuzzer diff_fuzzer.dict diff_fuzzer.options scenario_fuzzer.options \
  diff_fuzzer_seed_corpus.zip scenario_fuzzer_seed_corpus.zip lib/hmmspec/libhmmspec_kernel_5.7.0.so; do
  [ -s "$OUT/$f" ] && echo "ok   \$OUT/$f" || {
    echo "FAIL: no \$OUT/$f"
    fail=1
  }
done
# The fuzzing runs see $OUT only: the objects of $WORK are gone.
find "$WORK" -name 'libhmmspec_kernel_*.so' -delete
# Each fuzzer runs its seed corpus and 300 more inputs; diff_fuzzer (scenario_fuzzer checks
# the scenario format's round trip, no party) with the tree's kernel party.
for t in diff_fuzzer scenario_fuzzer; do
  mkdir -p "$tmp/corpus-$t"
  (cd "$tmp/corpus-$t" && unzip -q "$OUT/${t}_seed_corpus.zip")
  if ASAN_OPTIONS=detect_leaks=0 "$OUT/$t" -runs=300 "$tmp/corpus-$t" >"$tmp/$t.log" 2>&1 &&
    grep -qE "^Done [0-9]+ runs" "$tmp/$t.log"; then
    echo "ok   $t: $(grep -E '^Done [0-9]+ runs' "$tmp/$t.log")"
  else
    echo "FAIL: $t: $(grep -E 'parties|cannot load|ERROR|Done' "$tmp/$t.log" | head -n 5)"
    fail=1
  fi
done
if grep -q "parties \[kernel-5\.7\.0 " "$tmp/diff_fuzzer.log"; then
  echo "ok   diff_fuzzer ran with the tree's kernel party: $(grep -o 'parties \[[^]]*\]' "$tmp/diff_fuzzer.log" | head -n 1)"
else
  echo "FAIL: diff_fuzzer without the tree's kernel party: $(grep -E 'parties|cannot load' "$tmp/diff_fuzzer.log" | head -n 5)"
  fail=1
fi
exit $fail
