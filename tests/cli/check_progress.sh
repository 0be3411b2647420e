#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The progress meter of the long runs (harness/progress.h): in a pipe `fuzz`, `exhaustive` and
# `run` over many files write no progress line on stderr and end with their summary; on a
# terminal (a pseudo-terminal from script(1), when there is one) the meter shows the time left.
#
#   tests/cli/check_progress.sh HMMSPEC SOURCE_DIR
set -uo pipefail
hmmspec=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# piped NAME SUMMARY CMD...: CMD with stdout and stderr in pipes: stderr has no meter, stdout
# has the summary
piped() {
  local name=$1 summary=$2
  shift 2
  "$@" 2>&1 >"$tmp/$name.out" | cat >"$tmp/$name.err"
  if grep -q "left [0-9-]" "$tmp/$name.err" || grep -q $'\r' "$tmp/$name.err"; then
    fail "$name: a progress line in a pipe: $(tr '\r' '\n' <"$tmp/$name.err" | tail -3)"
  fi
  grep -q "$summary" "$tmp/$name.out" || fail "$name: no summary ($summary) on stdout"
}

# A scenario that takes a good fraction of a second: 2^18 pages faulted in.
cat >"$tmp/slow.hmm" <<'HMM'
vma 0x40000000-0x80000000 read write anon
range 0x40000000-0x80000000
default_flags V
HMM
slow=()
for _ in $(seq 20); do slow+=("$tmp/slow.hmm"); done

# each runs for more than the meter's first second
piped fuzz "^summary: .* executions" "$hmmspec" fuzz --seconds 3 --artifacts ''
piped fuzz-json '"executions"' "$hmmspec" fuzz --seconds 2 --json --artifacts ''
piped exhaustive "^cases: .* run of" "$hmmspec" exhaustive --pages 2 --from 380000
piped run "^summary: 20 scenarios" "$hmmspec" run "${slow[@]}"

# On a terminal the meter is drawn, with the time left, and the summary still ends the run.
# tty NAME METER SUMMARY CMD: CMD (one string) on a pseudo-terminal
# The meter is first drawn after a second: a command that ended within 1.5 s (a fast machine)
# may rightly have drawn none, and is not held to it.
tty() {
  local name=$1 meter=$2 summary=$3 t0
  t0=$(date +%s%N)
  script -qefc "$4" /dev/null >"$tmp/tty-$name.out" 2>&1 </dev/null
  if ! grep -aq "$meter" "$tmp/tty-$name.out"; then
    local ms=$((($(date +%s%N) - t0) / 1000000))
    if [ "$ms" -lt 1500 ]; then
      echo "check_progress: tty $name ended in $ms ms; its meter is not checked"
    else
      fail "tty $name: no meter on a terminal: $(tr '\r' '\n' <"$tmp/tty-$name.out" | head -5)"
    fi
  fi
  grep -aq "$summary" "$tmp/tty-$name.out" || fail "tty $name: no summary on a terminal"
}
if command -v script >/dev/null; then
  tty fuzz "fuzz: .* executions, .*%, elapsed 0:00:0[0-9], left 0:00:0[0-9]" \
    "summary: .* executions" "'$hmmspec' fuzz --seconds 3 --artifacts ''"
  tty run "run: [0-9]*/20 scenarios, 0 failed, [0-9.]*%, elapsed 0:00:[0-9][0-9], left 0:00:[0-9][0-9]" \
    "summary: 20 scenarios" "'$hmmspec' run ${slow[*]}"
else
  echo "check_progress: no script(1): the terminal case is not checked"
fi

if [ $failures -ne 0 ]; then
  echo "check_progress: $failures failure(s)"
  exit 1
fi
echo "check_progress: quiet in pipes, a meter on a terminal, a summary always"
