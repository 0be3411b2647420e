#!/bin/bash -eu
# SPDX-License-Identifier: GPL-2.0-or-later
# ClusterFuzzLite build script (docs/ci.md, "ClusterFuzzLite"): hmmspec's fuzzers
# (diff_fuzzer, scenario_fuzzer) with the checked-out tree's mm/hmm.c as a kernel party.
# Runs with OSS-Fuzz's variables ($CC $CXX $CFLAGS $CXXFLAGS $LIB_FUZZING_ENGINE $OUT $SRC
# $WORK) in the checked-out tree (the Dockerfile's WORKDIR), and hands over to hmmspec's own
# fuzz/oss-fuzz/build.sh.
#   The tree:    $HMMSPEC_PROJECT, else the working directory.
#   hmmspec:     the tree itself when it is hmmspec, else $SRC/hmmspec (the Dockerfile clones it).
#   The kernel:  the tree's mm/hmm.c, its family told by the tree's Makefile, or stated by
#                $HMMSPEC_FAMILY (5.7, 6.1, 6.12); without mm/hmm.c, $SRC/hmm.c (a v5.7 file).
project=$(cd "${HMMSPEC_PROJECT:-$PWD}" && pwd)
if [ -f "$project/fuzz/oss-fuzz/build.sh" ] && [ -d "$project/kernel/include" ]; then
  hmmspec=$project
else
  hmmspec=$SRC/hmmspec
fi
[ -f "$hmmspec/fuzz/oss-fuzz/build.sh" ] || {
  echo "clusterfuzzlite/build.sh: no hmmspec at $hmmspec" >&2
  exit 2
}
if [ -f "$project/mm/hmm.c" ]; then
  spec=$project/mm/hmm.c
  if [ -n "${HMMSPEC_FAMILY:-}" ]; then spec="$HMMSPEC_FAMILY=$spec"; fi
  export HMMSPEC_KERNELS=$spec
  echo "clusterfuzzlite/build.sh: the kernel party from $spec"
fi
exec "$hmmspec/fuzz/oss-fuzz/build.sh"
