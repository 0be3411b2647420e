// SPDX-License-Identifier: GPL-2.0-or-later
// Test-only: the seed's mm/hmm.c, unchanged, compiled once more in this translation unit so
// its static request arithmetic, hmm_pte_need_fault (hmm.c:98-128) and hmm_range_need_fault
// (hmm.c:130-155), can be called on any input (tests/kernel/seed_need_fault_test.cpp). The
// file is the kernel party's input, included by path (HMMSPEC_KERNEL_HMM_C_PATH) with the
// shim's include path and flags (tests/kernel/CMakeLists.txt takes them from the kernel
// party's target); its one external symbol is renamed so it cannot clash with the kernel
// party's hmm_range_fault.
#define hmm_range_fault hmmspec_seed_copy_hmm_range_fault
#include HMMSPEC_KERNEL_HMM_C_PATH
#undef hmm_range_fault

unsigned int hmmspec_seed_pte_need_fault(const uint64_t* flags, uint64_t default_flags,
                                         uint64_t pfn_flags_mask, uint64_t pfns,
                                         uint64_t cpu_flags);
unsigned int hmmspec_seed_range_need_fault(const uint64_t* flags, uint64_t default_flags,
                                           uint64_t pfn_flags_mask, const uint64_t* pfns,
                                           unsigned long npages, uint64_t cpu_flags);

// A range with the fields the two functions read (flags[], default_flags, pfn_flags_mask),
// reached as they reach it, through the walk's private data.
unsigned int hmmspec_seed_pte_need_fault(const uint64_t* flags, uint64_t default_flags,
                                         uint64_t pfn_flags_mask, uint64_t pfns,
                                         uint64_t cpu_flags) {
  struct hmm_range range = {0};
  struct hmm_vma_walk walk = {0};
  range.flags = flags;
  range.default_flags = default_flags;
  range.pfn_flags_mask = pfn_flags_mask;
  walk.range = &range;
  return hmm_pte_need_fault(&walk, pfns, cpu_flags);
}

unsigned int hmmspec_seed_range_need_fault(const uint64_t* flags, uint64_t default_flags,
                                           uint64_t pfn_flags_mask, const uint64_t* pfns,
                                           unsigned long npages, uint64_t cpu_flags) {
  struct hmm_range range = {0};
  struct hmm_vma_walk walk = {0};
  range.flags = flags;
  range.default_flags = default_flags;
  range.pfn_flags_mask = pfn_flags_mask;
  walk.range = &range;
  return hmm_range_need_fault(&walk, pfns, npages, cpu_flags);
}
