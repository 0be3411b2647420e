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
  Outcome outcome;               // the first call's
  std::vector<Failure> failures; // unmet expectations, of every call
  // The outcomes of the later calls of a sequence (Scenario::calls), in order. A party that
  // did not return from a call (Outcome::failure) makes no later call.
  std::vector<Outcome> later;
  // The outcome of call k (1-based), if the party made it.
  const Outcome* call(std::size_t k) const {
    return k <= 1 ? &outcome : k - 2 < later.size() ? &later[k - 2] : nullptr;
  }
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
// the other parties are left out. A sequence (Scenario::calls) runs call by call on each
// party: each later call on the world that party's previous call left, once prepare_call
// applied the call's operations; each call's outcome is checked against that call's
// expectations and compared with the ground truth's outcome of the same call.
ScenarioRun run_scenario(const Scenario& s, const std::vector<Party>& parties);

} // namespace hmmspec
