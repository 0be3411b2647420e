// SPDX-License-Identifier: GPL-2.0-or-later
// The generic page-table walker's interface (include/linux/pagewalk.h at v5.7, 6.1 and 6.12):
// the callbacks, in declaration order, the lock the walk expects (6.12), the walk state handed
// to them, and walk_page_range, implemented by kernel/pagewalk.cpp for the shim family.
//
// Valid C (gnu11) and C++. C++ cannot name a member `private`, so there the member that hmm.c
// reads as `walk->private` is spelled `private_data`; the layout is the same.
#ifndef HMMSPEC_PAGEWALK_H
#define HMMSPEC_PAGEWALK_H

#include "mm_types.h"

#ifdef __cplusplus
extern "C" {
#endif

struct mm_walk;

#if HMMSPEC_KERNEL_FAMILY >= HMMSPEC_FAMILY_6_12
// How the walk expects the mmap lock and the VMA to be held (6.12 include/linux/pagewalk.h).
enum page_walk_lock {
  PGWALK_RDLOCK = 0,        // the mmap lock is held for read
  PGWALK_WRLOCK = 1,        // the VMA is write-locked during the walk
  PGWALK_WRLOCK_VERIFY = 2, // the VMA is already write-locked
};
#endif

struct mm_walk_ops {
  int (*pgd_entry)(pgd_t* pgd, unsigned long addr, unsigned long next, struct mm_walk* walk);
  int (*p4d_entry)(p4d_t* p4d, unsigned long addr, unsigned long next, struct mm_walk* walk);
  int (*pud_entry)(pud_t* pud, unsigned long addr, unsigned long next, struct mm_walk* walk);
  int (*pmd_entry)(pmd_t* pmd, unsigned long addr, unsigned long next, struct mm_walk* walk);
  int (*pte_entry)(pte_t* pte, unsigned long addr, unsigned long next, struct mm_walk* walk);
  int (*pte_hole)(unsigned long addr, unsigned long next, int depth, struct mm_walk* walk);
  int (*hugetlb_entry)(pte_t* pte, unsigned long hmask, unsigned long addr, unsigned long next,
                       struct mm_walk* walk);
  int (*test_walk)(unsigned long addr, unsigned long next, struct mm_walk* walk);
  int (*pre_vma)(unsigned long start, unsigned long end, struct mm_walk* walk);
  void (*post_vma)(struct mm_walk* walk);
#if HMMSPEC_KERNEL_FAMILY >= HMMSPEC_FAMILY_6_12
  enum page_walk_lock walk_lock;
#endif
};

// What the walker does after an entry callback returns (include/linux/pagewalk.h).
enum page_walk_action {
  ACTION_SUBTREE = 0,  // go below the entry (the default)
  ACTION_CONTINUE = 1, // skip what lies below it
  ACTION_AGAIN = 2,    // look at the entry again
};

struct mm_walk {
  const struct mm_walk_ops* ops;
  struct mm_struct* mm;
  pgd_t* pgd;                 // only for walks without VMAs (not used by hmm)
  struct vm_area_struct* vma; // NULL in gaps between VMAs
  enum page_walk_action action;
  bool no_vma;
#ifdef __cplusplus
  void* private_data;
#else
  void* private;
#endif
};

// Walks [start, end) of mm with ops, as mm/pagewalk.c of the shim family does
// (docs/kernel-party.md, "The walker"). The shim walks what hmm.c needs; ops with a pte_entry
// are refused with -EINVAL (hmm has none, and the kernel would split huge PMDs for them, which
// the world does not model).
int walk_page_range(struct mm_struct* mm, unsigned long start, unsigned long end,
                    const struct mm_walk_ops* ops, void* private_data);

// The first VMA that ends above addr (it may start above addr), or NULL.
struct vm_area_struct* find_vma(struct mm_struct* mm, unsigned long addr);

#ifdef __cplusplus
}
#endif

#endif // HMMSPEC_PAGEWALK_H
