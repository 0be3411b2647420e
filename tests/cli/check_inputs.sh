#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Inputs that cannot be read: every command that reads a file says `FILE: reason` (the OS's
# strerror, or the 64 MiB limit) and exits 2, quickly and without reading more than the limit.
set -u
hmmspec=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
has() { "$hmmspec" "$1" --help >/dev/null 2>&1; } # prove and bench are in some builds only
check() { # FILE REASON command...
  local file=$1 reason=$2
  shift 2
  local err rc
  err=$(timeout 60 "$@" 2>&1 >/dev/null)
  rc=$?
  if [ "$rc" -ne 2 ] || [[ $err != *"$file: $reason"* ]]; then
    echo "FAIL $*: exit $rc, expected 2 and '$file: $reason'; stderr: $err"
    fail=1
  else
    echo "ok   $* -> $file: $reason"
  fi
}
mkdir "$tmp/dir"
for file_reason in "$tmp/dir:Is a directory" "/dev/zero:larger than 64 MiB" \
  "$tmp/none:No such file or directory"; do
  f=${file_reason%%:*}
  r=${file_reason#*:}
  check "$f" "$r" "$hmmspec" show "$f"
  check "$f" "$r" "$hmmspec" run "$f"
  check "$f" "$r" "$hmmspec" explain "$f"
  check "$f" "$r" "$hmmspec" reproduce "$f"
  check "$f" "$r" "$hmmspec" fuzz --encode-to "$tmp/out" "$f"
  if has prove; then check "$f" "$r" "$hmmspec" prove --driver "$f"; fi
done
for d in /dev/zero /proc/self/status "$tmp/none"; do
  case $d in
  "$tmp/none") r="No such file or directory" ;;
  *) r="Not a directory" ;;
  esac
  check "$d" "$r" "$hmmspec" fuzz --manifest "$d"
  check "$d" "$r" "$hmmspec" fuzz --replay "$d"
done
# a corpus directory with an unreadable input in it
mkdir "$tmp/corpus"
printf '\x02\x00' >"$tmp/corpus/a"
mkfifo "$tmp/corpus/fifo" # not a regular file: skipped
truncate -s 65M "$tmp/corpus/big" # sparse: refused by its size, without reading it
check "$tmp/corpus/big" "larger than 64 MiB" "$hmmspec" fuzz --replay "$tmp/corpus"
check "$tmp/corpus/big" "larger than 64 MiB" "$hmmspec" fuzz --manifest "$tmp/corpus"
exit $fail
