// SPDX-License-Identifier: GPL-2.0-or-later
// <linux/hmm.h> for the seed: struct hmm_range and the HMM_PFN_* indexes.
#ifndef HMMSPEC_LINUX_HMM_H
#define HMMSPEC_LINUX_HMM_H

#include <hmmspec/compiler.h>
#include <hmmspec/hmm.h>

#endif // HMMSPEC_LINUX_HMM_H
