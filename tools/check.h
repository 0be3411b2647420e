// SPDX-License-Identifier: GPL-2.0-or-later
// Running one scenario on every built party: each outcome is checked against the scenario's
// expectations and against the ground truth (the kernel party when built, else the
// reference). Used by `hmmspec run`, `explain`, the fuzzers and the test suites.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/party.h"
#include "model/scenario.h"

namespace hmmspec {

struct PartyResult {
  std::string party;
  Outcome outcome;
  std::vector<Failure> failures; // unmet expectations
};

struct Divergence {
  std::string party;   // the party that departs
  std::string against; // the ground truth it departs from
  Difference diff;
};

struct ScenarioRun {
  std::vector<PartyResult> results; // in party order; the ground truth first
  std::optional<Divergence> divergence;
  bool ok() const;
};

// Orders parties with the ground truth first (kernel, else reference).
std::vector<Party> ground_truth_first(std::vector<Party> parties);
ScenarioRun run_scenario(const Scenario& s, const std::vector<Party>& parties);

} // namespace hmmspec
