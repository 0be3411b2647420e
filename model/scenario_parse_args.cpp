// SPDX-License-Identifier: GPL-2.0-or-later
// The parser's argument readers: a directive's tokens made into values (numbers, ranges,
// addresses, pfns, levels, key=value options, REQ symbols, fault bits), each with the
// file:line:col error for a token that is not one.
#include "model/scenario_parser.h"

#include <algorithm>
#include <fmt/format.h>

namespace hmmspec::scenario_text {

// The token after `t[i-1]`, or an error naming what is missing.
const Token& Parser::need(std::span<const Token> t, size_t i, std::string_view what) const {
  if (i < t.size()) return t[i];
  const Token& last = t[i - 1];
  fail(last, fmt::format("missing {} after {}", what, quote(last.text)));
}

void Parser::no_more(std::span<const Token> t, size_t i) const {
  if (i < t.size()) fail(t[i], "unexpected " + quote(t[i].text));
}

u64 Parser::number(std::string_view text, unsigned col) const {
  u64 v = 0;
  if (auto err = parse_u64(text, v)) fail(col, *err);
  return v;
}

unsigned Parser::small(std::string_view text, unsigned col, u64 max, std::string_view what) const {
  u64 v = number(text, col);
  if (v > max) fail(col, fmt::format("{} must be at most {}", what, max));
  return unsigned(v);
}

// A number in [lo, hi], the range named in the message whatever the number is.
unsigned Parser::between(std::string_view text, unsigned col, unsigned lo, unsigned hi,
                         std::string_view what) const {
  u64 v = number(text, col);
  if (v < lo || v > hi)
    fail(col, fmt::format("{} must be between {} and {}, got {}", what, lo, hi, v));
  return unsigned(v);
}

// START-END or START+SIZE (END exclusive); `single` also allows a lone START (one unit).
std::pair<u64, u64> Parser::span(std::string_view text, unsigned col, bool single, bool allow_empty,
                                 bool allow_inverted) const {
  size_t sep = text.find_first_of("-+");
  if (sep == std::string_view::npos) {
    if (!single) fail(col, "expected a range START-END or START+SIZE, got " + quote(text));
    u64 a = number(text, col);
    if (a == ~0ull) fail(col, quote(text) + " is the last number: it has no next");
    return {a, a + 1};
  }
  std::string_view a_text = text.substr(0, sep), b_text = text.substr(sep + 1);
  if (a_text.empty() || b_text.empty()) fail(col, "bad range " + quote(text));
  u64 a = number(a_text, col), b = number(b_text, col);
  if (text[sep] == '+') {
    if (b > ~0ull - a) fail(col, "range " + quote(text) + " does not fit in 64 bits");
    b += a;
  }
  if ((a > b && !allow_inverted) || (a == b && !allow_empty))
    fail(col,
         fmt::format("empty range {}: start {} is not below end {}", quote(text), hex(a), hex(b)));
  return {a, b};
}

// An address range in the address space, page aligned (VMAs, the range).
std::pair<u64, u64> Parser::address_span(const Token& t, std::string_view what, bool allow_empty,
                                         bool allow_inverted) const {
  const Geometry& g = s_.world.geom;
  auto [a, b] = span(t.text, t.col, false, allow_empty, allow_inverted);
  if ((a | b) & (g.page_size() - 1))
    fail(t, fmt::format("{} {}-{} is not page aligned", what, hex(a), hex(b)));
  if (std::max(a, b) > g.va_limit())
    fail(t, fmt::format("{} {} {} is beyond the address space (which ends at {})", what,
                        a > b ? "start" : "end", hex(std::max(a, b)), hex(g.va_limit())));
  return {a, b};
}

// An address aligned to `align` inside the address space.
u64 Parser::address(const Token& t, u64 align, std::string_view what) const {
  u64 a = number(t);
  if (a & (align - 1)) fail(t, fmt::format("{} {} is not aligned to {}", what, hex(a), hex(align)));
  if (a >= s_.world.geom.va_limit())
    fail(t, fmt::format("{} {} is beyond the address space (which ends at {})", what, hex(a),
                        hex(s_.world.geom.va_limit())));
  return a;
}

void Parser::check_pfn(u64 p, unsigned col) const {
  if (p > (x86::PHYSICAL_MASK >> s_.world.geom.page_shift))
    fail(col, fmt::format("pfn {} does not fit in 52 physical bits", hex(p)));
}

u64 Parser::pfn(std::string_view text, unsigned col) const {
  u64 p = number(text, col);
  check_pfn(p, col);
  return p;
}

Level Parser::level(const Token& t) const {
  auto l = level_from_name(t.text);
  if (!l) fail(t, "unknown level " + quote(t.text) + " (expected pte, pmd, pud, p4d or pgd)");
  if (*l == Level::P4d && s_.world.geom.p4d_folded())
    fail(t, "p4d is folded in a 4-level geometry: write pgd or pud");
  return *l;
}

Opts Parser::options(std::span<const Token> t, size_t from, std::span<const std::string_view> keys,
                     std::span<const std::string_view> words) const {
  Opts o;
  for (size_t i = from; i < t.size(); ++i) {
    std::string_view text = t[i].text;
    size_t eq = text.find('=');
    std::string_view key = text.substr(0, eq);
    bool known_key = std::find(keys.begin(), keys.end(), key) != keys.end();
    bool known_word = std::find(words.begin(), words.end(), key) != words.end();
    if (!known_key && !known_word) {
      std::string expected;
      for (auto k : keys) expected += fmt::format("{}{}=", expected.empty() ? "" : ", ", k);
      for (auto w : words) expected += fmt::format("{}{}", expected.empty() ? "" : ", ", w);
      if (expected.empty()) fail(t[i], "unexpected " + quote(text));
      fail(t[i], fmt::format("unknown key {} (expected {})", quote(key), expected));
    }
    if (known_key && eq == std::string_view::npos)
      fail(t[i], fmt::format("{} needs a value: {}=...", quote(key), key));
    if (known_key && eq + 1 == text.size()) fail(t[i], "missing value for " + quote(key));
    if (known_word && eq != std::string_view::npos) fail(t[i], quote(key) + " takes no value");
    if (o.has(key)) fail(t[i], "duplicate " + quote(key));
    o.list.push_back(Opt{key, known_key ? text.substr(eq + 1) : std::string_view{}, t[i].col});
  }
  return o;
}

Req Parser::req(const Token& t, bool allow_all) const {
  std::string_view s = t.text;
  if (s == "V") return Req{true, true, false, 0};
  if (s == "W") return Req{true, false, true, 0};
  if (s == "VW" || s == "WV") return Req{true, true, true, 0};
  if (allow_all && s == "all") return Req{false, false, false, ~0ull};
  u64 v = 0;
  if (parse_u64(s, v))
    fail(t, fmt::format("bad request {}: expected V, W, VW, 0{} or a number", quote(s),
                        allow_all ? ", all" : ""));
  return Req{false, false, false, v};
}

unsigned Parser::fault_bits(std::string_view text, unsigned col) const {
  u64 v = 0;
  if (!parse_u64(text, v)) {
    if (v > 0xffffffffull) fail(col, "fault bits " + quote(text) + " do not fit in 32 bits");
    return unsigned(v);
  }
  unsigned bits = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t bar = text.find('|', pos);
    std::string_view name = text.substr(pos, bar == std::string_view::npos ? text.npos : bar - pos);
    auto bit = fault_bit_from_name(name);
    if (!bit)
      fail(col, "bad fault bits " + quote(text) +
                    ": a number or names such as sigbus|oom|hwpoison|sigsegv");
    bits |= *bit;
    if (bar == std::string_view::npos) break;
    pos = bar + 1;
  }
  return bits;
}

} // namespace hmmspec::scenario_text
