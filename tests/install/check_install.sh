#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# In the user's hands: `cmake --install` into a temporary prefix; the installed hmmspec finds
# its own kernel objects there (not the build tree's), prints its version, runs a scenario;
# the installed hmmspec-add-kernel makes a kernel party of an hmm.c that the installed hmmspec
# loads with --kernel and runs; the man pages and the docs are there.
#   check_install.sh CMAKE BUILD_DIR LIBDIR HMM_C
set -u
cmake=$1
build=$2
libdir=$3
hmm_c=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
fail=0
ok() { echo "ok   $*"; }
bad() {
  echo "FAIL $*"
  fail=1
}

"$cmake" --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1 || {
  cat "$tmp/install.log"
  exit 1
}
for f in bin/hmmspec bin/hmmspec-add-kernel share/man/man1/hmmspec.1 \
  share/man/man1/hmmspec-add-kernel.1 share/doc/hmmspec/README.md share/doc/hmmspec/docs/kernel-party.md \
  "$libdir/hmmspec/sdk/toolchain.env" "$libdir/hmmspec/sdk/generated/kernel_abi_tag.h" \
  "$libdir/hmmspec/sdk/lib/libhmmspec_model_pic.a" "$libdir/hmmspec/sdk/kernel/entry.cpp" \
  "$libdir/hmmspec/sdk/kernel/include/linux/hmm.h"; do
  [ -e "$prefix/$f" ] && ok "installed $f" || bad "not installed: $f"
done
for family in 5.7 6.1 6.12; do
  a=$libdir/hmmspec/sdk/lib/libhmmspec_kernel_shim_$family.a
  [ -e "$prefix/$a" ] && ok "installed $a" || bad "not installed: $a"
done
# the man page has every command's help
for cmd in parties run explain exhaustive; do
  grep -q "^\.SS $cmd\$" "$prefix/share/man/man1/hmmspec.1" && ok "hmmspec.1 has $cmd" ||
    bad "hmmspec.1 lacks the section of $cmd"
done

hmmspec=$prefix/bin/hmmspec
# The installed hmmspec loads the installed objects, every one of them.
"$hmmspec" parties --json >"$tmp/parties.json" 2>"$tmp/err" || bad "installed hmmspec parties: $(cat "$tmp/err")"
# (the kernel parties the build lists: its broken test kernels are built but never listed)
built=$("$build/tools/hmmspec" parties --json | grep -c '"kind": "kernel"')
installed=$(grep -c "\"object\": \"$prefix/$libdir/hmmspec/libhmmspec_kernel_" "$tmp/parties.json")
[ "$built" -eq "$installed" ] && ok "the installed hmmspec loads its $installed installed kernel objects" ||
  bad "the build has $built kernel objects; the installed hmmspec loads $installed from $prefix: $(cat "$tmp/parties.json")"
grep -q "\"object\": \"$build" "$tmp/parties.json" && bad "the installed hmmspec loads an object of the build tree"

"$hmmspec" --version >"$tmp/version" 2>&1 || bad "hmmspec --version: $(cat "$tmp/version")"
grep -q "^hmmspec [0-9]\+\.[0-9]\+\.[0-9]\+$" "$tmp/version" && ok "--version: $(head -n 1 "$tmp/version")" ||
  bad "--version does not start with the version: $(head -n 3 "$tmp/version")"
"$hmmspec" --version --json >"$tmp/version.json" 2>&1 || bad "hmmspec --version --json failed"
grep -q '"hmmspec": "[0-9.]*"' "$tmp/version.json" && ok "--version --json" || bad "--version --json: $(head -c 300 "$tmp/version.json")"

example=$prefix/share/doc/hmmspec/docs/examples/mixed-world.hmm
"$hmmspec" run "$example" >"$tmp/run" 2>&1 && ok "installed hmmspec runs $example" ||
  bad "installed hmmspec run: $(tail -n 5 "$tmp/run")"

# A kernel party of the user's own hmm.c, by the installed helper.
obj=$tmp/objects/libhmmspec_kernel_user.so
if "$prefix/bin/hmmspec-add-kernel" -o "$obj" -n kernel-user "$hmm_c" 5.7 >"$tmp/add.log" 2>&1; then
  ok "hmmspec-add-kernel built $obj"
else
  bad "hmmspec-add-kernel: $(tail -n 20 "$tmp/add.log")"
fi
"$hmmspec" --kernel "$obj" parties >"$tmp/p2" 2>&1 && grep -q "^  kernel-user .*($obj)" "$tmp/p2" &&
  ok "the installed hmmspec lists kernel-user" || bad "--kernel $obj parties: $(cat "$tmp/p2")"
"$hmmspec" --kernel "$obj" run --party kernel-user "$example" >"$tmp/run2" 2>&1 &&
  grep -q "kernel-user" "$tmp/run2" && ok "kernel-user runs $example" ||
  bad "--kernel $obj run --party kernel-user: $(tail -n 5 "$tmp/run2")"
"$hmmspec" --kernel "$obj" run --builtin --quiet >"$tmp/run3" 2>&1 &&
  ok "the built-in suite agrees with kernel-user: $(tail -n 1 "$tmp/run3")" ||
  bad "--kernel $obj run --builtin: $(tail -n 5 "$tmp/run3")"
# A family hmmspec has no shim for is refused, saying how to state one.
"$prefix/bin/hmmspec-add-kernel" -o "$tmp/x.so" "$hmm_c" 5.10 >"$tmp/err" 2>&1
rc=$?
[ "$rc" -eq 2 ] && grep -q "the families are 5.7, 6.1 and 6.12" "$tmp/err" && ok "family 5.10 refused" ||
  bad "family 5.10: exit $rc: $(cat "$tmp/err")"
exit $fail
