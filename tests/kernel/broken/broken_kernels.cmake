# SPDX-License-Identifier: GPL-2.0-or-later
# Broken kernels for the isolation tests (docs/kernel-party.md, "Isolation"): each is the v5.7
# hmm.c of the build (HMMSPEC_KERNEL_HMM_C) with one line edited, built as a kernel party of its
# own that the build does not load (tests/kernel/broken/check_broken.sh loads it with --kernel).
# Each entry: TAG|LINE|FROM|TO, where FROM must occur exactly once on hmm.c:LINE.
set(HMMSPEC_BROKEN_KERNELS
  # hmm.c:170: a hole in a gap is taken for a hole in a VMA; a requested one faults with
  # walk->vma NULL (hmm_vma_fault, hmm.c:80-93)
  "broken-null-vma|170|!walk->vma|!walk->vma && 0"
  # hmm.c:326: pfns[] indexed from range->end: past the end of the array
  "broken-pfns-index|326|(start - range->start)|(range->end - start)"
  # hmm.c:364: a huge PMD is read again for ever (`goto again`, hmm.c:332)
  # (TO has no `|`: the fields are split at it)
  "broken-endless-again|364|!pmd_devmap(pmd) && !pmd_trans_huge(pmd)|!(!pmd_devmap(pmd) && !pmd_trans_huge(pmd))"
  # hmm.c:83: WARN_ON_ONCE(!required_fault) inverted: every fault warns
  "broken-warn-inverted|83|WARN_ON_ONCE(!required_fault)|WARN_ON_ONCE(required_fault)")
