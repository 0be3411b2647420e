// SPDX-License-Identifier: GPL-2.0-or-later
// Parsing scenario text in a test: the scenario, or the error, with a test failure when the
// text does the other.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <variant>
#include <vector>

#include "model/scenario_format.h"

namespace hmmspec {

// The scenario of `text`; a failure of the test (and an empty scenario) when it does not parse.
inline Scenario parse_ok(const std::string& text, const std::string& file = "t.hmm") {
  ParseResult r = parse_scenario(text, file);
  if (auto* e = std::get_if<ParseError>(&r)) {
    ADD_FAILURE() << e->str() << "\n--- text ---\n" << text;
    return Scenario();
  }
  return std::get<Scenario>(std::move(r));
}

// The error of `text` (as file bad.hmm); a failure of the test when it parses.
inline ParseError parse_err(const std::string& text) {
  ParseResult r = parse_scenario(text, "bad.hmm");
  if (auto* e = std::get_if<ParseError>(&r)) return *e;
  ADD_FAILURE() << "parsed, but should not have:\n" << text;
  return ParseError{};
}

// A scenario file of the suites and what it holds.
struct SuiteScenario {
  std::string name; // its path under tests/scenarios: "spec/seq-fork-write-copies.hmm"
  Scenario scenario;
};

// Every scenario file under tests/scenarios that parses, in path order (those that do not are
// the scenario suites' own tests' to report).
inline std::vector<SuiteScenario> suite_scenarios() {
  namespace fs = std::filesystem;
  const fs::path root = fs::path(HMMSPEC_SOURCE_DIR) / "tests" / "scenarios";
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(root, ec))
    if (e.is_regular_file() && e.path().extension() == ".hmm") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<SuiteScenario> out;
  for (const fs::path& f : files) {
    ParseResult r = load_scenario(f.string());
    if (auto* s = std::get_if<Scenario>(&r))
      out.push_back(SuiteScenario{fs::relative(f, root).generic_string(), std::move(*s)});
  }
  return out;
}

} // namespace hmmspec
