// SPDX-License-Identifier: GPL-2.0-or-later
// Property: the reference, the walker and the kernel party give the same outcome (the return
// value, pfns[], every table word, the notifier and the log: model/outcome.h), on every
// generated world and range, with and without events at interleaving points. Parties not built are
// left out; with fewer than two the test is skipped. The ground truth is the kernel party when
// built, else the reference.
#include "harness/check.h"
#include "harness/parties.h"
#include "tests/properties/generators.h"
#include "tests/properties/props_support.h"
#include "tests/properties/walk_facts.h"

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
  if (!s.world.races.empty()) {
    bool fired = false;
    for (const Race& r : truth.world.races) fired |= r.fired;
    RC_TAG(fired ? std::string("an event fired") : std::string("no event fired"));
  }
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

// The same with events at interleaving points (model/race.h): every party reaches the same
// points for the same entries and decides alike afterwards.
// Only worlds whose tables form a tree: the reference looks every page up afresh from the root,
// while the kernel's walker goes on through the pointers it holds, so an event that clears an
// entry reached through two pointers would change the one and not the other (docs/spec.md,
// section 6a).
TEST(Property, PartiesAgreeWithRaces) {
  if (built_parties().size() < 2) GTEST_SKIP() << "fewer than two parties in this build";
  rc::detail::checkGTest([] {
    const WorldDesc d = *gen_world_desc_with_races();
    RC_PRE(tables_form_a_tree(build_scenario(d).world));
    parties_agree(d);
  });
}

} // namespace hmmspec::props
