#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Exit codes of the command line: 0 ok, 1 failed expectation or divergence, 2 bad input.
set -u
hmmspec=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
expect() { # expected-code description command...
  local want=$1 what=$2
  shift 2
  "$@" >"$tmp/out" 2>&1
  local rc=$?
  if [ "$rc" -ne "$want" ]; then
    echo "FAIL $what: exit $rc, expected $want"
    cat "$tmp/out"
    fail=1
  else
    echo "ok   $what (exit $rc)"
  fi
}
cat >"$tmp/pass.hmm" <<'S'
# nothing mapped, nothing requested: every page NONE, last stays at the hole start
vma 0x200000-0x204000 read write anon
range 0x200000-0x204000
expect ret 0
expect pfn 0x200000-0x204000 none
expect nofault
S
sed 's/expect ret 0/expect ret 4/' "$tmp/pass.hmm" >"$tmp/fail.hmm"
expect 0 "passing scenario" "$hmmspec" run "$tmp/pass.hmm"
expect 1 "failed expectation" "$hmmspec" run "$tmp/fail.hmm"
expect 2 "missing file" "$hmmspec" run "$tmp/none.hmm"
expect 2 "unknown option" "$hmmspec" run --no-such-flag "$tmp/pass.hmm"
expect 2 "no subcommand" "$hmmspec"
expect 0 "help" "$hmmspec" --help
expect 0 "subcommand help" "$hmmspec" run --help
expect 0 "json show" "$hmmspec" show --json "$tmp/pass.hmm"
expect 0 "explain" "$hmmspec" explain "$tmp/pass.hmm"
expect 1 "explain of a failing scenario" "$hmmspec" explain "$tmp/fail.hmm"
exit $fail
