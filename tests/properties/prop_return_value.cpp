// SPDX-License-Identifier: GPL-2.0-or-later
// Property: the return value equals the spec's `last` rule (hmm.c:597; docs/spec.md, R-RETURN), as
// stated independently in spec_last.h for calls that make no fault and no migration wait:
//   - when the rule finds the call fault-free, every party returns what the rule says (a
//     count, -EFAULT, -EBUSY for a stale sequence, -EINVAL for an empty range) with an empty
//     log;
//   - when the rule finds a fault or wait is needed, every party logs one;
//   - when a call with faults succeeds on page tables that form a tree (walk_facts.h), the
//     rule applied to the world it leaves (with the sequence read afresh) finds that world
//     fault-free and gives the same count (prop_second_call.cpp says why the tree is needed).
#include "harness/parties.h"
#include "tests/properties/generators.h"
#include "tests/properties/props_support.h"
#include "tests/properties/spec_last.h"
#include "tests/properties/walk_facts.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace hmmspec::props {
namespace {

void return_follows_last_rule(const WorldDesc& d) {
  const Scenario s = build_scenario(d);
  const LastRule rule = fault_free_return(s.world, s.range);
  RC_TAG(rule.fault_free ? "fault-free" : "needs a fault");
  for (const Party& p : built_parties()) {
    const Outcome o = run_party(p, s);
    auto fail = [&](const std::string& what) {
      RC_LOG() << outcome_text(p.id.name, s.range, o);
      RC_FAIL(fmt::format("{}: {} (rule: {} at {:#x})", p.id.name, what, rule.why, rule.where));
    };
    if (rule.fault_free) {
      if (!o.world.log.empty())
        fail("logged " + describe(o.world.log.front()) + " on a fault-free call");
      if (o.livelock || o.ret != rule.ret)
        fail(fmt::format("returned {}, the last rule gives {}",
                         o.livelock ? "livelock" : errno_name(o.ret), errno_name(rule.ret)));
      continue;
    }
    if (o.world.log.empty()) fail("a fault or wait is needed, but none was logged");
    if (o.livelock || o.ret < 0 || !tables_form_a_tree(s.world)) continue;
    const LastRule after = fault_free_return(o.world, second_call_range(s.range, o));
    if (!after.fault_free)
      fail(fmt::format("succeeded, but the world it leaves still needs a fault at {:#x} ({})",
                       after.where, after.why));
    if (after.ret != o.ret)
      fail(fmt::format("returned {}, the last rule on the world it leaves gives {}",
                       errno_name(o.ret), errno_name(after.ret)));
  }
}

} // namespace

TEST(Property, ReturnFollowsLastRule) {
  rc::detail::checkGTest(&return_follows_last_rule);
}

} // namespace hmmspec::props
