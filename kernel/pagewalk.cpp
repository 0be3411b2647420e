// SPDX-License-Identifier: GPL-2.0-or-later
// walk_page_range as v5.7 mm/pagewalk.c behaves (kernel-context.md §4.2-4.7), over the world's
// tables through the shim's predicates (kernel/include/hmmspec/pgtable.h):
//
// - VMAs are visited in address order from find_vma(start); a gap before a VMA, or the rest
//   of the range after the last one, is walked with walk->vma NULL when there is a pte_hole.
// - test_walk (or, without one, the VM_PFNMAP rule) decides per VMA portion: >0 skips it,
//   <0 aborts the walk.
// - Each level steps entry by entry, clipped to the entry's boundary or the end
//   (p?d_addr_end). PGD and P4D entries that are none or bad are holes, and bad ones are
//   cleared first. PUD and PMD entries that are none, or lie in a gap, are holes.
// - pud_entry and pmd_entry run with walk->action preset to ACTION_SUBTREE. After pud_entry,
//   ACTION_SUBTREE splits a trans-huge or devmap PUD (model/fault.h split_huge_pud clears it)
//   and a PUD that is now none is looked at again, as a hole.
// - Hugetlb VMAs go to hugetlb_entry per huge page, with the slot huge_pte_offset finds, or
//   to pte_hole (depth -1) where it finds none; without hugetlb_entry they are skipped.
// - Any non-zero callback result ends the walk and is returned.
//
// One deliberate difference: the kernel steps the root pointer past the end of the PGD table
// when a range runs beyond the top of the address space; the shim recomputes the root index
// per entry, so such ranges wrap around instead of reading past the table.
#include <algorithm>

#include "kernel/session.h"

namespace hmmspec::kernel {
namespace {

// The end of the entry of `size` bytes holding addr, or end when that comes first. Compared
// one below both, so a boundary that wraps to 0 at the top of the address space still works.
unsigned long entry_end(unsigned long addr, unsigned long end, unsigned long size) {
  unsigned long boundary = (addr + size) & ~(size - 1);
  return boundary - 1 < end - 1 ? boundary : end;
}

// The depth pte_hole reports for a hole found at `depth` (1 P4D, 2 PUD, 3 PMD). A level whose
// tables have a single entry is folded into the level above, and reports as that level.
int hole_depth(int depth) {
  const unsigned long entries[4] = {PTRS_PER_PGD, PTRS_PER_P4D, PTRS_PER_PUD, PTRS_PER_PMD};
  while (depth > 0 && entries[depth] == 1) --depth;
  return depth;
}

// *_none_or_clear_bad at the two top levels: a bad entry is reported by the kernel, then set
// to zero, and the walker treats it as none. Bad entries are never zero, so the word written
// is always in a real table of the world.
bool pgd_none_or_clear_bad(pgd_t* pgd) {
  if (pgd_none(*pgd)) return true;
  if (!pgd_bad(*pgd)) return false;
  pgd->pgd = 0;
  return true;
}
bool p4d_none_or_clear_bad(p4d_t* p4d) {
  if (p4d_none(*p4d)) return true;
  if (!p4d_bad(*p4d)) return false;
  p4d->p4d = 0;
  return true;
}

class Walker {
public:
  Walker(mm_struct* mm, const mm_walk_ops* ops, void* private_data)
      : session_(Session::of(mm)), ops_(ops) {
    walk_.ops = ops;
    walk_.mm = mm;
    walk_.private_data = private_data;
  }

  // The VMA loop of walk_page_range (pagewalk.c:379-432).
  int walk(unsigned long start, unsigned long end) {
    vm_area_struct* vma = find_vma(walk_.mm, start);
    int err = 0;
    while (start < end) {
      unsigned long next;
      bool walk_it = true;
      if (!vma) { // past the last VMA
        walk_.vma = nullptr;
        next = end;
      } else if (start < vma->vm_start) { // a gap; the VMA comes next
        walk_.vma = nullptr;
        next = std::min(end, vma->vm_start);
      } else { // inside vma
        walk_.vma = vma;
        next = std::min(end, vma->vm_end);
        vma = vma->vm_next;
        err = test(start, next);
        if (err < 0) break;
        if (err > 0) { // skipped: the result is for the walker only
          err = 0;
          walk_it = false;
        }
      }
      if (walk_it && (walk_.vma || ops_->pte_hole)) {
        err = portion(start, next);
        if (err) break;
      }
      start = next;
    }
    return err;
  }

private:
  // walk_page_test: test_walk, or else VM_PFNMAP VMAs become one hole and are skipped.
  int test(unsigned long start, unsigned long end) {
    if (ops_->test_walk) return ops_->test_walk(start, end, &walk_);
    if (!(walk_.vma->vm_flags & VM_PFNMAP)) return 0;
    int err = ops_->pte_hole ? ops_->pte_hole(start, end, -1, &walk_) : 0;
    return err ? err : 1;
  }

  // __walk_page_range: one VMA portion or one gap.
  int portion(unsigned long start, unsigned long end) {
    vm_area_struct* vma = walk_.vma;
    int err = 0;
    if (vma && ops_->pre_vma) {
      err = ops_->pre_vma(start, end, &walk_);
      if (err) return err;
    }
    if (vma && is_vm_hugetlb_page(vma)) {
      if (ops_->hugetlb_entry) err = hugetlb_range(start, end);
    } else {
      err = pgd_range(start, end);
    }
    if (vma && ops_->post_vma) ops_->post_vma(&walk_);
    return err;
  }

