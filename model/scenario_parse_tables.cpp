// SPDX-License-Identifier: GPL-2.0-or-later
// The parser's page-table lines (docs/scenario-format.md, "Entries" and "Tables by pfn"):
// `LEVEL ADDR ENTRY`, `table LEVEL pfn=P` and `word PFN INDEX WORD`, each placed in the world
// as it is read; a table word written twice is an error.
#include "model/scenario_parser.h"

#include <fmt/format.h>

#include "model/swap_layout.h"

namespace hmmspec::scenario_text {

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
                "hwpoison, huge, exclusive, marker, swapin-error, bad or raw)");
  sp.e.kind = *kind;
  const KernelVersion v = kernel();
  const SwapTypes types = swap_types(v);
  if ((*kind == Kind::Exclusive && types.exclusive_write == kNoType) ||
      (*kind == Kind::Marker && types.pte_marker == kNoType) ||
      (*kind == Kind::SwapinError && types.swapin_error == kNoType)) {
    Encoded why = encode(s_.world.geom, Level::Pte, Entry{.kind = *kind, .marker = kMarkerUffdWp});
    fail(k, why.error.value_or("not in this kernel version"));
  }
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
  case Kind::Migration:
    o = options(t, i + 1, {"pfn"}, {"write", "exclusive"});
    break;
  case Kind::Marker:
    o = options(t, i + 1, {}, {"uffd-wp", "poisoned"});
    break;
  case Kind::SwapinError:
    o = options(t, i + 1, {"pfn"}, {});
    break;
  default:
    o = options(t, i + 1, {"pfn"}, {"write"});
    break; // protnone, device, exclusive
  }
  if (const Opt* x = o.get("exclusive"); x && types.migration_read_exclusive == kNoType)
    fail(x->col, fmt::format("read-exclusive migration entries do not exist in v{}: they came "
                             "with 5.19",
                             version_name(v)));
  if (const Opt* p = o.get("poisoned"); p && !(pte_marker_mask(v) & kMarkerPoisoned))
    fail(p->col,
         fmt::format("the poisoned PTE marker exists only in 6.12, not in {}", version_name(v)));
  if (*kind == Kind::Marker) {
    sp.e.marker =
        (o.has("uffd-wp") ? kMarkerUffdWp : 0) | (o.has("poisoned") ? kMarkerPoisoned : 0);
    if (!sp.e.marker) fail(k, "marker needs uffd-wp or poisoned");
  }
  sp.e.exclusive = o.has("exclusive");
  sp.e.write = o.has("write");
  sp.e.special = o.has("special");
  sp.e.devmap = o.has("devmap");
  sp.e.protnone = o.has("protnone");
  if (const Opt* p = o.get("pfn")) {
    sp.pfn_col = p->col;
    sp.e.pfn = number(p->value, p->col);
    if (*kind == Kind::Table) sp.table_pfn = pfn(p->value, p->col);
  } else if (*kind != Kind::None && *kind != Kind::Table && *kind != Kind::Zero &&
             *kind != Kind::Swap && *kind != Kind::Marker && *kind != Kind::SwapinError) {
    fail(k, fmt::format("{} needs pfn=P", k.text));
  }
  if (*kind == Kind::Swap) {
    const Opt* ty = o.get("type");
    const Opt* off = o.get("offset");
    if (!ty || !off) fail(k, "swap needs type=T and offset=O");
    sp.type_col = ty->col;
    sp.offset_col = off->col;
    u64 type = number(ty->value, ty->col);
    if (type >= types.max_swapfiles)
      fail(ty->col, fmt::format("swap type must be below {} (types {}-31 are {} in {})",
                                types.max_swapfiles, types.max_swapfiles,
                                has_v6_api(v) ? "hwpoison, migration, device and marker entries"
                                              : "hwpoison, migration and device entries",
                                version_name(v)));
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

// LEVEL ADDR ENTRY at t[i]: the level, its address (aligned to what one entry covers), the
// ENTRY and the context of its slot. A page-table line, also in an expect line.
EntryLine Parser::level_addr_entry(std::span<const Token> t, size_t i) {
  const World& w = s_.world;
  Level l = level(t[i]);
  const Token& at = need(t, i + 1, "ADDR");
  u64 addr = address(at, w.geom.size(l), fmt::format("{} address", level_name(l)));
  EntrySpec sp = entry_spec(t, i + 2);
  table_line_seen();
  return EntryLine{l, at, addr, sp, w.context_at(l, addr)};
}

// LEVEL ADDR ENTRY
void Parser::entry_line(std::span<const Token> t) {
  World& w = s_.world;
  const Geometry& g = w.geom;
  auto [l, at, addr, sp, ctx] = level_addr_entry(t, 0);
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

} // namespace hmmspec::scenario_text
