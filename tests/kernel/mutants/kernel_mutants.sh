#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Are one-line edits of the kernels' mm/hmm.c caught? (docs/kernel-party.md, "Edits to
# hmm.c show up"). For each mutant of tests/kernel/mutants/mutants.txt: the version's mm/hmm.c
# and Makefile, extracted once from /usr/src/linux-source-VERSION.tar.xz into a scratch
# directory (for VERSION 5.7: the v5.7 hmm.c named by HMMSPEC_SEED_HMM_C, without a Makefile),
# are copied, the line is checked (its hash) and edited, and the copy is made a
# kernel party of its own with the hmmspec-add-kernel of the build installed into a scratch
# prefix (no rebuild of the tree: one hmm.c, the descriptor and a link, a few seconds). The
# mutant then runs the built-in suite beside its version's reference:
#   hmmspec --kernel MUTANT.so run --builtin --party mutant-V-ID,reference-V
# whose spec-V and selftests-V scenarios carry the unchanged kernel's own outcomes as
# expectations. A mutant is CAUGHT when that run fails some scenario (exit 1); the failing
# scenarios and the first difference are printed. MISSED when every scenario passes (expected
# only of a mutant listed as "(equivalent)").
#
#   kernel_mutants.sh BUILD_DIR [-v VERSION] [ID...]    # every mutant, or those named
#   HMMSPEC_MUTANTS_DIR=DIR   the scratch directory (default BUILD_DIR/kernel-mutants)
#   HMMSPEC_SEED_HMM_C=FILE   the v5.7 mm/hmm.c of the 5.7 mutants (without it they are left out)
#   CMAKE=PATH                the cmake that installs the build (default: cmake)
# Exit status: 0 when every mutant was caught (and every equivalent one missed); 1 when one was
# not, did not compile, did not match its line, or its run ended otherwise than with a verdict;
# 2 on bad arguments; 77 when a listed version's tarball (or the seed) is missing (ctest:
# skipped).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
list=$here/mutants.txt
edit_line=$here/../broken/edit_line.sh

usage() {
  sed -n '17,24s/^# \{0,1\}//p' "$0" >&2
  exit 2
}
[ $# -ge 1 ] || usage
build=$(realpath "$1")
shift
only_version="" ids=()
while [ $# -gt 0 ]; do
  case "$1" in
  -v) [ $# -ge 2 ] || usage; only_version=$2; shift 2 ;;
  -*) usage ;;
  *) ids+=("$1"); shift ;;
  esac
done
[ -x "$build/tools/hmmspec" ] || { echo "kernel_mutants.sh: no $build/tools/hmmspec; build first" >&2; exit 2; }

