// SPDX-License-Identifier: GPL-2.0-or-later
// <linux/dma-mapping.h> for the seed: nothing hmm.c uses beyond the common idioms.
#ifndef HMMSPEC_LINUX_DMA_MAPPING_H
#define HMMSPEC_LINUX_DMA_MAPPING_H

#include <hmmspec/compiler.h>

#endif // HMMSPEC_LINUX_DMA_MAPPING_H
