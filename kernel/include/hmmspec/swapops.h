// SPDX-License-Identifier: GPL-2.0-or-later
// Swap-type entries (kernel-context.md §5.3): how a non-present x86-64 word is decoded into
// a (type, offset) pair, and the special types reserved at the top of the 5-bit type space
// for hwpoison, migration and device-private entries (include/linux/swap.h, swapops.h,
// arch/x86/include/asm/pgtable_64.h at v5.7).
//
// The x86 word: type in bits 59-63, the offset inverted in bits 9-58, bits 0-8 flags (bit 1
// soft-dirty and bit 2 uffd-wp are stripped before decoding; they lie outside both fields).
// The arch-independent swp_entry_t keeps the type above bit 58 and the offset below it.
//
// Valid C (gnu11) and C++.
#ifndef HMMSPEC_SWAPOPS_H
#define HMMSPEC_SWAPOPS_H

#include "pgtable.h"

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

// The entry a non-present PTE holds, soft-dirty and uffd-wp removed first.
static inline swp_entry_t pte_to_swp_entry(pte_t pte) {
  swp_entry_t arch;
  arch.val = pte.pte & ~(_PAGE_SWP_SOFT_DIRTY | _PAGE_SWP_UFFD_WP);
  return swp_entry(__swp_type(arch), __swp_offset(arch));
}
// The entry a non-present PMD holds (only soft-dirty is removed at this level).
static inline swp_entry_t pmd_to_swp_entry(pmd_t pmd) {
  swp_entry_t arch;
  arch.val = pmd.pmd & ~_PAGE_SWP_SOFT_DIRTY;
  return swp_entry(__swp_type(arch), __swp_offset(arch));
}

// Not a swap slot but one of the reserved types.
static inline int non_swap_entry(swp_entry_t e) {
  return swp_type(e) >= MAX_SWAPFILES;
}
static inline int is_hwpoison_entry(swp_entry_t e) {
  return swp_type(e) == SWP_HWPOISON;
}
static inline int is_migration_entry(swp_entry_t e) {
  return swp_type(e) == SWP_MIGRATION_READ || swp_type(e) == SWP_MIGRATION_WRITE;
}
static inline int is_write_migration_entry(swp_entry_t e) {
  return swp_type(e) == SWP_MIGRATION_WRITE;
}
static inline int is_device_private_entry(swp_entry_t e) {
  return swp_type(e) == SWP_DEVICE_READ || swp_type(e) == SWP_DEVICE_WRITE;
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

#ifdef __cplusplus
}
#endif

#endif // HMMSPEC_SWAPOPS_H