# The mutants to run: "VERSION ID LINE HASH FROM TO DESCRIPTION" lines, `FROM` and `TO` quoted
# with backquotes (which C does not use).
# shellcheck disable=SC2016 # the backquotes are the format's, not a command
re='^([0-9.]+) +([a-z0-9-]+) +([0-9]+) +([0-9a-f]{12}) +`([^`]*)` +`([^`]*)` +(.*)$'
selected=() no_seed=0
while IFS= read -r l; do
  case "$l" in '' | '#'*) continue ;; esac
  [[ $l =~ $re ]] || { echo "kernel_mutants.sh: $list: bad line: $l" >&2; exit 2; }
  v=${BASH_REMATCH[1]} id=${BASH_REMATCH[2]}
  [ -z "$only_version" ] || [ "$v" = "$only_version" ] || continue
  if [ ${#ids[@]} -gt 0 ]; then
    want=0
    for i in "${ids[@]}"; do [ "$i" = "$id" ] || [ "$i" = "$v/$id" ] && want=1; done
    [ $want -eq 1 ] || continue
  fi
  if [ "$v" = 5.7 ] && { [ -z "${HMMSPEC_SEED_HMM_C:-}" ] || [ ! -f "$HMMSPEC_SEED_HMM_C" ]; }; then
    no_seed=$((no_seed + 1))
    continue
  fi
  selected+=("$l")
done <"$list"
if [ "$no_seed" -gt 0 ]; then
  echo "kernel_mutants.sh: $no_seed v5.7 mutant(s) left out: HMMSPEC_SEED_HMM_C names no v5.7 mm/hmm.c"
  [ ${#selected[@]} -gt 0 ] || exit 77
fi
[ ${#selected[@]} -gt 0 ] || { echo "kernel_mutants.sh: no mutant selected" >&2; exit 2; }

scratch=${HMMSPEC_MUTANTS_DIR:-$build/kernel-mutants}
rm -rf "$scratch"
mkdir -p "$scratch"
t_start=$(date +%s)

# The versions' trees: mm/hmm.c and the Makefile (the version label), as the build extracted
# them (BUILD_DIR/kernel/debian-V, kernel/CMakeLists.txt) when not older than the tarball, else
# extracted once here.
versions=$(printf '%s\n' "${selected[@]}" | awk '{ print $1 }' | sort -u)
for v in $versions; do
  if [ "$v" = 5.7 ]; then # the seed: no tarball, no Makefile (hmmspec-add-kernel is told 5.7)
    mkdir -p "$scratch/tree-$v/mm"
    cp "$HMMSPEC_SEED_HMM_C" "$scratch/tree-$v/mm/hmm.c"
    continue
  fi
  tarball=/usr/src/linux-source-$v.tar.xz
  if [ ! -f "$tarball" ]; then
    echo "kernel_mutants.sh: $tarball is missing (apt-get install --no-install-recommends linux-source-$v): skipped"
    exit 77
  fi
  mkdir -p "$scratch/tree-$v/mm"
  built=$build/kernel/debian-$v
  if [ -f "$built/mm/hmm.c" ] && [ -f "$built/Makefile" ] && ! [ "$tarball" -nt "$built/mm/hmm.c" ]; then
    cp "$built/mm/hmm.c" "$scratch/tree-$v/mm/hmm.c"
    cp "$built/Makefile" "$scratch/tree-$v/Makefile"
  else
    tar -xJf "$tarball" -C "$scratch/tree-$v" --strip-components=1 \
      "linux-source-$v/mm/hmm.c" "linux-source-$v/Makefile"
  fi
done

# The build installed into a scratch prefix: hmmspec-add-kernel and its SDK, and the hmmspec
# that loads the build's own kernel objects besides the mutant.
prefix=$scratch/prefix
"${CMAKE:-cmake}" --install "$build" --prefix "$prefix" >"$scratch/install.log" 2>&1 || {
  tail -n 20 "$scratch/install.log" >&2
  exit 1
}
hmmspec=$prefix/bin/hmmspec
add_kernel=$prefix/bin/hmmspec-add-kernel

bad=0
summary=()
for l in "${selected[@]}"; do
  [[ $l =~ $re ]]
  v=${BASH_REMATCH[1]} id=${BASH_REMATCH[2]} n=${BASH_REMATCH[3]} hash=${BASH_REMATCH[4]}
  from=${BASH_REMATCH[5]} to=${BASH_REMATCH[6]} what=${BASH_REMATCH[7]}
  equivalent=0
  case "$what" in '(equivalent)'*) equivalent=1 ;; esac
  tree=$scratch/tree-$v
  dir=$scratch/$v-$id
  mkdir -p "$dir/mm"
  family=() reference=reference-$v
  if [ "$v" = 5.7 ]; then
    family=(5.7) reference=reference
  else
    cp "$tree/Makefile" "$dir/Makefile"
  fi
  echo "== $v/$id: line $n: \`$from\` -> \`$to\`: $what"

  # The line, known by its hash: a tarball that moved it is told (and the line found again
  # when its text is on exactly one other line); one whose line changed stops the mutant.
  at=$n
  if [ "$(sed -n "${n}p" "$tree/mm/hmm.c" | tr -d '\n' | sha256sum | cut -c1-12)" != "$hash" ]; then
    found=$(k=0; while IFS= read -r t || [ -n "$t" ]; do
      k=$((k + 1))
      if [ "$(printf '%s' "$t" | sha256sum | cut -c1-12)" = "$hash" ]; then echo "$k"; fi
    done <"$tree/mm/hmm.c")
    if [ "$(printf '%s' "$found" | grep -c .)" -eq 1 ]; then
      at=$found
      echo "   the line is now line $at of this tarball's mm/hmm.c"
    else
      echo "   STALE: line $n of $v mm/hmm.c is not the line this mutant edits (hash $hash)"
      summary+=("$v/$id: STALE (line $n changed)")
      bad=1
      continue
    fi
  fi
  "$edit_line" "$tree/mm/hmm.c" "$dir/mm/hmm.c" "$at" "$from" "$to" || {
    summary+=("$v/$id: STALE (\`$from\` not once on line $at)")
    bad=1
    continue
  }

  name=mutant-$v-$id
  so=$dir/libhmmspec_kernel_$name.so
  if ! "$add_kernel" --no-check -o "$so" -n "$name" "$dir/mm/hmm.c" "${family[@]}" \
    >"$dir/build.log" 2>&1; then
    echo "   DOES NOT COMPILE; see $dir/build.log"
    grep -m 3 'error' "$dir/build.log" | sed 's/^/   /' || true
    summary+=("$v/$id: DOES NOT COMPILE")
    bad=1
    continue
  fi

  set +e
  timeout 900 "$hmmspec" --kernel "$so" run --builtin --quiet --party "$name,$reference" \
    >"$dir/run.log" 2>&1
  rc=$?
  set -e
  fails=$(sed -n 's/^FAIL \([^ ]*\).*/\1/p' "$dir/run.log")
  count=$(printf '%s' "$fails" | grep -c . || true)
  if [ "$rc" -eq 1 ] && [ "$count" -gt 0 ]; then
    first=$(grep -m 1 -A 1 '^FAIL ' "$dir/run.log" | sed -n '2s/^ *//p')
    shown=$(printf '%s\n' "$fails" | sed -n '1,6p' | paste -sd ' ' -) # sed reads it all: no SIGPIPE
    [ "$count" -gt 6 ] && shown="$shown ..."
    echo "   CAUGHT by $count scenarios: $shown"
    echo "   first: $(head -c 300 <<<"$first")"
    summary+=("$v/$id: CAUGHT by $count ($shown)")
    if [ "$equivalent" -eq 1 ]; then
      echo "   but it is listed as equivalent: the list is wrong"
      summary+=("$v/$id: listed as equivalent, but CAUGHT")
      bad=1
    fi
  elif [ "$rc" -eq 0 ] && [ "$equivalent" -eq 1 ]; then
    echo "   MISSED, as expected of an equivalent mutant: $(tail -n 1 "$dir/run.log")"
    summary+=("$v/$id: MISSED (equivalent)")
  elif [ "$rc" -eq 0 ]; then
    echo "   MISSED: $(tail -n 1 "$dir/run.log")"
    summary+=("$v/$id: MISSED")
    bad=1
  else
    echo "   the run ended with exit $rc without a failing scenario; see $dir/run.log"
    tail -n 3 "$dir/run.log" | sed 's/^/   /'
    summary+=("$v/$id: NO VERDICT (exit $rc)")
    bad=1
  fi
done

echo "== summary: ${#selected[@]} mutants in $(($(date +%s) - t_start)) s"
printf '%s\n' "${summary[@]}"
exit "$bad"
