// SPDX-License-Identifier: GPL-2.0-or-later
// The kernel configuration the shim builds a kernel's hmm.c under: an x86-64 kernel with
// 5-level paging compiled in and chosen at run time by the world's geometry, and every feature
// hmm.c can observe switched on. The shim's predicates implement this one configuration per
// shim family; the reference model assumes the same (model/x86_bits.h).
//
// The shim family is HMMSPEC_KERNEL_FAMILY, set by the build for every translation unit that
// includes the shim (kernel/CMakeLists.txt): 507 for v5.7, 601 for the Debian 6.1 tree, 612 for
// the Debian 6.12 tree. A family is the API and word encoding a kernel's hmm.c is compiled and
// read under (docs/kernel-party.md, "Kernel families").
#ifndef HMMSPEC_KCONFIG_H
#define HMMSPEC_KCONFIG_H

#define HMMSPEC_FAMILY_5_7 507
#define HMMSPEC_FAMILY_6_1 601
#define HMMSPEC_FAMILY_6_12 612

#ifndef HMMSPEC_KERNEL_FAMILY
#error "HMMSPEC_KERNEL_FAMILY is not set: the build names the shim family (507, 601 or 612)"
#endif
#if HMMSPEC_KERNEL_FAMILY != HMMSPEC_FAMILY_5_7 && HMMSPEC_KERNEL_FAMILY != HMMSPEC_FAMILY_6_1 &&  \
    HMMSPEC_KERNEL_FAMILY != HMMSPEC_FAMILY_6_12
#error "HMMSPEC_KERNEL_FAMILY must be 507, 601 or 612"
#endif
// The fixed-bit API of 6.1 include/linux/hmm.h:34-46 (hmm_pfns[], return 0) and the 6.x words.
#define HMMSPEC_V6 (HMMSPEC_KERNEL_FAMILY >= HMMSPEC_FAMILY_6_1)

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

#if HMMSPEC_V6
#define CONFIG_ZONE_DEVICE 1 // device-coherent pages (MEMORY_DEVICE_COHERENT)
#define CONFIG_PTE_MARKER 1  // the PTE-marker swap type (6.1 include/linux/swap.h:67-73)
#define CONFIG_USERFAULTFD 1 // uffd-wp markers
#define CONFIG_DEBUG_VM 1    // VM_BUG_ON and VM_WARN_ON* check and report (see below)
#endif
#if HMMSPEC_KERNEL_FAMILY >= HMMSPEC_FAMILY_6_12
#define CONFIG_MITIGATION_PAGE_TABLE_ISOLATION 1 // the 6.12 name of PAGE_TABLE_ISOLATION
#define CONFIG_HUGETLB_PMD_PAGE_TABLE_SHARING 1  // the hugetlb VMA lock exists
#endif

// Not modelled, and off: lockdep (lockdep_assert_held is a no-op), per-VMA locks (hmm holds the
// mmap lock), and CET shadow stacks (X86_FEATURE_SHSTK is clear, so pte_write and pmd_write of
// 6.12 test _PAGE_RW alone).
//
// CONFIG_DEBUG_VM differs from the Debian kernels (which leave it off): with it on, the
// VM_BUG_ON and VM_WARN_ON* checks of the 6.x helpers the shim mirrors (swp_offset_pfn,
// 6.12 vm_normal_page) are evaluated and reported in the outcome, so a world that trips one is
// seen rather than passed over. v5.7's hmm.c uses none of them.

#endif // HMMSPEC_KCONFIG_H
