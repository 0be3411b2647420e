// SPDX-License-Identifier: GPL-2.0-or-later
// <linux/memremap.h> for the seed: struct dev_pagemap and its owner.
#ifndef HMMSPEC_LINUX_MEMREMAP_H
#define HMMSPEC_LINUX_MEMREMAP_H

#include <hmmspec/compiler.h>
#include <hmmspec/mm_types.h>

#endif // HMMSPEC_LINUX_MEMREMAP_H
