// SPDX-License-Identifier: GPL-2.0-or-later
// M-THP-SPLIT (docs/spec.md, section 12): split_huge_pmd on every huge PMD the range meets, as
// the kernel splits a THP before it changes part of it (vma_adjust_trans_huge and
// split_huge_pmd_address, mm/huge_memory.c:2453-2506 at v5.7; the split_huge_pmd macro,
// include/linux/huge_mm.h:211-218): __split_huge_pmd invalidates the PMD's range
// (mm/huge_memory.c:2383-2395) and splits it as the fault model does (F-THP-SPLIT, F-THP-ZAP).
#include <fmt/format.h>

#include "model/fault.h"
#include "model/mm_ops_parts.h"
#include "model/mm_walk.h"

namespace hmmspec {

using mm_walk::next_entry;
using mm_walk::pieces;
using mm_walk::upper_levels;

namespace {

// The PMD-aligned addresses of the huge PMDs [start, end) meets (above them: tables).
std::vector<u64> huge_pmds(const World& w, u64 start, u64 end) {
  const Geometry& g = w.geom;
  std::vector<u64> out;
  for (u64 a = start & g.mask(Level::Pmd); a < end; a = next_entry(g, Level::Pmd, a)) {
    if (w.entry_at(Level::Pmd, a).kind == Kind::Huge) out.push_back(a);
    if (next_entry(g, Level::Pmd, a) <= a) break;
  }
  return out;
}

} // namespace

std::optional<std::string> thp_split_unsupported(const World& w, const MmOp& op) {
  const Geometry& g = w.geom;
  u64 at = op.start;
  for (const Vma& p : pieces(w, op.start, op.end)) {
    if (p.start != at) break;
    at = p.end;
    if (p.hugetlb())
      return fmt::format("the VMA at {:#x} is hugetlb: its huge pages are not THPs", p.start);
  }
  if (at != op.end) return fmt::format("{:#x} is in no VMA: a THP lies inside a VMA", at);
  // above the PMDs: tables or none; the PMDs: huge, tables or none
  for (u64 a = op.start & g.mask(Level::Pmd); a < op.end;) {
    for (Level l : upper_levels(g)) {
      const Entry e = w.entry_at(l, a);
      const bool fine = e.kind == Kind::Table || e.kind == Kind::None ||
                        (l == Level::Pmd && e.kind == Kind::Huge);
      if (!fine)
        return fmt::format("the {} at {:#x} is {}: thp-split of it is not modelled", level_name(l),
                           a & g.mask(l), describe(e));
      if (e.kind != Kind::Table) break;
    }
    const u64 next = next_entry(g, Level::Pmd, a);
    if (next <= a) break;
    a = next;
  }
  if (huge_pmds(w, op.start, op.end).empty())
    return fmt::format("{:#x}-{:#x} meets no huge PMD: the split would change nothing", op.start,
                       op.end);
  return std::nullopt;
}

void apply_thp_split(World& w, const MmOp& op) {
  const u64 size = w.geom.size(Level::Pmd);
  for (u64 a : huge_pmds(w, op.start, op.end)) {
    w.invalidate(a, a + size); // __split_huge_pmd's range (mm/huge_memory.c:2391-2393)
    if (u64* slot = w.find_slot_mut(Level::Pmd, a)) split_huge_pmd(w, slot, a);
  }
}

} // namespace hmmspec
