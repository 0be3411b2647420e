// SPDX-License-Identifier: GPL-2.0-or-later
// Running one scenario on parties: each outcome is checked against the scenario's
// expectations and against the ground truth (the kernel party when built, else the
// reference). Used by `hmmspec run`, `explain`, `exhaustive`, the differential run and the
// test suites.
#pragma once

#include <optional>
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
  bool ok() const;
};

// Runs `s` on every party that runs its kernel version (PartyId::runs), the ground truth first
// (ground_truth_first); the other parties are left out.
ScenarioRun run_scenario(const Scenario& s, const std::vector<Party>& parties);

} // namespace hmmspec
