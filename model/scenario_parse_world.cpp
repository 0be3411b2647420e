// SPDX-License-Identifier: GPL-2.0-or-later
// The parser's world directives (docs/scenario-format.md, "The world"): geometry, zero_pfn,
// next_pfn, vma, owner, shared_pfn, inject and race.
#include "model/scenario_parser.h"

#include "model/race.h"

#include <algorithm>
#include <array>
#include <fmt/format.h>

namespace hmmspec::scenario_text {

namespace {

// The options of a vma line: two keys, and the bare words of kVmaFlags, anon and file.
constexpr std::array<std::string_view, 2> kVmaKeys{"hugetlb", "vm_flags"};
constexpr std::array<std::string_view, kVmaFlags.size() + 2> kVmaWords = [] {
  std::array<std::string_view, kVmaFlags.size() + 2> words;
  for (size_t i = 0; i < kVmaFlags.size(); ++i) words[i] = kVmaFlags[i].first;
  words[kVmaFlags.size()] = "anon";
  words[kVmaFlags.size() + 1] = "file";
  return words;
}();

} // namespace

// geometry and kernel make or change the world every later line builds on (and either may
// come first).
void Parser::before_world(const Token& t) const {
  if (first_world_line_)
    fail(t, fmt::format("{} must come before every directive but {} (line {} has {})", t.text,
                        t.text == "kernel" ? "scenario, rule and geometry" : "scenario and rule",
                        first_world_line_, quote(first_world_name_)));
}

// kernel 5.7|6.1|6.12: the version whose words and API the scenario uses. A later geometry
// line keeps it.
void Parser::kernel_line(std::span<const Token> t) {
  once(t[0], "kernel");
  before_world(t[0]);
  const Token& v = need(t, 1, "VERSION");
  auto k = version_from_name(v.text);
  if (!k) fail(v, "unknown kernel version " + quote(v.text) + " (expected 5.7, 6.1 or 6.12)");
  no_more(t, 2);
  s_.world.geom.kernel = *k;
}

void Parser::geometry(std::span<const Token> t) {
  once(t[0], "geometry");
  before_world(t[0]);
  const Token& n = need(t, 1, "NAME");
  Geometry g;
  if (n.text != "custom") {
    auto b = builtin_geometry(n.text);
    if (!b)
      fail(n, "unknown geometry " + quote(n.text) +
                  " (built in: x86_64, x86_64-la57, tiny, tiny-la57, tiny3; or custom)");
    g = *b;
    no_more(t, 2);
  } else {
    Opts o = options(t, 2, {"page_shift", "levels", "bits", "name"}, {});
    const Opt* bits = o.get("bits");
    if (!bits) fail(n, "geometry custom needs bits=PTE,PMD,PUD,[P4D,]PGD");
    g.name = "custom";
    if (const Opt* nm = o.get("name")) g.name = std::string(nm->value);
    if (const Opt* ps = o.get("page_shift"))
      g.page_shift = between(ps->value, ps->col, 12, 16, "page_shift");
    std::vector<unsigned> list;
    std::string_view rest = bits->value;
    while (true) {
      size_t comma = rest.find(',');
      if (list.size() == 5) fail(bits->col, "bits= lists 4 or 5 levels");
      list.push_back(between(rest.substr(0, comma), bits->col, 1, 9, "index bits per level"));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    if (list.size() < 4) fail(bits->col, "bits= lists 4 or 5 levels");
    g.levels = unsigned(list.size());
    if (const Opt* lv = o.get("levels")) {
      unsigned levels = between(lv->value, lv->col, 4, 5, "levels");
      if (levels != g.levels)
        fail(lv->col, fmt::format("levels={} but bits= lists {} levels", levels, g.levels));
    }
    if (g.levels == 4) list.insert(list.begin() + 3, 0u);
    std::copy(list.begin(), list.end(), g.bits.begin());
    if (auto err = g.validate()) fail(n, "invalid geometry: " + *err);
  }
  g.kernel = kernel();
  s_.world = World(g);
}

void Parser::zero_pfn(std::span<const Token> t) {
  once(t[0], "zero_pfn");
  before_tables(t[0]);
  const Token& v = need(t, 1, "PFN");
  s_.world.zero_pfn = pfn(v.text, v.col);
  no_more(t, 2);
}

void Parser::next_pfn(std::span<const Token> t) {
  once(t[0], "next_pfn");
  const Token& v = need(t, 1, "PFN");
  s_.world.next_pfn = pfn(v.text, v.col);
  no_more(t, 2);
}

void Parser::highest_memmap_pfn(std::span<const Token> t) {
  once(t[0], "highest_memmap_pfn");
  const Token& v = need(t, 1, "PFN");
  s_.world.highest_memmap_pfn = number(v);
  no_more(t, 2);
}

// VMAs and the zero pfn decide how entries are encoded: they come before page-table lines.
void Parser::before_tables(const Token& t) const {
  if (first_table_line_)
    fail(t, fmt::format("{} must come before page-table lines (line {} has one)", quote(t.text),
                        first_table_line_));
}

void Parser::table_line_seen() {
  if (!first_table_line_) first_table_line_ = line_;
}

void Parser::vma(std::span<const Token> t) {
  before_tables(t[0]);
  const Token& rt = need(t, 1, "RANGE");
  auto [a, b] = address_span(rt, "vma");
  Vma v{a, b, 0, true, 0};
  Opts o = options(t, 2, kVmaKeys, kVmaWords);
  for (auto [name, bit] : kVmaFlags)
    if (o.has(name)) v.flags |= bit;
  if (o.has("anon") && o.has("file")) fail(o.get("file")->col, "a VMA is anon or file, not both");
  v.anonymous = !o.has("file");
  if (const Opt* h = o.get("hugetlb")) {
    const Geometry& g = s_.world.geom;
    u64 size = number(h->value, h->col);
    if (size != g.size(Level::Pmd) && size != g.size(Level::Pud))
      fail(h->col,
           fmt::format("hugetlb={} is neither the PMD size ({}) nor the PUD size ({})", hex(size),
                       size_text(g.size(Level::Pmd)), size_text(g.size(Level::Pud))));
    v.flags |= vm::HUGETLB;
    v.hugetlb_size = size;
  }
  if (const Opt* f = o.get("vm_flags")) v.flags |= number(f->value, f->col);
  if (auto err = s_.world.vmas.insert(v, s_.world.geom.page_size())) fail(rt, *err);
}

// The PFN or PFN-RANGE of an owner or shared_pfn line, within the bounds on one line and on
// all lines of its kind together (`total` pfns so far).
std::pair<u64, u64> Parser::pfn_run(const Token& pt, u64 total, std::string_view line,
                                    std::string_view in_all) const {
  auto [a, b] = span(pt.text, pt.col, true);
  check_pfn(b - 1, pt.col);
  if (b - a > kMaxPfnsPerLine)
    fail(pt, fmt::format("at most {} pfns per {} line", kMaxPfnsPerLine, line));
  if (total + (b - a) > kMaxPfnsTotal)
    fail(pt, fmt::format("at most {} {} pfns in all", kMaxPfnsTotal, in_all));
  return {a, b};
}

// owner PFN-RANGE OWNER [coherent]: device-private pages, or (6.x) device-coherent ones.
void Parser::owner_line(std::span<const Token> t) {
  const Token& pt = need(t, 1, "PFN-RANGE");
  auto [a, b] = pfn_run(pt, owners_total_, "owner", "device");
  u64 who = owner(need(t, 2, "OWNER"));
  Opts o = options(t, 3, {}, {"coherent"});
  bool coherent = o.has("coherent");
  if (coherent && !has_v6_api(kernel()))
    fail(o.get("coherent")->col, "device-coherent memory (MEMORY_DEVICE_COHERENT) does not exist "
                                 "in v5.7: it came with 6.0");
  for (u64 p = a; p < b; ++p)
    if (s_.world.device_owner.contains(p))
      fail(pt, fmt::format("pfn {} already has an owner", hex(p)));
  for (u64 p = a; p < b; ++p) {
    s_.world.device_owner.emplace(p, who);
    if (coherent) s_.world.coherent_pfns.insert(p);
  }
  owners_total_ += b - a;
}

void Parser::shared_pfn(std::span<const Token> t) {
  const Token& pt = need(t, 1, "PFN");
  auto [a, b] = pfn_run(pt, shared_total_, "shared_pfn", "shared");
  no_more(t, 2);
  for (u64 p = a; p < b; ++p)
    if (s_.world.shared_pfns.contains(p)) fail(pt, fmt::format("pfn {} is already shared", hex(p)));
  for (u64 p = a; p < b; ++p) s_.world.shared_pfns.insert(p);
  shared_total_ += b - a;
}

void Parser::inject(std::span<const Token> t) {
  const Token& at = need(t, 1, "ADDR");
  u64 addr = address(at, s_.world.geom.page_size(), "inject address");
  if (s_.world.injections.contains(addr))
    fail(at, fmt::format("duplicate injection at {}: put every kind on one line", hex(addr)));
  Opts o = options(t, 2, {"error", "noprogress"}, {"invalidate"});
  if (o.list.empty()) fail(at, "inject needs error=BITS, invalidate or noprogress=N");
  Injection inj;
  if (const Opt* e = o.get("error")) inj.error = fault_bits(e->value, e->col);
  inj.invalidate = o.has("invalidate");
  if (const Opt* n = o.get("noprogress")) {
    if (n->value == "forever")
      inj.no_progress = kForever;
    else
      inj.no_progress = small(n->value, n->col, kForever - 1, "noprogress");
  }
  s_.world.injections.emplace(addr, inj);
}

// race ADDR POINT OP: an event at an interleaving point of the walk (model/race.h).
void Parser::race(std::span<const Token> t) {
  const Token& at = need(t, 1, "ADDR");
  const Token& pt = need(t, 2, "POINT");
  const Token& ot = need(t, 3, "OPERATION");
  // at=K, then the word `planted` that zap-silent needs (a planted fault, model/race.h)
  Opts o = options(t, 4, {"at"}, {"planted"});
  const bool planted = o.has("planted");
  unsigned reach = 1;
  if (const Opt* k = o.get("at")) reach = between(k->value, k->col, 1, 1000, "at");
  auto point = race_point_from_name(pt.text);
  if (!point) fail(pt, "unknown race point " + quote(pt.text) + " (" + race_point_names() + ")");
  auto op = race_op_from_name(ot.text);
  if (!op) fail(ot, "unknown race operation " + quote(ot.text) + " (zap or split)");
  if ((*op == RaceOp::ZapSilent) != planted)
    fail(planted ? o.get("planted")->col : ot.col,
         planted ? std::string("'planted' is for the planted fault zap-silent only")
                 : std::string("zap-silent is a planted fault (the entry is cleared with no "
                               "invalidation, which no kernel does): write 'planted' after it to "
                               "say so"));
  const Level l = race_level(*point);
  u64 addr = address(at, s_.world.geom.page_size(), "race address");
  if (addr & ~s_.world.geom.mask(l))
    fail(at, fmt::format("race address {} is not aligned to the {} size {} (the point is about "
                         "the {} entry at that address)",
                         hex(addr), level_name(l), hex(s_.world.geom.size(l)), level_name(l)));
  if (*op == RaceOp::Split && *point == RacePoint::PudLocked)
    fail(ot, fmt::format("split applies to a huge PMD; a {} race can only zap", pt.text));
  for (const Race& r : s_.world.races)
    if (r.point == *point && r.addr == addr)
      fail(at, fmt::format("duplicate race at {} {}: an event fires once per point and entry",
                           hex(addr), pt.text));
  s_.world.races.push_back(Race{addr, *point, *op, false, reach, 0});
  race_lines_.push_back(RaceLine{line_, at.col});
}

// The walker calls pud_entry and pmd_entry only inside a VMA that is not hugetlb
// (pagewalk.c: hugetlb VMAs go to hugetlb_entry, gaps are holes): elsewhere a race point is
// never reached. Checked at the end, once every vma line is known.
void Parser::check_races() const {
  for (size_t i = 0; i < s_.world.races.size(); ++i) {
    const Race& r = s_.world.races[i];
    const u64 end = r.addr + s_.world.geom.size(race_level(r.point));
    bool reached = false;
    for (const Vma& v : s_.world.vmas.all())
      reached |= v.start < end && r.addr < v.end && !v.hugetlb();
    if (!reached)
      fail_at(race_lines_[i].line, race_lines_[i].col,
              fmt::format("no VMA but a hugetlb one meets the {} at {}: the walk never reaches "
                          "{} there",
                          level_name(race_level(r.point)), hex(r.addr), race_point_name(r.point)));
  }
}

} // namespace hmmspec::scenario_text
