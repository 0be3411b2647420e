#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The include rules of the source tree (README.md, "Layout"), checked on the sources:
#   (a) only tools/ includes tools/ headers: the command line sits on top of everything else;
#   (b) model/ includes only model/ headers among the project's ("..." includes; system and
#       third-party <...> headers are fine): the spec stands on its own;
#   (c) only proofs/ includes Z3 (z3++.h, z3.h).
# Every breach is printed as FILE:LINE: rule; the exit code is 1 if there is one.
#
#   tests/layout/check_includes.sh SOURCE_DIR FOLDER...
set -u
src=$1
shift
cd "$src" || exit 2

include_re='^[[:space:]]*#[[:space:]]*include[[:space:]]*([<"])([^>"]*)[>"]'
breaches=0
breach() {
  echo "$1: $2"
  breaches=$((breaches + 1))
}

while IFS= read -r file; do
  folder=${file%%/*}
  n=0
  while IFS= read -r line || [ -n "$line" ]; do # (a last line without a newline too)
    n=$((n + 1))
    [[ $line =~ $include_re ]] || continue
    quote=${BASH_REMATCH[1]}
    header=${BASH_REMATCH[2]}
    if [[ $header == tools/* && $folder != tools ]]; then
      breach "$file:$n" "(a) includes $header: only tools/ may include tools/ headers"
    fi
    if [[ $folder == model && $quote == '"' && $header != model/* ]]; then
      breach "$file:$n" "(b) includes $header: model/ includes only model/ headers"
    fi
    if [[ ($header == z3++.h || $header == z3.h || $header == */z3++.h || $header == */z3.h) &&
      $folder != proofs ]]; then
      breach "$file:$n" "(c) includes $header: only proofs/ may include Z3"
    fi
  done <"$file"
done < <(find "$@" -type f \( -name '*.h' -o -name '*.hpp' -o -name '*.c' -o -name '*.cc' \
  -o -name '*.cpp' \) | sort)

if [ "$breaches" -ne 0 ]; then
  echo "check_includes: $breaches breach(es) of the include rules"
  exit 1
fi
echo "check_includes: the include rules hold in $*"
