// SPDX-License-Identifier: GPL-2.0-or-later
// huge_pte_offset: where the walker finds a hugetlb page's slot (the generic version in
// mm/hugetlb.c, which x86-64 uses). It descends from the root without clearing anything and
// answers with a pointer the kernel reads as a PTE, or NULL. In every family it is NULL when
// the PGD or the P4D entry on the way lacks PRESENT (on 4-level paging the PGD always counts as
// present and the root's entry is the P4D). Then:
//
// - v5.7: at the PUD, a none PUD is NULL unless the page size is the PUD size; a PUD with PSE
//   or without PRESENT (a huge page, a non-present hugetlb entry, or a none PUD for 1 GiB
//   pages) is the slot itself. At the PMD (under a present table PUD), a none PMD is NULL
//   unless the page size is the PMD size; a PMD that pmd_huge accepts or that is not
//   pmd_present is the slot; anything else (a PMD table pointer) is NULL. So a none PMD under
//   an existing PUD is a slot, not a hole, for 2 MiB pages.
// - 6.1 and 6.12 (6.1 mm/hugetlb.c:7269-7295, 6.12 :7471-7497): for PUD-sized pages the PUD is
//   the slot, whatever it holds; otherwise a PUD without PRESENT is NULL, and the PMD under a
//   present PUD is the slot, whatever it holds.
#include "kernel/include/hmmspec/services.h"

extern "C" pte_t* huge_pte_offset(struct mm_struct* mm, unsigned long addr, unsigned long sz) {
  pgd_t* pgd = pgd_offset(mm, addr);
  if (!pgd_present(*pgd)) return nullptr;
  p4d_t* p4d = p4d_offset(pgd, addr);
  if (!p4d_present(*p4d)) return nullptr;

  pud_t* pud = pud_offset(p4d, addr);
#if HMMSPEC_V6
  if (sz == PUD_SIZE) return reinterpret_cast<pte_t*>(pud);
  if (!pud_present(*pud)) return nullptr;
  return reinterpret_cast<pte_t*>(pmd_offset(pud, addr));
#else
  const pud_t pud_word = *pud;
  if (pud_none(pud_word) && sz != PUD_SIZE) return nullptr;
  if (pud_huge(pud_word) || !pud_present(pud_word)) return reinterpret_cast<pte_t*>(pud);

  pmd_t* pmd = pmd_offset(pud, addr);
  const pmd_t pmd_word = *pmd;
  if (pmd_none(pmd_word) && sz != PMD_SIZE) return nullptr;
  if (pmd_huge(pmd_word) || !pmd_present(pmd_word)) return reinterpret_cast<pte_t*>(pmd);
  return nullptr;
#endif
}
