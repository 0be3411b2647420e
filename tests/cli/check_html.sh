#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The picture of a walk (`hmmspec explain --html`, docs/picture.md) in a headless Chromium: each
# page loads with no script error, console error or blocked resource (its inline script writes
# them into #self-check), and the DOM after load has the expected number of page cells, every
# one laid out with a box, and of page-table rows. A scenario name that is markup is shown as
# text. Exit 77 (skipped) when there is no chromium.
#
#   tests/cli/check_html.sh HMMSPEC SOURCE_DIR
set -uo pipefail
hmmspec=$1
src=$2
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "check_html: no chromium on PATH: skipped (apt-get install --no-install-recommends chromium)"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# render NAME SCENARIO: the page at $tmp/NAME.html, the DOM after load at $tmp/NAME.dom
render() {
  local name=$1 scenario=$2 rc
  "$hmmspec" explain --html "$scenario" -o "$tmp/$name.html"
  rc=$?
  [ $rc -le 1 ] || fail "$name: hmmspec explain --html exits $rc"
  timeout 120 "$browser" --headless=new --disable-gpu --no-sandbox --no-first-run \
    --user-data-dir="$tmp/profile" --enable-logging=stderr --v=0 \
    --dump-dom "file://$tmp/$name.html" >"$tmp/$name.dom" 2>"$tmp/$name.log"
  rc=$?
  [ $rc -eq 0 ] || { fail "$name: chromium exits $rc"; cat "$tmp/$name.log"; }
}

# check NAME CELLS ENTRIES: the DOM of NAME has CELLS cells, all drawn, ENTRIES tree rows, and
# no error
check() {
  local name=$1 cells=$2 entries=$3 dom=$tmp/$1.dom n drawn errors
  grep -q 'id="self-check"' "$dom" || { fail "$name: no #self-check in the DOM"; return; }
  errors=$(grep -o 'data-errors="[0-9]*"' "$dom" | grep -o '[0-9]*')
  drawn=$(grep -o 'data-cells-drawn="[0-9]*"' "$dom" | grep -o '[0-9]*')
  [ "$errors" = 0 ] || fail "$name: $errors script errors: $(sed -n '/id="self-check"/,/<\/div>/p' "$dom")"
  n=$(grep -o 'data-cell="' "$dom" | wc -l)
  [ "$n" -eq "$cells" ] || fail "$name: $n page cells in the DOM, want $cells"
  [ "$drawn" = "$cells" ] || fail "$name: $drawn page cells laid out with a box, want $cells"
  n=$(grep -o 'data-entry="' "$dom" | wc -l)
  [ "$n" -eq "$entries" ] || fail "$name: $n page-table rows in the DOM, want $entries"
  if grep -i 'CONSOLE' "$tmp/$name.log" | grep -iq 'error'; then
    fail "$name: console errors: $(grep -i CONSOLE "$tmp/$name.log")"
  fi
}

# The mixed world of docs/picture.md (as `hmmspec explain` groups its pages, each first page
# of a chunk apart from the rest by its rules). 15 cells: the hugetlb page (0, 1-511), the
# empty hugetlb slot (512, 513-1023), the four PTEs 1024, 1025, 1026, 1027 (the swap entry, where
# the faults start), the rest of the PMD chunk faulted in (1028-1535), the THP (1536,
# 1537-2047), the gap (2048, 2049-2559), the last VMA (2560, 2561-3071). 12 rows: pgd, pud, the
# hugetlb page, the empty hugetlb slot, the pmd table of the PTEs, its 4 PTEs and its 508 none
# slots, the THP, and the 2 none pmd slots of the gap and the last VMA.
render mixed "$src/docs/examples/picture-mixed.hmm"
check mixed 15 12

# A name that is markup is text: escaped in the file, not an element in the DOM.
cat >"$tmp/markup.hmm" <<'HMM'
scenario <script>document.title='pwned'</script><b>&amp;
vma 0x200000-0x202000 read write anon
pte 0x200000 page pfn=0x1000
range 0x200000-0x202000
HMM
render markup "$tmp/markup.hmm"
check markup 2 5
if grep -q "<script>document.title" "$tmp/markup.html"; then fail "markup: the name is not escaped in the page"; fi
grep -q "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;&lt;b&gt;&amp;amp;" "$tmp/markup.html" ||
  fail "markup: the escaped name is not in the page"
if grep -q "<title>pwned" "$tmp/markup.dom"; then fail "markup: the name's script ran"; fi
if grep -q "<b>&amp;amp;" "$tmp/markup.dom"; then fail "markup: the name became an element"; fi

if [ $failures -ne 0 ]; then
  echo "check_html: $failures failure(s)"
  exit 1
fi
echo "check_html: the pictures load without errors, with the expected cells and rows"
