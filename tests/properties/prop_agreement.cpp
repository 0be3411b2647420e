// SPDX-License-Identifier: GPL-2.0-or-later
// Property: the reference, the walker and the kernel party give the same outcome (the return
// value, pfns[], every table word, the notifier and the log: model/outcome.h), on every
// generated world and range. Parties not built are left out; with fewer than two the test is
// skipped. The ground truth is the kernel party when built, else the reference.
#include "harness/check.h"
#include "harness/parties.h"
#include "tests/properties/generators.h"
#include "tests/properties/props_support.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace hmmspec::props {
namespace {

void parties_agree(const WorldDesc& d) {
  const Scenario s = build_scenario(d);
  const ScenarioRun run = run_scenario(s, built_parties());
  const Outcome& truth = run.results.front().outcome;
  RC_TAG(truth.livelock   ? std::string("livelock")
         : truth.ret >= 0 ? std::string("success")
                          : errno_name(truth.ret));
  if (!run.divergence) return;
  for (const PartyResult& pr : run.results)
    RC_LOG() << outcome_text(pr.party.name, s.range, pr.outcome);
  RC_FAIL(divergence_text(*run.divergence));
}

} // namespace

TEST(Property, PartiesAgree) {
  if (built_parties().size() < 2) GTEST_SKIP() << "fewer than two parties in this build";
  rc::detail::checkGTest(&parties_agree);
}

} // namespace hmmspec::props
