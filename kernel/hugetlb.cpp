// SPDX-License-Identifier: GPL-2.0-or-later
// huge_pte_offset: where the walker finds a hugetlb page's slot (the generic version in
// mm/hugetlb.c, which x86-64 uses; kernel-context.md §4.5). It descends from the root without
// clearing anything and answers with a pointer the seed reads as a PTE, or NULL:
//
// - NULL when the PGD or the P4D entry on the way lacks PRESENT (on 4-level paging the PGD
//   always counts as present and the root's entry is the P4D);
// - at the PUD: a none PUD is NULL unless the page size is the PUD size; a PUD with PSE or
//   without PRESENT (a huge page, a non-present hugetlb entry, or a none PUD for 1 GiB pages)
//   is the slot itself;
// - at the PMD (under a present table PUD): a none PMD is NULL unless the page size is the
//   PMD size; a PMD that pmd_huge accepts or that is not pmd_present is the slot;
// - anything else (a PMD table pointer) is NULL.
// So a none PMD under an existing PUD is a slot, not a hole, for 2 MiB pages.
#include "kernel/include/hmmspec/services.h"

extern "C" pte_t* huge_pte_offset(struct mm_struct* mm, unsigned long addr, unsigned long sz) {
  pgd_t* pgd = pgd_offset(mm, addr);
  if (!pgd_present(*pgd)) return nullptr;
  p4d_t* p4d = p4d_offset(pgd, addr);
  if (!p4d_present(*p4d)) return nullptr;

  pud_t* pud = pud_offset(p4d, addr);
  const pud_t pud_word = *pud;
  if (pud_none(pud_word) && sz != PUD_SIZE) return nullptr;
  if (pud_huge(pud_word) || !pud_present(pud_word)) return reinterpret_cast<pte_t*>(pud);

  pmd_t* pmd = pmd_offset(pud, addr);
  const pmd_t pmd_word = *pmd;
  if (pmd_none(pmd_word) && sz != PMD_SIZE) return nullptr;
  if (pmd_huge(pmd_word) || !pmd_present(pmd_word)) return reinterpret_cast<pte_t*>(pmd);
  return nullptr;
}
