// SPDX-License-Identifier: GPL-2.0-or-later
// walk_page_range as mm/pagewalk.c of the shim family behaves, over the world's tables through
// the shim's predicates (kernel/include/hmmspec/pgtable.h). All families:
//
// - VMAs are visited in address order from find_vma(start).
// - test_walk (or, without one, the VM_PFNMAP rule) decides per VMA portion: >0 skips it,
//   <0 aborts the walk.
// - Each level steps entry by entry, clipped to the entry's boundary or the end
//   (p?d_addr_end). PGD and P4D entries that are none or bad are holes, and bad ones are
//   cleared first. PUD and PMD entries that are none are holes.
// - pud_entry and pmd_entry run with walk->action preset to ACTION_SUBTREE; ACTION_AGAIN looks
//   at the entry again. After pud_entry, ACTION_SUBTREE splits a trans-huge or devmap PUD
//   (model/fault.h split_huge_pud clears it).
// - Hugetlb VMAs go to hugetlb_entry per huge page, with the slot huge_pte_offset finds, or
//   to pte_hole (depth -1) where it finds none; without hugetlb_entry they are skipped.
// - Any non-zero callback result ends the walk and is returned.
//
// What differs (docs/kernel-party.md, "The walker"):
// - v5.7 (mm/pagewalk.c at v5.7): a gap before a VMA, or the rest of the range after the last
//   one, is walked through the tables with walk->vma NULL (when there is a pte_hole), and PUD
//   and PMD entries in a gap are holes whatever they hold. A PUD that a split left none is
//   looked at again, as a hole.
// - 6.1 (6.1 mm/pagewalk.c:427-482): a gap is one pte_hole(start, next, -1), with no table
//   read (:450-459). The PUD is looked at again after a split that left it none (:197-200).
// - 6.12 (6.12 mm/pagewalk.c:443-500): gaps as 6.1 (:465-476). walk_pmd_range asks for the PUD
//   to be looked at again when it is not present or is a leaf (:103-106), which after a split
//   makes it a hole (:192-200); hugetlb walks hold the hugetlb VMA lock (:294, 305).
//
// Every ACTION_AGAIN loop is bounded: an entry looked at again more than restart_budget times
// in a row ends the walk with -EBUSY and a livelock recorded (Session::may_redo); the session's
// next mmu_interval_check_retry then stops hmm_range_fault, which returns -EBUSY. A PUD word
// that is neither none nor present and has neither PSE nor DEVMAP makes 6.12 spin so: no
// pud_entry lock, no split, and walk_pmd_range asks again for ever.
//
// One deliberate difference: the kernel steps the root pointer past the end of the PGD table
// when a range runs beyond the top of the address space; the shim recomputes the root index
// per entry, so such ranges wrap around instead of reading past the table.
#include <algorithm>

#include "kernel/session.h"

namespace hmmspec::kernel {
namespace {

constexpr bool kV6 = HMMSPEC_V6;
constexpr bool kV6_12 = HMMSPEC_KERNEL_FAMILY >= HMMSPEC_FAMILY_6_12;

// The end of the entry of `size` bytes holding addr, or end when that comes first. Compared
// one below both, so a boundary that wraps to 0 at the top of the address space still works.
unsigned long entry_end(unsigned long addr, unsigned long end, unsigned long size) {
  unsigned long boundary = (addr + size) & ~(size - 1);
  return boundary - 1 < end - 1 ? boundary : end;
}

// The depth pte_hole reports for a hole found at `depth` (1 P4D, 2 PUD, 3 PMD). A level whose
// tables have a single entry is folded into the level above, and reports as that level
// (real_depth, 6.1 mm/pagewalk.c:12-21).
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

// The walk stopped on a livelock (Session::may_redo); hmm_range_fault restarts on it, and the
// session's next check then ends the call.
constexpr int kLivelock = -EBUSY;

class Walker {
public:
  Walker(mm_struct* mm, const mm_walk_ops* ops, void* private_data)
      : session_(Session::of(mm)), ops_(ops) {
    walk_.ops = ops;
    walk_.mm = mm;
    walk_.private_data = private_data;
  }

