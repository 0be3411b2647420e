// SPDX-License-Identifier: GPL-2.0-or-later
// The scenario parser: scenario text -> Scenario.
#include "model/scenario_parser.h"

#include <algorithm>
#include <fmt/format.h>
#include <fstream>
#include <tuple>

namespace hmmspec {

namespace scenario_text {

void Parser::feed(std::string_view text, unsigned lineno) {
  line_ = lineno;
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  if (in_description_) {
    size_t first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) return;
    if (text[first] == '#') {
      std::string_view c = text.substr(first + 1);
      if (!c.empty() && c[0] == ' ') c.remove_prefix(1);
      if (!c.starts_with(kSpdx)) description_.emplace_back(c);
      return;
    }
    in_description_ = false;
  }
  std::vector<Token> t = tokenize(text);
  if (t.empty()) return;
  directive(t);
}

Scenario Parser::finish() {
  if (!range_line_) fail_at(1, 1, "no 'range' line: every scenario needs one");
  HmmRange& r = s_.range;
  if (default_flags_) r.default_flags = default_flags_->resolve(r);
  if (mask_) r.pfn_flags_mask = mask_->resolve(r);
  paint_requests();
  for (auto& [index, out] : outs_) s_.expectations[index].word = out.resolve(r);
  if (!notifier_line_) s_.world.notifier = Notifier{r.start, r.end, 0, 0};
  if (stale_)
    r.notifier_seq = s_.world.notifier.seq - 1;
  else if (notifier_seq_)
    r.notifier_seq = *notifier_seq_;
  else
    r.notifier_seq = s_.world.notifier.seq;
  for (size_t i = 0; i < description_.size(); ++i) s_.text += (i ? "\n" : "") + description_[i];
  if (!name_line_) s_.name = default_name();
  return std::move(s_);
}

// ---- errors ----

void Parser::fail_at(unsigned line, unsigned col, std::string msg) const {
  throw Stop{ParseError{SourceLoc{file_, line, col}, std::move(msg)}};
}

void Parser::fail(unsigned col, std::string msg) const {
  fail_at(line_, col, std::move(msg));
}

std::string Parser::default_name() const {
  std::string_view f = file_;
  if (size_t slash = f.find_last_of('/'); slash != std::string_view::npos)
    f.remove_prefix(slash + 1);
  if (size_t dot = f.find_last_of('.'); dot != std::string_view::npos && dot > 0)
    f = f.substr(0, dot);
  return std::string(f);
}

// ---- tokens ----

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

// START-END or START+SIZE (END exclusive); `single` also allows a lone START (one unit).
std::pair<u64, u64> Parser::span(std::string_view text, unsigned col, bool single,
                                 bool allow_empty) const {
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
  if (a > b || (a == b && !allow_empty))
    fail(col,
         fmt::format("empty range {}: start {} is not below end {}", quote(text), hex(a), hex(b)));
  return {a, b};
}

// An address range in the address space, page aligned (VMAs, the range).
std::pair<u64, u64> Parser::address_span(const Token& t, std::string_view what,
                                         bool allow_empty) const {
  const Geometry& g = s_.world.geom;
  auto [a, b] = span(t.text, t.col, false, allow_empty);
  if ((a | b) & (g.page_size() - 1))
    fail(t, fmt::format("{} {}-{} is not page aligned", what, hex(a), hex(b)));
  if (b > g.va_limit())
    fail(t, fmt::format("{} end {} is beyond the address space (which ends at {})", what, hex(b),
                        hex(g.va_limit())));
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

Opts Parser::options(std::span<const Token> t, size_t from,
                     std::initializer_list<std::string_view> keys,
                     std::initializer_list<std::string_view> words) const {
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

// ---- directives ----

void Parser::once(const Token& t, std::string key) {
  auto [it, fresh] = once_.emplace(key, line_);
  if (!fresh) fail(t, fmt::format("duplicate {} (first at line {})", quote(key), it->second));
}

void Parser::directive(std::span<const Token> t) {
  std::string_view d = t[0].text;
  if (d == "scenario") return scenario(t);
  if (d == "rule") return rule(t);
  if (d == "geometry") return geometry(t);
  if (!first_world_line_) {
    first_world_line_ = line_;
    first_world_name_ = d;
  }
  if (d == "zero_pfn") return zero_pfn(t);
  if (d == "next_pfn") return next_pfn(t);
  if (d == "vma") return vma(t);
  if (d == "owner") return owner_line(t);
  if (d == "shared_pfn") return shared_pfn(t);
  if (d == "inject") return inject(t);
  if (d == "table") return table_line(t);
  if (d == "word") return word_line(t);
  if (level_from_name(d)) return entry_line(t);
  if (d == "notifier") return notifier(t);
  if (d == "range") return range(t);
  if (d == "driver") return driver(t);
  if (d == "flags" || d == "values" || d == "pfn_shift" || d == "default_flags" ||
      d == "pfn_flags_mask")
    return encoding(t);
  if (d == "dev_private_owner") {
    once(t[0], "dev_private_owner");
    s_.range.dev_private_owner = owner(need(t, 1, "OWNER"));
    return no_more(t, 2);
  }
  if (d == "notifier_seq") {
    once(t[0], "notifier_seq");
    const Token& v = need(t, 1, "N or stale");
    if (v.text == "stale")
      stale_ = true;
    else
      notifier_seq_ = number(v);
    return no_more(t, 2);
  }
  if (d == "request") return request(t);
  if (d == "budget") {
    once(t[0], "budget");
    const Token& v = need(t, 1, "N");
    u64 n = number(v);
    if (n == 0 || n > 0xffffffffull) fail(v, "budget must be between 1 and 4294967295");
    s_.options.restart_budget = unsigned(n);
    return no_more(t, 2);
  }
  if (d == "expect") return expect(t);
  fail(t[0], "unknown directive " + quote(d));
}

void Parser::scenario(std::span<const Token> t) {
  once(t[0], "scenario");
  name_line_ = line_;
  s_.name = std::string(need(t, 1, "NAME").text);
  no_more(t, 2);
}

void Parser::rule(std::span<const Token> t) {
  const Token& r = need(t, 1, "R-NAME");
  if (!r.text.starts_with("R-") || r.text.size() < 3)
    fail(r, "a rule is named R-SOMETHING, got " + quote(r.text));
  if (std::find(s_.rules.begin(), s_.rules.end(), r.text) != s_.rules.end())
    fail(r, "duplicate rule " + quote(r.text));
  s_.rules.emplace_back(r.text);
  no_more(t, 2);
}

void Parser::geometry(std::span<const Token> t) {
  once(t[0], "geometry");
  if (first_world_line_)
    fail(t[0], fmt::format("geometry must come before every directive but scenario and rule "
                           "(line {} has {})",
                           first_world_line_, quote(first_world_name_)));
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
      g.page_shift = small(ps->value, ps->col, 255, "page_shift");
    std::vector<unsigned> list;
    std::string_view rest = bits->value;
    while (true) {
      size_t comma = rest.find(',');
      if (list.size() == 5) fail(bits->col, "bits= lists 4 or 5 levels");
      list.push_back(small(rest.substr(0, comma), bits->col, 255, "index bits"));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    if (list.size() < 4) fail(bits->col, "bits= lists 4 or 5 levels");
    g.levels = unsigned(list.size());
    if (const Opt* lv = o.get("levels")) {
      unsigned levels = small(lv->value, lv->col, 255, "levels");
      if (levels != g.levels)
        fail(lv->col, fmt::format("levels={} but bits= lists {} levels", levels, g.levels));
    }
    if (g.levels == 4) list.insert(list.begin() + 3, 0u);
    std::copy(list.begin(), list.end(), g.bits.begin());
    if (auto err = g.validate()) fail(n, "invalid geometry: " + *err);
  }
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
  Opts o = options(
      t, 2, {"hugetlb", "vm_flags"},
      {"read", "write", "exec", "shared", "io", "pfnmap", "mixedmap", "hugepage", "anon", "file"});
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

void Parser::owner_line(std::span<const Token> t) {
  const Token& pt = need(t, 1, "PFN-RANGE");
  auto [a, b] = span(pt.text, pt.col, true);
  check_pfn(b - 1, pt.col);
  if (b - a > kMaxPfnsPerLine)
    fail(pt, fmt::format("at most {} pfns per owner line", kMaxPfnsPerLine));
  if (owners_total_ + (b - a) > kMaxPfnsTotal)
    fail(pt, fmt::format("at most {} device pfns in all", kMaxPfnsTotal));
  u64 who = owner(need(t, 2, "OWNER"));
  no_more(t, 3);
  for (u64 p = a; p < b; ++p)
    if (s_.world.device_owner.contains(p))
      fail(pt, fmt::format("pfn {} already has an owner", hex(p)));
  for (u64 p = a; p < b; ++p) s_.world.device_owner.emplace(p, who);
  owners_total_ += b - a;
}

void Parser::shared_pfn(std::span<const Token> t) {
  const Token& pt = need(t, 1, "PFN");
  auto [a, b] = span(pt.text, pt.col, true);
  check_pfn(b - 1, pt.col);
  if (b - a > kMaxPfnsPerLine)
    fail(pt, fmt::format("at most {} pfns per shared_pfn line", kMaxPfnsPerLine));
  if (shared_total_ + (b - a) > kMaxPfnsTotal)
    fail(pt, fmt::format("at most {} shared pfns in all", kMaxPfnsTotal));
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

// ---- page tables ----

void Parser::check_table_budget(const Token& t) const {
  if (s_.world.tables().size() + 5 > kMaxTables)
    fail(t, fmt::format("too many page tables (at most {})", kMaxTables));
}

// The table holding the slot of `l` for addr (the path to it must exist), and the index.
std::pair<u64, unsigned> Parser::slot_id(Level l, u64 addr) const {
  const World& w = s_.world;
  if (l == Level::Pgd) return {w.root_pfn(), w.geom.index(l, addr)};
  const u64* up = w.find_slot(level_up(w.geom, l), addr);
  return {table_pfn(w.geom, *up), w.geom.index(l, addr)};
}

// Records a write of a table word; a second write to the same word is an error.
void Parser::record(std::pair<u64, unsigned> id, const Token& t, std::string_view what) {
  auto [it, fresh] = written_.emplace(id, Written{line_, false});
  if (fresh) return;
  if (it->second.implicit)
    fail(t, fmt::format("{} already points to a table created for line {}: write the table "
                        "line before the entries under it",
                        what, it->second.line));
  fail(t, fmt::format("{} was already set by line {}", what, it->second.line));
}

// Why ensure_slot could not reach (l, addr): the first upper entry it cannot go through.
std::string Parser::blocked_message(Level l, u64 addr) const {
  const World& w = s_.world;
  for (Level u = Level::Pgd; u != l; u = level_down(w.geom, u)) {
    const u64* p = w.find_slot(u, addr);
    if (!p) break;
    Entry e = classify(w.geom, u, *p, w.zero_pfn);
    if (e.kind == Kind::Table || e.kind == Kind::Bad) {
      u64 tp = table_pfn(w.geom, *p);
      if (!w.tables().contains(tp))
        return fmt::format("the {} entry covering {} points to pfn {}, where no table is: no {} "
                           "entry can be placed under it",
                           level_name(u), hex(addr), hex(tp), level_name(l));
      continue;
    }
    return fmt::format("the {} entry covering {} is {}, not a table: no {} entry can be placed "
                       "under it",
                       level_name(u), hex(addr), describe(e), level_name(l));
  }
  return fmt::format("no {} entry can be placed at {}", level_name(l), hex(addr));
}

EntrySpec Parser::entry_spec(std::span<const Token> t, size_t i) const {
  EntrySpec sp;
  const Token& k = need(t, i, "ENTRY");
  sp.kind_col = k.col;
  if (k.text == "raw" || k.text == "bad") {
    const Token& w = need(t, i + 1, "WORD");
    sp.word_col = w.col;
    u64 word = number(w);
    no_more(t, i + 2);
    if (k.text == "raw") {
      sp.raw = true;
      sp.raw_word = word;
    } else {
      sp.e = Entry{.kind = Kind::Bad, .word = word};
    }
    return sp;
  }
  auto kind = kind_from_name(k.text);
  if (!kind)
    fail(k, "unknown entry " + quote(k.text) +
                " (expected none, table, page, zero, protnone, swap, migration, device, "
                "hwpoison, huge, bad or raw)");
  sp.e.kind = *kind;
  Opts o;
  switch (*kind) {
  case Kind::None:
    o = options(t, i + 1, {}, {});
    break;
  case Kind::Table:
    o = options(t, i + 1, {"pfn"}, {});
    break;
  case Kind::Page:
    o = options(t, i + 1, {"pfn"}, {"write", "special", "devmap"});
    break;
  case Kind::Zero:
    o = options(t, i + 1, {}, {"write"});
    break;
  case Kind::Swap:
    o = options(t, i + 1, {"type", "offset"}, {});
    break;
  case Kind::Hwpoison:
    o = options(t, i + 1, {"pfn"}, {});
    break;
  case Kind::Huge:
    o = options(t, i + 1, {"pfn"}, {"write", "devmap", "protnone", "special"});
    break;
  default:
    o = options(t, i + 1, {"pfn"}, {"write"});
    break; // protnone, migration, device
  }
  sp.e.write = o.has("write");
  sp.e.special = o.has("special");
  sp.e.devmap = o.has("devmap");
  sp.e.protnone = o.has("protnone");
  if (const Opt* p = o.get("pfn")) {
    sp.pfn_col = p->col;
    sp.e.pfn = number(p->value, p->col);
    if (*kind == Kind::Table) sp.table_pfn = pfn(p->value, p->col);
  } else if (*kind != Kind::None && *kind != Kind::Table && *kind != Kind::Zero &&
             *kind != Kind::Swap) {
    fail(k, fmt::format("{} needs pfn=P", k.text));
  }
  if (*kind == Kind::Swap) {
    const Opt* ty = o.get("type");
    const Opt* off = o.get("offset");
    if (!ty || !off) fail(k, "swap needs type=T and offset=O");
    sp.type_col = ty->col;
    sp.offset_col = off->col;
    u64 type = number(ty->value, ty->col);
    if (type >= x86::MAX_SWAPFILES)
      fail(ty->col, "swap type must be below 27 (types 27-31 are hwpoison, migration and "
                    "device entries)");
    sp.e.swap_type = unsigned(type);
    sp.e.offset = number(off->value, off->col);
  }
  if (*kind == Kind::Zero) sp.e.pfn = s_.world.zero_pfn;
  return sp;
}

// The word of a non-table ENTRY at (l, ctx), or an error at the token it is about.
u64 Parser::encode_spec(Level l, Context ctx, const EntrySpec& sp) const {
  if (sp.raw) return sp.raw_word;
  Encoded enc = encode(s_.world.geom, l, sp.e, ctx);
  if (!enc.error) return enc.word;
  const std::string& m = *enc.error;
  unsigned col = sp.kind_col;
  if (m.find("offset") != std::string::npos && sp.offset_col)
    col = sp.offset_col;
  else if ((m.find("pfn") != std::string::npos || m.find("offset") != std::string::npos) &&
           sp.pfn_col)
    col = sp.pfn_col;
  else if (m.find("type") != std::string::npos && sp.type_col)
    col = sp.type_col;
  else if (sp.e.kind == Kind::Bad && m.find("not a bad") != std::string::npos)
    col = sp.word_col;
  std::string where = ctx == Context::HugetlbSlot ? " (a hugetlb slot)" : "";
  fail(col, fmt::format("{}{}: {}", level_name(l), where, m));
}

// LEVEL ADDR ENTRY
void Parser::entry_line(std::span<const Token> t) {
  World& w = s_.world;
  const Geometry& g = w.geom;
  Level l = level(t[0]);
  const Token& at = need(t, 1, "ADDR");
  u64 addr = address(at, g.size(l), fmt::format("{} address", level_name(l)));
  EntrySpec sp = entry_spec(t, 2);
  table_line_seen();
  Context ctx = w.context_at(l, addr);
  u64 word = 0;
  bool is_table = !sp.raw && sp.e.kind == Kind::Table;
  if (is_table) {
    if (l == Level::Pte || ctx == Context::HugetlbSlot)
      fail(sp.kind_col, fmt::format("{}{}: a table pointer cannot be a leaf", level_name(l),
                                    ctx == Context::HugetlbSlot ? " (a hugetlb slot)" : ""));
    if (sp.table_pfn && w.tables().contains(*sp.table_pfn))
      fail(sp.pfn_col, fmt::format("pfn {} already holds a table", hex(*sp.table_pfn)));
  } else {
    word = encode_spec(l, ctx, sp);
  }
  check_table_budget(at);
  u64* slot = w.ensure_slot(l, addr);
  if (!slot) fail(at, blocked_message(l, addr));
  for (Level u = Level::Pgd; u != l; u = level_down(g, u))
    written_.emplace(slot_id(u, addr), Written{line_, true});
  record(slot_id(l, addr), at, fmt::format("the {} entry at {}", level_name(l), hex(addr)));
  if (is_table) {
    auto p = w.alloc_table(level_down(g, l), sp.table_pfn);
    if (!p) fail(sp.kind_col, "cannot allocate a table here"); // unreachable: checked above
    word = encode(g, l, Entry{.kind = Kind::Table, .pfn = *p}).word;
  }
  *slot = word;
}

// table LEVEL pfn=P: an empty table holding LEVEL entries, pointed to by nothing yet.
void Parser::table_line(std::span<const Token> t) {
  table_line_seen();
  Level l = level(need(t, 1, "LEVEL"));
  Opts o = options(t, 2, {"pfn"}, {});
  const Opt* p = o.get("pfn");
  if (!p) fail(t[1], "table needs pfn=P");
  u64 at = pfn(p->value, p->col);
  if (s_.world.tables().contains(at))
    fail(p->col, fmt::format("pfn {} already holds a table", hex(at)));
  check_table_budget(t[0]);
  s_.world.alloc_table(l, at);
}

// word PFN INDEX WORD: one word of the table at PFN, written directly.
void Parser::word_line(std::span<const Token> t) {
  table_line_seen();
  const Token& pt = need(t, 1, "PFN");
  u64 at = number(pt);
  u64* words = s_.world.table_words_mut(at);
  if (!words) fail(pt, fmt::format("no table at pfn {}", hex(at)));
  const Token& it = need(t, 2, "INDEX");
  u64 index = number(it);
  if (index >= s_.world.geom.max_entries())
    fail(it, fmt::format("index {} is beyond the table's {} words", index,
                         s_.world.geom.max_entries()));
  u64 word = number(need(t, 3, "WORD"));
  no_more(t, 4);
  record({at, unsigned(index)}, it, fmt::format("word {} of the table at pfn {}", index, hex(at)));
  words[index] = word;
}

// ---- the range ----

void Parser::notifier(std::span<const Token> t) {
  once(t[0], "notifier");
  notifier_line_ = line_;
  const Token& rt = need(t, 1, "RANGE");
  Notifier n;
  std::tie(n.start, n.end) = span(rt.text, rt.col, false, true);
  Opts o = options(t, 2, {"seq", "invalidations"}, {});
  if (const Opt* s = o.get("seq")) n.seq = number(s->value, s->col);
  if (const Opt* i = o.get("invalidations")) n.invalidations = number(i->value, i->col);
  s_.world.notifier = n;
}

void Parser::range(std::span<const Token> t) {
  once(t[0], "range");
  range_line_ = line_;
  const Token& rt = need(t, 1, "RANGE");
  // start == end is allowed: walk_page_range refuses it with -EINVAL (R-EINVAL).
  auto [a, b] = address_span(rt, "range", true);
  u64 pages = (b - a) >> s_.world.geom.page_shift;
  if (pages > kMaxRangePages)
    fail(rt, fmt::format("range of {} pages is too large (at most {})", pages, kMaxRangePages));
  no_more(t, 2);
  s_.range.start = a;
  s_.range.end = b;
  s_.range.pfns.assign(pages, 0);
}

void Parser::driver(std::span<const Token> t) {
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
    u64 a = it->first, b = it->first + it->count, value = it->req.resolve(r);
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

// ---- expectations ----

Expectation& Parser::add_expectation(Expectation::Type type, const Token& t) {
  Expectation e;
  e.type = type;
  e.loc = SourceLoc{file_, line_, t.col};
  s_.expectations.push_back(std::move(e));
  return s_.expectations.back();
}

Expectation& Parser::log_expectation(const Token& t) {
  if (!log_index_) {
    log_index_ = s_.expectations.size();
    add_expectation(Expectation::Type::Log, t);
  }
  return s_.expectations[*log_index_];
}

void Parser::expect(std::span<const Token> t) {
  const Token& what = need(t, 1, "what to expect");
  std::string_view w = what.text;
  if (w == "ret") {
    once(what, "expect ret");
    const Token& v = need(t, 2, "N, an error name or livelock");
    Expectation& e = add_expectation(Expectation::Type::Ret, t[0]);
    if (v.text == "livelock") {
      e.livelock = true;
    } else {
      if (auto named = errno_from_name(v.text)) {
        e.ret = *named;
      } else {
        bool neg = v.text.starts_with('-');
        u64 n = number(neg ? v.text.substr(1) : v.text, v.col);
        if (n > (neg ? (1ull << 63) : (1ull << 63) - 1))
          fail(v, "return value " + quote(v.text) + " does not fit in a long");
        e.ret = neg ? long(0 - n) : long(n);
      }
    }
    return no_more(t, 3);
  }
  if (w == "pfn") {
    auto [first, count] = where(need(t, 2, "WHERE"), "expect pfn");
    Expectation& e = add_expectation(Expectation::Type::Pfn, t[0]);
    e.first = first;
    e.count = count;
    outs_.emplace_back(s_.expectations.size() - 1, out(t, 3, e));
    return;
  }
  if (w == "fault" || w == "wait") return expect_event(t);
  if (w == "nofault") {
    once(what, "expect nofault");
    if (log_index_)
      fail(what, fmt::format("expect nofault contradicts the expect fault/wait at line {}",
                             s_.expectations[*log_index_].loc.line));
    nofault_line_ = line_;
    log_expectation(t[0]);
    return no_more(t, 2);
  }
  if (w == "notifier_seq") {
    once(what, "expect notifier_seq");
    u64 seq = number(need(t, 2, "N"));
    add_expectation(Expectation::Type::Notifier, t[0]).seq = seq;
    return no_more(t, 3);
  }
  if (level_from_name(w)) {
    World& wd = s_.world;
    Level l = level(what);
    const Token& at = need(t, 2, "ADDR");
    u64 addr = address(at, wd.geom.size(l), fmt::format("{} address", level_name(l)));
    EntrySpec sp = entry_spec(t, 3);
    table_line_seen();
    Context ctx = wd.context_at(l, addr);
    u64 word;
    if (!sp.raw && sp.e.kind == Kind::Table) {
      if (!sp.table_pfn) fail(sp.kind_col, "expect ... table needs pfn=P");
      if (l == Level::Pte || ctx == Context::HugetlbSlot)
        fail(sp.kind_col, fmt::format("{}: a table pointer cannot be a leaf", level_name(l)));
      word = encode(wd.geom, l, Entry{.kind = Kind::Table, .pfn = *sp.table_pfn}).word;
    } else {
      word = encode_spec(l, ctx, sp);
    }
    Expectation& e = add_expectation(Expectation::Type::Entry, t[0]);
    e.level = l;
    e.addr = addr;
    e.entry_word = word;
    return;
  }
  fail(what, "unknown expectation " + quote(w) +
                 " (expected ret, pfn, pte, pmd, pud, p4d, pgd, fault, wait, nofault or "
                 "notifier_seq)");
}

// OUT of expect pfn: none, error, special, a word (WORD+ increments), or pfn=P[+] [V] [W].
Out Parser::out(std::span<const Token> t, size_t i, Expectation& e) const {
  const Token& o = need(t, i, "OUT");
  Out r;
  if (o.text == "none" || o.text == "error" || o.text == "special") {
    r.form = o.text == "none"    ? Out::Form::None
             : o.text == "error" ? Out::Form::Error
                                 : Out::Form::Special;
    no_more(t, i + 1);
    return r;
  }
  if (o.text.starts_with("pfn=")) {
    std::string_view p = o.text.substr(4);
    if (p.ends_with('+')) {
      e.pfn_increments = true;
      p.remove_suffix(1);
    }
    if (p.empty()) fail(o, "missing value for 'pfn'");
    r.form = Out::Form::Pfn;
    r.value = number(p, o.col);
    Opts f = options(t, i + 1, {}, {"V", "W", "VW"});
    r.v = f.has("V") || f.has("VW");
    r.w = f.has("W") || f.has("VW");
    return r;
  }
  std::string_view n = o.text;
  if (n.ends_with('+')) {
    e.pfn_increments = true;
    n.remove_suffix(1);
  }
  u64 v = 0;
  if (parse_u64(n, v))
    fail(o, "bad output " + quote(o.text) +
                ": expected none, error, special, pfn=P [V] [W] or a word");
  r.value = v;
  no_more(t, i + 1);
  return r;
}

void Parser::expect_event(std::span<const Token> t) {
  const Token& what = t[1];
  if (nofault_line_)
    fail(what, fmt::format("expect {} contradicts the expect nofault at line {}", what.text,
                           nofault_line_));
  const Geometry& g = s_.world.geom;
  Event ev;
  size_t next;
  if (what.text == "wait") {
    const Token& lt = need(t, 2, "pte or pmd");
    if (lt.text != "pte" && lt.text != "pmd")
      fail(lt, "a migration wait is at pte or pmd, got " + quote(lt.text));
    ev.type = Event::Type::Wait;
    ev.level = lt.text == "pte" ? Level::Pte : Level::Pmd;
    ev.addr = address(need(t, 3, "ADDR"), g.size(ev.level), "wait address");
    next = 4;
  } else {
    ev.addr = address(need(t, 2, "ADDR"), g.page_size(), "fault address");
    const Token& f = need(t, 3, "read, write or flags=N");
    if (f.text == "read")
      ev.flags = fault::FLAG_REMOTE;
    else if (f.text == "write")
      ev.flags = fault::FLAG_REMOTE | fault::FLAG_WRITE;
    else if (f.text.starts_with("flags=") && f.text.size() > 6)
      ev.flags = small(f.text.substr(6), f.col, 0xffffffffull, "fault flags");
    else
      fail(f, "expected read, write or flags=N, got " + quote(f.text));
    next = 4;
    if (next < t.size() && t[next].text == "->") {
      const Token& b = need(t, next + 1, "BITS");
      ev.result = fault_bits(b.text, b.col);
      next += 2;
    }
  }
  no_more(t, next);
  log_expectation(t[0]).log.push_back(ev);
}

} // namespace scenario_text

ParseResult parse_scenario(std::string_view text, std::string_view file) {
  scenario_text::Parser p(file);
  try {
    unsigned lineno = 0;
    size_t pos = 0;
    while (pos < text.size()) {
      size_t nl = text.find('\n', pos);
      std::string_view line = text.substr(pos, nl == std::string_view::npos ? text.npos : nl - pos);
      p.feed(line, ++lineno);
      if (nl == std::string_view::npos) break;
      pos = nl + 1;
    }
    return p.finish();
  } catch (const scenario_text::Stop& s) {
    return s.error;
  } catch (const std::bad_alloc&) {
    return ParseError{SourceLoc{std::string(file), 0, 0}, "out of memory"};
  }
}

ParseResult load_scenario(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ParseError{SourceLoc{path, 0, 0}, "cannot read the file"};
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, size_t(in.gcount()));
    if (text.size() > scenario_text::kMaxFileBytes)
      return ParseError{SourceLoc{path, 0, 0},
                        fmt::format("file larger than {} bytes", scenario_text::kMaxFileBytes)};
  }
  if (in.bad()) return ParseError{SourceLoc{path, 0, 0}, "cannot read the file"};
  return parse_scenario(text, path);
}

} // namespace hmmspec
