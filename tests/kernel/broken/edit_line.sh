#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# edit_line.sh IN OUT LINE FROM TO: writes IN to OUT with the text FROM replaced by TO on line
# LINE, where FROM must occur exactly once (tests/kernel/broken/broken_kernels.cmake).
set -eu
in=$1 out=$2 line=$3 from=$4 to=$5
mkdir -p "$(dirname "$out")"
FROM=$from TO=$to awk -v n="$line" '
  BEGIN { from = ENVIRON["FROM"]; to = ENVIRON["TO"]; done = 0 }
  NR == n {
    i = index($0, from)
    if (i == 0 || index(substr($0, i + 1), from) != 0) exit 3
    $0 = substr($0, 1, i - 1) to substr($0, i + length(from)); done = 1
  }
  { print }
  END { if (!done) exit 3 }' "$in" >"$out.tmp" || {
  echo "edit_line.sh: line $line of $in does not hold '$from' exactly once" >&2
  rm -f "$out.tmp"
  exit 1
}
mv "$out.tmp" "$out"
