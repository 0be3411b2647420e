// SPDX-License-Identifier: GPL-2.0-or-later
// The rule registry (model/rules.h), the written spec (docs/spec.md) and the spec scenarios
// (tests/scenarios/spec/*.hmm) must agree: every rule is stated in docs/spec.md with its
// seed lines and at least one scenario, every rule has a scenario that names it, every
// scenario names only known rules, cites seed lines in its description and carries full
// expectations (return value, every page's output, the log).
#include <gtest/gtest.h>

#include <csignal>

// <csignal>, which GoogleTest pulls in, defines SIGBUS and SIGSEGV as macros; they would
// rewrite fault::SIGBUS and fault::SIGSEGV in model/world.h.
#undef SIGBUS
#undef SIGSEGV

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "model/rules.h"
#include "model/scenario_format.h"

namespace hmmspec {
namespace {

namespace fs = std::filesystem;

const fs::path kSource = HMMSPEC_SOURCE_DIR;

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct ScenarioText {
  std::string file;               // file name, e.g. "pte-none.hmm"
  std::vector<std::string> rules; // from its `rule` lines
  std::string description;        // the comment lines before the first directive
};

std::vector<ScenarioText> scenario_texts() {
  std::vector<ScenarioText> out;
  fs::path dir = kSource / "tests" / "scenarios" / "spec";
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".hmm") continue;
    ScenarioText s{e.path().filename().string(), {}, {}};
    std::istringstream in(read_text(e.path()));
    std::string line;
    bool directives = false;
    while (std::getline(in, line)) {
      std::string t = line.substr(0, line.find('#'));
      t.erase(0, t.find_first_not_of(" \t"));
      if (t.empty()) {
        if (!directives && line.find('#') != std::string::npos) s.description += line + "\n";
        continue;
      }
      directives = true;
      std::istringstream words(t);
      std::string d, id;
      words >> d >> id;
      if (d == "rule") s.rules.push_back(id);
    }
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.file < b.file; });
  return out;
}

// The section of docs/spec.md under the heading "### R-ID", up to the next heading.
std::map<std::string, std::string> spec_sections() {
  std::map<std::string, std::string> sections;
  std::istringstream in(read_text(kSource / "docs" / "spec.md"));
  std::string line, current;
  while (std::getline(in, line)) {
    if (line.rfind("#", 0) == 0) {
      current.clear();
      std::smatch m;
      if (std::regex_match(line, m, std::regex(R"(### (R-[A-Z0-9-]+)\s*)"))) current = m[1];
      continue;
    }
    if (!current.empty()) sections[current] += line + "\n";
  }
  return sections;
}

TEST(SpecConsistency, RuleIdsAreUniqueAndWellFormed) {
  std::set<std::string_view> seen;
  for (const Rule& r : all_rules()) {
    EXPECT_TRUE(seen.insert(r.id).second) << "duplicate id " << r.id;
    EXPECT_TRUE(std::regex_match(std::string(r.id), std::regex("R-[A-Z0-9]+(-[A-Z0-9]+)*")))
        << r.id;
    EXPECT_FALSE(r.seed.empty()) << r.id;
    EXPECT_FALSE(r.summary.empty()) << r.id;
    EXPECT_EQ(find_rule(r.id), r.rule) << r.id;
    EXPECT_EQ(rule_id(r.rule), r.id);
  }
  EXPECT_EQ(all_rules().size(), static_cast<std::size_t>(RuleId::Count));
  EXPECT_FALSE(find_rule("R-NO-SUCH-RULE"));
}

TEST(SpecConsistency, EveryRuleHasAScenario) {
  std::set<std::string> named;
  for (const ScenarioText& s : scenario_texts()) named.insert(s.rules.begin(), s.rules.end());
  for (const Rule& r : all_rules())
    EXPECT_TRUE(named.contains(std::string(r.id)))
        << r.id << " has no scenario in tests/scenarios/spec/ that names it";
}

