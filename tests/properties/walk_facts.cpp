// SPDX-License-Identifier: GPL-2.0-or-later
#include "tests/properties/walk_facts.h"

#include <fmt/format.h>
#include <set>

namespace hmmspec::props {

using namespace x86;

namespace {

// The table a present upper word points to (zeros where no table is).
const u64* next_table(const World& w, u64 word) {
  return w.table_words(table_pfn(w.geom, word));
}

// The root slot, the P4D slot (5-level) and the PUD slot of addr, following pointers the way
// the generic code does when the entries are present (no bad checks: huge_pte_offset uses
// pgd_present/p4d_present only).
const u64* pud_slot_present_path(const World& w, u64 addr, const WordReader& rd) {
  const Geometry& g = w.geom;
  const u64* root = w.table_words(w.root_pfn()) + g.index(Level::Pgd, addr);
  if (!(rd(root) & PRESENT)) return nullptr; // p4d_present (4-level) / pgd_present (5-level)
  const u64* t = next_table(w, rd(root));
  if (!g.p4d_folded()) {
    const u64* p4d = t + g.index(Level::P4d, addr);
    if (!(rd(p4d) & PRESENT)) return nullptr;
    t = next_table(w, rd(p4d));
  }
  return t + g.index(Level::Pud, addr);
}

} // namespace

std::optional<HugeSlot> huge_slot(const World& w, u64 addr, u64 size, const WordReader& read) {
  const Geometry& g = w.geom;
  const WordReader rd = read ? read : [](const u64* p) { return *p; };
  const u64* pud = pud_slot_present_path(w, addr, rd);
  if (!pud) return std::nullopt;
  const u64 pud_word = rd(pud);
  if (size != g.size(Level::Pud) && word_none(Level::Pud, g.levels, pud_word)) return std::nullopt;
  if ((pud_word & PSE) || !(pud_word & PRESENT))
    return HugeSlot{pud, Level::Pud}; // pud_huge, !present
  const u64* pmd = next_table(w, pud_word) + g.index(Level::Pmd, addr);
  const u64 pmd_word = rd(pmd);
  bool none = word_none(Level::Pmd, g.levels, pmd_word);
  if (size != g.size(Level::Pmd) && none) return std::nullopt;
  bool pmd_huge = !none && (pmd_word & (PRESENT | PSE)) != PRESENT;
  bool pmd_present = pmd_word & (PRESENT | PROTNONE | PSE);
  if (pmd_huge || !pmd_present) return HugeSlot{pmd, Level::Pmd};
  return std::nullopt;
}

u64 pte_cpu_flags(const HmmRange& r, u64 word) {
  bool none = (word & ~KNL_ERRATUM_MASK) == 0;
  bool present = word & (PRESENT | PROTNONE);
  bool protnone = (word & (PRESENT | PROTNONE)) == PROTNONE;
  if (none || !present || protnone) return 0;
  return cpu_flags_for(r, true, word & RW);
}

bool vma_supported(const Vma& v) {
  return !(v.flags & (vm::IO | vm::PFNMAP | vm::MIXEDMAP)) && (v.flags & vm::READ);
}

PageView page_view(const World& w, const HmmRange& r, u64 addr) {
  const Geometry& g = w.geom;
  PageView pv;
  const Vma* vma = w.vmas.containing(addr);
  if (vma && vma->hugetlb()) {
    pv.hugetlb = true;
    auto slot = huge_slot(w, addr & ~(vma->hugetlb_size - 1), vma->hugetlb_size);
    if (!slot) {
      pv.what = "hugetlb hole";
      return pv;
    }
    u64 cpu = pte_cpu_flags(r, *slot->word);
    pv.maps = cpu != 0;
    pv.writable = cpu != 0 && (*slot->word & RW);
    pv.pfn = pte_pfn(g, *slot->word) + ((addr & (vma->hugetlb_size - 1)) >> g.page_shift);
    pv.what = fmt::format("hugetlb slot {:#x}", *slot->word);
    return pv;
  }
  // The normal walk: bad and none upper entries are holes; huge PUDs other than present
  // devmap ones are cleared (holes); below that, PMD and PTE.
  Level l = Level::Pgd;
  const u64* t = w.table_words(w.root_pfn());
  for (;;) {
    if (l == Level::P4d && g.p4d_folded()) l = Level::Pud;
    u64 word = t[g.index(l, addr)];
    Entry e = classify(g, l, word, w.zero_pfn);
    if (e.kind == Kind::None) {
      pv.what = fmt::format("{} none", level_name(l));
      return pv;
    }
    if (l == Level::Pgd || l == Level::P4d) {
      if (e.kind == Kind::Bad) {
        pv.what = fmt::format("{} bad", level_name(l));
        return pv;
      }
    } else if (l == Level::Pud) {
      if (e.kind == Kind::Huge) {
        bool handled = (word & PSE) && (word & DEVMAP) && (word & PRESENT);
        if (handled) {
          pv.maps = true;
          pv.writable = word & RW;
          pv.pfn = e.pfn + ((addr & ~g.mask(l)) >> g.page_shift);
        }
        pv.what = fmt::format("pud huge {:#x}", word);
        return pv;
      }
    } else if (l == Level::Pmd) {
      if (e.kind == Kind::Huge) {
        pv.maps = true;
        pv.writable = !e.protnone && (word & RW);
        pv.pfn = e.pfn + ((addr & ~g.mask(l)) >> g.page_shift);
        pv.what = fmt::format("pmd huge {:#x}", word);
        return pv;
      }
      if (e.kind != Kind::Table) {
        pv.what = fmt::format("pmd {}", kind_name(e.kind));
        return pv;
      }
    } else { // PTE
      pv.what = fmt::format("pte {:#x}", word);
      if (e.kind == Kind::Device && w.owner_of(e.pfn) == r.dev_private_owner) {
        pv.maps = true;
        pv.own_device = true;
        pv.device_read = !e.write;
        pv.writable = e.write;
        pv.pfn = e.pfn;
        return pv;
      }
      u64 cpu = pte_cpu_flags(r, word);
      if (cpu && !((word & SPECIAL) && pte_pfn(g, word) != w.zero_pfn)) {
        pv.maps = true;
        pv.writable = word & RW;
        pv.pfn = pte_pfn(g, word);
      }
      return pv;
    }
    t = next_table(w, word);
    l = below(l);
  }
}

} // namespace hmmspec::props
