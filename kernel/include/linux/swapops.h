// SPDX-License-Identifier: GPL-2.0-or-later
// <linux/swapops.h> for the seed: swap-entry decoding, the migration waits and device-private
// pages.
#ifndef HMMSPEC_LINUX_SWAPOPS_H
#define HMMSPEC_LINUX_SWAPOPS_H

#include <hmmspec/compiler.h>
#include <hmmspec/services.h>
#include <hmmspec/swapops.h>

#endif // HMMSPEC_LINUX_SWAPOPS_H
