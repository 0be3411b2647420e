// SPDX-License-Identifier: GPL-2.0-or-later
// The HMM API of the shim family (kconfig.h), and hmm_range_fault, which the kernel's hmm.c
// defines:
// - v5.7 (include/linux/hmm.h at v5.7): the flag and value indexes the driver fills flags[] and
//   values[] with, struct hmm_range with pfns[], flags, values and pfn_shift, and a long result
//   (the page count on success).
// - 6.1 and 6.12 (6.1 include/linux/hmm.h:34-46 and 91-100, identical in 6.12): fixed bits in
//   hmm_pfns[] (VALID 63, WRITE 62, ERROR 61, the map order from bit 56; the requests
//   REQ_FAULT and REQ_WRITE are the same bits), struct hmm_range with hmm_pfns, and an int
//   result (0 on success).
// Each struct lists its fields in declaration order.
//
// Valid C (gnu11) and C++.
#ifndef HMMSPEC_HMM_H
#define HMMSPEC_HMM_H

#include "mmu_notifier.h"

#ifdef __cplusplus
extern "C" {
#endif

#if HMMSPEC_V6

enum hmm_pfn_flags {
  // Output fields and flags
  HMM_PFN_VALID = 1UL << 63,
  HMM_PFN_WRITE = 1UL << 62,
  HMM_PFN_ERROR = 1UL << 61,
  HMM_PFN_ORDER_SHIFT = 56,
  // Input flags
  HMM_PFN_REQ_FAULT = HMM_PFN_VALID,
  HMM_PFN_REQ_WRITE = HMM_PFN_WRITE,
  HMM_PFN_FLAGS = 0xFFUL << HMM_PFN_ORDER_SHIFT,
};

struct hmm_range {
  struct mmu_interval_notifier* notifier;
  unsigned long notifier_seq;
  unsigned long start;
  unsigned long end;
  unsigned long* hmm_pfns;
  unsigned long default_flags;
  unsigned long pfn_flags_mask;
  void* dev_private_owner;
};

int hmm_range_fault(struct hmm_range* range);

#else // v5.7

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

#endif

#define HMM_RANGE_DEFAULT_TIMEOUT 1000

#ifdef __cplusplus
}
#endif

#endif // HMMSPEC_HMM_H
