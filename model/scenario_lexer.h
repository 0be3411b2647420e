// SPDX-License-Identifier: GPL-2.0-or-later
// The lexical layer of the scenario format (docs/scenario-format.md, "Lexical rules"): a line
// split into tokens with their columns, numbers with K, M or G suffixes, and the way numbers
// and tokens are written back (hex, sizes, tokens quoted in messages). Shared by the parser
// and the printer; ParseError::str() (`file:line:col: message`) is defined with them.
// Internal to model/: callers use model/scenario_format.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/x86_bits.h"

namespace hmmspec::scenario_text {

// The licence comment the printer writes first and the parser keeps out of the description.
inline constexpr std::string_view kSpdx = "SPDX-License-Identifier:";

struct Token {
  std::string_view text;
  unsigned col = 0; // 1-based byte column
};

// Splits a line at blanks; `#` starts a comment that runs to the end of the line.
std::vector<Token> tokenize(std::string_view line);

// Parses a decimal or 0x-hex number with an optional K, M or G suffix (powers of 1024).
// Returns an error message, or nothing and the number in `out`.
std::optional<std::string> parse_u64(std::string_view s, u64& out);

std::string hex(u64 v); // 0x2a
// A size with the largest suffix that divides it (2M, 4K), else hex.
std::string size_text(u64 v);
// A token quoted for a message: non-printable bytes escaped, long tokens cut.
std::string quote(std::string_view s);

} // namespace hmmspec::scenario_text
