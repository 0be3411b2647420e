// SPDX-License-Identifier: GPL-2.0-or-later
// <linux/jump_label.h> for the seed: nothing hmm.c uses beyond the common idioms.
#ifndef HMMSPEC_LINUX_JUMP_LABEL_H
#define HMMSPEC_LINUX_JUMP_LABEL_H

#include <hmmspec/compiler.h>

#endif // HMMSPEC_LINUX_JUMP_LABEL_H