  int hole(unsigned long addr, unsigned long next, int depth) {
    return ops_->pte_hole ? ops_->pte_hole(addr, next, depth, &walk_) : 0;
  }

  bool wants_below_pgd() const {
    return ops_->p4d_entry || ops_->pud_entry || ops_->pmd_entry || ops_->pte_entry;
  }
  bool wants_below_p4d() const { return ops_->pud_entry || ops_->pmd_entry || ops_->pte_entry; }
  bool wants_below_pud() const { return ops_->pmd_entry || ops_->pte_entry; }

  int pgd_range(unsigned long addr, unsigned long end) {
    for (;;) {
      pgd_t* pgd = pgd_offset(walk_.mm, addr);
      unsigned long next = entry_end(addr, end, PGDIR_SIZE);
      int err = 0;
      if (pgd_none_or_clear_bad(pgd)) {
        err = hole(addr, next, 0);
      } else {
        if (ops_->pgd_entry) err = ops_->pgd_entry(pgd, addr, next, &walk_);
        if (!err && wants_below_pgd()) err = p4d_range(pgd, addr, next);
      }
      if (err) return err;
      addr = next;
      if (addr == end) return 0;
    }
  }

  int p4d_range(pgd_t* pgd, unsigned long addr, unsigned long end) {
    p4d_t* p4d = p4d_offset(pgd, addr);
    const int depth = hole_depth(1);
    for (;; ++p4d) {
      unsigned long next = entry_end(addr, end, P4D_SIZE);
      int err = 0;
      if (p4d_none_or_clear_bad(p4d)) {
        err = hole(addr, next, depth);
      } else {
        if (ops_->p4d_entry) err = ops_->p4d_entry(p4d, addr, next, &walk_);
        if (!err && wants_below_p4d()) err = pud_range(p4d, addr, next);
      }
      if (err) return err;
      addr = next;
      if (addr == end) return 0;
    }
  }

  int pud_range(p4d_t* p4d, unsigned long addr, unsigned long end) {
    pud_t* pud = pud_offset(p4d, addr);
    for (;; ++pud) {
      unsigned long next = entry_end(addr, end, PUD_SIZE);
      if (int err = pud_one(pud, addr, next)) return err;
      addr = next;
      if (addr == end) return 0;
    }
  }

  // One PUD entry, looked at again after ACTION_AGAIN or after a split left it none.
  int pud_one(pud_t* pud, unsigned long addr, unsigned long next) {
    for (;;) {
      if (pud_none(*pud) || !walk_.vma) return hole(addr, next, hole_depth(2));
      walk_.action = ACTION_SUBTREE;
      if (ops_->pud_entry) {
        if (int err = ops_->pud_entry(pud, addr, next, &walk_)) return err;
      }
      if (walk_.action == ACTION_AGAIN) continue;
      if (walk_.action == ACTION_CONTINUE || !wants_below_pud()) return 0;
      if (pud_trans_huge(*pud) || pud_devmap(*pud)) session_.split_huge_pud(pud, addr);
      if (pud_none(*pud)) continue;
      return pmd_range(pud, addr, next);
    }
  }

  int pmd_range(pud_t* pud, unsigned long addr, unsigned long end) {
    pmd_t* pmd = pmd_offset(pud, addr);
    for (;; ++pmd) {
      unsigned long next = entry_end(addr, end, PMD_SIZE);
      if (int err = pmd_one(pmd, addr, next)) return err;
      addr = next;
      if (addr == end) return 0;
    }
  }

  // One PMD entry. Without a pte_entry (refused by walk_page_range) the walker never goes
  // below a PMD: it neither splits huge PMDs nor takes the PTE lock (kernel-context.md §4.5).
  int pmd_one(pmd_t* pmd, unsigned long addr, unsigned long next) {
    for (;;) {
      if (pmd_none(*pmd) || !walk_.vma) return hole(addr, next, hole_depth(3));
      walk_.action = ACTION_SUBTREE;
      session_.note_pmd(pmd, addr);
      if (ops_->pmd_entry) {
        if (int err = ops_->pmd_entry(pmd, addr, next, &walk_)) return err;
      }
      if (walk_.action == ACTION_AGAIN) continue;
      return 0;
    }
  }

  // walk_hugetlb_range: one call per huge page of the VMA's size, clipped to [addr, end).
  int hugetlb_range(unsigned long addr, unsigned long end) {
    hstate* h = hstate_vma(walk_.vma);
    const unsigned long size = huge_page_size(h);
    const unsigned long hmask = huge_page_mask(h);
    for (;;) {
      unsigned long boundary = (addr & hmask) + size;
      unsigned long next = boundary < end ? boundary : end;
      pte_t* pte = huge_pte_offset(walk_.mm, addr & hmask, size);
      int err = pte ? ops_->hugetlb_entry(pte, hmask, addr, next, &walk_) : hole(addr, next, -1);
      if (err) return err;
      addr = next;
      if (addr == end) return 0;
    }
  }

  Session& session_;
  const mm_walk_ops* ops_;
  mm_walk walk_{};
};

} // namespace
} // namespace hmmspec::kernel

extern "C" int walk_page_range(struct mm_struct* mm, unsigned long start, unsigned long end,
                               const struct mm_walk_ops* ops, void* private_data) {
  using hmmspec::kernel::Session;
  Session::of(mm).count_walk();
  if (start >= end || !mm) return -EINVAL;
  if (ops->pte_entry) return -EINVAL; // not modelled: see kernel/include/hmmspec/pagewalk.h
  return hmmspec::kernel::Walker(mm, ops, private_data).walk(start, end);
}
