// SPDX-License-Identifier: GPL-2.0-or-later
// Swap-type entries: how a non-present x86-64 word is decoded into a (type, offset) pair, and
// the special types reserved at the top of the 5-bit type space (include/linux/swap.h,
// swapops.h, arch/x86/include/asm/pgtable_64.h of each version).
//
// The x86 word: type in bits 59-63, the offset inverted in bits 9-58, bits 0-8 flags (bit 1
// soft-dirty, bit 2 uffd-wp and, from 6.1, bit 3 anon-exclusive are stripped before decoding;
// they lie outside both fields). The arch-independent swp_entry_t keeps the type above bit 58
// and the offset below it.
//
// The reserved types, counting down from 31 with every feature built in (kconfig.h):
//   v5.7 (MAX_SWAPFILES 27): 27 hwpoison, 28-29 migration read/write, 30-31 device write/read.
//   6.1 (MAX_SWAPFILES 22; 6.1 include/linux/swap.h:50-128): 22 hwpoison, 23-25 migration read,
//     read-exclusive, write, 26-27 device write/read, 28-29 device-exclusive write/read,
//     30 PTE marker, 31 swapin error.
//   6.12 (MAX_SWAPFILES 23; 6.12 include/linux/swap.h:50-120): as 6.1 one higher, without the
//     swapin-error type: 23 hwpoison ... 31 PTE marker.
// From 6.1 on the entries that name a page (migration, device private and exclusive, hwpoison)
// keep its pfn in the low SWP_PFN_BITS of the offset (6.1 include/linux/swapops.h:30-42).
//
// Valid C (gnu11) and C++.
#ifndef HMMSPEC_SWAPOPS_H
#define HMMSPEC_SWAPOPS_H

#include "pgtable.h"
#include "report.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  unsigned long val;
} swp_entry_t;

// Constants are enumerators rather than macros so that C++ code including this header and
// model/x86_bits.h (which names the same constants inside namespace hmmspec::x86) compiles.

// --- The x86-64 layout of a swap word ----------------------------------------------------
enum {
  SWP_TYPE_BITS = 5,
  SWP_OFFSET_FIRST_BIT = 9, // just above PROTNONE, so a swap word is never protnone
  SWP_OFFSET_SHIFT = SWP_OFFSET_FIRST_BIT + SWP_TYPE_BITS,
};
#if HMMSPEC_V6
// PG_anon_exclusive of a swapped-out anonymous page (6.1
// arch/x86/include/asm/pgtable_64_types.h:221)
#define _PAGE_SWP_EXCLUSIVE _PAGE_PWT
#endif

static inline unsigned long __swp_type(swp_entry_t arch) {
  return arch.val >> (64 - SWP_TYPE_BITS);
}
static inline unsigned long __swp_offset(swp_entry_t arch) {
  return (~arch.val << SWP_TYPE_BITS) >> SWP_OFFSET_SHIFT;
}

// --- The arch-independent entry ------------------------------------------------------------
// 63 bits of an xarray value, the top 5 for the type.
enum {
  MAX_SWAPFILES_SHIFT = 5,
  BITS_PER_XA_VALUE = 63,
  SWP_TYPE_SHIFT = BITS_PER_XA_VALUE - MAX_SWAPFILES_SHIFT,
};
#define SWP_OFFSET_MASK ((1UL << SWP_TYPE_SHIFT) - 1)

#if HMMSPEC_V6
enum {
#if HMMSPEC_KERNEL_FAMILY == HMMSPEC_FAMILY_6_1
  SWP_SWAPIN_ERROR_NUM = 1,
#else
  SWP_SWAPIN_ERROR_NUM = 0,
#endif
  SWP_PTE_MARKER_NUM = 1,
  SWP_DEVICE_NUM = 4,
  SWP_MIGRATION_NUM = 3,
  SWP_HWPOISON_NUM = 1,
  MAX_SWAPFILES = (1 << MAX_SWAPFILES_SHIFT) - SWP_DEVICE_NUM - SWP_MIGRATION_NUM -
                  SWP_HWPOISON_NUM - SWP_PTE_MARKER_NUM - SWP_SWAPIN_ERROR_NUM,
  SWP_HWPOISON = MAX_SWAPFILES,
  SWP_MIGRATION_READ = MAX_SWAPFILES + SWP_HWPOISON_NUM,
  SWP_MIGRATION_READ_EXCLUSIVE = SWP_MIGRATION_READ + 1,
  SWP_MIGRATION_WRITE = SWP_MIGRATION_READ + 2,
  SWP_DEVICE_WRITE = MAX_SWAPFILES + SWP_HWPOISON_NUM + SWP_MIGRATION_NUM,
  SWP_DEVICE_READ = SWP_DEVICE_WRITE + 1,
  SWP_DEVICE_EXCLUSIVE_WRITE = SWP_DEVICE_WRITE + 2,
  SWP_DEVICE_EXCLUSIVE_READ = SWP_DEVICE_WRITE + 3,
  SWP_PTE_MARKER = MAX_SWAPFILES + SWP_HWPOISON_NUM + SWP_MIGRATION_NUM + SWP_DEVICE_NUM,
#if HMMSPEC_KERNEL_FAMILY == HMMSPEC_FAMILY_6_1
  SWP_SWAPIN_ERROR = SWP_PTE_MARKER + SWP_PTE_MARKER_NUM,
#endif
};
#else
// The reserved types, counting down from 31 with all three features built in.
enum {
  SWP_DEVICE_NUM = 2,
  SWP_MIGRATION_NUM = 2,
  SWP_HWPOISON_NUM = 1,
  MAX_SWAPFILES =
      (1 << MAX_SWAPFILES_SHIFT) - SWP_DEVICE_NUM - SWP_MIGRATION_NUM - SWP_HWPOISON_NUM,
  SWP_HWPOISON = MAX_SWAPFILES,
  SWP_MIGRATION_READ = MAX_SWAPFILES + SWP_HWPOISON_NUM,
  SWP_MIGRATION_WRITE = SWP_MIGRATION_READ + 1,
  SWP_DEVICE_WRITE = SWP_MIGRATION_WRITE + 1,
  SWP_DEVICE_READ = SWP_DEVICE_WRITE + 1,
};
#endif

