// SPDX-License-Identifier: GPL-2.0-or-later
// Human-readable and JSON views of worlds, ranges, outcomes and divergences for the command
// line.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "harness/differential.h"
#include "harness/divergence.h"
#include "model/outcome.h"
#include "model/scenario.h"
#include "model/scenario_lexer.h"

namespace hmmspec {

std::string vma_flags_text(const Vma& v);
std::string world_text(const World& w); // geometry, VMAs, entries per level, owners, ...
std::string range_text(const World& w, const HmmRange& r); // fields and requests as V/W

// The driver loop of a call (model/driver.h), one line per chunk: "    chunk 0
// [0x0, 0x4000): 2 tries: -EBUSY (seq 0); 4 (seq 1), check passed". Empty for a direct call.
std::string driver_chunks_text(const Outcome& o);
// One try of the driver loop: "-EBUSY (seq 0)", "4 (seq 1), check passed", with the events
// that landed before and after the call.
std::string driver_try_text(const DriverTry& t);
// The driver-loop line of a scenario, for `show`: "Driver loop: chunks of 64 pages (1 chunk),
// at most 8 tries each (lib/test_hmm.c)".
std::string driver_loop_text(const Scenario& s);

nlohmann::json world_json(const World& w);
nlohmann::json range_json(const World& w, const HmmRange& r);
nlohmann::json outcome_json(const HmmRange& r, const Outcome& o);
// {party, against, what, expected, actual}: the ground truth's value is the expected one.
nlohmann::json divergence_json(const Divergence& d);
// {executions, rules: {R-...: executions in which it fired}, never_hit: [...]}
nlohmann::json coverage_json(const RuleCoverage& c);
using scenario_text::hex; // 0x2a (model/scenario_lexer.h)

// The one way JSON is written: indented, with a final newline. Bytes of strings that are not
// UTF-8 (a scenario name, a file name, a geometry name are the user's bytes) are replaced by
// U+FFFD, so the output is valid JSON for every input.
std::string json_text(const nlohmann::json& j);

} // namespace hmmspec
