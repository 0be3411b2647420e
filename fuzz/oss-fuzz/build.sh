#!/bin/bash -eu
# SPDX-License-Identifier: GPL-2.0-or-later
# OSS-Fuzz / ClusterFuzzLite build script for hmmspec (docs/fuzzing.md, "Scale-out").
# Honours the variables the infrastructure sets: $CC $CXX $CFLAGS $CXXFLAGS (sanitizer and
# coverage flags included), $LIB_FUZZING_ENGINE (the engine to link) and $OUT (where the fuzz
# targets, their .dict/.options and <target>_seed_corpus.zip go). $SRC and $WORK are used when
# set. It can be run by hand with those variables set (see docs/fuzzing.md).
#
# Dependencies: when $SRC holds source checkouts of fmt, CLI11 and nlohmann json (the
# Dockerfile clones them), they are built with $CXX $CXXFLAGS into $WORK/deps, so that they
# match the target's C++ library (OSS-Fuzz builds against libc++); otherwise the system's
# packages are used. The kernel party is built when $HMMSPEC_KERNEL_HMM_C, or $SRC/hmm.c,
# names a Linux v5.7 mm/hmm.c, and from $HMMSPEC_KERNELS ("[FAMILY=]PATH/mm/hmm.c", a kernel
# tree's own: .clusterfuzzlite/build.sh); the objects are copied to $OUT/lib/hmmspec.
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
: "${WORK:=$repo/build-oss-fuzz-work}"
: "${SRC:=$repo/..}"
mkdir -p "$WORK" "$OUT"

prefix="$WORK/deps"
if [ -d "$SRC/fmt" ]; then
  cmake -S "$SRC/fmt" -B "$WORK/fmt" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" \
    -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
    -DFMT_TEST=OFF -DFMT_DOC=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=ON
  cmake --build "$WORK/fmt" --target install
fi
for header_only in CLI11 json; do
  if [ -d "$SRC/$header_only" ]; then
    cmake -S "$SRC/$header_only" -B "$WORK/$header_only" -G Ninja -DCMAKE_INSTALL_PREFIX="$prefix" \
      -DCLI11_BUILD_TESTS=OFF -DCLI11_BUILD_EXAMPLES=OFF -DCLI11_BUILD_DOCS=OFF -DJSON_BuildTests=OFF
    cmake --build "$WORK/$header_only" --target install
  fi
done

hmm_c=${HMMSPEC_KERNEL_HMM_C:-}
if [ -z "$hmm_c" ] && [ -z "${HMMSPEC_KERNELS:-}" ] && [ -f "$SRC/hmm.c" ]; then hmm_c="$SRC/hmm.c"; fi
kernel=()
if [ -n "$hmm_c" ]; then kernel=(-DHMMSPEC_KERNEL_HMM_C="$hmm_c"); fi
# a kernel tree's own hmm.c ("[FAMILY=]PATH/mm/hmm.c"; .clusterfuzzlite/build.sh sets it)
if [ -n "${HMMSPEC_KERNELS:-}" ]; then kernel+=("-DHMMSPEC_KERNELS=$HMMSPEC_KERNELS"); fi

# Sanitizer and coverage flags come from $CFLAGS/$CXXFLAGS, so HMMSPEC_SANITIZE stays off.
cmake -S "$repo" -B "$WORK/hmmspec" -G Ninja -DCMAKE_BUILD_TYPE=None \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_CXX_FLAGS="$CXXFLAGS" -DCMAKE_PREFIX_PATH="$prefix" \
  -DHMMSPEC_FUZZ=ON -DHMMSPEC_FUZZ_ENGINE="$LIB_FUZZING_ENGINE" -DHMMSPEC_SANITIZE=OFF \
  -DHMMSPEC_TESTS=OFF -DHMMSPEC_BENCH=OFF -DHMMSPEC_PROOFS=OFF -DHMMSPEC_DEBIAN_KERNELS=OFF \
  "${kernel[@]}"
cmake --build "$WORK/hmmspec" --target diff_fuzzer scenario_fuzzer

# The kernel objects go beside the fuzzers, in $OUT/lib/hmmspec, where they look for them
# (kernel/loader.h): the fuzzing runs see $OUT, not $WORK.
rm -rf "$OUT/lib/hmmspec"
mkdir -p "$OUT/lib/hmmspec"
find "$WORK/hmmspec/kernel" -maxdepth 1 -name 'libhmmspec_kernel_*.so' -exec cp {} "$OUT/lib/hmmspec/" \;
for t in diff_fuzzer scenario_fuzzer; do
  cp "$WORK/hmmspec/fuzz/$t" "$OUT/"
  cp "$repo/fuzz/$t.dict" "$repo/fuzz/$t.options" "$OUT/"
  rm -f "$OUT/${t}_seed_corpus.zip"
  (cd "$repo/fuzz/corpus/$t" && zip -q -r "$OUT/${t}_seed_corpus.zip" .)
done
