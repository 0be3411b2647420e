// SPDX-License-Identifier: GPL-2.0-or-later
// Running one scenario on parties: the parties that run the scenario's kernel version
// (World::geom.kernel) each run it, and each outcome is checked against the scenario's
// expectations and against the ground truth (that version's kernel party when there is one,
// else the reference). Used by `hmmspec run`, `explain`, `exhaustive`, the differential run
// and the test suites.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/divergence.h"
#include "harness/party.h"
#include "model/scenario.h"

namespace hmmspec {

struct PartyResult {
  PartyId party;
  Outcome outcome;
  std::vector<Failure> failures; // unmet expectations
};

struct ScenarioRun {
  std::vector<PartyResult> results; // in party order; the ground truth first
  std::optional<Divergence> divergence;
  // Set, and results empty, when none of the parties runs the scenario's kernel version: why
  // ("no party runs kernel 6.1 worlds (parties: reference walker)").
  std::optional<std::string> unsupported;
  // No divergence, every expectation met, and every party returned (Outcome::failure).
  bool ok() const;
};

// Runs `s` on every party of its kernel version, the ground truth first (ground_truth_first);
// the other parties are left out.
ScenarioRun run_scenario(const Scenario& s, const std::vector<Party>& parties);

} // namespace hmmspec
