// SPDX-License-Identifier: GPL-2.0-or-later
// x86-64 page-table entries as the kernel of the shim family (kconfig.h) reads them: the entry
// types, the bits, and every predicate hmm.c and mm/pagewalk.c apply to a raw word, written from
// the rules of arch/x86/include/asm/pgtable.h, pgtable_types.h and pgtable-invert.h of each
// version. Geometry comes from hmmspec_arch_now (arch.h), so the masks follow the world's page
// shift and level sizes.
//
// What differs between the families (docs/kernel-party.md, "Kernel families"):
// - _PAGE_DEVMAP is software bit 4: bit 58 in v5.7 and 6.1, bit 57 in 6.12 (6.12
//   arch/x86/include/asm/pgtable_types.h:24-39; bit 58 became _PAGE_SAVED_DIRTY);
// - pmd_bad ignores ACCESSED from 6.1 on (6.1 arch/x86/include/asm/pgtable.h pmd_bad);
// - pud_huge: PSE alone in v5.7, "not none and not a present table" in 6.1
//   (6.1 arch/x86/mm/hugetlbpage.c:38-46), gone in 6.12;
// - pud_leaf: PSE and PRESENT (pud_large) in v5.7 and 6.1, PSE alone in 6.12
//   (6.12 arch/x86/include/asm/pgtable.h:1132-1136);
// - 6.12 reads entries through ptep_get, pmdp_get_lockless and pudp_get.
//
// Configuration (kconfig.h): THP for PMDs and PUDs, devmap, NUMA balancing, page-table
// isolation, 5-level paging compiled in and enabled when the world has 5 levels.
//
// Valid C (gnu11) and C++: the seed, the shim's walker and the tests all use these.
#ifndef HMMSPEC_PGTABLE_H
#define HMMSPEC_PGTABLE_H

#include "arch.h"
#include "budget.h"
#include "kconfig.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef unsigned long pteval_t;
typedef unsigned long pmdval_t;
typedef unsigned long pudval_t;
typedef unsigned long p4dval_t;
typedef unsigned long pgdval_t;

// One word each, as on x86-64; distinct types so the levels cannot be mixed up.
typedef struct {
  pteval_t pte;
} pte_t;
typedef struct {
  pmdval_t pmd;
} pmd_t;
typedef struct {
  pudval_t pud;
} pud_t;
typedef struct {
  p4dval_t p4d;
} p4d_t;
typedef struct {
  pgdval_t pgd;
} pgd_t;

#define pte_val(x) ((x).pte)
#define pmd_val(x) ((x).pmd)
#define pud_val(x) ((x).pud)
#define p4d_val(x) ((x).p4d)
#define pgd_val(x) ((x).pgd)

// --- Bits (pgtable_types.h) -------------------------------------------------------------
#define _PAGE_PRESENT (1UL << 0)
#define _PAGE_RW (1UL << 1)
#define _PAGE_USER (1UL << 2)
#define _PAGE_PWT (1UL << 3)
#define _PAGE_PCD (1UL << 4)
#define _PAGE_ACCESSED (1UL << 5)
#define _PAGE_DIRTY (1UL << 6)
#define _PAGE_PSE (1UL << 7)
#define _PAGE_GLOBAL (1UL << 8)
#define _PAGE_PROTNONE _PAGE_GLOBAL  // the same bit, meaningful only without PRESENT
#define _PAGE_SPECIAL (1UL << 9)     // software bit 1
#define _PAGE_UFFD_WP (1UL << 10)    // software bit 2
#define _PAGE_SOFT_DIRTY (1UL << 11) // software bit 3
#if HMMSPEC_KERNEL_FAMILY >= HMMSPEC_FAMILY_6_12
#define _PAGE_DEVMAP (1UL << 57)      // software bit 4
#define _PAGE_SAVED_DIRTY (1UL << 58) // software bit 5 (shadow stacks; not read by hmm)
#else
#define _PAGE_DEVMAP (1UL << 58) // software bit 4
#endif
#define _PAGE_NX (1UL << 63)

