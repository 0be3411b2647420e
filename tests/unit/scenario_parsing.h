// SPDX-License-Identifier: GPL-2.0-or-later
// Parsing scenario text in a test: the scenario, or the error, with a test failure when the
// text does the other.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <variant>

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

} // namespace hmmspec
