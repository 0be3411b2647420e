// SPDX-License-Identifier: GPL-2.0-or-later
// The interval notifier of the range (include/linux/mmu_notifier.h; what hmm uses of it is the
// same in v5.7, 6.1 and 6.12). Its sequence lives in the world (World::notifier); the check asks
// the session, which also enforces the restart budget (docs/kernel-party.md).
//
// Valid C (gnu11) and C++.
#ifndef HMMSPEC_MMU_NOTIFIER_H
#define HMMSPEC_MMU_NOTIFIER_H

#include "mm_types.h"

#ifdef __cplusplus
extern "C" {
#endif

struct mmu_interval_notifier {
  struct mm_struct* mm;
  unsigned long invalidate_seq; // mirrors World::notifier.seq when the session starts
};

// Whether the sequence read by the caller is stale: World::notifier.seq != seq. Also true,
// with a livelock recorded, once the restart budget's walks have all been made
// (kernel/session.cpp).
bool mmu_interval_check_retry(struct mmu_interval_notifier* mni, unsigned long seq);

#ifdef __cplusplus
}
#endif

#endif // HMMSPEC_MMU_NOTIFIER_H
