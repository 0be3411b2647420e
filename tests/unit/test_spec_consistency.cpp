// SPDX-License-Identifier: GPL-2.0-or-later
// The rule registry (model/rules.h), the written spec (docs/spec.md) and the spec scenarios
// (tests/scenarios/spec/*.hmm for v5.7, tests/scenarios/spec-6.1/ and spec-6.12/ for the Debian
// kernels) must agree, for every kernel version: every rule is stated in docs/spec.md with its
// lines, the versions it holds in and at least one scenario of such a version; every rule that
// holds in 6.1 or 6.12 but not in v5.7 is pinned in each of those versions; every scenario
// names only known rules of its own version, cites kernel lines in its description and
// carries full expectations (return value, every page's output, the log, and in 6.x the
// kernel's reports).
#include <gtest/gtest.h>

#include <csignal>

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

// The spec scenario directories and the kernel version of each.
struct SpecDir {
  std::string dir;    // under tests/scenarios
  std::string prefix; // how docs/spec.md names its files: "" (v5.7), "6.1/", "6.12/"
  KernelVersion version;
};
const std::vector<SpecDir> kSpecDirs = {
    {"spec", "", KernelVersion::V5_7},
    {"spec-6.1", "6.1/", KernelVersion::V6_1},
    {"spec-6.12", "6.12/", KernelVersion::V6_12},
};

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct ScenarioText {
  std::string file;               // as docs/spec.md names it: "pte-none.hmm", "6.1/gap-hole.hmm"
  fs::path path;                  // where it is
  KernelVersion version;          // of its directory
  std::vector<std::string> rules; // from its `rule` lines
  std::string description;        // the comment lines before the first directive
};

std::vector<ScenarioText> scenario_texts() {
  std::vector<ScenarioText> out;
  for (const SpecDir& d : kSpecDirs) {
    fs::path dir = kSource / "tests" / "scenarios" / d.dir;
    if (!fs::is_directory(dir)) continue;
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.path().extension() != ".hmm") continue;
      ScenarioText s{d.prefix + e.path().filename().string(), e.path(), d.version, {}, {}};
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
        std::string dname, id;
        words >> dname >> id;
        if (dname == "rule") s.rules.push_back(id);
      }
      out.push_back(std::move(s));
    }
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.file < b.file; });
  return out;
}

std::size_t count_in(const std::vector<ScenarioText>& all, KernelVersion v) {
  return std::count_if(all.begin(), all.end(), [v](const auto& s) { return s.version == v; });
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
    EXPECT_FALSE(r.seed.empty() && r.v6.empty()) << r.id << " cites no kernel lines";
    // v5.7 lines iff it holds in v5.7; 6.x lines iff it holds in 6.1 or 6.12, each tree named
    EXPECT_EQ(r.seed.empty(), !r.holds_in(KernelVersion::V5_7)) << r.id;
    EXPECT_EQ(r.v6.empty(), !r.holds_in(KernelVersion::V6_1) && !r.holds_in(KernelVersion::V6_12))
        << r.id;
    if (r.holds_in(KernelVersion::V6_1)) {
      EXPECT_NE(r.v6.find("6.1"), std::string_view::npos) << r.id << ": no 6.1 lines";
    }
    if (r.holds_in(KernelVersion::V6_12)) {
      EXPECT_NE(r.v6.find("6.12"), std::string_view::npos) << r.id << ": no 6.12 lines";
    }
    EXPECT_FALSE(r.summary.empty()) << r.id;
    EXPECT_FALSE(versions_text(r).empty()) << r.id << " holds in no version";
    EXPECT_EQ(find_rule(r.id), r.rule) << r.id;
    EXPECT_EQ(rule_id(r.rule), r.id);
  }
  EXPECT_EQ(all_rules().size(), static_cast<std::size_t>(RuleId::Count));
  EXPECT_FALSE(find_rule("R-NO-SUCH-RULE"));
}

// Each version has its whole set of rules: a rule that changed has a variant for the version.
TEST(SpecConsistency, EveryVersionHasItsRules) {
  for (KernelVersion v : kAllKernelVersions) {
    std::size_t n = 0;
    for (const Rule& r : all_rules()) n += r.holds_in(v);
    EXPECT_GE(n, 60u) << version_name(v);
  }
  for (auto [a, b] : {std::pair{RuleId::Return, RuleId::ReturnZero},
                      std::pair{RuleId::PteSpecial, RuleId::PteNotNormal},
                      std::pair{RuleId::OutputValid, RuleId::OutputCpuFlags},
                      std::pair{RuleId::GapPud, RuleId::GapHole}}) {
    EXPECT_TRUE(rule_info(a).holds_in(KernelVersion::V5_7) &&
                !rule_info(a).holds_in(KernelVersion::V6_1));
    EXPECT_TRUE(rule_info(b).holds_in(KernelVersion::V6_1) &&
                rule_info(b).holds_in(KernelVersion::V6_12) &&
                !rule_info(b).holds_in(KernelVersion::V5_7));
  }
}