TEST(SpecConsistency, EveryScenarioNamesKnownRulesAndCitesTheSeed) {
  std::vector<ScenarioText> all = scenario_texts();
  EXPECT_GE(all.size(), 60u);
  std::regex citation(R"([a-z_/-]+\.[ch]:[0-9])");
  for (const ScenarioText& s : all) {
    EXPECT_FALSE(s.rules.empty()) << s.file << " names no rule";
    for (const std::string& id : s.rules)
      EXPECT_TRUE(find_rule(id).has_value()) << s.file << " names the unknown rule " << id;
    EXPECT_TRUE(std::regex_search(s.description, citation))
        << s.file << ": its description cites no seed lines (e.g. hmm.c:247-253)";
  }
}

TEST(SpecConsistency, SpecStatesEveryRuleWithItsSeedAndScenarios) {
  std::map<std::string, std::string> sections = spec_sections();
  std::map<std::string, std::set<std::string>> files_of_rule;
  std::set<std::string> files;
  for (const ScenarioText& s : scenario_texts()) {
    files.insert(s.file);
    for (const std::string& id : s.rules) files_of_rule[id].insert(s.file);
  }
  for (const Rule& r : all_rules()) {
    std::string id(r.id);
    auto it = sections.find(id);
    if (it == sections.end()) {
      ADD_FAILURE() << "docs/spec.md has no section '### " << id << "'";
      continue;
    }
    const std::string& text = it->second;
    EXPECT_NE(text.find(std::string(r.seed)), std::string::npos)
        << "docs/spec.md, " << id << ": does not cite its seed lines '" << r.seed << "'";
    // Every scenario the section points to exists and pins this rule; there is at least one.
    std::regex hmm(R"(([a-z0-9-]+\.hmm))");
    unsigned listed = 0;
    for (std::sregex_iterator m(text.begin(), text.end(), hmm), end; m != end; ++m) {
      std::string f = (*m)[1];
      ++listed;
      EXPECT_TRUE(files.contains(f)) << "docs/spec.md, " << id << ": no scenario " << f;
      EXPECT_TRUE(files_of_rule[id].contains(f))
          << "docs/spec.md, " << id << ": " << f << " does not name " << id;
    }
    EXPECT_GT(listed, 0u) << "docs/spec.md, " << id << ": names no scenario";
  }
  for (const auto& [id, text] : sections)
    EXPECT_TRUE(find_rule(id).has_value()) << "docs/spec.md states an unknown rule " << id;
}

// A spec scenario is a full regression test: the return value, every page's output and the
// complete log of faults and waits are written down.
TEST(SpecConsistency, EveryScenarioHasFullExpectations) {
  for (const ScenarioText& st : scenario_texts()) {
    ParseResult parsed =
        load_scenario((kSource / "tests" / "scenarios" / "spec" / st.file).string());
    if (std::holds_alternative<ParseError>(parsed)) continue; // reported by test_reference_spec
    const Scenario& s = std::get<Scenario>(parsed);
    bool ret = false, log = false;
    std::vector<bool> page(s.range.pfns.size(), false);
    for (const Expectation& e : s.expectations) {
      if (e.type == Expectation::Type::Ret) ret = true;
      if (e.type == Expectation::Type::Log) log = true;
      if (e.type == Expectation::Type::Pfn)
        for (u64 i = e.first; i < e.first + e.count && i < page.size(); ++i) page[i] = true;
    }
    EXPECT_TRUE(ret) << st.file << ": no 'expect ret'";
    EXPECT_TRUE(log) << st.file << ": no 'expect fault', 'expect wait' or 'expect nofault'";
    for (std::size_t i = 0; i < page.size(); ++i)
      EXPECT_TRUE(page[i]) << st.file << ": no 'expect pfn' for page " << i;
  }
}

} // namespace
} // namespace hmmspec
