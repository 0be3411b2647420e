// SPDX-License-Identifier: GPL-2.0-or-later
// The x86-64 page-table predicates of Linux v5.7 over a symbolic 64-bit word, encoded for Z3
// straight from the kernel's definitions (arch/x86/include/asm/pgtable.h, pgtable_types.h,
// page_types.h, pgtable-invert.h, pgtable_64.h; include/linux/swapops.h, swap.h, huge_mm.h;
// arch/x86/mm/hugetlbpage.c) and NOT from model/: P8 compares the model's classifier with
// these. Constants are restated here from the kernel's bit numbers for the same reason.
//
// Configuration (docs/kernel-party.md, "The configuration assumed"): x86-64, THP with PUDs, NUMA
// balancing, device private memory, migration, memory failure, hugetlb, page-table isolation,
// soft-dirty and userfaultfd write-protect on; memory encryption (SME) inactive, so _PAGE_ENC is 0
// and the physical mask is 52 bits.
#pragma once

#include <z3++.h>

#include "model/x86_bits.h"

namespace hmmspec::proofs::kx86 {

using z3::expr;

// --- bit numbers (pgtable_types.h) -------------------------------------------------------
inline constexpr u64 bit(unsigned n) {
  return 1ull << n;
}
inline constexpr u64 kPresent = bit(0), kRw = bit(1), kUser = bit(2), kAccessed = bit(5),
                     kDirty = bit(6), kPse = bit(7), kGlobal = bit(8), kSoftw1 = bit(9),
                     kSoftw4 = bit(58), kNx = bit(63);
inline constexpr u64 kProtnone = kGlobal; // _PAGE_BIT_PROTNONE is _PAGE_BIT_GLOBAL
inline constexpr u64 kSpecial = kSoftw1;
inline constexpr u64 kDevmap = kSoftw4;
inline constexpr u64 kKnlErratum = kDirty | kAccessed;
inline constexpr u64 kKernPgTable = kPresent | kRw | kAccessed | kDirty; // _ENC is 0
inline constexpr u64 kSwpSoftDirty = kRw;                                // _PAGE_SWP_SOFT_DIRTY
inline constexpr u64 kSwpUffdWp = kUser;                                 // _PAGE_SWP_UFFD_WP
// --- masks (page_types.h): PAGE_MASK etc. sign-extended, then cut to 52 physical bits -----
inline constexpr u64 kPhysMask = (1ull << 52) - 1;
inline constexpr u64 kPtePfnMask = ~((1ull << 12) - 1) & kPhysMask; // PTE_PFN_MASK
inline constexpr u64 kPhysPmdPageMask = ~((1ull << 21) - 1) & kPhysMask;
inline constexpr u64 kPhysPudPageMask = ~((1ull << 30) - 1) & kPhysMask;
inline constexpr unsigned kPageShift = 12;
// --- swap (pgtable_64.h, swapops.h, swap.h) ---------------------------------------------
inline constexpr unsigned kSwpTypeBits = 5;
inline constexpr unsigned kSwpOffsetShift = (8 + 1) + kSwpTypeBits; // first bit after PROTNONE
inline constexpr unsigned kSwpTypeShift = 63 - 5;                   // BITS_PER_XA_VALUE - 5
inline constexpr unsigned kMaxSwapfiles = 32 - 2 - 2 - 1;
inline constexpr unsigned kSwpHwpoison = kMaxSwapfiles, kSwpMigrationRead = kMaxSwapfiles + 1,
                          kSwpMigrationWrite = kMaxSwapfiles + 2,
                          kSwpDeviceWrite = kMaxSwapfiles + 3, kSwpDeviceRead = kMaxSwapfiles + 4;

// pgtable-invert.h: a non-zero word without PRESENT keeps its pfn bits inverted.
expr protnone_mask(const expr& w);

// PTE (also hugetlb slots, read through huge_ptep_get).
expr pte_none(const expr& w);
expr pte_present(const expr& w);
expr pte_protnone(const expr& w);
expr pte_write(const expr& w);
expr pte_special(const expr& w);
expr pte_pfn(const expr& w);

// The arch-independent swap entry of a non-present PTE or PMD (pte_to_swp_entry,
// pmd_to_swp_entry): its type (5 bits, in a 64-bit word) and offset.
expr swp_type_of_pte(const expr& w);
expr swp_offset_of_pte(const expr& w);
expr swp_type_of_pmd(const expr& w);
expr is_migration_type(const expr& type);
expr is_device_private_type(const expr& type);

// PMD.
expr pmd_none(const expr& w);
expr pmd_present(const expr& w);
expr pmd_trans_huge(const expr& w);
expr pmd_devmap(const expr& w);
expr pmd_protnone(const expr& w);
expr pmd_write(const expr& w);
expr pmd_bad(const expr& w);
expr pmd_pfn(const expr& w);
expr pmd_table_pfn(const expr& w); // pmd_page_vaddr, as a pfn
expr is_pmd_migration_entry(const expr& w);
expr pmd_huge(const expr& w); // arch/x86/mm/hugetlbpage.c

// PUD.
expr pud_none(const expr& w);
expr pud_present(const expr& w);
expr pud_trans_huge(const expr& w);
expr pud_devmap(const expr& w);
expr pud_huge(const expr& w);
expr pud_write(const expr& w);
expr pud_pfn(const expr& w);
expr pud_table_pfn(const expr& w); // pud_page_vaddr, as a pfn

// P4D and PGD (pgd_* with 5-level paging enabled; with it disabled pgd_none and pgd_bad are
// 0 and the root entries are read as P4Ds).
expr p4d_none(const expr& w);
expr p4d_bad(const expr& w);
expr p4d_table_pfn(const expr& w);
expr pgd5_none(const expr& w);
expr pgd5_bad(const expr& w);
expr pgd5_table_pfn(const expr& w);

} // namespace hmmspec::proofs::kx86
