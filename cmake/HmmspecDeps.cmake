# SPDX-License-Identifier: GPL-2.0-or-later
# Finds every dependency from Debian 12 packages; a missing one stops configure and names the
# package to install.

function(hmmspec_require found what package)
  if(NOT ${found})
    message(FATAL_ERROR "hmmspec: ${what} not found. Install the Debian package: apt-get install ${package}")
  endif()
endfunction()

find_package(CLI11 CONFIG QUIET)
hmmspec_require(CLI11_FOUND "CLI11 (argument parsing)" libcli11-dev)
find_package(fmt CONFIG QUIET)
hmmspec_require(fmt_FOUND "{fmt} (text formatting; GCC 12 has no <format>)" libfmt-dev)
find_package(nlohmann_json CONFIG QUIET)
hmmspec_require(nlohmann_json_FOUND "nlohmann-json (JSON output)" nlohmann-json3-dev)

if(HMMSPEC_TESTS)
  find_package(GTest CONFIG QUIET)
  hmmspec_require(GTest_FOUND "GoogleTest" "libgtest-dev libgmock-dev")
  find_package(rapidcheck CONFIG QUIET)
  hmmspec_require(rapidcheck_FOUND "RapidCheck" librapidcheck-dev)
endif()
if(HMMSPEC_BENCH)
  find_package(benchmark CONFIG QUIET)
  hmmspec_require(benchmark_FOUND "Google Benchmark" libbenchmark-dev)
endif()
if(HMMSPEC_PROOFS)
  find_package(PkgConfig QUIET)
  hmmspec_require(PKG_CONFIG_FOUND "pkg-config" pkg-config)
  pkg_check_modules(Z3 QUIET IMPORTED_TARGET z3)
  hmmspec_require(Z3_FOUND "Z3 (z3++.h, via pkg-config)" libz3-dev)
endif()
if(HMMSPEC_FUZZ AND NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "hmmspec: HMMSPEC_FUZZ needs clang (apt-get install clang-14 libclang-rt-14-dev; "
                      "configure with -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14)")
endif()
