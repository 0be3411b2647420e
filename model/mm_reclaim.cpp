// SPDX-License-Identifier: GPL-2.0-or-later
// M-RECLAIM (docs/spec.md, section 12): madvise(ADDR, LEN, MADV_PAGEOUT) at v5.7, which makes
// reclaim take the range's pages now (madvise_pageout, mm/madvise.c:541-561;
// madvise_cold_or_pageout_pte_range :301-475; reclaim_pages and shrink_page_list,
// mm/vmscan.c:2095-2130, 1069-1500) and unmap them with try_to_unmap_one (mm/rmap.c:1362-1720).
#include <fmt/format.h>

#include <set>

#include "model/mm_ops_parts.h"
#include "model/mm_walk.h"

namespace hmmspec {

using namespace x86;
using mm_walk::for_each_pte;
using mm_walk::for_each_pte_word;
using mm_walk::pieces;

namespace {

// A page madvise_cold_or_pageout_pte_range isolates for reclaim (mm/madvise.c:392-462 at
// v5.7): a present PTE (protnone included) whose page vm_normal_page finds, mapped once.
bool reclaimed(const World& w, const Entry& e) {
  const bool normal = (e.kind == Kind::Page && !e.special && !e.devmap) || e.kind == Kind::Protnone;
  return normal && !w.shared_pfns.contains(e.pfn); // :433-434: other mappings are left alone
}

// Whether reclaim swaps the VMA's pages out (anonymous pages of a private anonymous VMA, or
// of a private file VMA for a writable page, which only a copy can be), rather than unmapping
// them (page-cache and shmem pages).
bool anonymous_page(const Vma& v, const Entry& e) {
  if (v.flags & vm::SHARED) return false;
  return v.anonymous || e.write;
}

// The swap offsets of type 0 the world's PTEs hold.
std::set<u64> used_offsets(const World& w) {
  std::set<u64> out;
  w.visit([&](Level l, u64, u64 word, Context ctx) {
    if (l != Level::Pte || ctx != Context::Normal) return;
    Entry e = classify(w.geom, Level::Pte, word, w.zero_pfn);
    if (e.kind == Kind::Swap && e.swap_type == 0) out.insert(e.offset);
  });
  return out;
}

} // namespace

std::optional<std::string> reclaim_unsupported(const World& w, const MmOp& op) {
  const std::vector<Vma> ps = pieces(w, op.start, op.end);
  u64 at = op.start;
  for (const Vma& p : ps) {
    if (p.start != at) break;
    at = p.end;
  }
  if (at != op.end) // the madvise loop (mm/madvise.c:1115-1133 at v5.7)
    return fmt::format("{:#x} is in no VMA: the kernel's madvise would fail with -ENOMEM", at);
  for (const Vma& p : ps) {
    if (p.hugetlb() || (p.flags & vm::PFNMAP)) // can_madv_lru_vma (mm/madvise.c:767 at v5.7)
      return fmt::format("the VMA at {:#x} is hugetlb or VM_PFNMAP: madvise(MADV_PAGEOUT) fails "
                         "with -EINVAL there (mm/madvise.c:549-550 at v5.7)",
                         p.start);
    if (auto why = mm_walk::upper_unsupported(w, p.start, p.end, "reclaim")) return why;
    if (p.anonymous || (p.flags & vm::SHARED)) continue;
    std::optional<u64> unknown;
    for_each_pte_word(w, p.start, p.end, [&](u64 addr, u64 word) {
      const Entry e = classify(w.geom, Level::Pte, word, w.zero_pfn);
      if (!unknown && reclaimed(w, e) && !e.write) unknown = addr;
    });
    if (unknown)
      return fmt::format("{:#x} maps a read-only page in a private file VMA: whether it is a "
                         "page-cache page (unmapped by reclaim) or an anonymous copy (swapped "
                         "out) is not modelled",
                         *unknown);
  }
  return std::nullopt;
}

void apply_reclaim(World& w, const MmOp& op) {
  std::set<u64> used = used_offsets(w);
  u64 next = 1; // offset 0 of a swap device is its header
  for (const Vma& p : pieces(w, op.start, op.end)) {
    for_each_pte(w, p.start, p.end, [&](u64 addr, u64* slot) {
      const u64 old = *slot;
      const Entry e = classify(w.geom, Level::Pte, old, w.zero_pfn);
      if (!reclaimed(w, e)) return;
      // try_to_unmap_one: one invalidation of the page (mm/rmap.c:1398-1412 at v5.7)
      w.invalidate(addr, addr + w.geom.page_size());
      if (!anonymous_page(p, e)) { // a page-cache or shmem page: unmapped (:1685-1695)
        *slot = 0;
        return;
      }
      // an anonymous page: add_to_swap gave it a slot (mm/vmscan.c:1255), and its PTE becomes
      // the swap entry, keeping soft-dirty and uffd-wp as swap bits (mm/rmap.c:1651-1676)
      while (used.contains(next)) ++next;
      used.insert(next);
      const Entry s{.kind = Kind::Swap, .swap_type = 0, .offset = next};
      u64 swp = encode(w.geom, Level::Pte, s).word;
      if (old & SOFT_DIRTY) swp |= RW;
      if (old & UFFD_WP) swp |= USER;
      *slot = swp;
    });
  }
}

} // namespace hmmspec
