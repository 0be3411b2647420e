#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The command line's contract: bad flags and arguments are exit 2 with a message that names
# the problem; every command takes --json and then prints one JSON document.
#   check_cli.sh HMMSPEC SOURCE_DIR CMAKE JSON_VALID_CMAKE
set -u
hmmspec=$1
src=$2
cmake=$3
json_valid=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
expect() { # EXIT MESSAGE-SUBSTRING command...
  local want=$1 msg=$2
  shift 2
  timeout 60 "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [ "$rc" -ne "$want" ] || ! grep -qF -- "$msg" "$tmp/out" "$tmp/err"; then
    echo "FAIL $*: exit $rc (expected $want), '$msg' expected in: $(cat "$tmp/out" "$tmp/err" | head -c 600)"
    fail=1
  else
    echo "ok   $* -> $rc"
  fi
}
printf 'range 0+4K\nexpect ret 1\n' >"$tmp/s.hmm"
printf 'range 0+4K\nexpect ret 1\n' >"$tmp/t.hmm"

expect 2 "unknown command 'bogus' (commands: parties, show, run," "$hmmspec" bogus
expect 2 "seconds from 0 to 10000000, got nan" "$hmmspec" fuzz --seconds nan
expect 2 "got inf" "$hmmspec" fuzz --seconds inf
# --party takes one name per flag: the files after it are files
expect 1 "summary: 2 scenarios on parties [walker]" "$hmmspec" run --party walker "$tmp/s.hmm" "$tmp/t.hmm"
expect 1 "summary: 2 scenarios on parties [reference walker]" "$hmmspec" run --party walker,reference "$tmp/s.hmm" "$tmp/t.hmm"
expect 1 "on parties [reference walker]" "$hmmspec" run --party walker --party reference "$tmp/s.hmm"
expect 2 "--party nope: no such party in this build (parties: " "$hmmspec" run --party nope "$tmp/s.hmm"
expect 2 "give scenario files or --builtin" "$hmmspec" run --party walker
# fuzz: files and --builtin go with --encode-to; the modes exclude each other
expect 2 "FILES requires --encode-to" "$hmmspec" fuzz "$tmp/s.hmm"
expect 2 "--builtin requires --encode-to" "$hmmspec" fuzz --builtin
expect 2 "--encode-to excludes --manifest" "$hmmspec" fuzz --encode-to "$tmp/enc" --manifest "$tmp" --builtin
expect 2 "--manifest excludes --replay" "$hmmspec" fuzz --manifest "$tmp" --replay "$tmp"
# explain --html: one output form at a time, -o only for the page, an unwritable -o is bad input
expect 2 "--json excludes --html" "$hmmspec" explain --html --json "$tmp/s.hmm"
expect 2 "--output requires --html" "$hmmspec" explain -o "$tmp/x.html" "$tmp/s.hmm"
expect 2 "$tmp/no-such-dir/x.html: No such file or directory" "$hmmspec" explain --html "$tmp/s.hmm" -o "$tmp/no-such-dir/x.html"
expect 1 "<!DOCTYPE html>" "$hmmspec" explain --html "$tmp/s.hmm"
# explain runs the parties of the scenario's version (a 6.x scenario ran on none and crashed)
expect 0 "reference-6.12" "$hmmspec" explain "$src/tests/scenarios/spec-6.12/gap-hole.hmm"
expect 0 'data-party="reference-6.1"' "$hmmspec" explain --html "$src/tests/scenarios/spec-6.1/gap-hole.hmm"
# explain of a sequence: every call traced from the world the calls before it left, or one
seq=$src/tests/scenarios/spec/seq-mprotect-write-eperm.hmm
expect 0 "== call 3 of 3 (after mprotect 0x10000+0x4000 rw)" "$hmmspec" explain "$seq"
expect 0 "all parties agree on every call" "$hmmspec" explain --call 2 "$seq"
expect 0 "R-FAULT-EPERM" "$hmmspec" explain --call 2 "$seq"
expect 0 '"call": 3' "$hmmspec" explain --json --call 3 "$seq"
expect 2 "--call 4: $seq has 3 calls" "$hmmspec" explain --call 4 "$seq"
expect 2 "--call: Value 0 not in range" "$hmmspec" explain --call 0 "$seq"
expect 2 "a picture is of one: name it with --call K" "$hmmspec" explain --html "$seq"
expect 0 "<!DOCTYPE html>" "$hmmspec" explain --html --call 3 "$seq"
# a later call's unmet expectation: exit 1, the party and the line named
sed 's/^expect ret -EPERM$/expect ret -EFAULT/' "$seq" >"$tmp/seq-bad.hmm"
expect 1 "reference: $tmp/seq-bad.hmm:" "$hmmspec" explain "$tmp/seq-bad.hmm"
# exhaustive: a case or a start beyond the space
expect 2 "--from 99999999: no such case (the cases are 0.." "$hmmspec" exhaustive --pages 1 --from 99999999
expect 2 "--case 99999999: no such case" "$hmmspec" exhaustive --pages 1 --case 99999999
# --version: alone or with --json, never with a command; --json alone is not --version
expect 0 "kernel-party ABI tag" "$hmmspec" --version
expect 2 "parties excludes --version" "$hmmspec" --version parties
expect 2 "--json requires --version" "$hmmspec" --json
expect 2 "A subcommand is required" "$hmmspec"
# a scenario that does not parse is bad input, not "unreadable"
printf 'range 0+4K\nfrobnicate\n' >"$tmp/bad.hmm"
expect 2 "1 not run (bad input)" "$hmmspec" run "$tmp/bad.hmm"
expect 2 "page_shift must be between 12 and 16, got 256" "$hmmspec" show "$src/tests/malformed/geometry-page-shift-huge.hmm"

