#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs `hmmspec show FILE` on a malformed scenario whose first line reads
# "# error: LINE:COL: SUBSTRING" and checks: exit code 2, and stderr starts with
# "FILE:LINE:COL: " and contains SUBSTRING.
set -u
hmmspec=$1
file=$2
header=$(head -n 1 "$file")
spec=${header#\# error: }
if [ "$spec" = "$header" ]; then
  echo "$file: first line must be '# error: LINE:COL: SUBSTRING'"
  exit 1
fi
loc=${spec%%: *}
want=${spec#*: }
err=$("$hmmspec" show "$file" 2>&1 >/dev/null)
rc=$?
if [ "$rc" -ne 2 ]; then
  echo "$file: exit code $rc, expected 2 (stderr: $err)"
  exit 1
fi
case "$err" in
"$file:$loc: "*) ;;
*)
  echo "$file: expected an error starting with '$file:$loc: ', got: $err"
  exit 1
  ;;
esac
case "$err" in
*"$want"*) ;;
*)
  echo "$file: error does not mention '$want': $err"
  exit 1
  ;;
esac
echo "ok: $err"
