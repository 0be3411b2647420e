// SPDX-License-Identifier: GPL-2.0-or-later
// The property scenario_fuzzer checks on arbitrary text, shared with the replay test: parsing
// never crashes, and a scenario that parses prints to text that parses to the same world,
// range and restart budget.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hmmspec::fuzz {

// Nothing when the property holds (the text parses and round-trips, or is rejected with a
// parse error); otherwise what went wrong, with the printed text.
std::optional<std::string> check_scenario_round_trip(std::string_view text);

} // namespace hmmspec::fuzz
