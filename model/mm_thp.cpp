// SPDX-License-Identifier: GPL-2.0-or-later
// The THP operations of a sequence (docs/spec.md, section 12).
// M-THP-SPLIT: split_huge_pmd on every huge PMD the range meets, as the kernel splits a THP
// before it changes part of it (vma_adjust_trans_huge and split_huge_pmd_address,
// mm/huge_memory.c:2453-2506 at v5.7; the split_huge_pmd macro, include/linux/huge_mm.h:211-218):
// __split_huge_pmd invalidates the PMD's range (mm/huge_memory.c:2383-2395) and splits it as
// the fault model does (F-THP-SPLIT, F-THP-ZAP).
// M-THP-COLLAPSE: khugepaged collapsing each PMD-sized block of the range into a new THP
// (khugepaged_scan_pmd and collapse_huge_page, mm/khugepaged.c:1115-1256, 946-1113 at v5.7),
// refused wherever the kernel's checks on what the model holds would stop it.
#include <fmt/format.h>

#include "model/fault.h"
#include "model/mm_ops_parts.h"
#include "model/mm_walk.h"
#include "model/x86_bits.h"

namespace hmmspec {

using mm_walk::next_entry;
using mm_walk::pieces;

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

// Why khugepaged would not collapse the PMD-sized block at `base` for its VMA (mm/khugepaged.c
// at v5.7), or nothing when the VMA allows it.
std::optional<std::string> vma_uncollapsible(const World& w, u64 base) {
  const u64 size = w.geom.size(Level::Pmd);
  // hugepage_vma_revalidate (:858-880): one VMA holds the whole block, and hugepage_vma_check
  // (:406-426) passes: THP enabled for it (VM_HUGEPAGE, THP being in "madvise" mode throughout
  // the model: F-THP-ZERO), private anonymous (no vm_ops, no shmem file), not VM_NO_KHUGEPAGED
  const Vma* v = w.vmas.containing(base);
  if (!v || v->start > base || v->end < base + size)
    return fmt::format("no one VMA holds {:#x}-{:#x} (mm/khugepaged.c:870-873)", base, base + size);
  if (!(v->flags & vm::HUGEPAGE))
    return fmt::format("the VMA at {:#x} is not VM_HUGEPAGE (hugepage_vma_check, "
                       "mm/khugepaged.c:409-412, THP in madvise mode)",
                       v->start);
  if (!v->anonymous || (v->flags & vm::SHARED))
    return fmt::format("the VMA at {:#x} is not private anonymous: collapse of file and shmem "
                       "pages (khugepaged_scan_file) is not modelled",
                       v->start);
  if (v->flags & (vm::PFNMAP | vm::MIXEDMAP | vm::IO | vm::HUGETLB))
    return fmt::format("the VMA at {:#x} is VM_NO_KHUGEPAGED (mm/khugepaged.c:425)", v->start);
  return std::nullopt;
}

// Why khugepaged_scan_pmd and collapse_huge_page would not collapse the PTE table of the
// PMD-sized block at `base` (mm/khugepaged.c at v5.7), or nothing when they would.
std::optional<std::string> block_uncollapsible(const World& w, u64 base) {
  const Geometry& g = w.geom;
  const u64 size = g.size(Level::Pmd);
  const u64 nr = size >> g.page_shift; // HPAGE_PMD_NR
  if (auto why = vma_uncollapsible(w, base)) return why;
  // mm_find_pmd (mm/rmap.c:724-756): the PMD is present and not trans-huge, so a table
  const u64* ptes = nullptr;
  if (const u64* pmd = w.find_slot(Level::Pmd, base)) {
    const Entry e = w.entry_at(Level::Pmd, base);
    if (e.kind == Kind::Table) ptes = w.table_words(table_pfn(g, *pmd));
  }
  if (!ptes)
    return fmt::format("the PMD at {:#x} is {}: khugepaged collapses a PTE table "
                       "(mm_find_pmd, mm/rmap.c:750-753)",
                       base, describe(w.entry_at(Level::Pmd, base)));
  // the scan of the PTEs (:1139-1229)
  u64 none_or_zero = 0, referenced = 0;
  bool writable = false;
  for (u64 i = 0; i < nr; ++i) {
    const u64 addr = base + (i << g.page_shift);
    const u64 word = ptes[i];
    const Entry e = classify(g, Level::Pte, word, w.zero_pfn);
    if (e.kind == Kind::None || e.kind == Kind::Zero) { // :1155-1163, max_ptes_none HPAGE_PMD_NR-1
      if (++none_or_zero > nr - 1)
        return fmt::format("every PTE of {:#x}-{:#x} is none or the zero page "
                           "(max_ptes_none, mm/khugepaged.c:360, 1161)",
                           base, base + size);
      continue;
    }
    if (e.kind != Kind::Page && e.kind != Kind::Protnone)
      return fmt::format("the PTE at {:#x} is {}: a collapse that swaps pages in first "
                         "(__collapse_huge_page_swapin, mm/khugepaged.c:898-944) is not modelled",
                         addr, describe(e));
    if (word & x86::UFFD_WP)
      return fmt::format("the PTE at {:#x} is uffd-wp (mm/khugepaged.c:1167-1180)", addr);
    writable |= e.write;
    if (e.special || e.devmap || w.device_owner.contains(e.pfn)) // vm_normal_page: no page
      return fmt::format("the PTE at {:#x} maps no normal page (mm/khugepaged.c:1184-1188)", addr);
    if (auto it = w.pte_mapped_thps.upper_bound(e.pfn);
        it != w.pte_mapped_thps.begin() && e.pfn - *std::prev(it) < nr)
      return fmt::format("the PTE at {:#x} maps a page of a THP split into PTEs: PageCompound "
                         "(mm/khugepaged.c:1191-1195)",
                         addr);
    if (w.shared_pfns.contains(e.pfn))
      return fmt::format("the page at {:#x} is mapped more than once: page_count is not 1 "
                         "(mm/khugepaged.c:1219-1228)",
                         addr);
    if (word & x86::ACCESSED) ++referenced; // pte_young (the page's own flags: not tracked)
  }
  if (!writable)
    return fmt::format("no PTE of {:#x}-{:#x} is writable (SCAN_PAGE_RO, mm/khugepaged.c:1246-"
                       "1248)",
                       base, base + size);
  // __collapse_huge_page_swapin gives up below half the pages young, swap entries or not
  // (mm/khugepaged.c:908-911); collapse_huge_page calls it every time (:990)
  if (referenced < nr / 2)
    return fmt::format("{} of the {} PTEs of {:#x}-{:#x} are young (ACCESSED), fewer than half "
                       "(mm/khugepaged.c:908-911)",
                       referenced, nr, base, base + size);
  return std::nullopt;
}

} // namespace