// In swap-type (non-present) words, soft-dirty and uffd-wp move to bits 1 and 2.
#define _PAGE_SWP_SOFT_DIRTY _PAGE_RW
#define _PAGE_SWP_UFFD_WP _PAGE_USER

// The A/D bits Knights Landing may set spuriously: the *_none tests ignore them.
#define _PAGE_KNL_ERRATUM_MASK (_PAGE_DIRTY | _PAGE_ACCESSED)
// The flags of a kernel page-table pointer, which the *_bad tests compare against.
#define _KERNPG_TABLE (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define _PAGE_TABLE (_KERNPG_TABLE | _PAGE_USER)

// The physical address space of x86-64 (arch/x86/include/asm/sparsemem.h): 52 bits with 5-level
// paging, 46 with 4-level. 6.x swap entries keep a pfn in MAX_PHYSMEM_BITS - PAGE_SHIFT bits.
#define MAX_PHYSMEM_BITS (pgtable_l5_enabled() ? 52 : 46)

// Physical addresses have 52 bits; a page-table word keeps its frame in bits PAGE_SHIFT..51.
#define __PHYSICAL_MASK_SHIFT 52
#define __PHYSICAL_MASK ((1UL << __PHYSICAL_MASK_SHIFT) - 1)
#define PTE_PFN_MASK (PAGE_MASK & __PHYSICAL_MASK)
#define PTE_FLAGS_MASK (~PTE_PFN_MASK)
#define PHYSICAL_PMD_PAGE_MASK (PMD_MASK & __PHYSICAL_MASK)
#define PHYSICAL_PUD_PAGE_MASK (PUD_MASK & __PHYSICAL_MASK)

// --- Frame and flag parts of a word -----------------------------------------------------
// A PMD or PUD with PSE set maps a huge frame, so its frame mask is the huge one and the low
// frame bits count as flags.
static inline pmdval_t pmd_pfn_mask(pmd_t pmd) {
  return (pmd.pmd & _PAGE_PSE) ? PHYSICAL_PMD_PAGE_MASK : PTE_PFN_MASK;
}
static inline pudval_t pud_pfn_mask(pud_t pud) {
  return (pud.pud & _PAGE_PSE) ? PHYSICAL_PUD_PAGE_MASK : PTE_PFN_MASK;
}
static inline p4dval_t p4d_pfn_mask(p4d_t p4d) {
  (void)p4d; // there are no 512 GiB pages
  return PTE_PFN_MASK;
}
static inline pteval_t pte_flags(pte_t pte) {
  return pte.pte & PTE_FLAGS_MASK;
}
static inline pmdval_t pmd_flags(pmd_t pmd) {
  return pmd.pmd & ~pmd_pfn_mask(pmd);
}
static inline pudval_t pud_flags(pud_t pud) {
  return pud.pud & ~pud_pfn_mask(pud);
}
static inline p4dval_t p4d_flags(p4d_t p4d) {
  return p4d.p4d & ~p4d_pfn_mask(p4d);
}
static inline pgdval_t pgd_flags(pgd_t pgd) {
  return pgd.pgd & PTE_FLAGS_MASK;
}

// --- L1TF inversion (pgtable-invert.h) ---------------------------------------------------
// A word that is neither zero nor PRESENT keeps its frame bits inverted; the pfn helpers
// flip them back with this mask.
static inline int __pte_needs_invert(unsigned long val) {
  return val != 0 && !(val & _PAGE_PRESENT);
}
static inline unsigned long protnone_mask(unsigned long val) {
  return __pte_needs_invert(val) ? ~0UL : 0UL;
}

