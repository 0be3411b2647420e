// SPDX-License-Identifier: GPL-2.0-or-later
#include "fuzz/fuzz_case.h"

#include <fmt/format.h>

#include <algorithm>

#include "fuzz/byte_source.h"
#include "fuzz/case_io.h"
#include "model/mm_ops.h"
#include "model/race.h"
#include "model/swap_layout.h"
#include "model/table_tree.h"

namespace hmmspec::fuzz {

std::vector<std::uint8_t> CaseWriter::bytes(std::uint8_t header) const {
  std::vector<std::uint8_t> consumed; // in the order the reader consumes them
  for (const Choice& c : choices_) {
    unsigned n = 0;
    while (n < 8 && (c.range >> (8 * n)) > 0) ++n;
    for (unsigned i = n; i-- > 0;) consumed.push_back(std::uint8_t(c.offset >> (8 * i)));
  }
  std::vector<std::uint8_t> out(consumed.size() + 1);
  out[0] = header;
  std::copy(consumed.rbegin(), consumed.rend(), out.begin() + 1);
  return out;
}

Geometry case_geometry(const FuzzCase& c) {
  const char* name = c.geometry <= 6    ? "tiny"
                     : c.geometry <= 9  ? "tiny3"
                     : c.geometry <= 12 ? "tiny-la57"
                     : c.geometry == 13 ? "x86_64"
                     : c.geometry == 14 ? "x86_64-la57"
                                        : nullptr;
  if (name) return *builtin_geometry(name);
  Geometry g;
  g.name = "custom";
  g.page_shift = unsigned(std::clamp<u64>(c.page_shift, 12, 16));
  g.levels = c.la57 ? 5 : 4;
  for (Level l : kAllLevels) g.bits[idx(l)] = unsigned(std::clamp<u64>(c.bits[idx(l)], 1, 9));
  if (!c.la57) g.bits[idx(Level::P4d)] = 0;
  while (g.validate()) { // too wide: narrow the widest level
    auto widest = std::max_element(g.bits.begin(), g.bits.end());
    if (*widest <= 1) break;
    --*widest;
  }
  return g;
}

std::optional<u64> pinned_geometry_selector(std::string_view name) {
  const std::pair<std::string_view, u64> names[] = {
      {"tiny", 0}, {"tiny3", 7}, {"tiny-la57", 10}, {"x86_64", 13}, {"x86_64-la57", 14}};
  for (auto [n, sel] : names)
    if (n == name) return sel;
  return std::nullopt;
}

FuzzCase decode_case(std::span<const std::uint8_t> bytes, std::optional<u64> pinned,
                     std::optional<KernelVersion> version, unsigned encoding) {
  ByteSource src(bytes.empty() ? nullptr : bytes.data() + 1, bytes.empty() ? 0 : bytes.size() - 1);
  CaseReader<ByteSource> reader(src, pinned, encoding);
  FuzzCase c;
  c.kernel = version ? *version : bytes.empty() ? KernelVersion::V5_7 : header_kernel(bytes[0]);
  io_case(reader, c);
  return c;
}

std::vector<std::uint8_t> encode_case(FuzzCase c, FuzzCase* canonical) {
  CaseWriter w;
  io_case(w, c);
  if (canonical) *canonical = c;
  return w.bytes(input_header(c.kernel));
}

namespace {

// The n-th table of the world in pfn order (n modulo the number of tables).
std::pair<u64, Level> nth_table(const World& w, u64 n) {
  const auto& tables = w.tables();
  auto it = tables.begin();
  std::advance(it, n % tables.size());
  return {it->first, it->second.level};
}

u64 resolve_word(const World& w, const FuzzWord& fw) {
  if (!fw.pointer) return fw.word;
  u64 pfn = nth_table(w, fw.table).first;
  return (x86::PAGE_TABLE | (pfn << w.geom.page_shift)) ^ fw.garble;
}

Level table_level_below(const Geometry& g, Level l) {
  if (l == Level::Pte) return Level::Pte;
  Level next = below(l);
  if (next == Level::P4d && g.p4d_folded()) next = Level::Pud;
  return next;
}

// The word an entry op writes: the logical entry encoded for its level and context, or,
// when it cannot exist there, the same entry as a PTE (or PMD) would hold it.
u64 entry_word(World& w, const FuzzOp& op, Context ctx) {
  const Geometry& g = w.geom;
  const u64 max_pfn = x86::PHYSICAL_MASK >> g.page_shift;
  // a pfn swap entry's pfn: the whole offset in v5.7, SWP_PFN_BITS of it in 6.x
  const u64 swap_pfn_max = std::min(x86::SWP_OFFSET_MAX, swp_pfn_mask(g));
  Entry e;
  e.pfn = std::min(op.pfn, max_pfn);
  e.write = op.write;
  switch (op.form) {
  case Form::None:
    return 0;
  case Form::Raw:
    return resolve_word(w, op.raw);
  case Form::Page:
    e.kind = Kind::Page, e.special = op.special, e.devmap = op.devmap;
    break;
  case Form::Zero:
    e.kind = Kind::Zero, e.pfn = w.zero_pfn;
    break;
  case Form::Protnone:
    e.kind = Kind::Protnone;
    break;
  case Form::Swap:
    e.kind = Kind::Swap, e.write = false, e.swap_type = unsigned(op.swap_type % x86::MAX_SWAPFILES);
    e.offset = std::min(op.pfn, x86::SWP_OFFSET_MAX);
    break;
  case Form::Migration:
    e.kind = Kind::Migration, e.pfn = std::min(e.pfn, swap_pfn_max);
    e.exclusive = op.exclusive && !op.write;
    break;
  case Form::Device:
    e.kind = Kind::Device, e.pfn = std::min(e.pfn, swap_pfn_max);
    break;
  case Form::Hwpoison:
    e.kind = Kind::Hwpoison, e.write = false, e.pfn = std::min(e.pfn, swap_pfn_max);
    break;
  case Form::Exclusive:
    e.kind = Kind::Exclusive, e.pfn = std::min(e.pfn, swap_pfn_max);
    break;
  case Form::Marker: // the bits the version's pte_marker_get keeps; uffd-wp when none is left
    e.kind = Kind::Marker, e.write = false, e.pfn = 0;
    e.marker = unsigned(op.marker) & pte_marker_mask(g.kernel);
    if (!e.marker) e.marker = kMarkerUffdWp;
    break;
  case Form::SwapinError: // 6.12 writes a poisoned PTE marker where 6.1 wrote this entry
    e.write = false;
    if (swap_types(g.kernel).swapin_error == kNoType) {
      e.kind = Kind::Marker, e.pfn = 0, e.marker = kMarkerPoisoned;
    } else {
      e.kind = Kind::SwapinError, e.pfn = std::min(e.pfn, x86::SWP_OFFSET_MAX);
    }
    break;
  case Form::Huge:
    e.kind = Kind::Huge, e.devmap = op.devmap, e.protnone = op.protnone, e.special = op.special;
    break;
  case Form::Table: {
    auto t = w.alloc_table(table_level_below(g, op.level));
    if (!t) return 0;
    e.kind = Kind::Table, e.pfn = *t;
    break;
  }
  }
  auto aligned = [&](Level l) {
    Entry a = e;
    if (a.kind == Kind::Huge && (l == Level::Pmd || l == Level::Pud))
      a.pfn &= ~((g.size(l) >> g.page_shift) - 1);
    return a;
  };
  Entry here = aligned(op.level);
  if (here.kind == Kind::Huge && here.protnone && ctx == Context::HugetlbSlot)
    here.kind = Kind::Protnone;
  Encoded enc = encode(g, op.level, here, ctx);
  if (!enc.error) return enc.word;
  enc = encode(g, Level::Pte, e);
  if (!enc.error) return enc.word;
  enc = encode(g, Level::Pmd, aligned(Level::Pmd));
  return enc.error ? 0 : enc.word;
}

void apply_op(World& w, const FuzzOp& op) {
  const Geometry& g = w.geom;
  switch (op.type) {
  case FuzzOp::Type::Entry: {
    Level l = op.level;
    if (l == Level::P4d && g.p4d_folded()) l = Level::Pgd;
    u64 addr = (op.page << g.page_shift) & (g.va_limit() - 1);
    Context ctx = w.context_at(l, addr);
    // ensure_slot allocates up to four tables; once a table sits near the top pfn the
    // allocator has no room, and only existing paths are written
    const bool room = w.next_table_pfn() + 4 <= (x86::PHYSICAL_MASK >> g.page_shift);
    if (!(room ? w.ensure_slot(l, addr) : w.find_slot_mut(l, addr))) return; // a path is blocked
    FuzzOp at = op;
    at.level = l;
    u64 word = entry_word(w, at, ctx);
    // (entry_word may allocate a table: look the slot up again)
    if (u64* slot = w.find_slot_mut(l, addr)) *slot = word;
    return;
  }
  case FuzzOp::Type::Word: {
    auto [pfn, level] = nth_table(w, op.table);
    if (level == Level::P4d && g.p4d_folded()) level = Level::Pud;
    u64 word = resolve_word(w, op.raw);
    w.table_words_mut(pfn)[op.index % g.entries(level)] = word;
    return;
  }
  case FuzzOp::Type::Table: {
    Level l = op.level;
    if (l == Level::P4d && g.p4d_folded()) l = Level::Pud;
    w.alloc_table(l, op.pfn);
    return;
  }
  }
}

// The race events of a case, at addresses of w's candidates (race_candidates): one with
// none is dropped, as is a second event at the same point and entry (the parser refuses it).
// All are dropped when the tables do not form a tree: the events are specified for such worlds
// only (docs/spec.md, section 6a).
void add_races(World& w, const HmmRange& r, const std::vector<FuzzRace>& races) {
  if (races.empty() || !tables_form_a_tree(w)) return;
  for (const FuzzRace& fr : races) {
    const std::vector<u64> cands = race_candidates(w, r, race_level(fr.point));
    if (cands.empty()) continue;
    const u64 addr = cands[fr.entry % cands.size()];
    const RaceOp op = fr.point == RacePoint::PudLocked ? RaceOp::Zap : fr.op;
    const bool twice = std::any_of(w.races.begin(), w.races.end(), [&](const Race& x) {
      return x.point == fr.point && x.addr == addr;
    });
    const unsigned at = unsigned(std::clamp<u64>(fr.at, 1, 16));
    if (!twice) w.races.push_back(Race{addr, fr.point, op, false, at, 0});
  }
}

// The mm operation a FuzzMmOp names (as the parser makes it: a fork has no range, a
// migration's owner is the range's dev_private_owner, only mprotect and mmap have a protection).
MmOp mm_op_of(const Geometry& g, const FuzzMmOp& fo, u64 dev_private_owner) {
  if (!mm_op_has_range(fo.kind)) return MmOp{fo.kind, 0, 0, Prot::Read, 0};
  const u64 va_pages = g.va_limit() >> g.page_shift;
  const u64 start = std::min(fo.page, va_pages - 1);
  const u64 end = std::min(start + std::max<u64>(fo.pages, 1), va_pages);
  const Prot prot = mm_op_has_prot(fo.kind) ? fo.prot : Prot::Read;
  const bool migrate = fo.kind == MmOpKind::MigrateToDevice || fo.kind == MmOpKind::MigrateToRam;
  return MmOp{fo.kind, start << g.page_shift, end << g.page_shift, prot,
              migrate ? dev_private_owner : 0};
}

// The later calls of a v5.7 case: each operation the parser would accept on the world the
// operations before it leave (apply_mm_op_line on a copy of the first call's world), in order;
// the others are dropped.
std::vector<Call> later_calls(const World& first, const HmmRange& r,
                              const std::vector<FuzzCall>& calls) {
  std::vector<Call> out;
  if (calls.empty()) return out;
  World w = first;
  for (const FuzzCall& fc : calls) {
    Call& k = out.emplace_back();
    for (const FuzzMmOp& fo : fc.ops) {
      const MmOp op = mm_op_of(w.geom, fo, r.dev_private_owner);
      if (!apply_mm_op_line(w, op)) k.ops.push_back(MmOpLine{op, {}});
    }
  }
  return out;
}

// The driver loop of a case and, with `events` (v5.7), its events: each event the parser would
// accept on the first world (Parser::check_driver_events), in order; the others are dropped.
void add_driver(Scenario& s, const FuzzDriver& d, bool events) {
  s.driver_loop = DriverLoop{std::clamp<u64>(d.chunk_pages, 1, io::kMaxRangePages),
                             unsigned(std::clamp<u64>(d.tries, 1, 16))};
  s.range.notifier_seq = s.world.notifier.seq; // (the loop reads it afresh before every try)
  for (const FuzzDriverEvent& fe : events ? d.events : std::vector<FuzzDriverEvent>{}) {
    const MmOp op = mm_op_of(s.world.geom, fe.op, s.range.dev_private_owner);
    World w = s.world;
    w.driver_events.clear();
    if (apply_mm_op_event(w, op)) continue;
    const unsigned at = unsigned(std::clamp<u64>(fe.at, 1, 16));
    s.world.driver_events.push_back(DriverEvent{fe.point, op, at, 0, false});
    s.driver_event_locs.push_back(SourceLoc{s.name, 0, 0});
  }
}

} // namespace

std::vector<u64> race_candidates(const World& w, const HmmRange& r, Level level) {
  std::vector<u64> present, none;
  if (r.end <= r.start) return present;
  const Geometry& g = w.geom;
  const u64 size = g.size(level);
  for (u64 base = r.start & g.mask(level); base < r.end; base += size) {
    bool reached = false; // (the walk reaches pud_entry and pmd_entry only in such a VMA)
    for (const Vma& v : w.vmas.all())
      reached |= v.start < base + size && base < v.end && !v.hugetlb();
    if (reached) {
      const u64* slot = w.find_slot(level, base);
      (slot && *slot ? present : none).push_back(base);
    }
    if (base + size < base) break; // (the top of a 64-bit space)
  }
  present.insert(present.end(), none.begin(), none.end());
  return present;
}

Scenario build_case(const FuzzCase& c) {
  Scenario s;
  s.name = "fuzz";
  Geometry g = case_geometry(c);
  g.kernel = c.kernel;
  const unsigned ps = g.page_shift;
  const u64 max_pfn = x86::PHYSICAL_MASK >> ps;
  World w(g);
  w.zero_pfn = std::min(c.zero_pfn, max_pfn);
  w.next_pfn = std::min(c.next_pfn, max_pfn >> 1); // room for what faults allocate
  for (const FuzzVma& v : c.vmas)
    w.vmas.insert(Vma{v.start, v.end, v.flags, v.anonymous, v.hugetlb_size},
                  g.page_size()); // overlaps are skipped
  for (const FuzzOp& op : c.ops) apply_op(w, op);
  for (const FuzzOwner& o : c.owners) w.device_owner[std::min(o.pfn, max_pfn)] = o.owner;
  for (u64 p : c.shared_pfns) w.shared_pfns.insert(std::min(p, max_pfn));
  if (has_v6_api(g.kernel)) {     // (a v5.7 world has neither)
    for (u64 p : c.coherent_pfns) // (a pfn is device-coherent memory only if it has an owner)
      if (w.device_owner.contains(std::min(p, max_pfn)))
        w.coherent_pfns.insert(std::min(p, max_pfn));
    w.highest_memmap_pfn = c.highest_memmap_pfn;
  }
  const u64 va_pages = g.va_limit() >> ps;
  for (const FuzzInjection& in : c.injections)
    w.injections[std::min(in.page, va_pages - 1) << ps] = in.what;
  w.notifier = Notifier{std::min(c.notifier_start, va_pages) << ps,
                        std::min(c.notifier_end, va_pages) << ps, c.notifier_seq, 0};

  HmmRange& r = s.range;
  r.start = std::min(c.start_page, va_pages) << ps;
  r.end = std::min(c.end_page, va_pages) << ps;
  u64 pages = r.end > r.start ? (r.end - r.start) >> ps : 0;
  r.pfns.assign(pages, 0);
  std::copy_n(c.requests.begin(), std::min<u64>(pages, c.requests.size()), r.pfns.begin());
  r.flags = c.flags;
  r.values = c.values;
  r.pfn_shift = std::uint8_t(std::min<u64>(c.pfn_shift, 63));
  r.default_flags = c.default_flags;
  r.pfn_flags_mask = c.pfn_flags_mask;
  r.dev_private_owner = c.dev_private_owner;
  r.notifier_seq = c.caller_seq;
  s.options.restart_budget = unsigned(std::clamp<u64>(c.budget, 1, io::kMaxBudget));
  // Races and the driver loop hold in every version, the mm operations of later calls and of
  // driver events in v5.7 only; the byte encoding reads them for v5.7 cases only, but a case
  // made otherwise (lift_scenario, for the minimizer) builds them in 6.x too.
  add_races(w, r, c.races);
  if (g.kernel == KernelVersion::V5_7) s.calls = later_calls(w, r, c.calls);
  s.world = std::move(w);
  if (c.driver) add_driver(s, *c.driver, g.kernel == KernelVersion::V5_7);
  return s;
}

FuzzCase lift_scenario(const Scenario& s) {
  FuzzCase c;
  const World& w = s.world;
  const Geometry& g = w.geom;
  const unsigned ps = g.page_shift;
  c.kernel = g.kernel;
  c.geometry = 15;
  const std::pair<const char*, u64> builtins[] = {
      {"tiny", 0}, {"tiny3", 7}, {"tiny-la57", 10}, {"x86_64", 13}, {"x86_64-la57", 14}};
  for (auto [name, sel] : builtins) {
    Geometry b = *builtin_geometry(name);
    if (b.page_shift == g.page_shift && b.levels == g.levels && b.bits == g.bits) c.geometry = sel;
  }
  c.page_shift = g.page_shift;
  c.la57 = g.levels == 5;
  for (Level l : kAllLevels) c.bits[idx(l)] = std::max(1u, g.bits[idx(l)]);
  c.zero_pfn = w.zero_pfn;
  c.next_pfn = w.next_pfn;

  const HmmRange& r = s.range;
  c.start_page = r.start >> ps;
  c.end_page = r.end >> ps;
  c.flags = r.flags;
  c.values = r.values;
  c.pfn_shift = r.pfn_shift;
  c.default_flags = r.default_flags;
  c.pfn_flags_mask = r.pfn_flags_mask;
  c.dev_private_owner = r.dev_private_owner;
  c.requests = r.pfns;
  c.notifier_start = w.notifier.start >> ps;
  c.notifier_end = w.notifier.end >> ps;
  c.notifier_seq = w.notifier.seq;
  c.caller_seq = r.notifier_seq;

  for (const Vma& v : w.vmas.all())
    c.vmas.push_back(FuzzVma{v.start, v.end, v.flags, v.anonymous, v.hugetlb_size});
  // every table at its pfn, then every non-zero word by table position and index
  for (const auto& [pfn, t] : w.tables())
    if (pfn != w.root_pfn()) {
      FuzzOp& op = c.ops.emplace_back();
      op.type = FuzzOp::Type::Table, op.level = t.level, op.pfn = pfn;
    }
  u64 position = 0;
  for (const auto& [pfn, t] : w.tables()) {
    for (u64 i = 0; i < t.words.size(); ++i)
      if (t.words[i]) {
        FuzzOp& op = c.ops.emplace_back();
        op.type = FuzzOp::Type::Word, op.raw.word = t.words[i], op.table = position, op.index = i;
      }
    ++position;
  }
  for (auto [pfn, owner] : w.device_owner) c.owners.push_back(FuzzOwner{pfn, owner});
  c.shared_pfns.assign(w.shared_pfns.begin(), w.shared_pfns.end());
  c.coherent_pfns.assign(w.coherent_pfns.begin(), w.coherent_pfns.end());
  c.highest_memmap_pfn = w.highest_memmap_pfn;
  for (const auto& [addr, in] : w.injections) c.injections.push_back(FuzzInjection{addr >> ps, in});
  c.budget = s.options.restart_budget;
  // races by their place among the candidates (those outside the range never fire)
  for (const Race& r : w.races) {
    if (r.fired) continue;
    const std::vector<u64> cands = race_candidates(w, s.range, race_level(r.point));
    auto it = std::find(cands.begin(), cands.end(), r.addr);
    if (it != cands.end())
      c.races.push_back(FuzzRace{r.point, r.op, u64(it - cands.begin()), r.at});
  }
  auto fuzz_op = [ps](const MmOp& op) {
    return FuzzMmOp{op.kind, op.start >> ps, (op.end - std::min(op.end, op.start)) >> ps, op.prot};
  };
  for (const Call& k : s.calls) {
    FuzzCall& fc = c.calls.emplace_back();
    for (const MmOpLine& l : k.ops) fc.ops.push_back(fuzz_op(l.op));
  }
  if (s.driver_loop) {
    FuzzDriver& d = c.driver.emplace();
    d.chunk_pages = s.driver_loop->chunk_pages;
    d.tries = s.driver_loop->tries;
    for (const DriverEvent& e : w.driver_events)
      if (!e.fired) d.events.push_back(FuzzDriverEvent{e.point, fuzz_op(e.op), e.at});
  }
  return c;
}

namespace {

// FNV-1a over 64-bit values.
struct Digest {
  u64 h = 0xcbf29ce484222325ull;
  void add(u64 v) {
    for (int i = 0; i < 8; ++i) h = (h ^ ((v >> (8 * i)) & 0xff)) * 0x100000001b3ull;
  }
};

} // namespace

u64 scenario_digest(const Scenario& s) {
  Digest d;
  const World& w = s.world;
  const Geometry& g = w.geom;
  d.add(g.page_shift), d.add(g.levels);
  for (unsigned b : g.bits) d.add(b);
  d.add(w.zero_pfn), d.add(w.next_pfn), d.add(w.root_pfn()), d.add(w.next_table_pfn());
  for (const Vma& v : w.vmas.all())
    d.add(v.start), d.add(v.end), d.add(v.flags), d.add(v.anonymous), d.add(v.hugetlb_size);
  d.add(0x7ab1e5);
  for (const auto& [pfn, t] : w.tables()) {
    d.add(pfn), d.add(idx(t.level));
    for (u64 word : t.words) d.add(word);
  }
  for (auto [pfn, owner] : w.device_owner) d.add(pfn), d.add(owner);
  for (u64 p : w.shared_pfns) d.add(p);
  if (g.kernel != KernelVersion::V5_7) { // (so that v5.7 worlds keep the digests they had)
    d.add(0x6e7), d.add(static_cast<u64>(g.kernel)), d.add(w.highest_memmap_pfn);
    for (u64 p : w.coherent_pfns) d.add(p);
    d.add(w.reports.size());
  }
  for (const auto& [addr, in] : w.injections)
    d.add(addr), d.add(in.error), d.add(in.invalidate), d.add(in.no_progress);
  d.add(w.notifier.start), d.add(w.notifier.end), d.add(w.notifier.seq),
      d.add(w.notifier.invalidations);
  d.add(w.log.size());
  const HmmRange& r = s.range;
  d.add(r.notifier_seq), d.add(r.start), d.add(r.end);
  for (u64 p : r.pfns) d.add(p);
  d.add(r.flags[0]), d.add(r.flags[1]), d.add(r.values[0]), d.add(r.values[1]), d.add(r.values[2]);
  d.add(r.default_flags), d.add(r.pfn_flags_mask), d.add(r.pfn_shift), d.add(r.dev_private_owner);
  d.add(s.options.restart_budget);
  if (!w.races.empty() || !s.calls.empty()) { // (so that worlds without keep their digests)
    d.add(0x5e9ca11);
    for (const Race& r : w.races)
      d.add(r.addr), d.add(static_cast<u64>(r.point)), d.add(static_cast<u64>(r.op)),
          d.add(r.fired);
    d.add(s.calls.size());
    for (const Call& k : s.calls) {
      d.add(k.ops.size());
      for (const MmOpLine& l : k.ops)
        d.add(static_cast<u64>(l.op.kind)), d.add(l.op.start), d.add(l.op.end),
            d.add(static_cast<u64>(l.op.prot));
    }
  }
  // the driver loop, its events, a race's reach (added so that scenarios without keep their
  // digests)
  if (s.driver_loop || !w.driver_events.empty()) {
    d.add(0xd21e1009);
    if (s.driver_loop) d.add(s.driver_loop->chunk_pages), d.add(s.driver_loop->tries);
    for (const DriverEvent& e : w.driver_events)
      d.add(static_cast<u64>(e.point)), d.add(static_cast<u64>(e.op.kind)), d.add(e.op.start),
          d.add(e.op.end), d.add(static_cast<u64>(e.op.prot)), d.add(e.at), d.add(e.fired);
  }
  for (const Race& r : w.races)
    if (r.at != 1) d.add(0xa7), d.add(r.at);
  return d.h;
}

std::string case_summary(const FuzzCase& c) {
  Geometry g = case_geometry(c);
  u64 pages = c.end_page > c.start_page ? c.end_page - c.start_page : 0;
  return fmt::format(
      "{}{} {}p {}vma {}op {}own {}inj{}{}{}",
      c.kernel == KernelVersion::V5_7 ? "" : fmt::format("{} ", version_name(c.kernel)), g.name,
      pages, c.vmas.size(), c.ops.size(), c.owners.size(), c.injections.size(),
      c.races.empty() ? "" : fmt::format(" {}race", c.races.size()),
      c.calls.empty() ? "" : fmt::format(" {}call", c.calls.size()),
      !c.driver ? "" : fmt::format(" loop{}", c.driver->events.size()));
}

} // namespace hmmspec::fuzz
