// SPDX-License-Identifier: GPL-2.0-or-later
#include "proofs/driver_encoding.h"

#include <fmt/format.h>

#include <charconv>
#include <fstream>
#include <map>
#include <sstream>

#include "model/range_v6.h"

namespace hmmspec::proofs {

namespace {

struct Field {
  const char* key;
  bool required;
};
constexpr Field kFields[] = {
    {"name", false},     {"valid", true},          {"write", true},
    {"error", true},     {"none", true},           {"special", true},
    {"pfn_shift", true}, {"default_flags", false}, {"pfn_flags_mask", false},
    {"pfn_bits", false}};

bool known_key(std::string_view k) {
  for (const Field& f : kFields)
    if (k == f.key) return true;
  return false;
}

// A number: decimal or 0x-hex, optionally prefixed by `~`.
std::optional<u64> parse_number(std::string_view s) {
  bool invert = false;
  if (!s.empty() && s[0] == '~') {
    invert = true;
    s.remove_prefix(1);
  }
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  }
  if (s.empty()) return std::nullopt;
  u64 v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return invert ? ~v : v;
}

} // namespace

Encoding symbolic_encoding() {
  return Encoding{};
}

std::optional<Encoding> builtin_encoding(std::string_view name) {
  Encoding e;
  e.name = std::string(name);
  e.symbolic = false;
  if (!apply_driver_encoding(e.range, e.name)) return std::nullopt;
  return e;
}

std::optional<Encoding> parse_encoding(std::string_view text, const std::string& path,
                                       std::string& error) {
  std::map<std::string, std::pair<std::string, unsigned>> seen; // key -> (value, line)
  std::map<std::string, unsigned> value_col;
  auto fail = [&](unsigned line, unsigned col, const std::string& msg) {
    error = fmt::format("{}:{}:{}: {}", path, line, col, msg);
    return std::nullopt;
  };
  std::istringstream in{std::string(text)};
  std::string raw;
  unsigned line = 0;
  while (std::getline(in, raw)) {
    ++line;
    std::string_view l = raw;
    if (auto hash = l.find('#'); hash != std::string_view::npos) l = l.substr(0, hash);
    auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
    size_t i = 0;
    while (i < l.size() && is_space(l[i])) ++i;
    if (i == l.size()) continue;
    size_t key_start = i;
    while (i < l.size() && !is_space(l[i])) ++i;
    std::string key(l.substr(key_start, i - key_start));
    while (i < l.size() && is_space(l[i])) ++i;
    size_t val_start = i;
    while (i < l.size() && !is_space(l[i])) ++i;
    std::string value(l.substr(val_start, i - val_start));
    size_t rest = i;
    while (rest < l.size() && is_space(l[rest])) ++rest;
    if (!known_key(key)) return fail(line, unsigned(key_start + 1), "unknown key '" + key + "'");
    if (value.empty()) return fail(line, unsigned(i + 1), "missing value for '" + key + "'");
    if (rest < l.size()) return fail(line, unsigned(rest + 1), "unexpected text after the value");
    if (seen.count(key))
      return fail(line, unsigned(key_start + 1),
                  fmt::format("'{}' given twice (first on line {})", key, seen[key].second));
    if (key != "name" && !parse_number(value))
      return fail(line, unsigned(val_start + 1),
                  "'" + value + "' is not a number (decimal, 0x-hex, optional ~)");
    seen[key] = {value, line};
    value_col[key] = unsigned(val_start + 1);
  }
  for (const Field& f : kFields)
    if (f.required && !seen.count(f.key))
      return fail(line + 1, 1, fmt::format("missing required key '{}'", f.key));

  Encoding e;
  e.symbolic = false;
  e.name = seen.count("name") ? seen["name"].first : path;
  auto num = [&](const char* k) { return *parse_number(seen[k].first); };
  e.range.flags = {num("valid"), num("write")};
  e.range.values = {num("error"), num("none"), num("special")};
  u64 shift = num("pfn_shift");
  if (shift > 63)
    return fail(seen["pfn_shift"].second, value_col["pfn_shift"],
                "pfn_shift must be 0..63: hmm.c:49 shifts a 64-bit pfn by it, and 64 or more is "
                "undefined behaviour in C");
  e.range.pfn_shift = std::uint8_t(shift);
  e.range.default_flags = seen.count("default_flags") ? num("default_flags") : 0;
  e.range.pfn_flags_mask = seen.count("pfn_flags_mask") ? num("pfn_flags_mask") : ~0ull;
  if (seen.count("pfn_bits")) {
    u64 bits = num("pfn_bits");
    if (bits < 1 || bits > 64)
      return fail(seen["pfn_bits"].second, value_col["pfn_bits"], "pfn_bits must be 1..64");
    e.pfn_bits = unsigned(bits);
  }
  return e;
}

std::optional<Encoding> load_encoding(const std::string& path, std::string& error) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    error = path + ": cannot read the encoding file";
    return std::nullopt;
  }
  std::stringstream ss;
  ss << f.rdbuf();
  return parse_encoding(ss.str(), path, error);
}

Encoding v6_encoding(KernelVersion v) {
  Encoding e;
  e.name = std::string(version_name(v));
  e.symbolic = false;
  e.kernel = v;
  e.range = hmm6::range_as_read(HmmRange{});
  e.pfn_bits = 40; // SWP_PFN_BITS with MAX_PHYSMEM_BITS 52 (x86-64, 5-level paging)
  return e;
}

std::string describe_encoding(const Encoding& e) {
  if (has_v6_api(e.kernel))
    return fmt::format("{} fixed bits: REQ_FAULT = VALID = bit 63, REQ_WRITE = WRITE = bit 62, "
                       "ERROR = bit 61, order in bits 56-60, NONE = 0; default_flags and "
                       "pfn_flags_mask symbolic",
                       version_name(e.kernel));
  if (e.symbolic) return "every encoding (flags, values, pfn_shift, default_flags, mask symbolic)";
  const HmmRange& r = e.range;
  return fmt::format("V={:#x} W={:#x} ERROR={:#x} NONE={:#x} SPECIAL={:#x} pfn_shift={} "
                     "default_flags={:#x} pfn_flags_mask={:#x} pfn_bits={}",
                     r.flags[HMM_PFN_VALID], r.flags[HMM_PFN_WRITE], r.values[HMM_PFN_ERROR],
                     r.values[HMM_PFN_NONE], r.values[HMM_PFN_SPECIAL], unsigned(r.pfn_shift),
                     r.default_flags, r.pfn_flags_mask, e.pfn_bits);
}

} // namespace hmmspec::proofs