// --- PTE ---------------------------------------------------------------------------------
static inline int pte_none(pte_t pte) {
  return (pte.pte & ~_PAGE_KNL_ERRATUM_MASK) == 0;
}
// A protnone entry counts as present: the page is there, only access is withheld.
static inline int pte_present(pte_t pte) {
  return (pte_flags(pte) & (_PAGE_PRESENT | _PAGE_PROTNONE)) != 0;
}
static inline int pte_protnone(pte_t pte) {
  return (pte_flags(pte) & (_PAGE_PROTNONE | _PAGE_PRESENT)) == _PAGE_PROTNONE;
}
static inline int pte_write(pte_t pte) {
  return (pte_flags(pte) & _PAGE_RW) != 0;
}
static inline int pte_special(pte_t pte) {
  return (pte_flags(pte) & _PAGE_SPECIAL) != 0;
}
static inline int pte_devmap(pte_t pte) {
  return (pte_flags(pte) & _PAGE_DEVMAP) != 0;
}
static inline unsigned long pte_pfn(pte_t pte) {
  unsigned long v = pte.pte ^ protnone_mask(pte.pte);
  return (v & PTE_PFN_MASK) >> PAGE_SHIFT;
}
static inline int is_zero_pfn(unsigned long pfn) {
  return pfn == hmmspec_arch_now.zero_pfn;
}

// --- PMD ---------------------------------------------------------------------------------
static inline int pmd_none(pmd_t pmd) {
  return (pmd.pmd & ~_PAGE_KNL_ERRATUM_MASK) == 0;
}
// PSE counts too: a THP being split keeps PSE while PRESENT is briefly clear.
static inline int pmd_present(pmd_t pmd) {
  return (pmd_flags(pmd) & (_PAGE_PRESENT | _PAGE_PROTNONE | _PAGE_PSE)) != 0;
}
static inline int pmd_protnone(pmd_t pmd) {
  return (pmd_flags(pmd) & (_PAGE_PROTNONE | _PAGE_PRESENT)) == _PAGE_PROTNONE;
}
static inline int pmd_write(pmd_t pmd) {
  return (pmd_flags(pmd) & _PAGE_RW) != 0;
}
#if HMMSPEC_KERNEL_FAMILY >= HMMSPEC_FAMILY_6_12
static inline int pmd_leaf(pmd_t pmd) {
  return (pmd_flags(pmd) & _PAGE_PSE) != 0;
}
#else
static inline int pmd_large(pmd_t pmd) {
  return (pmd_flags(pmd) & _PAGE_PSE) != 0;
}
#define pmd_leaf pmd_large
#endif
// Trans-huge: PSE without DEVMAP; PRESENT is not looked at.
static inline int pmd_trans_huge(pmd_t pmd) {
  return (pmd.pmd & (_PAGE_PSE | _PAGE_DEVMAP)) == _PAGE_PSE;
}
static inline int pmd_devmap(pmd_t pmd) {
  return (pmd.pmd & _PAGE_DEVMAP) != 0;
}
// Anything but a page-table pointer is bad, huge entries included. USER is ignored, and from
// 6.1 on ACCESSED too.
static inline int pmd_bad(pmd_t pmd) {
#if HMMSPEC_V6
  return (pmd_flags(pmd) & ~(_PAGE_USER | _PAGE_ACCESSED)) != (_KERNPG_TABLE & ~_PAGE_ACCESSED);
#else
  return (pmd_flags(pmd) & ~_PAGE_USER) != _KERNPG_TABLE;
#endif
}
static inline unsigned long pmd_pfn(pmd_t pmd) {
  unsigned long v = pmd.pmd ^ protnone_mask(pmd.pmd);
  return (v & pmd_pfn_mask(pmd)) >> PAGE_SHIFT;
}
#if HMMSPEC_KERNEL_FAMILY < HMMSPEC_FAMILY_6_12
// The hugetlb test (arch/x86/mm/hugetlbpage.c): a non-none entry that is not a plain
// present table pointer, i.e. a huge page or a non-present (migration, hwpoison) entry.
static inline int pmd_huge(pmd_t pmd) {
  return !pmd_none(pmd) && (pmd.pmd & (_PAGE_PRESENT | _PAGE_PSE)) != _PAGE_PRESENT;
}
#endif

