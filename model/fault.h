// SPDX-License-Identifier: GPL-2.0-or-later
// TRUSTED: part of the specification. The kernel services hmm.c calls that change the world:
// handle_mm_fault (mm/memory.c), migration_entry_wait and pmd_migration_entry_wait
// (mm/migrate.c), and split_huge_pud (mm/huge_memory.c), which the walker calls on
// ACTION_SUBTREE. Every party calls these same functions, so the outcome of a fault is part of
// the world, not of any party. They follow the kernel version of the world (geom.kernel): v5.7,
// or the Debian 6.1 and 6.12 trees where those differ. Each behaviour is a named rule (F-...)
// listed in docs/fault-model.md with the versions it holds in; what the kernel prints while
// faulting (a WARN) is added to World::reports.
#pragma once

#include "model/world.h"

namespace hmmspec {

// handle_mm_fault(vma, addr, flags): resolves one fault at the page holding addr and logs
// the call. Returns VM_FAULT_* bits (0 on success).
unsigned handle_mm_fault(World& w, const Vma& vma, u64 addr, unsigned flags);

// migration_entry_wait(mm, pmdp, addr): logs the wait; the migration then completes, so a
// PTE migration entry at addr becomes the migrated page (writable for a write entry).
void migration_entry_wait(World& w, u64 addr);
// pmd_migration_entry_wait(mm, pmdp): the same for a PMD migration entry (it becomes a THP).
void pmd_migration_entry_wait(World& w, u64 addr);

// F-THP-SPLIT: __split_huge_pmd_locked on the trans-huge PMD `e` of a private anonymous VMA at
// pmd_slot: the PMD becomes a PTE table mapping the same pages with the same permissions (the
// huge zero page: zero-page PTEs). Returns the new table's words, or nothing when no table can
// be allocated (the PMD is left as it was). The caller invalidates the range. (In other VMAs
// the PMD is cleared instead: F-THP-ZAP.)
u64* split_huge_pmd_to_table(World& w, u64* pmd_slot, const Entry& e);

// __split_huge_pmd on the PMD at slot (base: its first address): F-THP-SPLIT for a trans-huge
// PMD of a private anonymous VMA, F-THP-ZAP (cleared) for any other huge PMD, devmap ones too
// (mm/huge_memory.c:2236-2255 at v5.7); any other PMD is left as it is. The caller invalidates.
void split_huge_pmd(World& w, u64* slot, u64 base);

// split_huge_pud(vma, pud, addr): a trans-huge or devmap PUD is cleared under an invalidation
// of its whole range (there is no lower table to split into). Other PUDs are left alone.
void split_huge_pud(World& w, u64 addr);

// The huge zero page used by read faults on THP-enabled anonymous memory (F-THP-ZERO).
u64 huge_zero_pfn(const World& w);

// `count` new pages (count a power of two), aligned to count, from the world's allocator; none
// when it has run dry (F-OOM).
std::optional<u64> new_pfns(World& w, u64 count);

} // namespace hmmspec
