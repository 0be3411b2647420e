// SPDX-License-Identifier: GPL-2.0-or-later
// Checks that fuzz/byte_source.h reads exactly as libFuzzer's FuzzedDataProvider: the same
// random inputs decoded through both give the same cases. Built with the fuzzers (clang);
// registered as a test of the fuzz build and run by fuzz/ci.sh.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdio>
#include <cstdlib>
#include <random>

#include "fuzz/byte_source.h"
#include "fuzz/case_io.h"

int main(int argc, char** argv) {
  using namespace hmmspec::fuzz;
  unsigned long n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 100000;
  std::mt19937_64 rng(57);
  for (unsigned long i = 0; i < n; ++i) {
    std::vector<std::uint8_t> v(rng() % 600);
    for (auto& b : v) b = std::uint8_t(rng());
    const std::uint8_t* d = v.empty() ? nullptr : v.data() + 1;
    std::size_t len = v.empty() ? 0 : v.size() - 1;
    FuzzedDataProvider fdp(d, len);
    CaseReader<FuzzedDataProvider> r1(fdp);
    FuzzCase a;
    io_case(r1, a);
    ByteSource src(d, len);
    CaseReader<ByteSource> r2(src);
    FuzzCase b;
    io_case(r2, b);
    if (!(a == b) || fdp.remaining_bytes() != src.remaining_bytes()) {
      std::fprintf(stderr, "provider_equivalence: input %lu (%zu bytes) decodes differently\n", i,
                   v.size());
      return 1;
    }
  }
  std::printf(
      "provider_equivalence: %lu inputs decode alike through FuzzedDataProvider and ByteSource\n",
      n);
  return 0;
}
