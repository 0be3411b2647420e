// SPDX-License-Identifier: GPL-2.0-or-later
// The lexical layer of the scenario format: tokens, numbers, sizes and message positions.
#include "model/scenario_lexer.h"

#include <fmt/format.h>

#include "model/scenario_format.h"

namespace hmmspec {

std::string ParseError::str() const {
  if (loc.line == 0) return fmt::format("{}: {}", loc.file, message);
  return fmt::format("{}:{}:{}: {}", loc.file, loc.line, loc.col, message);
}

namespace scenario_text {

std::string hex(u64 v) {
  return fmt::format("{:#x}", v);
}

std::string size_text(u64 v) {
  if (v && !(v & ((1ull << 30) - 1))) return fmt::format("{}G", v >> 30);
  if (v && !(v & ((1ull << 20) - 1))) return fmt::format("{}M", v >> 20);
  if (v && !(v & ((1ull << 10) - 1))) return fmt::format("{}K", v >> 10);
  return hex(v);
}

std::string quote(std::string_view s) {
  std::string out = "'";
  size_t n = 0;
  for (unsigned char c : s) {
    if (++n > 40) {
      out += "...";
      break;
    }
    if (c >= 0x20 && c < 0x7f)
      out += char(c);
    else
      out += fmt::format("\\x{:02x}", c);
  }
  return out + "'";
}

std::vector<Token> tokenize(std::string_view line) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < line.size()) {
    char c = line[i];
    // A carriage return separates tokens as a blank does: a line's last one is cut (CRLF files,
    // Parser::feed), so one kept inside a token would not survive printing and reading again.
    auto blank = [](char b) { return b == ' ' || b == '\t' || b == '\r'; };
    if (blank(c)) {
      ++i;
      continue;
    }
    if (c == '#') break;
    size_t j = i;
    while (j < line.size() && !blank(line[j]) && line[j] != '#') ++j;
    out.push_back(Token{line.substr(i, j - i), unsigned(i + 1)});
    i = j;
  }
  return out;
}

std::optional<std::string> parse_u64(std::string_view s, u64& out) {
  std::string_view orig = s;
  if (s.empty()) return "missing number";
  unsigned scale = 0;
  if (s.back() == 'K') scale = 10;
  if (s.back() == 'M') scale = 20;
  if (s.back() == 'G') scale = 30;
  if (scale) s.remove_suffix(1);
  unsigned base = 10;
  if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  }
  if (s.empty()) return "bad number " + quote(orig);
  u64 v = 0;
  for (char c : s) {
    unsigned d;
    if (c >= '0' && c <= '9')
      d = unsigned(c - '0');
    else if (base == 16 && c >= 'a' && c <= 'f')
      d = unsigned(c - 'a' + 10);
    else if (base == 16 && c >= 'A' && c <= 'F')
      d = unsigned(c - 'A' + 10);
    else
      return "bad number " + quote(orig);
    if (v > (~0ull - d) / base) return "number " + quote(orig) + " does not fit in 64 bits";
    v = v * base + d;
  }
  if (scale && v > (~0ull >> scale)) return "number " + quote(orig) + " does not fit in 64 bits";
  out = v << scale;
  return std::nullopt;
}

} // namespace scenario_text
} // namespace hmmspec
