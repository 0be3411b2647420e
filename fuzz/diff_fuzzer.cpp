// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: bytes -> world and range through FuzzedDataProvider (fuzz/case_io.h), run
// on every built party of the case's kernel version (byte 0, input_header); a divergence from the
// ground truth prints the report (the departing party, the rule that decided the differing page, a
// signature line, the scenario with the ground truth's outcome as expectations) and aborts. At exit
// the rule coverage of the run is printed (docs/fuzzing.md). HMMSPEC_FUZZ_GEOMETRY=NAME (a built-in
// geometry) pins every input to that geometry: focused campaigns, and the per-geometry speed of
// docs/fuzzing.md. HMMSPEC_FUZZ_VERSION=5.7|6.1|6.12 likewise pins every input to one kernel
// version.
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

std::optional<KernelVersion>& pinned_version() {
  static std::optional<KernelVersion> pin;
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
  if (const char* v = std::getenv("HMMSPEC_FUZZ_VERSION"); v && *v) { // (empty: unset)
    pinned_version() = version_from_name(v);
    if (!pinned_version()) {
      std::fprintf(stderr, "diff_fuzzer: HMMSPEC_FUZZ_VERSION=%s is not 5.7, 6.1 or 6.12\n", v);
      std::exit(2);
    }
  }
  std::fprintf(stderr, "diff_fuzzer: encoding %u, parties [%s]%s%s%s%s\n",
               unsigned(kEncodingVersion), differential().party_names().c_str(),
               pinned_geometry() ? ", geometry pinned to " : "",
               pinned_geometry() ? std::getenv("HMMSPEC_FUZZ_GEOMETRY") : "",
               pinned_version() ? ", version pinned to " : "",
               pinned_version() ? std::getenv("HMMSPEC_FUZZ_VERSION") : "");
  std::atexit(print_rule_coverage);
  return 0;
}

// libFuzzer's own mutators, on the bytes after the header byte: every input the fuzzer makes
// carries the current encoding version, as the corpus must (tests/unit/test_fuzz_replay.cpp),
// and keeps its kernel version but for one mutation in 16, which moves it to another version
// (so that a case found in one version is tried in the others).
extern "C" std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size, std::size_t max_size);

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size,
                                               std::size_t max_size, unsigned int seed) {
  if (max_size == 0) return 0;
  KernelVersion v = size ? header_kernel(data[0]) : KernelVersion::V5_7;
  if (size == 0) size = 1;
  if (seed % 16 == 0) v = kAllKernelVersions[(seed / 16) % kAllKernelVersions.size()];
  if (pinned_version()) v = *pinned_version();
  data[0] = input_header(v);
  return 1 + LLVMFuzzerMutate(data + 1, size - 1, max_size - 1);
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // byte 0 is the header (encoding and kernel version); the rest is read as FuzzedDataProvider
  // reads it
  FuzzedDataProvider provider(size ? data + 1 : data, size ? size - 1 : 0);
  CaseReader<FuzzedDataProvider> reader(provider, pinned_geometry());
  FuzzCase c;
  c.kernel = pinned_version() ? *pinned_version()
             : size           ? header_kernel(data[0])
                              : KernelVersion::V5_7;
  io_case(reader, c);
  Scenario s = build_case(c);
  ScenarioRun r = differential().run(s);
  if (r.divergence) {
    std::fprintf(stderr, "\n%s", report_text(s, r).c_str());
    std::fprintf(
        stderr,
        "reproduce: hmmspec reproduce%s%s%s%s CRASH_FILE (the crash-* file libFuzzer writes)\n",
        pinned_geometry() ? " --geometry " : "",
        pinned_geometry() ? std::getenv("HMMSPEC_FUZZ_GEOMETRY") : "",
        pinned_version() ? " --version " : "",
        pinned_version() ? std::getenv("HMMSPEC_FUZZ_VERSION") : "");
    std::abort();
  }
  return 0;
}
