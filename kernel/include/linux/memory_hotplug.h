// SPDX-License-Identifier: GPL-2.0-or-later
// <linux/memory_hotplug.h> for the seed: nothing hmm.c uses beyond the common idioms.
#ifndef HMMSPEC_LINUX_MEMORY_HOTPLUG_H
#define HMMSPEC_LINUX_MEMORY_HOTPLUG_H

#include <hmmspec/compiler.h>

#endif // HMMSPEC_LINUX_MEMORY_HOTPLUG_H
