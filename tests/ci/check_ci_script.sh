#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ci/hmmspec-ci.sh, the steps of the GitHub workflow and the GitLab example, with short times:
# against an hmmspec installed into a temporary prefix (--hmmspec), with the seed as the
# project's hmm.c. A clean run exits 0 with no counterexample; a project scenario whose
# expectation is false exits 1 and lands in counterexamples/, as the workflow uploads it.
#   check_ci_script.sh CMAKE BUILD_DIR SOURCE_DIR HMM_C
set -u
cmake=$1
build=$2
src_dir=$3
hmm_c=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$cmake" --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log" 2>&1 || {
  cat "$tmp/install.log"
  exit 1
}
fail=0
ci=$src_dir/ci/hmmspec-ci.sh
mkdir -p "$tmp/scenarios"
cp "$src_dir/docs/examples/mixed-world.hmm" "$tmp/scenarios/"
"$ci" --hmmspec "$tmp/prefix/bin/hmmspec" --family 5.7 --seconds 3 --exhaustive 1 \
  --scenarios "$tmp/scenarios" --out "$tmp/clean" "$hmm_c" >"$tmp/clean.txt" 2>&1
rc=$?
n=$(find "$tmp/clean/counterexamples" -type f | wc -l)
if [ $rc -eq 0 ] && [ "$n" -eq 0 ] && grep -q "kernel-5.7" "$tmp/clean/parties.log" &&
  grep -q "executions" "$tmp/clean/campaign.log" && grep -q "complete" "$tmp/clean/exhaustive.log"; then
  echo "ok   clean run: exit 0, no counterexample, the campaign and the exhaustive bound ran"
else
  echo "FAIL clean run: exit $rc, $n counterexamples"
  cat "$tmp/clean.txt"
  fail=1
fi
# A false expectation: the scenario is a counterexample, the exit 1.
# (an empty world: the one page faults, so the return is not 1, as tests/cli/check_cli.sh has it)
printf 'range 0+4K\nexpect ret 1\n' >"$tmp/scenarios/wrong.hmm"
"$ci" --hmmspec "$tmp/prefix/bin/hmmspec" --family 5.7 --seconds 0 --scenarios "$tmp/scenarios" \
  --out "$tmp/failing" "$hmm_c" >"$tmp/failing.txt" 2>&1
rc=$?
if [ $rc -eq 1 ] && [ -f "$tmp/failing/counterexamples/wrong.hmm" ] &&
  [ ! -f "$tmp/failing/counterexamples/mixed-world.hmm" ]; then
  echo "ok   failing scenario: exit 1, wrong.hmm collected, mixed-world.hmm not"
else
  echo "FAIL failing scenario: exit $rc; counterexamples: $(ls "$tmp/failing/counterexamples")"
  cat "$tmp/failing.txt"
  fail=1
fi
exit $fail
