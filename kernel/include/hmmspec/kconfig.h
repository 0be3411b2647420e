// SPDX-License-Identifier: GPL-2.0-or-later
// The kernel configuration the shim builds the seed under (kernel-context.md §5.7): an x86-64
// kernel with 5-level paging compiled in and chosen at run time by the world's geometry, and
// every feature hmm.c can observe switched on. The shim's predicates implement this one
// configuration; the reference model assumes the same (model/x86_bits.h).
#ifndef HMMSPEC_KCONFIG_H
#define HMMSPEC_KCONFIG_H

#define CONFIG_MMU 1
#define CONFIG_64BIT 1
#define CONFIG_X86_64 1
#define CONFIG_X86_5LEVEL 1 // 4 or 5 levels chosen at run time (pgtable_l5_enabled)
#define CONFIG_PGTABLE_LEVELS 5

// The switches hmm.c tests (hmm.c:190, 399-400, 473) or whose helpers it calls.
#define CONFIG_TRANSPARENT_HUGEPAGE 1               // hmm_vma_handle_pmd, pmd_trans_huge
#define CONFIG_ARCH_HAS_PTE_DEVMAP 1                // pmd_devmap, pud_devmap
#define CONFIG_HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD 1 // hmm_vma_walk_pud
#define CONFIG_HUGETLB_PAGE 1                       // hmm_vma_walk_hugetlb_entry
#define CONFIG_NUMA_BALANCING 1                     // real pte_protnone / pmd_protnone
#define CONFIG_ARCH_ENABLE_THP_MIGRATION 1          // thp_migration_supported()
#define CONFIG_ARCH_HAS_PTE_SPECIAL 1               // pte_special
#define CONFIG_DEVICE_PRIVATE 1                     // device-private swap types
#define CONFIG_MIGRATION 1                          // migration swap types
#define CONFIG_MEMORY_FAILURE 1                     // the hwpoison swap type
#define CONFIG_PAGE_TABLE_ISOLATION 1               // p4d_bad/pgd_bad ignore NX
#define CONFIG_MEM_SOFT_DIRTY 1                     // swap words carry soft-dirty in bit 1
#define CONFIG_HAVE_ARCH_USERFAULTFD_WP 1           // swap words carry uffd-wp in bit 2
#define CONFIG_MMU_NOTIFIER 1
#define CONFIG_HMM_MIRROR 1

#endif // HMMSPEC_KCONFIG_H
