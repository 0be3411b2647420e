// SPDX-License-Identifier: GPL-2.0-or-later
// Every hand-written spec scenario (tests/scenarios/spec/*.hmm for v5.7, spec-6.1/ and
// spec-6.12/ for the Debian kernels) run through the reference: one test per file. Each must
// parse, meet every expectation written in it, and fire every rule it names in a `rule` line
// (model/trace.h), so a scenario cannot claim a rule it does not exercise; and no rule may fire
// in a version it does not hold in (model/rules.h). The kernel selftests replayed
// (tests/scenarios/selftests-6.1/ and selftests-6.12/, docs/selftests.md) name no rules: each
// must parse, say its directory's kernel, meet its expectations on the reference and fire only
// rules of its version.
#include <gtest/gtest.h>

#include <csignal>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "harness/explain.h"
#include "model/reference.h"
#include "model/rules.h"
#include "model/scenario_format.h"
#include "model/trace.h"

namespace hmmspec {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> spec_scenarios(const std::string& dirname) {
  std::vector<std::string> files;
  fs::path dir = fs::path(HMMSPEC_SOURCE_DIR) / "tests" / "scenarios" / dirname;
  if (fs::is_directory(dir))
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".hmm") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::string> all_spec_scenarios() {
  std::vector<std::string> files;
  for (const char* d : {"spec", "spec-6.1", "spec-6.12"})
    for (std::string& f : spec_scenarios(d)) files.push_back(std::move(f));
  return files;
}

// "pte_none" for spec/pte-none.hmm, "v6_1_gap_hole" for spec-6.1/gap-hole.hmm.
std::string test_name(const testing::TestParamInfo<std::string>& info) {
  fs::path p(info.param);
  std::string dir = p.parent_path().filename().string();
  std::string n = (dir == "spec" ? "" : "v" + dir.substr(5) + "_") + p.stem().string();
  for (char& c : n)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
}

// Every rule that fired in `trace` holds in kernel version k.
void expect_rules_hold_in(const Trace& trace, KernelVersion k) {
  EXPECT_EQ(trace.kernel, k);
  std::set<RuleId> fired;
  for (const RuleHit& h : trace.call) fired.insert(h.rule);
  for (const PageRun& run : trace.hits) fired.insert(run.hit.rule);
  for (RuleId r : fired) {
    EXPECT_TRUE(rule_info(r).holds_in(k)) << rule_id(r) << " fired in a " << version_name(k)
                                          << " world; it holds in " << versions_text(rule_info(r));
  }
}

class SpecScenario : public testing::TestWithParam<std::string> {};

TEST_P(SpecScenario, ReferenceMeetsExpectationsAndFiresItsRules) {
  ParseResult parsed = load_scenario(GetParam());
  if (const ParseError* e = std::get_if<ParseError>(&parsed)) FAIL() << e->str();
  const Scenario& s = std::get<Scenario>(parsed);
  // Every hmm_range_fault call traced: one per call, or one per try of the driver loop.
  std::deque<Trace> traces;
  auto traced = [&](const World& w, const HmmRange& r, const RunOptions& opt) {
    return reference_hmm_range_fault(w, r, opt, &traces.emplace_back());
  };
  Outcome o = make_scenario_call(s, s.world, s.range, traced);
  const Trace trace = traces.empty() ? Trace{} : traces.front(); // for the explanation
  for (const Failure& f : check_expectations(s, o)) {
    ADD_FAILURE() << f.loc.file << ":" << f.loc.line << ": " << f.message;
  }
  // A sequence: every later call on the world the one before left, each traced.
  Outcome previous = o;
  for (std::size_t k = 2; k <= s.calls.size() + 1; ++k) {
    World w = previous.world;
    HmmRange r;
    if (auto f = prepare_call(s, k, w, r)) FAIL() << f->loc.line << ": " << f->message;
    previous = make_scenario_call(s, w, r, traced);
    for (const Failure& f : check_expectations(s, k, previous))
      ADD_FAILURE() << f.loc.file << ":" << f.loc.line << " (call " << k << "): " << f.message;
  }
  EXPECT_FALSE(s.rules.empty()) << "a spec scenario names the rule(s) it pins";
  for (const std::string& id : s.rules) {
    std::optional<RuleId> r = find_rule(id);
    if (!r) {
      ADD_FAILURE() << "unknown rule " << id;
      continue;
    }
    bool fired = false;
    for (const Trace& t : traces) fired = fired || t.fired(*r);
    EXPECT_TRUE(fired) << id << " is named but fires in no call:\n" << explain_text(s, o, trace);
  }
  // Every rule that fired holds in the scenario's kernel version.
  for (const Trace& t : traces) expect_rules_hold_in(t, s.world.geom.kernel);
}

INSTANTIATE_TEST_SUITE_P(Spec, SpecScenario, testing::ValuesIn(all_spec_scenarios()), test_name);

// The replayed kernel selftests of both 6.x versions, "selftests_6_12_anon_read".
std::vector<std::string> selftest_scenarios() {
  std::vector<std::string> files;
  for (const char* d : {"selftests-6.1", "selftests-6.12"})
    for (std::string& f : spec_scenarios(d)) files.push_back(std::move(f));
  return files;
}

std::string selftest_name(const testing::TestParamInfo<std::string>& info) {
  fs::path p(info.param);
  std::string n = p.parent_path().filename().string() + "_" + p.stem().string();
  for (char& c : n)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
}

class SelftestScenario : public testing::TestWithParam<std::string> {};

TEST_P(SelftestScenario, ReferenceMeetsTheSelftestsExpectations) {
  ParseResult parsed = load_scenario(GetParam());
  if (const ParseError* e = std::get_if<ParseError>(&parsed)) FAIL() << e->str();
  const Scenario& s = std::get<Scenario>(parsed);
  const std::string dir = fs::path(GetParam()).parent_path().filename().string();
  EXPECT_EQ("selftests-" + std::string(version_name(s.world.geom.kernel)), dir)
      << "a selftest scenario says the kernel of its directory";
  Trace trace;
  Outcome o = reference_hmm_range_fault(s.world, s.range, s.options, &trace);
  for (const Failure& f : check_expectations(s, o)) {
    ADD_FAILURE() << f.loc.file << ":" << f.loc.line << ": " << f.message;
  }
  expect_rules_hold_in(trace, s.world.geom.kernel);
}

INSTANTIATE_TEST_SUITE_P(Selftests, SelftestScenario, testing::ValuesIn(selftest_scenarios()),
                         selftest_name);

TEST(SpecScenarios, ThereAreSixtyOrMore) {
  EXPECT_GE(spec_scenarios("spec").size(), 60u);
  EXPECT_GE(spec_scenarios("spec-6.1").size(), 25u);
  EXPECT_GE(spec_scenarios("spec-6.12").size(), 25u);
  EXPECT_GE(spec_scenarios("selftests-6.1").size(), 20u);
  EXPECT_GE(spec_scenarios("selftests-6.12").size(), 20u);
}

} // namespace
} // namespace hmmspec
