// SPDX-License-Identifier: GPL-2.0-or-later
// The v5.7 HMM API (include/linux/hmm.h:35-123; kernel-context.md §2): the flag and value
// indexes, struct hmm_range with its 11 fields in declaration order, and hmm_range_fault,
// which the seed defines.
//
// Valid C (gnu11) and C++.
#ifndef HMMSPEC_HMM_H
#define HMMSPEC_HMM_H

#include "mmu_notifier.h"

#ifdef __cplusplus
extern "C" {
#endif

enum hmm_pfn_flag_e {
  HMM_PFN_VALID = 0,
  HMM_PFN_WRITE,
  HMM_PFN_FLAG_MAX,
};

enum hmm_pfn_value_e {
  HMM_PFN_ERROR,
  HMM_PFN_NONE,
  HMM_PFN_SPECIAL,
  HMM_PFN_VALUE_MAX,
};

struct hmm_range {
  struct mmu_interval_notifier* notifier;
  unsigned long notifier_seq;
  unsigned long start;
  unsigned long end;
  uint64_t* pfns;
  const uint64_t* flags;
  const uint64_t* values;
  uint64_t default_flags;
  uint64_t pfn_flags_mask;
  uint8_t pfn_shift;
  void* dev_private_owner;
};

long hmm_range_fault(struct hmm_range* range);

#define HMM_RANGE_DEFAULT_TIMEOUT 1000

#ifdef __cplusplus
}
#endif

#endif // HMMSPEC_HMM_H
