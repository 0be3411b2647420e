#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# hmmspec set-up on Debian 12.
#   ./build.sh run    build, then list the parties and run the built-in scenario suite on them
#   ./build.sh test   build, then run every test (ctest)
#   ./build.sh test-asan   the same tests in a Debug build with ASan and UBSan
# test and test-asan treat warnings as errors (HMMSPEC_WERROR), as CI does.
# Set HMMSPEC_KERNEL_HMM_C=/path/to/linux/mm/hmm.c to build the v5.7 kernel party from that file.
# The Debian 6.1 and 6.12 kernel parties are built from /usr/src/linux-source-{6.1,6.12}.tar.xz
# (the packages linux-source-6.1 and linux-source-6.12, installed here without their
# recommendations: only the tarball is used).
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(build-essential cmake ninja-build pkg-config libfmt-dev libcli11-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev librapidcheck-dev libbenchmark-dev libz3-dev z3 cvc5
  clang-14 libclang-rt-14-dev llvm-14 clang-format-14)
KERNEL_SOURCES=(linux-source-6.1 linux-source-6.12)

missing_of() { # the packages of "$@" that are not installed
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || echo "$p"
  done
}

install_missing() {
  local missing sources updated=0
  mapfile -t missing < <(missing_of "${PACKAGES[@]}")
  mapfile -t sources < <(missing_of "${KERNEL_SOURCES[@]}")
  if [ "$(id -u)" -eq 0 ]; then
    if [ ${#missing[@]} -gt 0 ]; then
      echo "hmmspec: installing ${missing[*]}"
      apt-get update -qq && updated=1
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
    if [ ${#sources[@]} -gt 0 ]; then
      echo "hmmspec: installing ${sources[*]} (for the kernel parties kernel-6.1 and kernel-6.12)"
      [ $updated -eq 1 ] || apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${sources[@]}" >/dev/null
    fi
    return 0
  fi
  if [ ${#sources[@]} -gt 0 ]; then # optional: the build goes on without those kernel parties
    echo "hmmspec: ${sources[*]} not installed: the build has no kernel party of their version." >&2
    echo "  For them: sudo apt-get install -y --no-install-recommends ${sources[*]}" >&2
  fi
  if [ ${#missing[@]} -gt 0 ]; then
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
  echo "hmmspec: parties (name, kernel version, label)"
  ./build/tools/hmmspec parties
  ./build/tools/hmmspec run --builtin --quiet
  ;;
test)
  install_missing
  configure_and_build build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHMMSPEC_WERROR=ON
  # HMMSPEC_CTEST_ARGS: more ctest arguments (.ci/run leaves out the ClusterFuzzLite build,
  # which fuzz/ci.sh's own build of the same fuzzers covers there)
  ctest --test-dir build --output-on-failure -j "$(nproc)" ${HMMSPEC_CTEST_ARGS:-}
  ;;
test-asan)
  install_missing
  # HMMSPEC_ASAN_ARGS: more CMake arguments (.ci/run leaves out the Debian kernels here)
  configure_and_build build-asan -DCMAKE_BUILD_TYPE=Debug -DHMMSPEC_SANITIZE=ON -DHMMSPEC_WERROR=ON \
    -DHMMSPEC_PROOFS=OFF ${HMMSPEC_ASAN_ARGS:-} # the proofs run in the main build and are re-checked by z3 and cvc5
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j "$(nproc)" -LE slow # (slow: builds of their own and long runs, run by ./build.sh test)
  ;;
*)
  echo "usage: ./build.sh run | test | test-asan" >&2
  exit 2
  ;;
esac
