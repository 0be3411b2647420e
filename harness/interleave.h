// SPDX-License-Identifier: GPL-2.0-or-later
// `hmmspec interleave` (docs/checking.md, "Interleavings"): every interleaving point the v5.7
// walk of a scenario reaches (the race points of model/race.h, at each entry or faulted page the
// walk reaches them for, at each reach: `race ... at=K`) times every race operation, and every
// mm operation at the driver loop's points (`during`, model/driver.h), each run under the driver
// loop (model/driver.h) on every party, checking that the parties agree and that the driver
// contract holds (harness/contract.h). A variant whose event never fires is not a point the walk
// reaches, and is not counted.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/check.h"
#include "harness/party.h"
#include "model/driver.h"
#include "model/scenario.h"

namespace hmmspec {

struct InterleaveOptions {
  bool plant = false;          // add the planted fault zap-silent to the operations
  DriverLoop loop{64, 8};      // for a scenario with no driver-loop line of its own
  std::size_t max_sites = 256; // candidate (point, entry) pairs per scenario, lowest first
  unsigned max_reach = 4;      // the reaches of one point tried (race ... at=K, K <= this)
  u64 max_pages = 4096;        // larger ranges are skipped
};

// A variant that breaks agreement or the contract: the runnable scenario (its race and
// driver-loop lines, no expectations: running it reproduces the finding), what went wrong, and
// the problem's key (InterleaveProblem, below: what a shrunk variant must keep).
struct InterleaveFinding {
  Scenario variant;
  std::string what;
  std::string key;
};

struct InterleaveResult {
  std::optional<std::string> skipped; // why the scenario was not explored
  std::size_t candidates = 0;         // (point, entry, operation) variants tried
  std::size_t capped = 0;             // candidate sites left out by max_sites
  std::size_t interleavings = 0;      // variants whose event fired: reached and checked
  // variants whose event fired but left a world a later call's operation cannot be applied to
  // (mm_op_unsupported: a history the model does not cover); not checked
  std::size_t inapplicable = 0;
  std::vector<InterleaveFinding> findings;
};

// The scenario under its driver loop without its own events and expectations (the base), then
// every variant: the base with one event.
InterleaveResult interleave(const Scenario& s, const std::vector<Party>& parties,
                            const InterleaveOptions& o);

// The finding as a runnable scenario file: the description says what went wrong.
std::string finding_text(const InterleaveFinding& f);

// The problem of a run as interleave checks it (a divergence, a party that did not return, a
// driver-contract violation), or nothing; `key` names what stays fixed while a finding is shrunk:
// the kind of problem, the party, and for a violation its contract rule (C-VALID, ...).
struct InterleaveProblem {
  std::string what;
  std::string key;
};
std::optional<InterleaveProblem> interleave_problem(const ScenarioRun& run);

} // namespace hmmspec
