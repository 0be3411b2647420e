// SPDX-License-Identifier: GPL-2.0-or-later
// <linux/hugetlb.h> for the seed: hstate_vma, huge_pte_lock, huge_ptep_get and the PUD/PMD
// predicates.
#ifndef HMMSPEC_LINUX_HUGETLB_H
#define HMMSPEC_LINUX_HUGETLB_H

#include <hmmspec/compiler.h>
#include <hmmspec/pgtable.h>
#include <hmmspec/services.h>

#endif // HMMSPEC_LINUX_HUGETLB_H
