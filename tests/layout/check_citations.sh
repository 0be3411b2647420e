#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every citation in the tree names something a reader of the repository can open: kernel
# sources (`hmm.c:N`, `mm/pagewalk.c:N at v5.7`, `6.1 mm/hmm.c:N`) or the project's own files.
# This fails on the names of notes that are not in the repository and on references to issue
# numbers, printing FILE:LINE: text for each.
#
#   tests/layout/check_citations.sh SOURCE_DIR
set -u
cd "$1" || exit 2
self=tests/layout/check_citations.sh
# the names, spelled so that this file does not match itself
notes='kernel''-context|design''-brief|versions''-context|style''-examples'
issue='\b[Ii]ssue''s? #?[0-9]+\b'
hits=$(git ls-files 2>/dev/null || find . -type f -not -path './.git/*' -printf '%P\n')
found=$(printf '%s\n' "$hits" | grep -v -x -F "$self" | grep -v '^fuzz/corpus/diff_fuzzer/' |
  while IFS= read -r f; do [ -f "$f" ] && printf '%s\0' "$f"; done |
  xargs -0 grep -nIE "$notes|$issue" 2>/dev/null)
if [ -n "$found" ]; then
  echo "$found"
  echo "citations of documents that are not in the repository (cite kernel lines or docs/):"
  exit 1
fi
echo "no citation outside the repository"
