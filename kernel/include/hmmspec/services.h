// SPDX-License-Identifier: GPL-2.0-or-later
// The kernel services hmm.c calls, each delegating to the world (kernel/session.cpp):
// handle_mm_fault, the migration waits, struct page lookup, the page-table locks and the
// hugetlb helpers (kernel-context.md §5.3-5.6, §6, §10). Faults and waits go through
// model/fault.h, so the world changes exactly as it does for every other party.
//
// Valid C (gnu11) and C++.
#ifndef HMMSPEC_SERVICES_H
#define HMMSPEC_SERVICES_H

#include "mm_types.h"
#include "swapops.h"

#ifdef __cplusplus
extern "C" {
#endif

// --- Faults and migration ------------------------------------------------------------------
// Resolves a fault at address through model/fault.h's handle_mm_fault (logged in the world).
vm_fault_t handle_mm_fault(struct vm_area_struct* vma, unsigned long address, unsigned int flags);
// Waits for the migration of the PTE at address to finish (model/fault.h).
void migration_entry_wait(struct mm_struct* mm, pmd_t* pmd, unsigned long address);
// Waits for the migration of the PMD at pmd; its address is the one the walker handed to
// pmd_entry with this slot (the kernel finds it from the page; the world needs the address).
void pmd_migration_entry_wait(struct mm_struct* mm, pmd_t* pmd);

// --- Pages ---------------------------------------------------------------------------------
// The struct page of a pfn; its pgmap->owner is World::owner_of(pfn) as a pointer (0: NULL).
struct page* pfn_to_page(unsigned long pfn);
static inline struct page* device_private_entry_to_page(swp_entry_t e) {
  return pfn_to_page(swp_offset(e));
}

// --- Locks -----------------------------------------------------------------------------------
void spin_lock(spinlock_t* lock);
void spin_unlock(spinlock_t* lock);
// The PUD lock, held, when the PUD is a trans-huge or devmap leaf; NULL for anything else
// (a table pointer in particular), in which case nothing is locked (huge_mm.h:260-267).
spinlock_t* pud_trans_huge_lock(pud_t* pud, struct vm_area_struct* vma);

// --- Hugetlb ---------------------------------------------------------------------------------
static inline struct hstate* hstate_vma(struct vm_area_struct* vma) {
  return &vma->hmmspec_hstate;
}
static inline unsigned long huge_page_size(struct hstate* h) {
  return h->size;
}
static inline unsigned long huge_page_mask(struct hstate* h) {
  return ~(h->size - 1);
}
static inline int is_vm_hugetlb_page(struct vm_area_struct* vma) {
  return (vma->vm_flags & VM_HUGETLB) != 0;
}
// The lock of a huge page's slot, held: the split PMD lock for PMD-sized pages, the mm's
// page_table_lock otherwise.
spinlock_t* huge_pte_lock(struct hstate* h, struct mm_struct* mm, pte_t* pte);
// A plain load on x86.
static inline pte_t huge_ptep_get(pte_t* ptep) {
  return *ptep;
}
// The slot of the huge page of size sz at addr, read as a PTE, or NULL (mm/hugetlb.c's
// generic version, which x86 uses; kernel-context.md §4.5). Implemented in kernel/hugetlb.cpp.
pte_t* huge_pte_offset(struct mm_struct* mm, unsigned long addr, unsigned long sz);

// --- Diagnostics -------------------------------------------------------------------------------
// A WARN that fired in the seed or the shim (counted by the session).
void hmmspec_warn(const char* file, int line);

#ifdef __cplusplus
}
#endif

#endif // HMMSPEC_SERVICES_H
