// SPDX-License-Identifier: GPL-2.0-or-later
// What the 6.x trees say about the output word, encoded by hand over 64-bit bitvectors with the
// header's own constants (6.1 include/linux/hmm.h:34-46, identical in 6.12), not taken from
// model/: the CPU-flag derivations of a PTE, PMD, PUD and hugetlb slot over the x86 predicates
// of x86_kernel.h (pte_to_hmm_pfn_flags, pmd_to_hmm_pfn_flags, pud_to_hmm_pfn_flags and the
// hugetlb entry's flags), hmm_pfn_flags_order, the pfn outputs (pfn | cpu_flags), the
// device-private output, and the header's decoders hmm_pfn_to_page (its pfn) and
// hmm_pfn_to_map_order. The model's templates of model/range_v6.h are proved equal to these
// (docs/proofs.md, the 6.x obligations). The request arithmetic of 6.x is hmm_encoding.h's with
// the fixed bits (SymRange for a 6.x family). The x86 predicates these read (pte_none,
// pte_present, pte_protnone, pte_write, pmd_protnone, pmd_write, pud_present, pud_write,
// pte_pfn, pmd_pfn, pud_pfn) are v5.7's in both trees with shadow stacks off
// (6.12 arch/x86/include/asm/pgtable.h:160-235; kernel/include/hmmspec/kconfig.h).
#pragma once

#include <string>

#include "model/kernel_version.h"
#include "proofs/check.h"

namespace hmmspec::proofs::k6 {

inline constexpr u64 kValid = 1ull << 63;             // HMM_PFN_VALID = 1UL << (BITS_PER_LONG - 1)
inline constexpr u64 kWrite = 1ull << 62;             // HMM_PFN_WRITE
inline constexpr u64 kError = 1ull << 61;             // HMM_PFN_ERROR
inline constexpr unsigned kOrderShift = 56;           // HMM_PFN_ORDER_SHIFT = BITS_PER_LONG - 8
inline constexpr u64 kFlags = 0xFFull << kOrderShift; // HMM_PFN_FLAGS
inline constexpr u64 kPmdOrder = 21 - 12;             // PMD_SHIFT - PAGE_SHIFT (x86-64)
inline constexpr u64 kPudOrder = 30 - 12;             // PUD_SHIFT - PAGE_SHIFT

// hmm_pfn_flags_order (6.1 mm/hmm.c:171-174).
expr pfn_flags_order(const expr& order);
// pte_to_hmm_pfn_flags (6.1 mm/hmm.c:215-221), pmd_to_hmm_pfn_flags (177-185),
// pud_to_hmm_pfn_flags (400-408; 6.12 401-409) of a raw x86 word; a hugetlb slot's flags
// (6.1 mm/hmm.c:491-492; 6.12 487-488) with the huge page's order.
expr pte_cpu_flags(const expr& w);
expr pmd_cpu_flags(const expr& w);
expr pud_cpu_flags(const expr& w);
expr hugetlb_cpu_flags(const expr& w, const expr& order);
// The device-private output of the caller's owner (6.1 mm/hmm.c:253-256).
expr device_private_output(const expr& pfn, const expr& writable);
// hmm_pfn_to_page's pfn (6.1 include/linux/hmm.h:55-58) and hmm_pfn_to_map_order (74-77).
expr page_pfn(const expr& out);
expr map_order(const expr& out);

// The lines of one family: "6.1 mm/hmm.c:215-221" etc.
struct Cites {
  std::string pte, pmd, pud, hugetlb, device, order, header;
  std::string pte_out, pmd_out, pud_out, hugetlb_out;
};
Cites cites(KernelVersion v);

} // namespace hmmspec::proofs::k6
