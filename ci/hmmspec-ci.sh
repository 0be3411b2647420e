#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# hmmspec in a kernel or driver project's CI (docs/ci.md): the steps the GitHub workflow
# (.github/workflows/hmmspec.yml) and the GitLab example (ci/gitlab-ci.yml) run.
#
#   ci/hmmspec-ci.sh [options] PATH/mm/hmm.c
#
#   --family F        the shim family the hmm.c is compiled under (5.7, 6.1, 6.12; default: from
#                     PATH/../Makefile)
#   --seconds N       the differential campaign's time box (default 300; 0: no campaign)
#   --seed S          the campaign's seed (default 1)
#   --exhaustive P    also every world of P pages of the tiny geometry (default 0: none)
#   --scenarios DIR   the project's own scenario files (*.hmm), run beside the built-in suite
#   --out DIR         where the results go (default hmmspec-results): the logs, and in
#                     DIR/counterexamples every scenario that failed or diverged
#   --build DIR       the build directory (default build-hmmspec-ci)
#   --hmmspec EXE     an installed hmmspec (e.g. from the .deb) instead of building one: the
#                     kernel party is then made by the hmmspec-add-kernel beside it
#
# Steps: build hmmspec with the project's hmm.c as a kernel party (or add it to the installed
# one); print the version and the parties; run the built-in suite and the project's scenarios;
# run the time-boxed campaign; optionally the exhaustive bound. Every step runs even when an
# earlier one failed, so that every counterexample is collected. Exit 0 when all agree, 1 when
# a step found a divergence or a failed expectation, 2 on a build or input error.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)

family="" seconds=300 seed=1 exhaustive=0 scenarios="" out=hmmspec-results
build=build-hmmspec-ci installed="" hmm_c=""
die() {
  echo "hmmspec-ci: $*" >&2
  exit 2
}
while [ $# -gt 0 ]; do
  case "$1" in
  --family) family=$2; shift 2 ;;
  --seconds) seconds=$2; shift 2 ;;
  --seed) seed=$2; shift 2 ;;
  --exhaustive) exhaustive=$2; shift 2 ;;
  --scenarios) scenarios=$2; shift 2 ;;
  --out) out=$2; shift 2 ;;
  --build) build=$2; shift 2 ;;
  --hmmspec) installed=$2; shift 2 ;;
  -h | --help) sed -n '3,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  -*) die "unknown option $1 (--help for the usage)" ;;
  *) [ -z "$hmm_c" ] || die "one hmm.c only"; hmm_c=$1; shift ;;
  esac
done
[ -n "$hmm_c" ] || die "name the project's mm/hmm.c (--help for the usage)"
[ -f "$hmm_c" ] || die "$hmm_c: not a file"
hmm_c=$(readlink -f "$hmm_c")
mkdir -p "$out/counterexamples" || die "cannot create $out"
out=$(readlink -f "$out")
status=0
worse() { # the exit status so far, raised to $1
  [ "$1" -gt "$status" ] && status=$1
  return 0
}
step() { # NAME command...: runs it, its output in $out/NAME.log, its time printed
  local name=$1 t0=$SECONDS rc
  shift
  echo "== hmmspec-ci: $name"
  "$@" >"$out/$name.log" 2>&1
  rc=$?
  tail -n 15 "$out/$name.log"
  echo "== hmmspec-ci: $name: exit $rc in $((SECONDS - t0))s"
  return $rc
}

# 1. hmmspec with the project's hmm.c as a kernel party.
kernel_args=()
if [ -n "$installed" ]; then
  hmmspec=$(readlink -f "$installed")
  obj=$out/libhmmspec_kernel_project.so
  step add-kernel "$(dirname "$hmmspec")/hmmspec-add-kernel" -o "$obj" "$hmm_c" $family ||
    die "the hmm.c does not build as a kernel party (log: $out/add-kernel.log)"
  kernel_args=(--kernel "$obj")
else
  spec=$hmm_c
  [ -z "$family" ] || spec="$family=$hmm_c"
  configure() {
    cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      "-DHMMSPEC_KERNELS=$spec" -DHMMSPEC_DEBIAN_KERNELS=OFF -DHMMSPEC_TESTS=OFF \
      -DHMMSPEC_BENCH=OFF -DHMMSPEC_PROOFS=OFF -DHMMSPEC_INSTALL_SDK=OFF &&
      cmake --build "$build" --target hmmspec -j "$(nproc)"
  }
  step build configure || die "hmmspec does not build with $hmm_c (log: $out/build.log)"
  hmmspec=$(readlink -f "$build/tools/hmmspec")
fi
hs() { "$hmmspec" "${kernel_args[@]}" "$@"; }

# 2. What runs: the version, and the parties (a kernel object that does not load is exit 2).
step version hs --version || worse 2
step parties hs parties || worse 2
grep -qF "($hmm_c)" "$out/version.log" || grep -qF "source  $hmm_c" "$out/version.log" || {
  echo "hmmspec-ci: no kernel party of $hmm_c (see $out/version.log)"
  worse 2
}

# 3. The built-in suite, then the project's scenarios one by one: each that fails is a
# counterexample.
step suite hs run --builtin --quiet
rc=$?
worse $rc
if [ -n "$scenarios" ]; then
  failed=0
  for f in "$scenarios"/*.hmm; do
    [ -e "$f" ] || continue
    hs run --quiet "$f" >>"$out/scenarios.log" 2>&1
    rc=$?
    if [ $rc -ne 0 ]; then
      cp "$f" "$out/counterexamples/"
      failed=$((failed + 1))
      worse $rc
    fi
  done
  echo "== hmmspec-ci: scenarios: $failed of $(ls "$scenarios"/*.hmm 2>/dev/null | wc -l) failed"
fi

# The kernel versions the campaign and the exhaustive bound run: the project's family when it is
# given, else every version (each input and each bound runs on its own version's parties).
versions=${family:-all}

# 4. The time-boxed differential campaign: each divergence minimized, as a scenario (.hmm), its
# input (.bin) and report (.txt), in counterexamples/.
if [ "$seconds" != 0 ]; then
  step campaign hs fuzz --seconds "$seconds" --seed "$seed" --quiet --version "$versions" \
    --artifacts "$out/counterexamples"
  worse $?
fi

# 5. The exhaustive small scope: the first divergence's case is kept as a scenario (the version
# of its bound is the last "exhaustive: kernel V, ..." line before it; no such line is v5.7).
if [ "$exhaustive" != 0 ]; then
  step exhaustive hs exhaustive --geometry tiny --pages "$exhaustive" --version "$versions"
  rc=$?
  worse $rc
  if [ $rc -eq 1 ]; then
    read -r v n < <(awk '/^exhaustive: /{v = "5.7"; if ($2 == "kernel") {v = $3; sub(",", "", v)}}
      /^first divergence: case /{print v, $4; exit}' "$out/exhaustive.log" | tr -d ':')
    [ -z "${n:-}" ] || hs exhaustive --geometry tiny --pages "$exhaustive" --version "$v" \
      --case "$n" >"$out/counterexamples/exhaustive-$v-$exhaustive-case-$n.txt" 2>&1
  fi
fi

found=$(find "$out/counterexamples" -type f | wc -l)
echo "hmmspec-ci: exit $status; $found counterexample file(s) in $out/counterexamples"
exit $status