static inline swp_entry_t swp_entry(unsigned long type, unsigned long offset) {
  swp_entry_t e;
  e.val = (type << SWP_TYPE_SHIFT) | (offset & SWP_OFFSET_MASK);
  return e;
}
static inline unsigned swp_type(swp_entry_t e) {
  return (unsigned)(e.val >> SWP_TYPE_SHIFT);
}
static inline unsigned long swp_offset(swp_entry_t e) {
  return e.val & SWP_OFFSET_MASK;
}

// The entry a non-present PTE holds, the flag bits (soft-dirty, uffd-wp and, from 6.1, the
// anon-exclusive bit) removed first.
static inline swp_entry_t pte_to_swp_entry(pte_t pte) {
  swp_entry_t arch;
#if HMMSPEC_V6
  arch.val = pte.pte & ~(_PAGE_SWP_EXCLUSIVE | _PAGE_SWP_SOFT_DIRTY | _PAGE_SWP_UFFD_WP);
#else
  arch.val = pte.pte & ~(_PAGE_SWP_SOFT_DIRTY | _PAGE_SWP_UFFD_WP);
#endif
  return swp_entry(__swp_type(arch), __swp_offset(arch));
}
// The entry a non-present PMD holds (v5.7 removes only soft-dirty at this level, 6.x uffd-wp
// too).
static inline swp_entry_t pmd_to_swp_entry(pmd_t pmd) {
  swp_entry_t arch;
#if HMMSPEC_V6
  arch.val = pmd.pmd & ~(_PAGE_SWP_SOFT_DIRTY | _PAGE_SWP_UFFD_WP);
#else
  arch.val = pmd.pmd & ~_PAGE_SWP_SOFT_DIRTY;
#endif
  return swp_entry(__swp_type(arch), __swp_offset(arch));
}

// Not a swap slot but one of the reserved types.
static inline int non_swap_entry(swp_entry_t e) {
  return swp_type(e) >= MAX_SWAPFILES;
}
static inline int is_hwpoison_entry(swp_entry_t e) {
  return swp_type(e) == SWP_HWPOISON;
}
static inline int is_device_private_entry(swp_entry_t e) {
  return swp_type(e) == SWP_DEVICE_READ || swp_type(e) == SWP_DEVICE_WRITE;
}

#if HMMSPEC_V6

static inline int is_migration_entry(swp_entry_t e) {
  return swp_type(e) == SWP_MIGRATION_READ || swp_type(e) == SWP_MIGRATION_READ_EXCLUSIVE ||
         swp_type(e) == SWP_MIGRATION_WRITE;
}
static inline int is_writable_migration_entry(swp_entry_t e) {
  return swp_type(e) == SWP_MIGRATION_WRITE;
}
static inline int is_readable_migration_entry(swp_entry_t e) {
  return swp_type(e) == SWP_MIGRATION_READ;
}
static inline int is_readable_exclusive_migration_entry(swp_entry_t e) {
  return swp_type(e) == SWP_MIGRATION_READ_EXCLUSIVE;
}
static inline int is_writable_device_private_entry(swp_entry_t e) {
  return swp_type(e) == SWP_DEVICE_WRITE;
}
static inline int is_device_exclusive_entry(swp_entry_t e) {
  return swp_type(e) == SWP_DEVICE_EXCLUSIVE_READ || swp_type(e) == SWP_DEVICE_EXCLUSIVE_WRITE;
}
static inline int is_writable_device_exclusive_entry(swp_entry_t e) {
  return swp_type(e) == SWP_DEVICE_EXCLUSIVE_WRITE;
}
#if HMMSPEC_KERNEL_FAMILY == HMMSPEC_FAMILY_6_1
static inline int is_swapin_error_entry(swp_entry_t e) {
  return swp_type(e) == SWP_SWAPIN_ERROR;
}
#endif