# Every command takes --json: the list is the commands `hmmspec --help` names, so a new
# command without a case here fails.
json() { # EXIT command...
  local want=$1
  shift
  timeout 120 "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [ "$rc" -ne "$want" ] || ! "$cmake" -DFILE="$tmp/out" -P "$json_valid" 2>>"$tmp/err"; then
    echo "FAIL $*: exit $rc (expected $want) or not JSON: $(head -c 300 "$tmp/out") $(cat "$tmp/err")"
    fail=1
  else
    echo "ok   $* -> JSON"
  fi
}
mkdir "$tmp/corpus"
cp "$src/fuzz/corpus/diff_fuzzer/0092a2ab76325b2ffb104e0c9c3f4f7e96fb4111" "$tmp/corpus/a"
json 0 "$hmmspec" --version --json
for c in $("$hmmspec" --help | sed -n '/^Subcommands:/,$p' | awk 'NR > 1 && NF {print $1}'); do
  case $c in
  parties) json 0 "$hmmspec" parties --json ;;
  show) json 0 "$hmmspec" show --json "$tmp/s.hmm" ;;
  run) json 1 "$hmmspec" run --json "$tmp/s.hmm" ;;
  explain) json 1 "$hmmspec" explain --json "$tmp/s.hmm" ;;
  exhaustive)
    json 0 "$hmmspec" exhaustive --json --pages 1 --count
    json 0 "$hmmspec" exhaustive --json --pages 1 --case 0
    json 0 "$hmmspec" exhaustive --json --pages 1 --from 8000
    json 0 "$hmmspec" exhaustive --json --pages 1 --shard 2/1000
    json 0 "$hmmspec" exhaustive --json --pages 1 --count --shard 2/1000
    "$hmmspec" exhaustive --json --pages 1 --shard 1/1 >"$tmp/shard.json"
    json 0 "$hmmspec" exhaustive --json --merge "$tmp/shard.json"
    ;;
  fuzz)
    json 0 "$hmmspec" fuzz --json --runs 3 --artifacts ''
    json 0 "$hmmspec" fuzz --json --manifest "$tmp/corpus"
    json 0 "$hmmspec" fuzz --json --replay "$tmp/corpus"
    json 0 "$hmmspec" fuzz --json --encode-to "$tmp/enc" "$tmp/s.hmm"
    ;;
  reproduce)
    json 0 "$hmmspec" reproduce --json "$tmp/corpus/a"
    json 0 "$hmmspec" reproduce --json --no-run "$tmp/corpus/a" -o "$tmp/r.hmm"
    ;;
  versions)
    json 0 "$hmmspec" versions --json "$src/tests/scenarios/versions/V-RETURN-ZERO.hmm"
    json 0 "$hmmspec" fuzz --versions --json --runs 3 --artifacts ''
    ;;
  interleave) json 0 "$hmmspec" interleave --json "$tmp/s.hmm" ;;
  prove) json 0 "$hmmspec" prove --json --driver nouveau --no-classifier ;;
  bench) json 0 "$hmmspec" bench --json --tables f --shrink 10 --min-time 0 --min-calls 1 ;;
  *)
    echo "FAIL command $c: no --json case in this test"
    fail=1
    ;;
  esac
done
exit $fail