// --- PUD ---------------------------------------------------------------------------------
static inline int pud_none(pud_t pud) {
  return (pud.pud & ~_PAGE_KNL_ERRATUM_MASK) == 0;
}
static inline int pud_present(pud_t pud) {
  return (pud_flags(pud) & _PAGE_PRESENT) != 0;
}
static inline int pud_write(pud_t pud) {
  return (pud_flags(pud) & _PAGE_RW) != 0;
}
static inline int pud_trans_huge(pud_t pud) {
  return (pud.pud & (_PAGE_PSE | _PAGE_DEVMAP)) == _PAGE_PSE;
}
static inline int pud_devmap(pud_t pud) {
  return (pud.pud & _PAGE_DEVMAP) != 0;
}
#if HMMSPEC_KERNEL_FAMILY >= HMMSPEC_FAMILY_6_12
// A leaf: PSE alone, present or not (6.12 arch/x86/include/asm/pgtable.h:1132-1136).
static inline int pud_leaf(pud_t pud) {
  return (pud.pud & _PAGE_PSE) != 0;
}
#else
#if HMMSPEC_V6
// The hugetlb test, as pmd_huge: not none and not a present table pointer
// (6.1 arch/x86/mm/hugetlbpage.c:38-46).
static inline int pud_huge(pud_t pud) {
  return !pud_none(pud) && (pud.pud & (_PAGE_PRESENT | _PAGE_PSE)) != _PAGE_PRESENT;
}
#else
// The hugetlb test: PSE alone.
static inline int pud_huge(pud_t pud) {
  return (pud.pud & _PAGE_PSE) != 0;
}
#endif
// A leaf needs PSE and PRESENT both.
static inline int pud_large(pud_t pud) {
  return (pud.pud & (_PAGE_PSE | _PAGE_PRESENT)) == (_PAGE_PSE | _PAGE_PRESENT);
}
#define pud_leaf pud_large
#endif
static inline int pud_bad(pud_t pud) {
  return (pud_flags(pud) & ~(_KERNPG_TABLE | _PAGE_USER)) != 0;
}
static inline unsigned long pud_pfn(pud_t pud) {
  unsigned long v = pud.pud ^ protnone_mask(pud.pud);
  return (v & pud_pfn_mask(pud)) >> PAGE_SHIFT;
}

// --- P4D (on 4-level paging: the root's entries) ----------------------------------------
static inline int p4d_none(p4d_t p4d) {
  return (p4d.p4d & ~_PAGE_KNL_ERRATUM_MASK) == 0;
}
static inline int p4d_present(p4d_t p4d) {
  return (p4d_flags(p4d) & _PAGE_PRESENT) != 0;
}
// Any flag outside a table pointer's is bad; with page-table isolation NX is allowed too
// (the kernel sets NX on user top-level entries).
static inline int p4d_bad(p4d_t p4d) {
  return (p4d_flags(p4d) & ~(_KERNPG_TABLE | _PAGE_USER | _PAGE_NX)) != 0;
}

// --- PGD: a real level only on 5-level paging; folded away otherwise ---------------------
static inline int pgd_none(pgd_t pgd) {
  if (!pgtable_l5_enabled()) return 0;
  return pgd.pgd == 0; // exact zero: no A/D allowance at this level
}
static inline int pgd_present(pgd_t pgd) {
  if (!pgtable_l5_enabled()) return 1;
  return (pgd_flags(pgd) & _PAGE_PRESENT) != 0;
}
// The flags other than USER (and NX, with page-table isolation) must be a table pointer's.
static inline int pgd_bad(pgd_t pgd) {
  if (!pgtable_l5_enabled()) return 0;
  return (pgd_flags(pgd) & ~(_PAGE_USER | _PAGE_NX)) != _KERNPG_TABLE;
}

// --- Indexes ---------------------------------------------------------------------------
static inline unsigned long pte_index(unsigned long addr) {
  return (addr >> PAGE_SHIFT) & (PTRS_PER_PTE - 1);
}
static inline unsigned long pmd_index(unsigned long addr) {
  return (addr >> PMD_SHIFT) & (PTRS_PER_PMD - 1);
}
static inline unsigned long pud_index(unsigned long addr) {
  return (addr >> PUD_SHIFT) & (PTRS_PER_PUD - 1);
}
static inline unsigned long p4d_index(unsigned long addr) {
  return (addr >> P4D_SHIFT) & (PTRS_PER_P4D - 1);
}
static inline unsigned long pgd_index(unsigned long addr) {
  return (addr >> PGDIR_SHIFT) & (PTRS_PER_PGD - 1);
}

