// SPDX-License-Identifier: GPL-2.0-or-later
// <linux/mmu_notifier.h> for the seed: struct mmu_interval_notifier and mmu_interval_check_retry.
#ifndef HMMSPEC_LINUX_MMU_NOTIFIER_H
#define HMMSPEC_LINUX_MMU_NOTIFIER_H

#include <hmmspec/compiler.h>
#include <hmmspec/mmu_notifier.h>

#endif // HMMSPEC_LINUX_MMU_NOTIFIER_H
