// SPDX-License-Identifier: GPL-2.0-or-later
#include "harness/check.h"

#include <algorithm>

#include "harness/parties.h"

namespace hmmspec {

bool ScenarioRun::ok() const {
  if (divergence) return false;
  return std::all_of(results.begin(), results.end(),
                     [](const PartyResult& r) { return r.failures.empty(); });
}

ScenarioRun run_scenario(const Scenario& s, const std::vector<Party>& parties) {
  ScenarioRun run;
  for (const Party& p : ground_truth_first(parties)) {
    if (!p.id.runs(s.world.geom.kernel)) continue; // a party of other kernel versions
    PartyResult r{p.id, p.run(s.world, s.range, s.options), {}};
    r.failures = check_expectations(s, r.outcome);
    if (!run.results.empty() && !run.divergence) {
      const PartyResult& truth = run.results.front();
      if (auto d = first_difference(s.range, truth.outcome, r.outcome))
        run.divergence = Divergence{p.id, truth.party, *d, std::nullopt, std::nullopt, ""};
    }
    run.results.push_back(std::move(r));
  }
  return run;
}

} // namespace hmmspec
