// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: bytes -> world and range through FuzzedDataProvider (fuzz/case_io.h), run
// on every built party; a divergence from the ground truth prints the report (the departing
// party, the rule that decided the differing page, a signature line, the scenario with the
// ground truth's outcome as expectations) and aborts. At exit the rule coverage of the run is
// printed (docs/fuzzing.md). HMMSPEC_FUZZ_GEOMETRY=NAME (a built-in geometry) pins every
// input to that geometry: focused campaigns, and the per-geometry speed of docs/fuzzing.md.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdio>
#include <cstdlib>
#include <optional>

#include "fuzz/case_io.h"
#include "harness/differential.h"

namespace {

using namespace hmmspec;
using namespace hmmspec::fuzz;

// libFuzzer calls the target as a plain function: the parties and the coverage live here.
Differential& differential() {
  static Differential d;
  return d;
}

std::optional<u64>& pinned_geometry() {
  static std::optional<u64> pin;
  return pin;
}

// (In -fork mode the parent runs no input: only the workers print.)
void print_rule_coverage() {
  if (differential().coverage().executions() == 0) return;
  std::fprintf(stderr, "\n%s", differential().coverage().report().c_str());
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* g = std::getenv("HMMSPEC_FUZZ_GEOMETRY")) {
    pinned_geometry() = pinned_geometry_selector(g);
    if (!pinned_geometry()) {
      std::fprintf(stderr, "diff_fuzzer: HMMSPEC_FUZZ_GEOMETRY=%s is not a built-in geometry\n", g);
      std::exit(2);
    }
  }
  std::fprintf(stderr, "diff_fuzzer: encoding %u, parties [%s]%s%s\n", unsigned(kEncodingVersion),
               differential().party_names().c_str(),
               pinned_geometry() ? ", geometry pinned to " : "",
               pinned_geometry() ? std::getenv("HMMSPEC_FUZZ_GEOMETRY") : "");
  std::atexit(print_rule_coverage);
  return 0;
}

// libFuzzer's own mutators, on the bytes after the version byte: every input the fuzzer makes
// carries the current encoding version, as the corpus must (tests/unit/test_fuzz_replay.cpp).
extern "C" std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size, std::size_t max_size);

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size,
                                               std::size_t max_size, unsigned int /*seed*/) {
  if (max_size == 0) return 0;
  if (size == 0) size = 1;
  data[0] = kEncodingVersion;
  return 1 + LLVMFuzzerMutate(data + 1, size - 1, max_size - 1);
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // byte 0 is the encoding version; the rest is read as FuzzedDataProvider reads it
  FuzzedDataProvider provider(size ? data + 1 : data, size ? size - 1 : 0);
  CaseReader<FuzzedDataProvider> reader(provider, pinned_geometry());
  FuzzCase c;
  io_case(reader, c);
  Scenario s = build_case(c);
  ScenarioRun r = differential().run(s);
  if (r.divergence) {
    std::fprintf(stderr, "\n%s", report_text(s, r).c_str());
    std::fprintf(
        stderr, "reproduce: hmmspec reproduce%s%s CRASH_FILE (the crash-* file libFuzzer writes)\n",
        pinned_geometry() ? " --geometry " : "",
        pinned_geometry() ? std::getenv("HMMSPEC_FUZZ_GEOMETRY") : "");
    std::abort();
  }
  return 0;
}
