// SPDX-License-Identifier: GPL-2.0-or-later
// TRUSTED: part of the specification. The x86-64 page-table word layout of Linux v5.7
// (arch/x86/include/asm/pgtable_types.h, pgtable_64.h, pgtable-invert.h), stated once, and
// where the Debian 6.1 and 6.12 trees place a bit elsewhere (devmap_bit).
//
// Every bit that hmm.c or the generic walker can observe is named here and explained once.
// The configuration assumed throughout is an x86-64 kernel with THP (PMD and PUD), NUMA
// balancing, device-private memory, migration, memory failure, hugetlb and page-table
// isolation all enabled (docs/spec.md, "The configuration assumed").
#pragma once

#include <cstdint>

#include "model/kernel_version.h"

namespace hmmspec {

using u64 = std::uint64_t;

namespace x86 {

// --- Hardware and software bits of a page-table word -----------------------------------
inline constexpr u64 PRESENT = 1ull << 0;     // the MMU may use the entry
inline constexpr u64 RW = 1ull << 1;          // writable; in swap words: soft-dirty (stripped)
inline constexpr u64 USER = 1ull << 2;        // user accessible; in swap words: uffd-wp (stripped)
inline constexpr u64 PWT = 1ull << 3;         // write-through (unused by hmm)
inline constexpr u64 PCD = 1ull << 4;         // cache disable (unused by hmm)
inline constexpr u64 ACCESSED = 1ull << 5;    // set by the CPU; ignored by the *_none tests
inline constexpr u64 DIRTY = 1ull << 6;       // set by the CPU; ignored by the *_none tests
inline constexpr u64 PSE = 1ull << 7;         // leaf at PMD/PUD level (huge page); PAT on PTEs
inline constexpr u64 GLOBAL = 1ull << 8;      // global TLB entry when PRESENT ...
inline constexpr u64 PROTNONE = GLOBAL;       // ... and the NUMA-hint "protnone" mark when not
inline constexpr u64 SPECIAL = 1ull << 9;     // SOFTW1: no struct page behind it (or zero page)
inline constexpr u64 UFFD_WP = 1ull << 10;    // SOFTW2: uffd write-protect (swap words: USER)
inline constexpr u64 SOFT_DIRTY = 1ull << 11; // SOFTW3: soft-dirty (swap words: RW)
inline constexpr u64 DEVMAP = 1ull << 58;     // SOFTW4: ZONE_DEVICE (fsdax) mapping (v5.7, 6.1)
inline constexpr u64 NX = 1ull << 63;         // no-execute

// 6.12 moved software bit 4, and _PAGE_DEVMAP with it, to bit 57; bit 58 became software bit 5,
// _PAGE_SAVED_DIRTY (6.12 arch/x86/include/asm/pgtable_types.h:24-40), which hmm never reads
// (pte_write would, for shadow-stack PTEs, but X86_FEATURE_SHSTK is off in the model as in the
// kernel parties). 6.1 keeps v5.7's bit 58 (6.1 arch/x86/include/asm/pgtable_types.h:24, 35).
inline constexpr u64 DEVMAP_6_12 = 1ull << 57;
constexpr u64 devmap_bit(KernelVersion v) {
  return v == KernelVersion::V6_12 ? DEVMAP_6_12 : DEVMAP;
}

// pte_none/pmd_none/pud_none/p4d_none ignore the Knights Landing stray A/D bits.
inline constexpr u64 KNL_ERRATUM_MASK = ACCESSED | DIRTY;
// _KERNPG_TABLE: the flags of a page-table pointer (pmd_bad/pgd_bad compare against it).
inline constexpr u64 KERNPG_TABLE = PRESENT | RW | ACCESSED | DIRTY;
// _PAGE_TABLE: what the kernel writes for a user page-table pointer.
inline constexpr u64 PAGE_TABLE = KERNPG_TABLE | USER;

// Physical addresses are 52 bits (__PHYSICAL_MASK_SHIFT).
inline constexpr unsigned PHYSICAL_BITS = 52;
inline constexpr u64 PHYSICAL_MASK = (1ull << PHYSICAL_BITS) - 1;

// PTE_PFN_MASK for a page shift: bits page_shift..51.
constexpr u64 pfn_mask(unsigned page_shift) {
  return PHYSICAL_MASK & ~((1ull << page_shift) - 1);
}
// PHYSICAL_PMD_PAGE_MASK / PHYSICAL_PUD_PAGE_MASK: bits level_shift..51.
constexpr u64 huge_pfn_mask(unsigned level_shift) {
  return PHYSICAL_MASK & ~((1ull << level_shift) - 1);
}

// --- L1TF inversion (pgtable-invert.h) ------------------------------------------------
// A non-zero word without PRESENT stores its pfn bits inverted; pte_pfn & co. undo it.
constexpr bool needs_invert(u64 word) {
  return word != 0 && !(word & PRESENT);
}
constexpr u64 protnone_mask(u64 word) {
  return needs_invert(word) ? ~0ull : 0;
}

// --- Swap-type entries (pgtable_64.h, swapops.h, swap.h) -------------------------------
// | TYPE (59-63) | ~OFFSET (9-58) | 0 (0-8) |, soft-dirty (bit 1) and uffd-wp (bit 2) stripped.
inline constexpr unsigned SWP_TYPE_BITS = 5;
inline constexpr unsigned SWP_OFFSET_FIRST_BIT = 9;
inline constexpr unsigned SWP_OFFSET_SHIFT = SWP_OFFSET_FIRST_BIT + SWP_TYPE_BITS;
inline constexpr unsigned SWP_OFFSET_BITS = 64 - SWP_OFFSET_SHIFT; // 50
inline constexpr u64 SWP_OFFSET_MAX = (1ull << SWP_OFFSET_BITS) - 1;

// Reserved swap types, counting down from 31 (MAX_SWAPFILES = 27 with every feature on).
inline constexpr unsigned MAX_SWAPFILES = 27;
inline constexpr unsigned SWP_HWPOISON = 27;
inline constexpr unsigned SWP_MIGRATION_READ = 28;
inline constexpr unsigned SWP_MIGRATION_WRITE = 29;
inline constexpr unsigned SWP_DEVICE_WRITE = 30;
inline constexpr unsigned SWP_DEVICE_READ = 31;

// __swp_type / __swp_offset of a non-present word.
constexpr unsigned swp_type(u64 word) {
  return unsigned(word >> (64 - SWP_TYPE_BITS));
}
constexpr u64 swp_offset(u64 word) {
  return (~word << SWP_TYPE_BITS) >> SWP_OFFSET_SHIFT;
}
// __swp_entry: the word for a type and an offset (offset truncated to 50 bits).
constexpr u64 swp_word(unsigned type, u64 offset) {
  return ((~offset << SWP_OFFSET_SHIFT) >> SWP_TYPE_BITS) |
         (u64(type & 31) << (64 - SWP_TYPE_BITS));
}

} // namespace x86
} // namespace hmmspec
