// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: the scenario parser and printer on arbitrary text. Parsing never crashes
// (a rejected file is fine); a scenario that parses prints to text that parses to the same
// world, range and budget (fuzz/scenario_check.h). Sanitizers catch UB on the way.
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "fuzz/scenario_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto err = hmmspec::fuzz::check_scenario_round_trip(text)) {
    std::fprintf(stderr, "\nscenario round trip failed: %s\n--- input ---\n%.*s\n", err->c_str(),
                 int(size), reinterpret_cast<const char*>(data));
    std::abort();
  }
  return 0;
}
