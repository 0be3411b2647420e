// SPDX-License-Identifier: GPL-2.0-or-later
// Property: a call changes the world only as the fault model and the walker's own rules
// allow: faults only add permissions or replace entries as the fault model says, and nothing
// outside [start, end) changes except through the units a fault or the walk touches (the
// huge page or table of a faulted page, a cleared bad PGD/P4D entry, a cleared huge PUD).
// The rules are stated in fault_effects.h. Every party is checked, whatever it returns.
//
// Precondition: no page table is reached through two pointers (walk_facts.h). With aliased
// tables a fault may rewrite a word through a path that exists only between two of its
// steps (a pointer it later overwrites itself), so neither the world before nor the one after
// shows why the word changed; such cases are counted (RC_TAG), not judged.
#include "harness/parties.h"
#include "tests/properties/fault_effects.h"
#include "tests/properties/generators.h"
#include "tests/properties/props_support.h"
#include "tests/properties/walk_facts.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace hmmspec::props {
namespace {

void faults_only_add_or_replace(const WorldDesc& d) {
  const Scenario s = build_scenario(d);
  const bool unaliased = tables_unaliased(s.world);
  for (const Party& p : built_parties()) {
    const Outcome o = run_party(p, s);
    RC_TAG(o.world.log.empty() ? "no fault or wait" : "faults or waits",
           unaliased ? "tables unaliased" : "aliased tables");
    auto problem = unexplained_change(s.world, o.world, s.range);
    if (!problem) continue;
    if (!unaliased) { // a fault may rewrite a word through a path that neither world still has
      RC_TAG("aliased tables: a change left unexplained");
      continue;
    }
    RC_LOG() << outcome_text(p.id.name, s.range, o);
    RC_FAIL(p.id.name + ": " + *problem);
  }
}

} // namespace

TEST(Property, FaultsOnlyAddOrReplace) {
  rc::detail::checkGTest(&faults_only_add_or_replace);
}

} // namespace hmmspec::props
