// SPDX-License-Identifier: GPL-2.0-or-later
// Property: a counterexample printed by these tests replays. The scenario file a description
// prints (print_scenario) parses back to the same world, range and run options, so the file
// RapidCheck shows on a failure is the failing case itself; with race events and later calls
// too.
#include "model/scenario_format.h"
#include "tests/properties/generators.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace hmmspec::props {
namespace {

void counterexamples_replay(const WorldDesc& d) {
  const Scenario s = build_scenario(d);
  const std::string text = print_scenario(s);
  ParseResult parsed = parse_scenario(text, "counterexample.hmm");
  if (auto* e = std::get_if<ParseError>(&parsed))
    RC_FAIL("the printed scenario does not parse: " + e->str());
  const Scenario& back = std::get<Scenario>(parsed);
  RC_ASSERT(back.world == s.world);
  RC_ASSERT(back.range == s.range);
  RC_ASSERT(back.options.restart_budget == s.options.restart_budget);
  RC_ASSERT(back.driver_loop == s.driver_loop); // (its events are the world's)
  RC_ASSERT(back.calls.size() == s.calls.size());
  for (std::size_t k = 0; k < s.calls.size(); ++k) {
    RC_ASSERT(back.calls[k].ops.size() == s.calls[k].ops.size());
    for (std::size_t i = 0; i < s.calls[k].ops.size(); ++i)
      RC_ASSERT(back.calls[k].ops[i].op == s.calls[k].ops[i].op);
  }
}

} // namespace

TEST(Property, CounterexamplesReplay) {
  rc::detail::checkGTest(&counterexamples_replay);
}

// The same for the worlds of PartiesAgreeWithRaces: their race lines print and parse back.
TEST(Property, CounterexamplesWithRacesReplay) {
  rc::detail::checkGTest([] { counterexamples_replay(*gen_world_desc_with_races()); });
}

// The same for the sequences of PartiesAgreeOnSequences: their call and operation lines print
// and parse back (every operation kept applies where the parser tries it).
TEST(Property, CounterexamplesWithCallsReplay) {
  rc::detail::checkGTest([] { counterexamples_replay(*gen_world_desc_with_calls()); });
}

} // namespace hmmspec::props
