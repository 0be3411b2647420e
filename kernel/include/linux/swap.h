// SPDX-License-Identifier: GPL-2.0-or-later
// <linux/swap.h> for the seed: the reserved swap types (MAX_SWAPFILES, SWP_*).
#ifndef HMMSPEC_LINUX_SWAP_H
#define HMMSPEC_LINUX_SWAP_H

#include <hmmspec/compiler.h>
#include <hmmspec/swapops.h>

#endif // HMMSPEC_LINUX_SWAP_H
