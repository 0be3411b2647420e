// SPDX-License-Identifier: GPL-2.0-or-later
// <linux/sched/mm.h> for the seed: struct mm_struct.
#ifndef HMMSPEC_LINUX_SCHED_MM_H
#define HMMSPEC_LINUX_SCHED_MM_H

#include <hmmspec/compiler.h>
#include <hmmspec/mm_types.h>

#endif // HMMSPEC_LINUX_SCHED_MM_H
