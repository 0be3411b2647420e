// SPDX-License-Identifier: GPL-2.0-or-later
// The bit-level shortcuts the walker (impl/walker.cpp) takes instead of the seed's formulas.
// Each is a small pure function so it can be encoded and proved equal to the formula it
// replaces (proofs/), and each names that formula and its lines. The walker uses nothing
// else that departs from a literal reading of hmm.c and mm/pagewalk.c.
//
// x86 bit names are those of model/x86_bits.h: P = PRESENT, RW, PSE, PN = PROTNONE (GLOBAL),
// SP = SPECIAL, DM = DEVMAP, AD = ACCESSED|DIRTY. V and W are range->flags[VALID] and
// range->flags[WRITE]; mask = pfn_flags_mask, def = default_flags; "req" is one pfns[] input.
//
// | id   | shortcut                                                        | replaces |
// |------|-----------------------------------------------------------------|--------------------------------|
// | S1   | cpu flags of a PTE-like word = P ? (RW ? V|W : V) : 0           | pte_to_hmm_pfn_flags
// hmm.c:227-234 (pte_none, pte_present, pte_protnone, pte_write) | | S2   | need of any page is 0
// when (def|mask) & V == 0                  | hmm_pte_need_fault hmm.c:113-117 (and the
// short-circuit hmm.c:144-146) | | S3   | need does not depend on the input when mask & (V|W) == 0
// | hmm_pte_need_fault hmm.c:113-126 | | S4   | OR of needs over a run, from A = any(t&V), B =
// any(t&V && t&W): | hmm_range_need_fault hmm.c:148-154 | |      |   (B && !(cpu&W) ? 3 : 0) | (A
// && !(cpu&V) ? 1 : 0)             |                                | | S5   | OR of needs over a
// run is 0, unread, when cpu&V != 0 and        | hmm_range_need_fault hmm.c:148-154 | |      |
// (cpu&W != 0 or W == 0)                                         |                                |
// | S6   | a word with P set needs a fault iff                             | hmm_pte_need_fault
// with S1, hmm.c:292-295 | |      |   t&V && t&W && !RW && (V&W) == 0    (t = (req&mask)|def) | |
// | S7   | a PTE reaches the plain output row (hmm.c:310) without a fault  | hmm_vma_handle_pte
// hmm.c:247-310 | |      |   check iff P && (!SP || (w & PFN_MASK) == zero_pfn << PAGE_SHIFT)| | |
// S8   | pte_pfn of a word with P set = (w & PFN_MASK) >> PAGE_SHIFT     | pte_pfn + protnone_mask
// (pgtable-invert.h) | | S9   | the plain output = (pfn << pfn_shift) | (RW ? V|W : V)          |
// hmm_device_entry_from_pfn | cpu_flags, hmm.c:49, 310 | | S10  | pud_trans_huge || pud_devmap = w
// & (PSE|DM) != 0                | hmm.c:418 via pud_trans_huge_lock | | S11  | pmd_devmap ||
// pmd_trans_huge = w & (DM|PSE) != 0                | hmm.c:352                      | | S12  |
// pmd_present = w & (P|PN|PSE) != 0                               | hmm.c:346 | | S13  |
// pmd_protnone / pte_protnone = (w & (PN|P)) == PN                | hmm.c:183, 229 | | S14  |
// pmd_huge (x86) = !pmd_none && (w & (P|PSE)) != P                | huge_pte_offset (mm/hugetlb.c)
// | | S15  | the swap type of a non-present word = w >> 59 (soft-dirty and    | pte_to_swp_entry /
// pmd_to_swp_entry | |      |   uffd-wp bits 1 and 2 lie outside the type and offset fields)   | |
// | S16  | ((pfn + i) << s) | f = ((pfn << s) | f) + i * (1 << s)          | the pfn runs,
// hmm.c:207-209,   | |      |   when f < 1 << s (mod 2^64)                                     |
// 454-457, 499-502             |
//
// Beyond these, the walker reads requests in blocks and writes outputs in runs; the order of
// everything observable (reads of table words that may have been written, writes of table
// words, calls into model/fault.h) is the seed's.
#pragma once

#include "model/range.h"
#include "model/x86_bits.h"