  // The VMA loop of walk_page_range.
  int walk(unsigned long start, unsigned long end) {
    vm_area_struct* vma = find_vma(walk_.mm, start);
    int err = 0;
    while (start < end) {
      unsigned long next;
      bool walk_it = true;
      if (!vma || start < vma->vm_start) { // past the last VMA, or a gap before vma
        walk_.vma = nullptr;
        next = vma ? std::min(end, vma->vm_start) : end;
        if (kV6) { // one hole, no table read (6.1 mm/pagewalk.c:450-459)
          err = ops_->pte_hole ? ops_->pte_hole(start, next, -1, &walk_) : 0;
          walk_it = false;
        }
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
      if (walk_it && (walk_.vma || ops_->pte_hole)) err = portion(start, next);
      if (err) break;
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

  // __walk_page_range: one VMA portion (or, in v5.7, one gap).
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

  // One PUD entry, looked at again after ACTION_AGAIN, after a split that left it none (v5.7,
  // 6.1), or when walk_pmd_range asks for it (6.12).
  int pud_one(pud_t* pud, unsigned long addr, unsigned long next) {
    for (unsigned redos = 0;;) {
      if (kV6_12) walk_.action = ACTION_SUBTREE; // 6.12 mm/pagewalk.c:168-169
      if (pud_none(*pud) || (!kV6 && !walk_.vma)) return hole(addr, next, hole_depth(2));
      walk_.action = ACTION_SUBTREE;
      session_.note_pud(pud, addr);
      if (ops_->pud_entry) {
        if (int err = ops_->pud_entry(pud, addr, next, &walk_)) return err;
      }
      if (walk_.action == ACTION_AGAIN) {
        if (!session_.may_redo(redos)) return kLivelock;
        continue;
      }
      if ((kV6 && !walk_.vma && (pud_leaf(*pud) || !pud_present(*pud))) ||
          walk_.action == ACTION_CONTINUE || !wants_below_pud())
        return 0;
      if (walk_.vma && (pud_trans_huge(*pud) || pud_devmap(*pud)))
        session_.split_huge_pud(pud, addr);
      if (!kV6_12 && pud_none(*pud)) { // 6.1 mm/pagewalk.c:199-200
        if (!session_.may_redo(redos)) return kLivelock;
        continue;
      }
      if (int err = pmd_range(pud, addr, next)) return err;
      if (kV6_12 && walk_.action == ACTION_AGAIN) { // 6.12 mm/pagewalk.c:199-200
        if (!session_.may_redo(redos)) return kLivelock;
        continue;
      }
      return 0;
    }
  }

  int pmd_range(pud_t* pud, unsigned long addr, unsigned long end) {
#if HMMSPEC_KERNEL_FAMILY >= HMMSPEC_FAMILY_6_12
    // 6.12 mm/pagewalk.c:83-106: only a PUD pointing to a PMD table is walked
    pud_t pudval = pudp_get(pud);
    if (!pud_present(pudval) || pud_leaf(pudval)) {
      walk_.action = ACTION_AGAIN;
      return 0;
    }
#endif
    pmd_t* pmd = pmd_offset(pud, addr);
    for (;; ++pmd) {
      unsigned long next = entry_end(addr, end, PMD_SIZE);
      if (int err = pmd_one(pmd, addr, next)) return err;
      addr = next;
      if (addr == end) return 0;
    }
  }

  // One PMD entry. Without a pte_entry (refused by walk_page_range) the walker never goes
  // below a PMD: it neither splits huge PMDs nor takes the PTE lock.
  int pmd_one(pmd_t* pmd, unsigned long addr, unsigned long next) {
    for (unsigned redos = 0;;) {
      if (kV6_12) walk_.action = ACTION_SUBTREE; // 6.12 mm/pagewalk.c:110-111
      if (pmd_none(*pmd) || (!kV6 && !walk_.vma)) return hole(addr, next, hole_depth(3));
      walk_.action = ACTION_SUBTREE;
      session_.note_pmd(pmd, addr);
      // The pmd-seen point (model/race.h): found not none, before pmd_entry reads it.
      session_.race_point(RacePoint::PmdSeen, addr);
      if (ops_->pmd_entry) {
        if (int err = ops_->pmd_entry(pmd, addr, next, &walk_)) return err;
      }
      if (walk_.action == ACTION_AGAIN) {
        if (!session_.may_redo(redos)) return kLivelock;
        continue;
      }
      return 0;
    }
  }

  // walk_hugetlb_range: one call per huge page of the VMA's size, clipped to [addr, end). 6.12
  // holds the hugetlb VMA lock across it (6.12 mm/pagewalk.c:294, 305).
  int hugetlb_range(unsigned long addr, unsigned long end) {
    hstate* h = hstate_vma(walk_.vma);
    const unsigned long size = huge_page_size(h);
    const unsigned long hmask = huge_page_mask(h);
#if HMMSPEC_KERNEL_FAMILY >= HMMSPEC_FAMILY_6_12
    hugetlb_vma_lock_read(walk_.vma);
#endif
    int err = 0;
    for (;;) {
      unsigned long boundary = (addr & hmask) + size;
      unsigned long next = boundary < end ? boundary : end;
      pte_t* pte = huge_pte_offset(walk_.mm, addr & hmask, size);
      err = pte ? ops_->hugetlb_entry(pte, hmask, addr, next, &walk_) : hole(addr, next, -1);
      if (err) break;
      addr = next;
      if (addr == end) break;
    }
#if HMMSPEC_KERNEL_FAMILY >= HMMSPEC_FAMILY_6_12
    hugetlb_vma_unlock_read(walk_.vma);
#endif
    return err;
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
#if HMMSPEC_KERNEL_FAMILY >= HMMSPEC_FAMILY_6_12
  // process_mm_walk_lock (6.12 mm/pagewalk.c:376-383): the session holds the mmap lock for
  // read, so a walk expecting it for write trips mmap_assert_write_locked's WARN_ON
  // (6.12 include/linux/rwsem.h:83-86).
  if (ops->walk_lock == PGWALK_RDLOCK)
    mmap_assert_locked(mm);
  else
    hmmspec_report(HMMSPEC_REPORT_WARN, "include/linux/rwsem.h", 85, 0);
#elif HMMSPEC_V6
  mmap_assert_locked(mm); // 6.1 mm/pagewalk.c:446
#endif
  if (ops->pte_entry) return -EINVAL; // not modelled: see kernel/include/hmmspec/pagewalk.h
  return hmmspec::kernel::Walker(mm, ops, private_data).walk(start, end);
}