std::optional<std::string> thp_split_unsupported(const World& w, const MmOp& op) {
  const std::vector<Vma> ps = pieces(w, op.start, op.end);
  if (auto hole = mm_walk::first_hole(ps, op.start, op.end))
    return fmt::format("{:#x} is in no VMA: a THP lies inside a VMA", *hole);
  for (const Vma& p : ps)
    if (p.hugetlb())
      return fmt::format("the VMA at {:#x} is hugetlb: its huge pages are not THPs", p.start);
  // above the PMDs: tables or none; the PMDs: huge, tables or none
  if (auto why =
          mm_walk::upper_unsupported(w, op.start, op.end, "thp-split", mm_walk::HugePmds::Allowed))
    return why;
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

std::optional<std::string> thp_collapse_unsupported(const World& w, const MmOp& op, bool tables) {
  const u64 size = w.geom.size(Level::Pmd);
  if ((op.start | op.end) & (size - 1))
    return fmt::format("{:#x}-{:#x} is not whole PMD-aligned blocks of {:#x} bytes: khugepaged "
                       "collapses those (mm/khugepaged.c:1992-2012)",
                       op.start, op.end, size);
  for (u64 b = op.start; b < op.end && b >= op.start; b += size)
    if (auto why = tables ? block_uncollapsible(w, b) : vma_uncollapsible(w, b)) return why;
  return std::nullopt;
}

void apply_thp_collapse(World& w, const MmOp& op) {
  const Geometry& g = w.geom;
  const u64 size = g.size(Level::Pmd);
  for (u64 b = op.start; b < op.end && b >= op.start; b += size) {
    // collapse_huge_page (mm/khugepaged.c:946-1113): a new huge page (:968), one invalidation
    // of the block (:1031-1033), the pages copied and freed, and a dirty huge PMD, writable
    // when the VMA is (maybe_pmd_mkwrite, :1079-1080); the table is deposited (:1094)
    auto pfn = new_pfns(w, size >> g.page_shift);
    if (!pfn) return; // SCAN_ALLOC_HUGE_PAGE_FAIL (:969-972): this block and the rest stay
    const Vma* v = w.vmas.containing(b);
    w.invalidate(b, b + size);
    if (u64* slot = w.find_slot_mut(Level::Pmd, b))
      *slot = encode(g, Level::Pmd,
                     Entry{.kind = Kind::Huge, .pfn = *pfn, .write = (v->flags & vm::WRITE) != 0})
                  .word;
  }
}

} // namespace hmmspec
