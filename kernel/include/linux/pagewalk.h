// SPDX-License-Identifier: GPL-2.0-or-later
// <linux/pagewalk.h> for the seed: the walker's callbacks, struct mm_walk and walk_page_range.
#ifndef HMMSPEC_LINUX_PAGEWALK_H
#define HMMSPEC_LINUX_PAGEWALK_H

#include <hmmspec/compiler.h>
#include <hmmspec/pagewalk.h>

#endif // HMMSPEC_LINUX_PAGEWALK_H
