// SPDX-License-Identifier: GPL-2.0-or-later
// The parser's range directives (docs/scenario-format.md, "The range"): the range, the
// notifier, the driver encoding and its fields, dev_private_owner, notifier_seq, the requests
// and the budget. REQ symbols and the requests are resolved when the text ends (finish()).
#include "model/scenario_parser.h"

#include <algorithm>
#include <fmt/format.h>
#include <iterator>
#include <map>
#include <tuple>

namespace hmmspec::scenario_text {

// WHERE of request and expect pfn: ADDR, START-END, START+SIZE, [I], [I-J] or [I+N] (J
// exclusive). Returns the first page index and the number of pages.
std::pair<u64, u64> Parser::where(const Token& t, std::string_view what) const {
  if (!range_line_) fail(t, fmt::format("{} before the 'range' line", what));
  const HmmRange& r = s_.range;
  const Geometry& g = s_.world.geom;
  u64 pages = r.pfns.size();
  std::string_view s = t.text;
  if (s.starts_with('[')) {
    if (s.size() < 3 || !s.ends_with(']')) fail(t, "bad index " + quote(s) + ": use [I] or [I-J]");
    auto [a, b] = span(s.substr(1, s.size() - 2), t.col, true);
    if (b > pages)
      fail(t, fmt::format("{} {} is outside the range (pfns[] has {} entries)", what, quote(s),
                          pages));
    return {a, b - a};
  }
  auto outside = [&] {
    fail(t,
         fmt::format("{} {} is outside the range {}-{}", what, quote(s), hex(r.start), hex(r.end)));
  };
  if (s.find_first_of("-+") == std::string_view::npos) {
    u64 a = number(t);
    if (a & (g.page_size() - 1))
      fail(t, fmt::format("{} address {} is not page aligned", what, hex(a)));
    if (a < r.start || a >= r.end) outside();
    return {(a - r.start) >> g.page_shift, 1};
  }
  auto [a, b] = span(s, t.col, false);
  if ((a | b) & (g.page_size() - 1))
    fail(t, fmt::format("{} {} is not page aligned", what, quote(s)));
  if (a < r.start || b > r.end) outside();
  return {(a - r.start) >> g.page_shift, (b - a) >> g.page_shift};
}

void Parser::notifier(std::span<const Token> t) {
  once(t[0], "notifier");
  notifier_line_ = line_;
  const Token& rt = need(t, 1, "RANGE");
  Notifier n;
  Opts o = options(t, 2, {"seq", "invalidations"}, {"inverted"}); // inverted: as for range
  std::tie(n.start, n.end) = span(rt.text, rt.col, false, true, o.has("inverted"));
  if (o.has("inverted") && n.start <= n.end)
    fail(o.get("inverted")->col,
         fmt::format("'inverted' is for a notifier whose start is above its end, and {} is not "
                     "above {}",
                     hex(n.start), hex(n.end)));
  if (const Opt* s = o.get("seq")) n.seq = number(s->value, s->col);
  if (const Opt* i = o.get("invalidations")) n.invalidations = number(i->value, i->col);
  s_.world.notifier = n;
}

void Parser::range(std::span<const Token> t) {
  once(t[0], "range");
  range_line_ = line_;
  const Token& rt = need(t, 1, "RANGE");
  // start == end is allowed, and start > end when the line says `inverted` (a caller's bad
  // range, which the fuzzer makes): walk_page_range (hmm.c:591; mm/pagewalk.c:392-393 at v5.7)
  // refuses both with -EINVAL (R-EINVAL in docs/spec.md). pfns[] is empty then.
  const bool inverted = t.size() > 2 && t[2].text == "inverted";
  auto [a, b] = address_span(rt, "range", true, inverted);
  if (inverted && a <= b)
    fail(t[2], fmt::format("'inverted' is for a range whose start is above its end, and {} is "
                           "not above {}",
                           hex(a), hex(b)));
  u64 pages = a < b ? (b - a) >> s_.world.geom.page_shift : 0;
  if (pages > kMaxRangePages)
    fail(rt, fmt::format("range of {} pages is too large (at most {})", pages, kMaxRangePages));
  no_more(t, inverted ? 3 : 2);
  s_.range.start = a;
  s_.range.end = b;
  s_.range.pfns.assign(pages, 0);
}

// flags, values, pfn_shift and driver set fields of the v5.7 API that 6.x does not have.
void Parser::v5_7_only(const Token& t) const {
  if (has_v6_api(kernel()))
    fail(t, fmt::format("{} is part of the v5.7 API: in {} the output bits are fixed "
                        "(HMM_PFN_VALID, HMM_PFN_WRITE, HMM_PFN_ERROR)",
                        quote(t.text), version_name(kernel())));
}

void Parser::driver(std::span<const Token> t) {
  v5_7_only(t[0]);
  once(t[0], "driver");
  if (encoding_line_)
    fail(t[0], fmt::format("driver must come before flags, values, pfn_shift, default_flags and "
                           "pfn_flags_mask (line {})",
                           encoding_line_));
  const Token& n = need(t, 1, "nouveau or amdgpu");
  if (!apply_driver_encoding(s_.range, std::string(n.text)))
    fail(n, "unknown driver " + quote(n.text) + " (expected nouveau or amdgpu)");
  no_more(t, 2);
}

void Parser::encoding(std::span<const Token> t) {
  std::string_view d = t[0].text;
  if (d == "flags" || d == "values" || d == "pfn_shift") v5_7_only(t[0]);
  once(t[0], std::string(d));
  if (!encoding_line_) encoding_line_ = line_;
  HmmRange& r = s_.range;
  if (d == "flags") {
    Opts o = options(t, 1, {"valid", "write"}, {});
    if (o.list.empty()) fail(t[0], "flags needs valid=BITS and/or write=BITS");
    if (const Opt* v = o.get("valid")) r.flags[HMM_PFN_VALID] = number(v->value, v->col);
    if (const Opt* w = o.get("write")) r.flags[HMM_PFN_WRITE] = number(w->value, w->col);
  } else if (d == "values") {
    Opts o = options(t, 1, {"error", "none", "special"}, {});
    if (o.list.empty()) fail(t[0], "values needs error=W, none=W and/or special=W");
    if (const Opt* v = o.get("error")) r.values[HMM_PFN_ERROR] = number(v->value, v->col);
    if (const Opt* v = o.get("none")) r.values[HMM_PFN_NONE] = number(v->value, v->col);
    if (const Opt* v = o.get("special")) r.values[HMM_PFN_SPECIAL] = number(v->value, v->col);
  } else if (d == "pfn_shift") {
    const Token& v = need(t, 1, "N");
    r.pfn_shift = std::uint8_t(small(v.text, v.col, 63, "pfn_shift"));
    no_more(t, 2);
  } else if (d == "default_flags") {
    default_flags_ = req(need(t, 1, "REQ"), false);
    no_more(t, 2);
  } else {
    mask_ = req(need(t, 1, "REQ"), true);
    no_more(t, 2);
  }
}

void Parser::dev_private_owner(std::span<const Token> t) {
  once(t[0], "dev_private_owner");
  s_.range.dev_private_owner = owner(need(t, 1, "OWNER"));
  no_more(t, 2);
}

// notifier_seq N or stale: the sequence the caller read, resolved in finish().
void Parser::notifier_seq(std::span<const Token> t) {
  once(t[0], "notifier_seq");
  const Token& v = need(t, 1, "N or stale");
  if (v.text == "stale")
    stale_ = true;
  else
    notifier_seq_ = number(v);
  no_more(t, 2);
}

void Parser::request(std::span<const Token> t) {
  const Token& wt = need(t, 1, "ADDR-OR-RANGE");
  auto [first, count] = where(wt, "request");
  Req r = req(need(t, 2, "REQ"), false);
  no_more(t, 3);
  requests_.push_back({first, count, r});
}

// Later request lines win: paint from the last line backwards, each page once.
void Parser::paint_requests() {
  HmmRange& r = s_.range;
  std::map<u64, u64> unpainted{{0, r.pfns.size()}};
  for (auto it = requests_.rbegin(); it != requests_.rend(); ++it) {
    u64 a = it->first, b = it->first + it->count, value = it->req.resolve(kernel(), r);
    auto i = unpainted.lower_bound(a);
    if (i != unpainted.begin() && std::prev(i)->second > a) --i;
    while (i != unpainted.end() && i->first < b) {
      auto [is, ie] = *i;
      i = unpainted.erase(i);
      u64 s = std::max(is, a), e = std::min(ie, b);
      std::fill(r.pfns.begin() + std::ptrdiff_t(s), r.pfns.begin() + std::ptrdiff_t(e), value);
      if (is < s) unpainted.emplace(is, s);
      if (e < ie) {
        unpainted.emplace(e, ie);
        break;
      }
    }
  }
}

// budget N: walk attempts before a livelock is reported.
void Parser::budget(std::span<const Token> t) {
  once(t[0], "budget");
  const Token& v = need(t, 1, "N");
  u64 n = number(v);
  if (n == 0 || n > kMaxBudget)
    fail(v, fmt::format("budget must be between 1 and {}, got {}", kMaxBudget, n));
  s_.options.restart_budget = unsigned(n);
  no_more(t, 2);
}

} // namespace hmmspec::scenario_text
