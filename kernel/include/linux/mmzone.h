// SPDX-License-Identifier: GPL-2.0-or-later
// <linux/mmzone.h> for the seed: nothing hmm.c uses beyond the common idioms.
#ifndef HMMSPEC_LINUX_MMZONE_H
#define HMMSPEC_LINUX_MMZONE_H

#include <hmmspec/compiler.h>

#endif // HMMSPEC_LINUX_MMZONE_H
