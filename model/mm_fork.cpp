// SPDX-License-Identifier: GPL-2.0-or-later
// M-FORK (docs/spec.md, section 12): fork() as the parent's page tables see it. dup_mmap copies
// each VMA with copy_page_range (mm/memory.c:967-1030 at v5.7), whose copy_one_pte
// (mm/memory.c:695-811) write-protects the parent's private writable PTEs and shares every
// page with the child. The calls after a fork mirror the parent; after a fork-child
// (M-FORK-CHILD), the child, whose PTEs are the parent's copied ones.
#include <fmt/format.h>

#include "model/mm_ops_parts.h"
#include "model/mm_walk.h"

namespace hmmspec {

using namespace x86;
using mm_walk::for_each_pte;
using mm_walk::for_each_pte_word;

namespace {

// is_cow_mapping (mm/internal.h:284-287 at v5.7): private and VM_MAYWRITE. do_mmap gives every
// mapping VM_MAYWRITE (mm/mmap.c:1435 at v5.7; only a shared mapping of a read-only file loses
// it), so a private VMA is a COW mapping.
bool is_cow(const Vma& v) {
  return !(v.flags & vm::SHARED);
}

// Whether the VMA has an anon_vma, which the world does not record: it is taken to have one
// exactly when it holds an entry only anonymous memory makes (a private anonymous VMA: any
// entry but none and the zero page; a private file VMA: a writable page, a swap or a
// device-private entry); a shared VMA has none. A private file VMA holding other entries only
// (read-only pages may be page-cache pages or copies) is left out: `unknown` says why.
struct AnonVma {
  bool has = false;
  std::optional<std::string> unknown;
};
AnonVma anon_vma(const World& w, const Vma& v) {
  AnonVma out;
  if (v.flags & vm::SHARED) return out; // shared pages are never anonymous pages of the VMA
  bool other = false;
  u64 other_at = 0;
  for_each_pte_word(w, v.start, v.end, [&](u64 addr, u64 word) {
    if (out.has) return;
    const Entry e = classify(w.geom, Level::Pte, word, w.zero_pfn);
    switch (e.kind) {
    case Kind::None:
    case Kind::Zero:
      return;
    case Kind::Swap:
    case Kind::Device:
      out.has = true;
      return;
    case Kind::Page:
      if (v.anonymous || e.write) out.has = true;
      break;
    default:
      if (v.anonymous) out.has = true;
      break;
    }
    if (!out.has && !other) other = true, other_at = addr;
  });
  if (!out.has && other && !v.anonymous && !(v.flags & vm::SHARED))
    out.unknown = fmt::format(
        "the private file VMA at {:#x} maps {:#x} read-only: whether it has an anon_vma (and "
        "so whether copy_page_range copies it, mm/memory.c:984-986 at v5.7) is not modelled",
        v.start, other_at);
  return out;
}

// Whether copy_page_range copies the VMA's page tables (mm/memory.c:984-986 at v5.7): those of
// VM_PFNMAP and VM_MIXEDMAP VMAs, and of VMAs with an anon_vma (hugetlb ones are refused).
bool copied(const World& w, const Vma& v) {
  return (v.flags & (vm::PFNMAP | vm::MIXEDMAP)) || anon_vma(w, v).has;
}

// A page vm_normal_page finds in a present PTE (one with a struct page the child maps too):
// not the zero page, not a special or devmap PTE.
bool normal_page(const Entry& e) {
  return (e.kind == Kind::Page && !e.special && !e.devmap) || e.kind == Kind::Protnone;
}

// copy_one_pte on the parent's PTE at slot (mm/memory.c:695-811 at v5.7).
void copy_one_pte(World& w, const Vma& v, u64* slot) {
  const u64 old = *slot;
  Entry e = classify(w.geom, Level::Pte, old, w.zero_pfn);
  switch (e.kind) {
  case Kind::Page:
  case Kind::Zero:
  case Kind::Protnone:
    // mm/memory.c:779-782: a private writable PTE (pte_write: the RW bit, protnone ones too) is
    // write-protected (ptep_set_wrprotect clears RW only); the page is the child's too
    // (:797-801, page_dup_rmap)
    if (is_cow(v) && (old & RW)) *slot = old & ~RW;
    if (normal_page(e)) w.shared_pfns.insert(e.pfn);
    return;
  case Kind::Migration:
    // mm/memory.c:721-738: the page is the child's too; a write migration entry of a private
    // VMA becomes a read one, keeping its soft-dirty (RW) and uffd-wp (USER) bits
    w.shared_pfns.insert(e.pfn);
    if (is_cow(v) && e.write) {
      e.write = false;
      *slot = encode(w.geom, Level::Pte, e).word | (old & (RW | USER));
    }
    return;
  case Kind::Device:
    // mm/memory.c:739-768: page_dup_rmap; a write device-private entry of a private VMA becomes
    // a read one, keeping uffd-wp (USER) only
    w.shared_pfns.insert(e.pfn);
    if (is_cow(v) && e.write) {
      e.write = false;
      *slot = encode(w.geom, Level::Pte, e).word | (old & USER);
    }
    return;
  default: // hwpoison entries are copied as they are (mm/memory.c:768); swap ones are refused
    return;
  }
}

// The child's PTE made from the parent's after copy_one_pte (mm/memory.c:785-798 at v5.7): a
// present one made old, clean in a shared VMA, and without uffd-wp (no VMA of the model has
// VM_UFFD_WP); a non-present one as the parent's.
u64 child_pte(const World& w, const Vma& v, u64 parent) {
  const Kind k = classify(w.geom, Level::Pte, parent, w.zero_pfn).kind;
  if (k != Kind::Page && k != Kind::Zero && k != Kind::Protnone) return parent;
  u64 pte = parent & ~(ACCESSED | UFFD_WP);
  if (v.flags & vm::SHARED) pte &= ~DIRTY;
  return pte;
}

} // namespace

std::optional<std::string> fork_unsupported(const World& w) {
  for (const Vma& v : w.vmas.all()) {
    if (v.hugetlb())
      return fmt::format("the VMA at {:#x} is hugetlb: fork's copy_hugetlb_page_range is not "
                         "modelled",
                         v.start);
    const bool pfnmap = v.flags & (vm::PFNMAP | vm::MIXEDMAP);
    AnonVma a = anon_vma(w, v);
    if (a.unknown && !pfnmap) return a.unknown;
    if (!pfnmap && !a.has) continue;
    if (auto why = mm_walk::upper_unsupported(w, v.start, v.end, "fork")) return why;
    std::optional<u64> swap;
    for_each_pte_word(w, v.start, v.end, [&](u64 addr, u64 word) {
      if (!swap && classify(w.geom, Level::Pte, word, w.zero_pfn).kind == Kind::Swap) swap = addr;
    });
    if (swap)
      return fmt::format("{:#x} holds a swap entry: fork shares it with the child "
                         "(swap_duplicate, mm/memory.c:709-710 at v5.7), and the fault model's "
                         "swap-in does not know swap counts",
                         *swap);
  }
  return std::nullopt;
}

void apply_fork(World& w) {
  const std::vector<Vma> vmas = w.vmas.all();
  for (const Vma& v : vmas) {
    if (!copied(w, v)) continue; // mm/memory.c:984-986: the child refaults it
    // mm/memory.c:1007-1013: a private VMA's whole range is invalidated
    // (MMU_NOTIFY_PROTECTION_PAGE) around the copy
    if (is_cow(v)) w.invalidate(v.start, v.end);
    for_each_pte(w, v.start, v.end, [&](u64, u64* slot) { copy_one_pte(w, v, slot); });
  }
}

std::optional<std::string> fork_child_unsupported(const World& w) {
  if (auto why = fork_unsupported(w)) return why;
  // the VMAs the child does not copy have nothing mapped in it: their upper entries too
  for (const Vma& v : w.vmas.all())
    if (!copied(w, v))
      if (auto why = mm_walk::upper_unsupported(w, v.start, v.end, "fork-child")) return why;
  return std::nullopt;
}

void apply_fork_child(World& w) {
  const std::vector<Vma> vmas = w.vmas.all();
  for (const Vma& v : vmas) {
    if (!copied(w, v)) { // mm/memory.c:984-986: nothing copied, the child refaults it
      for_each_pte(w, v.start, v.end, [](u64, u64* slot) { *slot = 0; });
      continue;
    }
    // the parent's side (its pages shared), then the child's own copy; no invalidation: the
    // notifier is the child's driver's, registered after the fork
    for_each_pte(w, v.start, v.end, [&](u64, u64* slot) {
      copy_one_pte(w, v, slot);
      *slot = child_pte(w, v, *slot);
    });
  }
}

} // namespace hmmspec
