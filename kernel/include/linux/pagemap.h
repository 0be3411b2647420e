// SPDX-License-Identifier: GPL-2.0-or-later
// <linux/pagemap.h> for the seed: nothing hmm.c uses beyond the common idioms.
#ifndef HMMSPEC_LINUX_PAGEMAP_H
#define HMMSPEC_LINUX_PAGEMAP_H

#include <hmmspec/compiler.h>

#endif // HMMSPEC_LINUX_PAGEMAP_H