TEST(SpecConsistency, EveryRuleHasAScenarioOfAVersionItHoldsIn) {
  std::map<std::string, std::set<KernelVersion>> named;
  for (const ScenarioText& s : scenario_texts())
    for (const std::string& id : s.rules) named[id].insert(s.version);
  for (const Rule& r : all_rules()) {
    const std::set<KernelVersion>& in = named[std::string(r.id)];
    EXPECT_TRUE(std::any_of(in.begin(), in.end(), [&](KernelVersion v) { return r.holds_in(v); }))
        << r.id << " has no scenario of a version it holds in (" << versions_text(r) << ")";
    // A rule that is not v5.7's is new in 6.x: each 6.x version it holds in pins it.
    if (r.holds_in(KernelVersion::V5_7)) continue;
    for (KernelVersion v : {KernelVersion::V6_1, KernelVersion::V6_12})
      if (r.holds_in(v)) {
        EXPECT_TRUE(in.contains(v))
            << r.id << " has no scenario in tests/scenarios/spec-" << version_name(v) << "/";
      }
  }
}

TEST(SpecConsistency, EveryScenarioNamesKnownRulesOfItsVersionAndCitesTheKernel) {
  std::vector<ScenarioText> all = scenario_texts();
  EXPECT_GE(count_in(all, KernelVersion::V5_7), 60u);
  EXPECT_GE(count_in(all, KernelVersion::V6_1), 25u);
  EXPECT_GE(count_in(all, KernelVersion::V6_12), 25u);
  std::regex citation(R"([a-z_/-]+\.[ch]:[0-9])");
  for (const ScenarioText& s : all) {
    EXPECT_FALSE(s.rules.empty()) << s.file << " names no rule";
    for (const std::string& id : s.rules) {
      std::optional<RuleId> r = find_rule(id);
      EXPECT_TRUE(r.has_value()) << s.file << " names the unknown rule " << id;
      if (r) {
        EXPECT_TRUE(rule_info(*r).holds_in(s.version))
            << s.file << " names " << id << ", which does not hold in " << version_name(s.version)
            << " (" << versions_text(rule_info(*r)) << ")";
      }
    }
    EXPECT_TRUE(std::regex_search(s.description, citation))
        << s.file << ": its description cites no kernel lines (e.g. hmm.c:247-253)";
    // a 6.x scenario cites the lines of its own tree
    if (s.version != KernelVersion::V5_7) {
      EXPECT_NE(s.description.find(std::string(version_name(s.version)) + " "), std::string::npos)
          << s.file << ": cites no line of the " << version_name(s.version) << " tree";
    }
  }
}

TEST(SpecConsistency, SpecStatesEveryRuleWithItsLinesVersionsAndScenarios) {
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
    if (!r.seed.empty()) {
      EXPECT_NE(text.find(std::string(r.seed)), std::string::npos)
          << "docs/spec.md, " << id << ": does not cite its v5.7 lines '" << r.seed << "'";
    }
    if (!r.v6.empty()) {
      EXPECT_NE(text.find(std::string(r.v6)), std::string::npos)
          << "docs/spec.md, " << id << ": does not cite its 6.x lines '" << r.v6 << "'";
    }
    EXPECT_NE(text.find("Holds in: " + versions_text(r) + "\n"), std::string::npos)
        << "docs/spec.md, " << id << ": no line 'Holds in: " << versions_text(r) << "'";
    // Every scenario the section points to exists and pins this rule; there is at least one.
    std::regex hmm(R"(((?:6\.1/|6\.12/)?[a-z0-9-]+\.hmm))");
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
  for (const auto& [id, text] : sections) {
    EXPECT_TRUE(find_rule(id).has_value()) << "docs/spec.md states an unknown rule " << id;
  }
}

// A spec scenario is a full regression test: the return value, every page's output and the
// complete log of faults and waits are written down, and in 6.x the kernel's reports (a v5.7
// world has none to state). It is written for its directory's kernel version.
TEST(SpecConsistency, EveryScenarioHasFullExpectations) {
  for (const ScenarioText& st : scenario_texts()) {
    ParseResult parsed = load_scenario(st.path.string());
    if (std::holds_alternative<ParseError>(parsed)) continue; // reported by test_reference_spec
    const Scenario& s = std::get<Scenario>(parsed);
    EXPECT_EQ(s.world.geom.kernel, st.version)
        << st.file << ": a scenario of tests/scenarios/"
        << (st.version == KernelVersion::V5_7 ? "spec"
                                              : "spec-" + std::string(version_name(st.version)))
        << " says kernel " << version_name(s.world.geom.kernel);
    bool ret = false, log = false, reports = false;
    std::vector<bool> page(s.range.pfns.size(), false);
    for (const Expectation& e : s.expectations) {
      if (e.type == Expectation::Type::Ret) ret = true;
      if (e.type == Expectation::Type::Log) log = true;
      if (e.type == Expectation::Type::Reports) reports = true;
      if (e.type == Expectation::Type::Pfn)
        for (u64 i = e.first; i < e.first + e.count && i < page.size(); ++i) page[i] = true;
    }
    EXPECT_TRUE(ret) << st.file << ": no 'expect ret'";
    EXPECT_TRUE(log) << st.file << ": no 'expect fault', 'expect wait' or 'expect nofault'";
    if (st.version != KernelVersion::V5_7) {
      EXPECT_TRUE(reports) << st.file << ": no 'expect report' or 'expect noreport'";
    }
    for (std::size_t i = 0; i < page.size(); ++i) {
      EXPECT_TRUE(page[i]) << st.file << ": no 'expect pfn' for page " << i;
    }
  }
}

} // namespace
} // namespace hmmspec