namespace hmmspec::shortcut {

using namespace x86;

// S1: pte_to_hmm_pfn_flags (hmm.c:227-234) of a PTE or hugetlb slot word.
constexpr u64 pte_cpu_flags(u64 word, u64 V, u64 W) {
  return (word & PRESENT) ? ((word & RW) ? (V | W) : V) : 0;
}

// S2: no page can need a fault (hmm.c:113-117, 144-146).
constexpr bool never_needs(u64 def, u64 mask, u64 V) {
  return ((def | mask) & V) == 0;
}

// S3: the need of every page is the need of the default flags alone (hmm.c:113).
constexpr bool uniform_request(u64 mask, u64 V, u64 W) {
  return (mask & (V | W)) == 0;
}

// S4: hmm_range_need_fault (hmm.c:148-154) from two accumulated facts of the run:
// any_v = some request has V, any_vw = some request has both V and W.
constexpr unsigned range_need_from(bool any_v, bool any_vw, u64 cpu, u64 V, u64 W) {
  unsigned need = 0;
  if (any_vw && !(cpu & W)) need |= HMM_NEED_FAULT | HMM_NEED_WRITE_FAULT;
  if (any_v && !(cpu & V)) need |= HMM_NEED_FAULT;
  return need;
}

// S5: a run needs nothing whatever its requests (hmm.c:120-127 can return only 0).
constexpr bool cpu_satisfies_all(u64 cpu, u64 V, u64 W) {
  return (cpu & V) != 0 && ((cpu & W) != 0 || W == 0);
}

// S6: hmm_pte_need_fault (hmm.c:98-128) != 0 for a word with P set, with S1's cpu flags.
constexpr bool present_needs_fault(u64 word, u64 req, u64 def, u64 mask, u64 V, u64 W) {
  u64 t = (req & mask) | def;
  return (t & V) != 0 && (t & W) != 0 && !(word & RW) && (V & W) == 0;
}

// S8: pte_pfn of a word with P set: no L1TF inversion applies.
constexpr u64 present_pfn(u64 word, unsigned page_shift) {
  return (word & pfn_mask(page_shift)) >> page_shift;
}

// S7: the PTE goes to hmm.c:310 once no fault is needed: present (P, so neither none nor
// protnone) and not special unless it maps the zero page. zero_bits is zero_pfn << PAGE_SHIFT
// when that fits in the pfn field, else a value no masked word can equal (see zero_bits()).
constexpr bool plain_pte(u64 word, u64 zero_bits, unsigned page_shift) {
  return (word & PRESENT) && (!(word & SPECIAL) || (word & pfn_mask(page_shift)) == zero_bits);
}
constexpr u64 zero_bits(u64 zero_pfn, unsigned page_shift) {
  u64 bits = zero_pfn << page_shift;
  return ((bits & pfn_mask(page_shift)) >> page_shift) == zero_pfn ? bits : ~0ull;
}

// S9: hmm_device_entry_from_pfn(pte_pfn) | cpu_flags for a plain PTE (hmm.c:49, 310).
constexpr u64 plain_output(u64 word, unsigned page_shift, unsigned pfn_shift, u64 V, u64 W) {
  return (present_pfn(word, page_shift) << pfn_shift) | ((word & RW) ? (V | W) : V);
}

// S10: pud_trans_huge_lock returns a lock (hmm.c:418).
constexpr bool pud_huge_or_devmap(u64 word) {
  return (word & (PSE | DEVMAP)) != 0;
}

// S11: pmd_devmap || pmd_trans_huge (hmm.c:352).
constexpr bool pmd_huge_or_devmap(u64 word) {
  return (word & (DEVMAP | PSE)) != 0;
}

// S12: pmd_present (hmm.c:346).
constexpr bool pmd_present(u64 word) {
  return (word & (PRESENT | PROTNONE | PSE)) != 0;
}

// S13: pmd_protnone / pte_protnone (hmm.c:183, 229).
constexpr bool protnone(u64 word) {
  return (word & (PROTNONE | PRESENT)) == PROTNONE;
}

// S14: x86 pmd_huge (arch/x86/mm/hugetlbpage.c), as huge_pte_offset uses it.
constexpr bool pmd_huge(u64 word) {
  return (word & ~KNL_ERRATUM_MASK) != 0 && (word & (PRESENT | PSE)) != PRESENT;
}

// S16: the pfn runs (hmm.c:207-209, 454-457, 499-502) may add a step instead of shifting each
// pfn when the flag bits f lie below the shifted pfn: (pfn + i) << s never has them set, so
// OR and addition agree, and the shift distributes over the addition modulo 2^64.
constexpr bool flags_below_shift(u64 f, unsigned s) {
  return s < 64 && (f >> s) == 0;
}
constexpr u64 pfn_run_entry(u64 pfn, u64 i, u64 f, unsigned s) {
  return ((pfn << s) | f) + i * (u64(1) << s);
}

// S15: the swap type of a non-present word (pte_to_swp_entry, pmd_to_swp_entry).
constexpr unsigned swap_type(u64 word) {
  return unsigned(word >> (64 - SWP_TYPE_BITS));
}

} // namespace hmmspec::shortcut
