// SPDX-License-Identifier: GPL-2.0-or-later
#include "tools/check.h"

#include <algorithm>

namespace hmmspec {

bool ScenarioRun::ok() const {
  if (divergence) return false;
  return std::all_of(results.begin(), results.end(),
                     [](const PartyResult& r) { return r.failures.empty(); });
}

std::vector<Party> ground_truth_first(std::vector<Party> parties) {
  auto rank = [](const Party& p) { return p.name == "kernel" ? 0 : p.name == "reference" ? 1 : 2; };
  std::stable_sort(parties.begin(), parties.end(),
                   [&](const Party& a, const Party& b) { return rank(a) < rank(b); });
  return parties;
}

ScenarioRun run_scenario(const Scenario& s, const std::vector<Party>& parties) {
  ScenarioRun run;
  for (const Party& p : ground_truth_first(parties)) {
    PartyResult r{p.name, p.run(s.world, s.range, s.options), {}};
    r.failures = check_expectations(s, r.outcome);
    if (!run.results.empty() && !run.divergence) {
      const PartyResult& truth = run.results.front();
      if (auto d = first_difference(s.range, truth.outcome, r.outcome))
        run.divergence = Divergence{p.name, truth.party, *d};
    }
    run.results.push_back(std::move(r));
  }
  return run;
}

} // namespace hmmspec
