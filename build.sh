#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# hmmspec set-up on Debian 12.
#   ./build.sh run    build, then run the built-in scenario suite on every party
#   ./build.sh test   build, then run every test (ctest)
#   ./build.sh test-asan   the same tests in a Debug build with ASan and UBSan
# test and test-asan treat warnings as errors (HMMSPEC_WERROR), as CI does.
# Set HMMSPEC_KERNEL_HMM_C=/path/to/linux/mm/hmm.c to build the kernel party from that file.
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(build-essential cmake ninja-build pkg-config libfmt-dev libcli11-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev librapidcheck-dev libbenchmark-dev libz3-dev z3 cvc5
  clang-14 libclang-rt-14-dev llvm-14 clang-format-14)

install_missing() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ]; then
    echo "hmmspec: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "hmmspec: missing Debian packages. Run as root, or install them with:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 2
  fi
}

configure_and_build() { # $1 build dir, then extra cmake arguments
  local dir=$1
  shift
  local kernel=()
  if [ -n "${HMMSPEC_KERNEL_HMM_C:-}" ]; then
    kernel=(-DHMMSPEC_KERNEL_HMM_C="$(realpath "$HMMSPEC_KERNEL_HMM_C")")
  fi
  cmake -S . -B "$dir" -G Ninja "${kernel[@]}" "$@" >/dev/null
  cmake --build "$dir" -j "$(nproc)"
}

verb=${1:-}
case "$verb" in
run)
  install_missing
  configure_and_build build -DCMAKE_BUILD_TYPE=RelWithDebInfo
  ./build/tools/hmmspec run --builtin --quiet
  ;;
test)
  install_missing
  configure_and_build build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHMMSPEC_WERROR=ON
  ctest --test-dir build --output-on-failure -j "$(nproc)"
  ;;
test-asan)
  install_missing
  configure_and_build build-asan -DCMAKE_BUILD_TYPE=Debug -DHMMSPEC_SANITIZE=ON -DHMMSPEC_WERROR=ON \
    -DHMMSPEC_PROOFS=OFF # the proofs run in the main build and are re-checked by z3 and cvc5
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j "$(nproc)"
  ;;
*)
  echo "usage: ./build.sh run | test | test-asan" >&2
  exit 2
  ;;
esac