// --- PTE markers (6.1 include/linux/swapops.h:461-538, 6.12 :426-489) -----------------------
typedef unsigned long pte_marker;
#define PTE_MARKER_UFFD_WP (1UL << 0)
#if HMMSPEC_KERNEL_FAMILY >= HMMSPEC_FAMILY_6_12
#define PTE_MARKER_POISONED (1UL << 1)
#define PTE_MARKER_MASK ((1UL << 2) - 1)
#else
#define PTE_MARKER_MASK (PTE_MARKER_UFFD_WP)
#endif
static inline int is_pte_marker_entry(swp_entry_t e) {
  return swp_type(e) == SWP_PTE_MARKER;
}
static inline pte_marker pte_marker_get(swp_entry_t e) {
  return swp_offset(e) & PTE_MARKER_MASK;
}
#if HMMSPEC_KERNEL_FAMILY >= HMMSPEC_FAMILY_6_12
static inline int is_poisoned_swp_entry(swp_entry_t e) {
  return is_pte_marker_entry(e) && (pte_marker_get(e) & PTE_MARKER_POISONED);
}
#endif

// A swap-type PTE: neither none nor present.
static inline int is_swap_pte(pte_t pte) {
  return !pte_none(pte) && !pte_present(pte);
}
static inline int is_pte_marker(pte_t pte) {
  return is_swap_pte(pte) && is_pte_marker_entry(pte_to_swp_entry(pte));
}
// None, or a marker standing where a none PTE would be.
static inline int pte_none_mostly(pte_t pte) {
  return pte_none(pte) || is_pte_marker(pte);
}

// --- Entries naming a page by pfn -----------------------------------------------------------
static inline int is_pfn_swap_entry(swp_entry_t e) {
  return is_migration_entry(e) || is_device_private_entry(e) || is_device_exclusive_entry(e) ||
         is_hwpoison_entry(e);
}
// The pfn in the low bits of the offset (MAX_PHYSMEM_BITS - PAGE_SHIFT: 34 or 40 with 4 KiB
// pages); the bits above hold migration's young/dirty bits, which x86 leaves clear.
#define SWP_PFN_BITS (MAX_PHYSMEM_BITS - PAGE_SHIFT)
#define SWP_PFN_MASK ((1UL << SWP_PFN_BITS) - 1)
static inline unsigned long swp_offset_pfn(swp_entry_t e) {
  // VM_BUG_ON(!is_pfn_swap_entry(entry)) (6.1 and 6.12 include/linux/swapops.h:119)
  if (!is_pfn_swap_entry(e)) hmmspec_report(HMMSPEC_REPORT_BUG, "include/linux/swapops.h", 119, 0);
  return swp_offset(e) & SWP_PFN_MASK;
}

// A swap-type PMD: neither none nor present (include/linux/huge_mm.h).
static inline int is_swap_pmd(pmd_t pmd) {
  return !pmd_none(pmd) && !pmd_present(pmd);
}
#if HMMSPEC_KERNEL_FAMILY >= HMMSPEC_FAMILY_6_12
// Not present, and of a migration type (6.12 include/linux/swapops.h:574-583).
static inline int is_pmd_migration_entry(pmd_t pmd) {
  if (pmd_present(pmd)) return 0;
  return is_migration_entry(pmd_to_swp_entry(pmd));
}
#else
// A swap-type PMD of a migration type (6.1 include/linux/swapops.h:609-612).
static inline int is_pmd_migration_entry(pmd_t pmd) {
  return is_swap_pmd(pmd) && is_migration_entry(pmd_to_swp_entry(pmd));
}
#endif

#else // v5.7

static inline int is_migration_entry(swp_entry_t e) {
  return swp_type(e) == SWP_MIGRATION_READ || swp_type(e) == SWP_MIGRATION_WRITE;
}
static inline int is_write_migration_entry(swp_entry_t e) {
  return swp_type(e) == SWP_MIGRATION_WRITE;
}
static inline int is_write_device_private_entry(swp_entry_t e) {
  return swp_type(e) == SWP_DEVICE_WRITE;
}
// The offset of a device-private entry is the pfn of its ZONE_DEVICE struct page.
static inline unsigned long device_private_entry_to_pfn(swp_entry_t e) {
  return swp_offset(e);
}

// A PMD migration entry: not present, and of a migration type.
static inline int is_pmd_migration_entry(pmd_t pmd) {
  return !pmd_present(pmd) && is_migration_entry(pmd_to_swp_entry(pmd));
}

#endif

#ifdef __cplusplus
}
#endif

#endif // HMMSPEC_SWAPOPS_H
