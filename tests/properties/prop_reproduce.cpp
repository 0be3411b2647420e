// SPDX-License-Identifier: GPL-2.0-or-later
// Property: any bytes -> `hmmspec reproduce` -> a scenario file that parses, gives the same
// outcome on every party and meets its own expectations. (Inverted ranges, start above end,
// once printed as a range line the parser refused.)
#include "fuzz/fuzz_case.h"
#include "fuzz/reproduce.h"
#include "harness/check.h"
#include "harness/parties.h"
#include "model/scenario_format.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace hmmspec::props {
namespace {

void reproduced_scenarios_replay(const std::vector<std::uint8_t>& tail, bool versioned) {
  std::vector<std::uint8_t> bytes = tail;
  if (versioned) bytes.insert(bytes.begin(), std::uint8_t(fuzz::kEncodingVersion));
  fuzz::ReproduceOptions o;
  o.input_name = "input.bin";
  o.attempts = 200;
  fuzz::Reproduction rep = fuzz::reproduce_input(bytes, o);
  const std::string text = print_scenario(rep.scenario);
  ParseResult parsed = parse_scenario(text, "reproduced.hmm");
  if (auto* e = std::get_if<ParseError>(&parsed))
    RC_FAIL("the reproduced scenario does not parse: " + e->str() + "\n" + text);
  const Scenario& back = std::get<Scenario>(parsed);
  RC_ASSERT(back.world == rep.scenario.world);
  RC_ASSERT(back.range == rep.scenario.range);
  // (the parties of the input's kernel version, which its first byte names)
  const std::vector<Party> parties = built_parties(rep.scenario.world.geom.kernel);
  RC_TAG(std::string(version_name(rep.scenario.world.geom.kernel)));
  ScenarioRun before = run_scenario(rep.scenario, parties), after = run_scenario(back, parties);
  RC_ASSERT(!before.unsupported);
  RC_ASSERT(before.results.size() == after.results.size());
  for (std::size_t i = 0; i < before.results.size(); ++i) {
    RC_ASSERT(!first_difference(back.range, before.results[i].outcome, after.results[i].outcome));
    RC_ASSERT(after.results[i].failures.size() == 0u);
  }
  RC_ASSERT(bool(after.divergence) == bool(rep.divergence));
}

} // namespace

TEST(Property, ReproducedScenariosReplay) {
  rc::detail::checkGTest(&reproduced_scenarios_replay);
}

// The input the fuzzer reported: an inverted range (0x60000-0x50000).
TEST(Reproduce, InvertedRangeParses) {
  const std::vector<std::uint8_t> bytes{0xc5, 0x0e, 0x06, 0x45, 0xe1, 0xc3, 0x6d, 0xe4, 0xda, 0x7e,
                                        0x18, 0x95, 0xb6, 0x76, 0xe1, 0x63, 0x8b, 0x60, 0x5a, 0x9f,
                                        0x24, 0xf1, 0xf7, 0x78, 0x50, 0xf4, 0x19, 0x5b, 0x24, 0x22};
  fuzz::Reproduction rep = fuzz::reproduce_input(bytes, fuzz::ReproduceOptions{});
  ASSERT_GT(rep.scenario.range.start, rep.scenario.range.end);
  const std::string text = print_scenario(rep.scenario);
  EXPECT_NE(text.find("range 0x60000-0x50000 inverted\n"), std::string::npos) << text;
  ParseResult parsed = parse_scenario(text, "inverted.hmm");
  ASSERT_TRUE(std::holds_alternative<Scenario>(parsed)) << std::get<ParseError>(parsed).str();
  EXPECT_TRUE(run_scenario(std::get<Scenario>(parsed), built_parties()).ok());
}

} // namespace hmmspec::props