// --- Following pointers ------------------------------------------------------------------
// The words of the physical page `pfn` as the kernel's direct map shows them: a page table of
// the world, or zeros where no table is (kernel/session.cpp; never written through).
unsigned long* hmmspec_phys_table(unsigned long pfn);

static inline pte_t* pte_offset_kernel(pmd_t* pmd, unsigned long addr) {
  unsigned long frame = (pmd->pmd & pmd_pfn_mask(*pmd)) >> PAGE_SHIFT;
  return (pte_t*)hmmspec_phys_table(frame) + pte_index(addr);
}

static inline pmd_t* pmd_offset(pud_t* pud, unsigned long addr) {
  unsigned long frame = (pud->pud & pud_pfn_mask(*pud)) >> PAGE_SHIFT;
  return (pmd_t*)hmmspec_phys_table(frame) + pmd_index(addr);
}
static inline pud_t* pud_offset(p4d_t* p4d, unsigned long addr) {
  unsigned long frame = (p4d->p4d & p4d_pfn_mask(*p4d)) >> PAGE_SHIFT;
  return (pud_t*)hmmspec_phys_table(frame) + pud_index(addr);
}
// With 4 levels the P4D is the PGD entry itself.
static inline p4d_t* p4d_offset(pgd_t* pgd, unsigned long addr) {
  if (!pgtable_l5_enabled()) return (p4d_t*)pgd;
  unsigned long frame = (pgd->pgd & PTE_PFN_MASK) >> PAGE_SHIFT;
  return (p4d_t*)hmmspec_phys_table(frame) + p4d_index(addr);
}

#if HMMSPEC_KERNEL_FAMILY < HMMSPEC_FAMILY_6_12
// The pmd-reread interleaving point (model/race.h, kernel/session.cpp): an event of the world
// waiting between hmm's two reads of the huge PMD at pmdp fires here.
void hmmspec_pmd_reread_point(pmd_t* pmdp);
// pmd_read_atomic: a single 64-bit load on x86-64, after the pmd-reread point.
static inline pmd_t pmd_read_atomic(pmd_t* pmdp) {
  hmmspec_pmd_reread_point(pmdp);
  hmmspec_count_read();
  return *pmdp;
}
#endif
#if HMMSPEC_V6
// One load of an entry each (include/linux/pgtable.h: ptep_get, pmdp_get_lockless, pudp_get;
// a single 64-bit load on x86-64).
static inline pte_t ptep_get(pte_t* ptep) {
  hmmspec_count_read();
  pte_t v = {*(volatile pteval_t*)&ptep->pte};
  return v;
}
#if HMMSPEC_KERNEL_FAMILY >= HMMSPEC_FAMILY_6_12
// 6.12 reads a PMD with pmdp_get_lockless both times (6.12 mm/hmm.c:335, 364): the load, after
// the pmd-reread interleaving point when the previous read of the same slot was of a huge PMD
// (model/race.h, kernel/session.cpp).
pmdval_t hmmspec_pmd_lockless_read(pmd_t* pmdp);
static inline pmd_t pmdp_get_lockless(pmd_t* pmdp) {
  hmmspec_count_read();
  pmd_t v = {hmmspec_pmd_lockless_read(pmdp)};
  return v;
}
#else
static inline pmd_t pmdp_get_lockless(pmd_t* pmdp) {
  hmmspec_count_read();
  pmd_t v = {*(volatile pmdval_t*)&pmdp->pmd};
  return v;
}
#endif
static inline pud_t pudp_get(pud_t* pudp) {
  hmmspec_count_read();
  pud_t v = {*(volatile pudval_t*)&pudp->pud};
  return v;
}
#endif

// THP migration is built in (CONFIG_ARCH_ENABLE_THP_MIGRATION).
static inline int thp_migration_supported(void) {
  return 1;
}

#ifdef __cplusplus
}
#endif

#endif // HMMSPEC_PGTABLE_H
