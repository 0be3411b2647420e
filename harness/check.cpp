// SPDX-License-Identifier: GPL-2.0-or-later
#include "harness/check.h"

#include <fmt/format.h>

#include <algorithm>

#include "harness/contract.h"
#include "harness/parties.h"
#include "model/table_tree.h"

namespace hmmspec {

bool ScenarioRun::ok() const {
  if (divergence || unsupported) return false;
  return std::all_of(results.begin(), results.end(),
                     [](const PartyResult& r) { return r.failures.empty() && !r.outcome.failure; });
}

ScenarioRun run_scenario(const Scenario& s, const std::vector<Party>& parties) {
  ScenarioRun run;
  // The parties of the scenario's version, ground truth first (as ground_truth_first, without
  // copying them: this runs for every fuzzed input).
  const KernelVersion version = s.world.geom.kernel;
  std::vector<const Party*> runs;
  for (const Party& p : parties)
    if (p.id.kernel == version) runs.push_back(&p);
  if (runs.empty()) {
    run.unsupported = fmt::format("no party runs kernel {} worlds (parties: {})",
                                  version_name(version), party_names(parties));
    return run;
  }
  std::stable_sort(runs.begin(), runs.end(), [](const Party* a, const Party* b) {
    return ground_truth_rank(a->id.kind) < ground_truth_rank(b->id.kind);
  });
  run.results.reserve(runs.size());
  for (const Party* party : runs) {
    const Party& p = *party;
    std::vector<Failure> contract; // driver contract violations, of every call
    // Call k as the scenario makes it: directly, or by the driver loop, whose chunks that
    // end in success are held to the driver contract (harness/contract.h).
    // (the contract reads the CPU's view from the root: it is stated for worlds whose tables
    // form a tree, docs/checking.md)
    auto make_call = [&](std::size_t k, const World& w, const HmmRange& range) {
      if (!s.driver_loop) return p.run(w, range, s.options);
      if (!tables_form_a_tree(w))
        return driver_hmm_range_fault(*s.driver_loop, w, range, s.options, p.run);
      DriverContractCheck check;
      auto done = [&](const World& after, const HmmRange& requests, const DriverChunk& c) {
        check.chunk_done(after, requests, c);
      };
      Outcome o = driver_hmm_range_fault(*s.driver_loop, w, range, s.options, p.run, done);
      if (!o.failure) check.call_done(o.world);
      for (const ContractViolation& v : check.violations())
        contract.push_back(
            Failure{s.driver_loop_loc, fmt::format("call {}: {}", k, describe(v)), v.rule});
      return o;
    };
    PartyResult r{p.id, make_call(1, s.world, s.range), {}, {}};
    r.failures = check_expectations(s, r.outcome);
    // the first difference from the ground truth's outcome of call k
    auto compare = [&](std::size_t k, const HmmRange& range, const Outcome& o) {
      if (run.results.empty() || run.divergence) return;
      const Outcome* truth = run.results.front().call(k);
      if (!truth) return;
      if (auto d = first_difference(range, *truth, o))
        run.divergence =
            Divergence{p.id, run.results.front().party, *d, std::nullopt, std::nullopt, "", k};
    };
    compare(1, s.range, r.outcome);
    r.later.reserve(s.calls.size());
    for (std::size_t k = 2; k <= s.calls.size() + 1; ++k) {
      const Outcome& previous = *r.call(k - 1);
      if (previous.failure) break; // the party did not return: no later call
      World w = previous.world;
      HmmRange range;
      if (auto f = prepare_call(s, k, w, range)) {
        r.failures.push_back(*f);
        break;
      }
      Outcome o = make_call(k, w, range);
      for (Failure& f : check_expectations(s, k, o)) r.failures.push_back(std::move(f));
      compare(k, range, o);
      r.later.push_back(std::move(o));
    }
    for (Failure& f : contract) r.failures.push_back(std::move(f));
    run.results.push_back(std::move(r));
  }
  return run;
}

} // namespace hmmspec
