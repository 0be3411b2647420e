// SPDX-License-Identifier: GPL-2.0-or-later
// Every hand-written spec scenario (tests/scenarios/spec/*.hmm) run through the reference:
// one test per file. Each must parse, meet every expectation written in it, and fire every
// rule it names in a `rule` line (model/trace.h), so a scenario cannot claim a rule it does
// not exercise.
#include <gtest/gtest.h>

#include <csignal>

// <csignal>, which GoogleTest pulls in, defines SIGBUS and SIGSEGV as macros; they would
// rewrite fault::SIGBUS and fault::SIGSEGV in model/world.h.
#undef SIGBUS
#undef SIGSEGV

#include <algorithm>
#include <filesystem>
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

std::vector<std::string> spec_scenarios() {
  std::vector<std::string> files;
  fs::path dir = fs::path(HMMSPEC_SOURCE_DIR) / "tests" / "scenarios" / "spec";
  if (fs::is_directory(dir))
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".hmm") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

std::string test_name(const testing::TestParamInfo<std::string>& info) {
  std::string n = fs::path(info.param).stem().string();
  for (char& c : n)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
}

class SpecScenario : public testing::TestWithParam<std::string> {};

TEST_P(SpecScenario, ReferenceMeetsExpectationsAndFiresItsRules) {
  ParseResult parsed = load_scenario(GetParam());
  if (const ParseError* e = std::get_if<ParseError>(&parsed)) FAIL() << e->str();
  const Scenario& s = std::get<Scenario>(parsed);
  Trace trace;
  Outcome o = reference_hmm_range_fault(s.world, s.range, s.options, &trace);
  for (const Failure& f : check_expectations(s, o))
    ADD_FAILURE() << f.loc.file << ":" << f.loc.line << ": " << f.message;
  EXPECT_FALSE(s.rules.empty()) << "a spec scenario names the rule(s) it pins";
  for (const std::string& id : s.rules) {
    std::optional<RuleId> r = find_rule(id);
    if (!r) {
      ADD_FAILURE() << "unknown rule " << id;
      continue;
    }
    EXPECT_TRUE(trace.fired(*r)) << id << " is named but does not fire:\n"
                                 << explain_text(s, o, trace);
  }
}

INSTANTIATE_TEST_SUITE_P(Spec, SpecScenario, testing::ValuesIn(spec_scenarios()), test_name);

TEST(SpecScenarios, ThereAreSixtyOrMore) {
  EXPECT_GE(spec_scenarios().size(), 60u);
}

} // namespace
} // namespace hmmspec
