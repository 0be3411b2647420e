// SPDX-License-Identifier: GPL-2.0-or-later
#include "model/ref_lookup.h"

#include <algorithm>

namespace hmmspec {

using namespace x86;

namespace {

bool v6(const World& w) {
  return has_v6_api(w.geom.kernel);
}
bool v6_12(const World& w) {
  return w.geom.kernel == KernelVersion::V6_12;
}

} // namespace

Portion portion_of(const World& w, u64 addr, u64 walk_start, u64 range_end) {
  if (const Vma* v = w.vmas.containing(addr))
    return Portion{std::max(v->start, walk_start), std::min(v->end, range_end), *v};
  // A gap runs from the end of the VMA below (or the walk start) to the next VMA's start (or
  // the range end): find_vma(addr) is the first VMA ending above addr.
  u64 start = walk_start;
  for (const Vma& v : w.vmas.all())
    if (v.end <= addr) start = std::max(start, v.end);
  const Vma* next = w.vmas.find_vma(addr);
  return Portion{start, next ? std::min(next->start, range_end) : range_end, std::nullopt};
}

bool vma_supported(const Vma& v, KernelVersion k) {
  const u64 rejected = has_v6_api(k) ? (vm::IO | vm::PFNMAP) : (vm::IO | vm::PFNMAP | vm::MIXEDMAP);
  return !(v.flags & rejected) && (v.flags & vm::READ);
}

Chunk chunk_at(const Geometry& g, Level l, u64 addr, const Portion& p) {
  u64 start = std::max(addr & g.mask(l), p.start);
  return Chunk{start, g.addr_end(l, start, p.end)};
}

std::optional<HugeSlot> huge_pte_offset(const World& w, u64 addr, u64 size) {
  const Geometry& g = w.geom;
  auto word_at = [&](u64 table, Level l) { return w.table_words(table)[g.index(l, addr)]; };
  // pgd_present, then p4d_present: only the PRESENT bit, no none or bad test. On 4-level
  // paging pgd_present is always true and the root word is the P4D entry.
  u64 table = w.root_pfn();
  if (g.levels == 5) {
    u64 pgd = word_at(table, Level::Pgd);
    if (!(pgd & PRESENT)) return std::nullopt;
    table = table_pfn(g, pgd);
  }
  u64 p4d = word_at(table, g.levels == 5 ? Level::P4d : Level::Pgd);
  if (!(p4d & PRESENT)) return std::nullopt;
  u64 pud_table = table_pfn(g, p4d);
  u64 pud = word_at(pud_table, Level::Pud);
  if (v6(w)) {
    // 6.1 mm/hugetlb.c:7284-7294: the PUD itself for PUD-size pages; else, below a present
    // PUD, the PMD, whatever either holds. pmd_offset follows pud_pgtable: the PUD's frame bits
    // under its pfn mask (the huge one when PSE is set, 6.1
    // arch/x86/include/asm/pgtable.h:839-842).
    if (size == g.size(Level::Pud))
      return HugeSlot{Level::Pud, pud_table, g.index(Level::Pud, addr), pud};
    if (!(pud & PRESENT)) return std::nullopt;
    u64 frame = pud & ((pud & PSE) ? huge_pfn_mask(g.shift(Level::Pud)) : pfn_mask(g.page_shift));
    u64 pmd_table = frame >> g.page_shift;
    return HugeSlot{Level::Pmd, pmd_table, g.index(Level::Pmd, addr),
                    word_at(pmd_table, Level::Pmd)};
  }
  // A none PUD is a slot only for PUD-sized pages; a huge or non-present PUD is the slot.
  if (size != g.size(Level::Pud) && word_none(Level::Pud, g.levels, pud)) return std::nullopt;
  if ((pud & PSE) || !(pud & PRESENT))
    return HugeSlot{Level::Pud, pud_table, g.index(Level::Pud, addr), pud};
  u64 pmd_table = table_pfn(g, pud);
  u64 pmd = word_at(pmd_table, Level::Pmd);
  bool none = word_none(Level::Pmd, g.levels, pmd);
  if (size != g.size(Level::Pmd) && none) return std::nullopt;
  bool pmd_huge = !none && (pmd & (PRESENT | PSE)) != PRESENT; // x86 pmd_huge
  bool pmd_present = pmd & (PRESENT | PROTNONE | PSE);
  if (pmd_huge || !pmd_present)
    return HugeSlot{Level::Pmd, pmd_table, g.index(Level::Pmd, addr), pmd};
  return std::nullopt;
}

namespace {

Site hole(const Geometry& g, Level l, u64 addr, const Portion& p, RuleId cause) {
  Site s;
  s.kind = SiteKind::Hole;
  s.cause = cause;
  s.chunk = chunk_at(g, l, addr, p);
  s.level = l;
  return s;
}

Site at(const World& w, SiteKind kind, RuleId cause, Level l, u64 table, u64 addr,
        const Portion& p) {
  const Geometry& g = w.geom;
  Site s;
  s.kind = kind;
  s.cause = cause;
  s.chunk = chunk_at(g, l == Level::Pte ? Level::Pmd : l, addr, p);
  s.level = l;
  s.table = table;
  s.index = g.index(l, addr);
  s.word = w.table_words(table)[s.index];
  s.entry = classify(g, l, s.word, w.zero_pfn);
  return s;
}

// walk_hugetlb_range (pagewalk.c:245-271; 6.1 mm/pagewalk.c:293-319; 6.12 mm/pagewalk.c:
// 282-308): one huge page at a time.
Site look_up_hugetlb(const World& w, u64 addr, const Portion& p) {
  const Geometry& g = w.geom;
  const u64 size = p.vma->hugetlb_size;
  const u64 hmask = ~(size - 1);
  Site s;
  s.hmask = hmask;
  // hugetlb_entry_end (pagewalk.c:238-243): the huge page's end, or the portion's end.
  s.chunk.start = std::max(addr & hmask, p.start);
  s.chunk.end = std::min((addr & hmask) + size, p.end);
  std::optional<HugeSlot> slot = huge_pte_offset(w, addr & hmask, size);
  if (!slot) {
    s.kind = SiteKind::Hole;
    s.cause = v6(w) ? RuleId::HugetlbNoSlotUpper : RuleId::HugetlbNoSlot;
    return s;
  }
  s.kind = SiteKind::HugetlbSlot;
  s.cause = RuleId::HugetlbChunk;
  s.level = slot->level;
  s.table = slot->table;
  s.index = slot->index;
  s.word = slot->word;
  s.entry = classify(g, slot->level, slot->word, w.zero_pfn, Context::HugetlbSlot);
  return s;
}

// hmm_vma_walk_pud and what walk_pud_range does after it (hmm.c:410-468, pagewalk.c:119-166;
// 6.1 mm/hmm.c:410-466, 6.1 mm/pagewalk.c:161-211; 6.12 mm/hmm.c:411-462, 6.12
// mm/pagewalk.c:80-106, 157-204), for a PUD that is not none. Nothing when the walk descends
// to the PMD table.
std::optional<Site> look_up_pud(const World& w, Site pud, u64 addr, const Portion& p) {
  const Geometry& g = w.geom;
  const u64 word = pud.word;
  const bool pse = word & PSE, devmap = word & devmap_bit(g.kernel), present = word & PRESENT;
  // pud_trans_huge_lock takes the lock for pud_trans_huge || pud_devmap (PSE without DEVMAP,
  // or DEVMAP): the only PUDs hmm looks at. Any other PUD is descended (no pud_bad check)...
  if (!pse && !devmap) {
    // ... but 6.12's walk_pmd_range asks to look at a non-present one again, for ever
    // (6.12 mm/pagewalk.c:103-106; the next look is the same).
    if (v6_12(w) && !present) {
      pud.kind = SiteKind::PudLivelock;
      pud.cause = RuleId::PudAgainLivelock;
      return pud;
    }
    return std::nullopt;
  }
  switch (w.geom.kernel) {
  case KernelVersion::V5_7: // hmm.c:432-440: pud_huge (PSE) && pud_devmap
    if (pse && devmap) {
      if (!present) return hole(g, Level::Pud, addr, p, RuleId::PudDevmapAbsent);
      pud.kind = SiteKind::PudDevmap;
      pud.cause = RuleId::PudDevmap;
      return pud;
    }
    break;
  case KernelVersion::V6_1: { // 6.1 mm/hmm.c:431-440: 6.1 pud_huge is !none && not a table
    const bool pud_huge = (word & (PRESENT | PSE)) != PRESENT; // (not none here)
    if (pud_huge && devmap) {
      if (!present) return hole(g, Level::Pud, addr, p, RuleId::PudDevmapNotPresent);
      pud.kind = SiteKind::PudDevmap;
      pud.cause = RuleId::PudDevmapOrder;
      return pud;
    }
    break;
  }
  case KernelVersion::V6_12: // 6.12 mm/hmm.c:427-432: !pud_present, then pud_leaf && devmap
    if (!present) return hole(g, Level::Pud, addr, p, RuleId::PudNotPresent);
    if (pse && devmap) {
      pud.kind = SiteKind::PudDevmap;
      pud.cause = RuleId::PudDevmapOrder;
      return pud;
    }
    break;
  }
  pud.kind = SiteKind::PudSplit; // ACTION_SUBTREE: split_huge_pud, then a hole
  pud.cause = RuleId::PudSplit;
  return pud;
}

} // namespace

Site look_up(const World& w, u64 addr, const Portion& p) {
  const Geometry& g = w.geom;
  if (p.vma && !vma_supported(*p.vma, g.kernel)) {
    Site s;
    s.kind = SiteKind::Unsupported;
    s.chunk = Chunk{p.start, p.end};
    return s;
  }
  // 6.x walk_page_range: a gap is one pte_hole over all of it, no table is read
  // (6.1 mm/pagewalk.c:450-459; 6.12 mm/pagewalk.c:466-475).
  if (!p.vma && v6(w)) {
    Site s;
    s.kind = SiteKind::Hole;
    s.cause = RuleId::GapHole;
    s.chunk = Chunk{p.start, p.end};
    s.level = Level::Pgd;
    return s;
  }
  if (p.vma && p.vma->hugetlb()) return look_up_hugetlb(w, addr, p);

  // walk_pgd_range / walk_p4d_range: the root, and on 5-level paging the P4D below it.
  // A none entry is a hole of its chunk; a bad one is cleared first (decided by the walk).
  u64 table = w.root_pfn();
  Site root = at(w, SiteKind::Hole, RuleId::PgdNone, Level::Pgd, table, addr, p);
  if (root.entry.kind == Kind::None) return hole(g, Level::Pgd, addr, p, RuleId::PgdNone);
  if (root.entry.kind == Kind::Bad) {
    root.kind = SiteKind::BadTop;
    root.cause = RuleId::PgdBad;
    return root;
  }
  table = table_pfn(g, root.word);
  if (g.levels == 5) {
    Site p4d = at(w, SiteKind::Hole, RuleId::P4dNone, Level::P4d, table, addr, p);
    if (p4d.entry.kind == Kind::None) return hole(g, Level::P4d, addr, p, RuleId::P4dNone);
    if (p4d.entry.kind == Kind::Bad) {
      p4d.kind = SiteKind::BadTop;
      p4d.cause = RuleId::P4dBad;
      return p4d;
    }
    table = table_pfn(g, p4d.word);
  }

  // walk_pud_range: outside any VMA (v5.7) every PUD chunk is a hole, whatever the PUD holds.
  if (!p.vma) return hole(g, Level::Pud, addr, p, RuleId::GapPud);
  Site pud = at(w, SiteKind::Hole, RuleId::PudNone, Level::Pud, table, addr, p);
  if (pud.entry.kind == Kind::None) return hole(g, Level::Pud, addr, p, RuleId::PudNone);
  if (std::optional<Site> s = look_up_pud(w, pud, addr, p)) return *s;
  table = table_pfn(g, pud.word);

  // walk_pmd_range, then hmm_vma_walk_pmd in its order of tests.
  Site pmd = at(w, SiteKind::Hole, RuleId::PmdNone, Level::Pmd, table, addr, p);
  switch (pmd.entry.kind) {
  case Kind::None:
    return hole(g, Level::Pmd, addr, p, RuleId::PmdNone);
  case Kind::Migration:
    pmd.kind = SiteKind::PmdMigration;
    pmd.cause = RuleId::PmdMigrationNone;
    return pmd;
  case Kind::Swap:
  case Kind::Device:
  case Kind::Hwpoison:
  case Kind::Exclusive: // 6.x swap-type words: not pmd_present either
  case Kind::Marker:
  case Kind::SwapinError:
    pmd.kind = SiteKind::PmdNotPresent;
    pmd.cause = RuleId::PmdNotPresentError;
    return pmd;
  case Kind::Huge:
    pmd.kind = SiteKind::PmdHuge;
    pmd.cause = v6(w) ? RuleId::PmdHugeOrder : RuleId::PmdHuge;
    return pmd;
  case Kind::Bad:
    pmd.kind = SiteKind::PmdBad;
    pmd.cause = RuleId::PmdBadError;
    return pmd;
  default:
    break;
  }
  return at(w, SiteKind::Pte, v6(w) ? RuleId::PmdTablePtes : RuleId::PmdTable, Level::Pte,
            table_pfn(g, pmd.word), addr, p);
}

} // namespace hmmspec
