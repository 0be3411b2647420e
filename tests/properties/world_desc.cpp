// SPDX-License-Identifier: GPL-2.0-or-later
#include "tests/properties/world_desc.h"

#include <algorithm>
#include <map>

#include "model/fault.h"
#include "model/race.h"
#include "model/scenario_format.h"

namespace hmmspec::props {

namespace {

// The level below l in geometry g (P4D skipped when folded).
Level level_below(const Geometry& g, Level l) {
  Level b = below(l);
  return (b == Level::P4d && g.p4d_folded()) ? Level::Pud : b;
}

u64 align_up(u64 v, u64 a) {
  return (v + a - 1) & ~(a - 1);
}

// The pfn a logical entry names, drawn from the pool of its kind.
u64 entry_pfn(const World& w, Level l, const EntryDesc& e) {
  switch (e.kind) {
  case Kind::Zero:
    return w.zero_pfn;
  case Kind::Device:
    return device_pfn(e.pfn_sel);
  case Kind::Huge:
    return huge_pfn_for(w, l, e.pfn_sel);
  default: {
    u64 p = page_pfn(e.pfn_sel);
    return p == 0 ? w.zero_pfn : p;
  }
  }
}

void place_vmas(World& w, const std::vector<VmaDesc>& vmas) {
  const Geometry& g = w.geom;
  const u64 limit = g.va_limit();
  for (const VmaDesc& d : vmas) {
    Vma v;
    v.start = std::min(d.first_page << g.page_shift, limit - g.page_size());
    v.end = std::min(v.start + (std::max<u64>(d.pages, 1) << g.page_shift), limit);
    v.flags = d.flags & ~vm::HUGETLB;
    v.anonymous = d.anonymous;
    if (d.huge_level == Level::Pmd || d.huge_level == Level::Pud) {
      v.flags |= vm::HUGETLB;
      v.hugetlb_size = g.size(d.huge_level);
      v.start &= g.mask(d.huge_level);
      v.end = std::min(align_up(v.end, v.hugetlb_size), limit & g.mask(d.huge_level));
    }
    (void)w.vmas.insert(v, g.page_size()); // an overlapping or empty VMA is left out
  }
}

void place_entry(World& w, const EntryDesc& d, u64 addr) {
  const Geometry& g = w.geom;
  Context ctx = w.context_at(d.level, addr);
  if (d.raw && d.kind != Kind::Bad) {
    if (u64* slot = w.ensure_slot(d.level, addr)) *slot = d.word;
    return;
  }
  if (d.kind == Kind::Table) {
    if (d.level == Level::Pte || ctx == Context::HugetlbSlot) return;
    u64* slot = w.ensure_slot(d.level, addr);
    if (!slot || !word_none(d.level, g.levels, *slot)) return;
    u64 t = *w.alloc_table(level_below(g, d.level));
    slot = w.find_slot_mut(d.level, addr);
    *slot = encode(g, d.level, Entry{.kind = Kind::Table, .pfn = t}).word;
    return;
  }
  Entry e;
  e.kind = d.kind;
  e.pfn = entry_pfn(w, d.level, d);
  e.write = d.write;
  e.special = d.special;
  e.devmap = d.devmap;
  e.protnone = d.protnone;
  e.swap_type = d.swap_type % x86::MAX_SWAPFILES;
  e.offset = page_pfn(d.pfn_sel);
  e.word = d.word;
  // A NUMA-hint entry above the PTE level is a protnone huge entry, unless it is a hugetlb slot.
  if (e.kind == Kind::Protnone && d.level != Level::Pte && ctx == Context::Normal) {
    e.kind = Kind::Huge;
    e.protnone = true;
    e.pfn = huge_pfn_for(w, d.level, d.pfn_sel);
  }
  if (e.kind == Kind::Huge && ctx == Context::HugetlbSlot && e.protnone) e.kind = Kind::Protnone;
  Encoded enc = encode(g, d.level, e, ctx);
  if (enc.error) return;
  if (u64* slot = w.ensure_slot(d.level, addr)) *slot = enc.word;
}

} // namespace

u64 page_pfn(unsigned sel) {
  unsigned k = sel % 10;
  if (k == 0) return 0;                    // the zero page's pfn, filled in by the builder
  if (k == 9) return device_pfn(sel / 10); // a present PTE naming a ZONE_DEVICE pfn
  return kPagePfnBase + (k - 1);
}

u64 device_pfn(unsigned sel) {
  return kDevicePfnBase + sel % kDevicePfns;
}

u64 huge_pfn_for(const World& w, Level l, unsigned sel) {
  const Geometry& g = w.geom;
  u64 pages = g.size(l) >> g.page_shift;
  unsigned k = sel % 5;
  if (k == 4 && l == Level::Pmd) return huge_zero_pfn(w);
  return align_up(0x400, pages) + (k % 4) * pages;
}

Scenario build_scenario(const WorldDesc& d) {
  Geometry g = builtin_geometry(d.geometry).value_or(*builtin_geometry("tiny"));
  Scenario s;
  s.name = "property-counterexample";
  s.text = "A counterexample found by the property tests (tests/properties), shrunk.";
  s.world = World(g);
  World& w = s.world;
  const u64 ps = g.page_shift;
  const u64 limit_pages = g.va_limit() >> ps;

  place_vmas(w, d.vmas);
  for (const auto& [pfn, owner] : d.owners) w.device_owner[pfn] = owner;
  for (u64 pfn : d.shared_pfns) w.shared_pfns.insert(pfn == 0 ? w.zero_pfn : pfn);

  // One entry per slot (the last one given wins), placed from the root down so that no
  // table is allocated and then cut off by an entry above it.
  std::map<std::pair<unsigned, u64>, EntryDesc> slots;
  for (const EntryDesc& e : d.entries) {
    if (e.level == Level::P4d && g.p4d_folded()) continue;
    u64 addr = (std::min(e.page, limit_pages - 1) << ps) & g.mask(e.level);
    slots[{4 - idx(e.level), addr}] = e;
  }
  for (const auto& [key, e] : slots) place_entry(w, e, key.second);

  for (const InjectionDesc& i : d.injections) {
    if (i.page >= limit_pages) continue;
    w.injections[i.page << ps] = Injection{i.error, i.invalidate, i.no_progress};
  }
  for (const RaceDesc& rd : d.races) {
    if (rd.page >= limit_pages) continue;
    const Level l = race_level(rd.point);
    const u64 addr = (rd.page << ps) & g.mask(l), end = addr + g.size(l);
    bool reached = false, twice = false;
    for (const Vma& v : w.vmas.all()) reached |= v.start < end && addr < v.end && !v.hugetlb();
    for (const Race& r : w.races) twice |= r.point == rd.point && r.addr == addr;
    const RaceOp op = rd.point == RacePoint::PudLocked ? RaceOp::Zap : rd.op;
    if (reached && !twice) w.races.push_back(Race{addr, rd.point, op, false, rd.at, 0});
  }

  HmmRange& r = s.range;
  u64 first = std::min(d.range.first_page, limit_pages);
  u64 last = std::min(first + d.range.pages, limit_pages);
  r.start = first << ps;
  r.end = last << ps;
  r.pfns.assign(last - first, 0);
  for (std::size_t i = 0; i < r.pfns.size() && i < d.range.requests.size(); ++i)
    r.pfns[i] = d.range.requests[i];
  r.flags = d.range.flags;
  r.values = d.range.values;
  r.default_flags = d.range.default_flags;
  r.pfn_flags_mask = d.range.pfn_flags_mask;
  r.pfn_shift = std::min<std::uint8_t>(d.range.pfn_shift, 63);
  r.dev_private_owner = d.range.dev_private_owner;

  switch (d.range.notifier) {
  case NotifierMode::Range:
    w.notifier = Notifier{r.start, r.end, d.range.notifier_seq, 0};
    break;
  case NotifierMode::Disjoint:
    w.notifier = Notifier{r.end, r.end + g.page_size(), d.range.notifier_seq, 0};
    break;
  case NotifierMode::FirstPage:
    w.notifier = Notifier{r.start, r.start + g.page_size(), d.range.notifier_seq, 0};
    break;
  }
  r.notifier_seq = d.range.stale ? d.range.notifier_seq - 1 : d.range.notifier_seq;

  // the later calls: each operation the parser accepts on the world the ones before it leave
  auto mm_op_of = [&](const MmOpDesc& od) {
    if (!mm_op_has_range(od.kind)) return MmOp{od.kind, 0, 0, Prot::Read, 0};
    const u64 start = std::min(od.first_page, limit_pages - 1);
    const u64 end = std::min(start + std::max<u64>(od.pages, 1), limit_pages);
    const Prot prot = mm_op_has_prot(od.kind) ? od.prot : Prot::Read; // (as parsed)
    const bool migrate = od.kind == MmOpKind::MigrateToDevice || od.kind == MmOpKind::MigrateToRam;
    return MmOp{od.kind, start << ps, end << ps, prot, migrate ? r.dev_private_owner : 0};
  };
  World after = w;
  for (const CallDesc& cd : d.calls) {
    Call& k = s.calls.emplace_back();
    for (const MmOpDesc& od : cd.ops) {
      const MmOp op = mm_op_of(od);
      if (!apply_mm_op_line(after, op)) k.ops.push_back(MmOpLine{op, {}});
    }
  }
  // the driver loop, and each event the parser accepts on the first world
  if (d.driver) {
    s.driver_loop = DriverLoop{std::max<u64>(d.driver->chunk_pages, 1), d.driver->tries};
    r.notifier_seq = w.notifier.seq; // (the loop reads it afresh before every try)
    for (const DriverEventDesc& ed : d.driver->events) {
      const MmOp op = mm_op_of(ed.op);
      World first = w;
      first.driver_events.clear();
      if (apply_mm_op_event(first, op)) continue;
      w.driver_events.push_back(DriverEvent{ed.point, op, ed.at, 0, false});
      s.driver_event_locs.push_back(SourceLoc{"generated", 0, 0});
    }
  }
  return s;
}

std::string scenario_text(const WorldDesc& d) {
  return print_scenario(build_scenario(d));
}

} // namespace hmmspec::props
