// SPDX-License-Identifier: GPL-2.0-or-later
// The scenario text format (docs/scenario-format.md): parser and printer.
// print_scenario(parse_scenario(x)) parses to the same world, range and expectations.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "model/scenario.h"

namespace hmmspec {

struct ParseError {
  SourceLoc loc;
  std::string message;
  std::string str() const; // "file:line:col: message"
};

using ParseResult = std::variant<Scenario, ParseError>;

// Parses scenario text; `file` names it in messages and gives the default scenario name.
ParseResult parse_scenario(std::string_view text, std::string_view file);
// Reads and parses a file (an unreadable file is a ParseError at line 0).
ParseResult load_scenario(const std::string& path);

// Prints a scenario: description, world, range, requests and expectations.
std::string print_scenario(const Scenario& s);

} // namespace hmmspec
