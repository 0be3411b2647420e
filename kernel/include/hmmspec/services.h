// SPDX-License-Identifier: GPL-2.0-or-later
// The kernel services hmm.c calls, each delegating to the world (kernel/session.cpp):
// handle_mm_fault, the migration waits, struct page lookup, vm_normal_page (6.x), the mmap,
// page-table and hugetlb VMA locks and the hugetlb helpers. Faults and waits go through
// model/fault.h, so the world changes exactly as it does for every other party.
//
// Valid C (gnu11) and C++.
#ifndef HMMSPEC_SERVICES_H
#define HMMSPEC_SERVICES_H

#include <stddef.h>

#include "mm_types.h"
#include "report.h"
#include "swapops.h"

#ifdef __cplusplus
extern "C" {
#endif

// --- Faults and migration ------------------------------------------------------------------
// Resolves a fault at address through model/fault.h's handle_mm_fault (logged in the world).
#if HMMSPEC_V6
struct pt_regs;
vm_fault_t handle_mm_fault(struct vm_area_struct* vma, unsigned long address, unsigned int flags,
                           struct pt_regs* regs);
#else
vm_fault_t handle_mm_fault(struct vm_area_struct* vma, unsigned long address, unsigned int flags);
#endif
// Waits for the migration of the PTE at address to finish (model/fault.h).
void migration_entry_wait(struct mm_struct* mm, pmd_t* pmd, unsigned long address);
// Waits for the migration of the PMD at pmd; its address is the one the walker handed to
// pmd_entry with this slot (the kernel finds it from the page; the world needs the address).
void pmd_migration_entry_wait(struct mm_struct* mm, pmd_t* pmd);

// --- Pages ---------------------------------------------------------------------------------
// The struct page of a pfn; its pgmap->owner is World::owner_of(pfn) as a pointer (0: NULL),
// and its pgmap->type MEMORY_DEVICE_COHERENT for the world's coherent pfns,
// MEMORY_DEVICE_PRIVATE for its other device pfns, 0 for ordinary memory.
struct page* pfn_to_page(unsigned long pfn);
#if HMMSPEC_V6
// The page a pfn swap entry names. A migration entry's page is locked by the migration
// (6.1 include/linux/swapops.h:540-561 checks it with BUG_ON); the world has no page locks.
static inline struct page* pfn_swap_entry_to_page(swp_entry_t e) {
  return pfn_to_page(swp_offset_pfn(e));
}
// The struct page of the page a present PTE maps, or NULL for a special mapping (6.1
// mm/memory.c:612-673, 6.12 :594-658); a special PTE where none may be, or a pfn without a
// struct page (above World::highest_memmap_pfn), is also reported as a bad page map.
struct page* vm_normal_page(struct vm_area_struct* vma, unsigned long addr, pte_t pte);
#else
static inline struct page* device_private_entry_to_page(swp_entry_t e) {
  return pfn_to_page(swp_offset(e));
}
#endif

// --- Locks -----------------------------------------------------------------------------------
void spin_lock(spinlock_t* lock);
void spin_unlock(spinlock_t* lock);
// The PUD lock, held, when the PUD is a trans-huge or devmap leaf; NULL for anything else
// (a table pointer in particular), in which case nothing is locked (huge_mm.h:260-267).
spinlock_t* pud_trans_huge_lock(pud_t* pud, struct vm_area_struct* vma);
#if HMMSPEC_KERNEL_FAMILY == HMMSPEC_FAMILY_6_1
// The caller of hmm_range_fault holds the mmap lock (6.1 include/linux/mmap_lock.h:153-157:
// VM_BUG_ON_MM); a session holds it for read throughout.
static inline void mmap_assert_locked(struct mm_struct* mm) {
  if (mm->mmap_lock.readers <= 0)
    hmmspec_report(HMMSPEC_REPORT_BUG, "include/linux/mmap_lock.h", 156, 0);
}
#elif HMMSPEC_KERNEL_FAMILY >= HMMSPEC_FAMILY_6_12
// As in 6.1, through rwsem_assert_held (6.12 include/linux/mmap_lock.h:63-66), which without
// lockdep is a WARN_ON (6.12 include/linux/rwsem.h:78-81, 192-198).
static inline void mmap_assert_locked(struct mm_struct* mm) {
  if (mm->mmap_lock.readers <= 0)
    hmmspec_report(HMMSPEC_REPORT_WARN, "include/linux/rwsem.h", 80, 0);
}
#endif
#if HMMSPEC_KERNEL_FAMILY >= HMMSPEC_FAMILY_6_12
// The hugetlb VMA lock (6.12 mm/hugetlb.c:282-306), counted per VMA like the spinlocks.
void hugetlb_vma_lock_read(struct vm_area_struct* vma);
void hugetlb_vma_unlock_read(struct vm_area_struct* vma);
#endif

// --- Page tables -------------------------------------------------------------------------------
#if HMMSPEC_KERNEL_FAMILY >= HMMSPEC_FAMILY_6_12
// pte_offset_map may fail (6.12 mm/pgtable-generic.c:282-306): NULL for a none, migration,
// trans-huge or devmap PMD, and for a bad one, which it first clears (pmd_clear_bad; the word
// is non-zero, so it lies in a table of the world).
static inline pte_t* pte_offset_map(pmd_t* pmd, unsigned long addr) {
  pmd_t pmdval = pmdp_get_lockless(pmd);
  if (pmd_none(pmdval) || is_pmd_migration_entry(pmdval)) return NULL;
  if (pmd_trans_huge(pmdval) || pmd_devmap(pmdval)) return NULL;
  if (pmd_bad(pmdval)) {
    pmd->pmd = 0;
    return NULL;
  }
  return pte_offset_kernel(&pmdval, addr);
}
#define pte_unmap(pte) ((void)(pte))
#else
// No highmem on 64-bit: mapping a PTE table is just finding it.
#define pte_offset_map(pmd, addr) pte_offset_kernel((pmd), (addr))
#define pte_unmap(pte) ((void)(pte))
#endif

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
// The order of a huge page, in base pages.
static inline unsigned int huge_page_order(struct hstate* h) {
  return (unsigned int)__builtin_ctzl(h->size) - PAGE_SHIFT;
}
static inline int is_vm_hugetlb_page(struct vm_area_struct* vma) {
  return (vma->vm_flags & VM_HUGETLB) != 0;
}
// The lock of a huge page's slot, held: the split PMD lock for PMD-sized pages, the mm's
// page_table_lock otherwise.
spinlock_t* huge_pte_lock(struct hstate* h, struct mm_struct* mm, pte_t* pte);
// A plain load on x86.
#if HMMSPEC_KERNEL_FAMILY >= HMMSPEC_FAMILY_6_12
static inline pte_t huge_ptep_get(struct mm_struct* mm, unsigned long addr, pte_t* ptep) {
  (void)mm;
  (void)addr;
  return ptep_get(ptep);
}
#else
static inline pte_t huge_ptep_get(pte_t* ptep) {
  return *ptep;
}
#endif
// The slot of the huge page of size sz at addr, read as a PTE, or NULL (mm/hugetlb.c's
// generic version, which x86 uses). Implemented in kernel/hugetlb.cpp.
pte_t* huge_pte_offset(struct mm_struct* mm, unsigned long addr, unsigned long sz);

#ifdef __cplusplus
}
#endif

#endif // HMMSPEC_SERVICES_H
