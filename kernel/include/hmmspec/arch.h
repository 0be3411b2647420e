// SPDX-License-Identifier: GPL-2.0-or-later
// The machine the seed runs on, chosen at run time from the world's geometry: the page
// shift, the shift and the entry count of every level, 4- or 5-level paging, and the zero
// page's pfn. The kernel keeps several of these in variables too (PGDIR_SHIFT,
// PTRS_PER_P4D and pgtable_l5_enabled are variables in a kernel built with 5-level support),
// so the shim keeps them all in one per-thread variable that kernel/session.cpp fills in.
//
// Valid C (gnu11) and C++: the seed, the shim's C++ glue and the tests include it.
#ifndef HMMSPEC_ARCH_H
#define HMMSPEC_ARCH_H

#ifdef __cplusplus
extern "C" {
#endif

// The index of each level in the arrays below, leaf first (as model/geometry.h's Level).
enum hmmspec_level {
  HMMSPEC_PTE = 0,
  HMMSPEC_PMD = 1,
  HMMSPEC_PUD = 2,
  HMMSPEC_P4D = 3,
  HMMSPEC_PGD = 4,
};

struct hmmspec_arch {
  unsigned int page_shift;
  unsigned int levels;    // 4 (P4D folded into the PGD) or 5
  unsigned int shift[5];  // log2 of the bytes one entry of each level maps
  unsigned long ptrs[5];  // entries per table of each level (PTRS_PER_P4D is 1 on 4-level)
  unsigned long zero_pfn; // the shared zero page (x86 has a single one)
};

// Hidden: each kernel party's shared object has its own. Initial-exec: read with one load from
// the thread pointer, as in an executable, rather than through __tls_get_addr or a TLS
// descriptor on every PAGE_SHIFT; the object then takes its few bytes from the static TLS that
// glibc keeps spare for objects loaded later (docs/kernel-party.md, "Thread-local state").
extern __thread struct hmmspec_arch hmmspec_arch_now
    __attribute__((visibility("hidden"), tls_model("initial-exec")));

#ifdef __cplusplus
}
#endif

#define PAGE_SHIFT (hmmspec_arch_now.page_shift)
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))

#define PMD_SHIFT (hmmspec_arch_now.shift[HMMSPEC_PMD])
#define PUD_SHIFT (hmmspec_arch_now.shift[HMMSPEC_PUD])
#define P4D_SHIFT (hmmspec_arch_now.shift[HMMSPEC_P4D])
#define PGDIR_SHIFT (hmmspec_arch_now.shift[HMMSPEC_PGD])

#define PMD_SIZE (1UL << PMD_SHIFT)
#define PUD_SIZE (1UL << PUD_SHIFT)
#define P4D_SIZE (1UL << P4D_SHIFT)
#define PGDIR_SIZE (1UL << PGDIR_SHIFT)

#define PMD_MASK (~(PMD_SIZE - 1))
#define PUD_MASK (~(PUD_SIZE - 1))
#define P4D_MASK (~(P4D_SIZE - 1))
#define PGDIR_MASK (~(PGDIR_SIZE - 1))

#define PTRS_PER_PTE (hmmspec_arch_now.ptrs[HMMSPEC_PTE])
#define PTRS_PER_PMD (hmmspec_arch_now.ptrs[HMMSPEC_PMD])
#define PTRS_PER_PUD (hmmspec_arch_now.ptrs[HMMSPEC_PUD])
#define PTRS_PER_P4D (hmmspec_arch_now.ptrs[HMMSPEC_P4D])
#define PTRS_PER_PGD (hmmspec_arch_now.ptrs[HMMSPEC_PGD])

// Whether the PGD is a real level (5-level paging) or the P4D is folded into it.
#define pgtable_l5_enabled() (hmmspec_arch_now.levels == 5)

#endif // HMMSPEC_ARCH_H
