// SPDX-License-Identifier: GPL-2.0-or-later
// The bit-level shortcuts the walker (impl/walker.cpp) takes instead of the seed's formulas,
// written once as templates over the word type (model/word_ops.h): the walker instantiates
// them with u64, and P7 (proofs/shortcuts.cpp, docs/proofs.md) with Z3 bit-vectors and proves
// each equal to the formula it replaces, under its guard, for every input word. Each names
// that formula and its lines. Page-level formulas are proved for x86-64 (PAGE_SHIFT 12).
//
// x86 bit names are those of model/x86_bits.h: P = PRESENT, RW, PSE, PN = PROTNONE (GLOBAL),
// SP = SPECIAL, DM = DEVMAP. V and W are range->flags[VALID] and range->flags[WRITE];
// mask = pfn_flags_mask, def = default_flags; req is one pfns[] input and t = (req & mask) |
// def the request hmm_pte_need_fault reads (hmm.c:113); s = pfn_shift; "need" is
// hmm_pte_need_fault's answer.
//
// clang-format off
// | id  | shortcut                                         | replaces                        |
// |-----|--------------------------------------------------|---------------------------------|
// | S1  | CPU flags of a PTE or hugetlb slot word =        | pte_to_hmm_pfn_flags,           |
// |     |   P ? (RW ? V|W : V) : 0, as a word without a    | hmm.c:227-234                   |
// |     |   branch and as an index into {0, V, V|W}        |                                 |
// | S2  | no page needs a fault when (def|mask) & V == 0   | hmm.c:113-117, 144-146          |
// | S3  | every page needs what request 0 needs when       | hmm.c:113-128, 130-155          |
// |     |   mask & (V|W) == 0                              |                                 |
// | S4  | a run's need from any_v = OR of t&V and          | hmm_range_need_fault,           |
// |     |   any_vw = OR of (t&V && t&W):                   | hmm.c:130-155                   |
// |     |   (any_vw && !(cpu&W) ? 3 : 0) |                 |                                 |
// |     |   (any_v && !(cpu&V) ? 1 : 0)                    |                                 |
// | S5  | no page of a run needs a fault when cpu&V != 0   | hmm.c:115-127                   |
// |     |   and (cpu&W != 0 or W == 0): pfns[] is not read |                                 |
// | S6  | a word with P set needs a fault iff              | hmm.c:98-128 with S1's flags    |
// |     |   t&V && t&W && !RW && (V&W) == 0                |                                 |
// | S7  | pte_special && pte_pfn != zero_pfn, for P set:   | hmm.c:301                       |
// |     |   SP && (w & PFN_MASK) != zero_pfn << PAGE_SHIFT |                                 |
// | S8  | pte_pfn without a branch:                        | pte_pfn, protnone_mask          |
// |     |   ((w ^ inv) & PFN_MASK) >> 12, inv = all ones   | (pgtable-invert.h)              |
// |     |   when w != 0 and P clear                        |                                 |
// | S9  | the output of a word with P set: one shift of    | hmm_device_entry_from_pfn |     |
// |     |   w & PFN_MASK, | V, | W when RW; when s == 12   | cpu_flags, hmm.c:46-50, 310     |
// |     |   and W == RW: (w & (PFN_MASK|RW)) | V           |                                 |
// | S10 | pud_trans_huge || pud_devmap = w & (PSE|DM) != 0 | hmm.c:418 (pud_trans_huge_lock) |
// | S11 | pmd_devmap || pmd_trans_huge = w & (DM|PSE) != 0 | hmm.c:352                       |
// | S12 | pmd_present = w & (P|PN|PSE) != 0                | hmm.c:346                       |
// | S13 | pmd_protnone, pte_protnone = (w & (PN|P)) == PN  | hmm.c:183, 229                  |
// | S14 | x86 pmd_huge = !pmd_none && (w & (P|PSE)) != P   | huge_pte_offset (mm/hugetlb.c)  |
// | S15 | the swap type of a word = w >> 59 (soft-dirty    | pte_to_swp_entry,               |
// |     |   and uffd-wp, bits 1 and 2, lie outside it)     | pmd_to_swp_entry                |
// | S16 | a pfn run's outputs ((pfn + i) << s) | f by      | the pfn runs, hmm.c:207-209,    |
// |     |   addition: out(0) = (pfn << s) | f,             | 454-457, 499-502                |
// |     |   out(i + 1) = out(i) + (1 << s), when s < 64    |                                 |
// |     |   and f >> s == 0 (mod 2^64)                     |                                 |
// | S17 | the walker's own hmm_pte_need_fault              | hmm.c:98-128                    |
// | S18 | one PTE of a run without a branch: its output,   | hmm_vma_handle_pte,             |
// |     |   whether the seed stops there, whether it is    | hmm.c:236-317                   |
// |     |   device private                                 |                                 |
// | S19 | a PTE that does not stop a plain run (P set, not | hmm_vma_handle_pte,             |
// |     |   S7, no need: S6, or with uniform requests RW   | hmm.c:236-317                   |
// |     |   tested against the needs of a read-only and a  |                                 |
// |     |   writable page) gives S9's output               |                                 |
// clang-format on
//
// Beyond these, the walker reads requests in blocks and writes outputs in runs, accumulating
// S4's facts with OR and testing blocks of PTEs for S19 by the bits of S19 and, only when a
// PTE in the block has SP set, by S7 (P7 proves S7's word non-zero only with SP set). The
// order of everything observable (reads of table words that may have been written, writes of
// table words, calls into model/fault.h) is the seed's.
#pragma once

#include "model/range.h"
#include "model/word_ops.h"
#include "model/x86_bits.h"

namespace hmmspec::shortcut {

using namespace x86;

// S1: pte_to_hmm_pfn_flags (hmm.c:227-234) of a PTE or hugetlb slot word, without a branch.
template <class Word>
constexpr Word pte_cpu_flags(Word w, Word V, Word W) {
  return (u64(0) - (w & PRESENT)) & (V | (W & (u64(0) - ((w >> 1) & 1u)))); // RW is bit 1
}
// S1: the same as an index into {0, V, V|W}.
template <class Word>
constexpr Word pte_cpu_index(Word w) {
  return ite((w & PRESENT) != 0, ite((w & RW) != 0, u64(2), u64(1)), u64(0));
}

// S2: no page can need a fault (hmm.c:113-117, 144-146).
template <class Word>
constexpr auto never_needs(Word def, Word mask, Word V) {
  return ((def | mask) & V) == 0;
}

// S3: the need of every page is the need of the default flags alone (hmm.c:113).
template <class Word>
constexpr auto uniform_request(Word mask, Word V, Word W) {
  return (mask & (V | W)) == 0;
}

// S4: the request hmm_pte_need_fault reads (hmm.c:113), ...
template <class Word>
constexpr Word effective_request(Word req, Word mask, Word def) {
  return (req & mask) | def;
}
// ... 1 when it asks for both V and W, else 0 (a run ORs these, and t & V, over its pages) ...
template <class Word>
constexpr Word asks_valid_and_write(Word t, Word V, Word W) {
  return bit_of((t & V) != 0) & bit_of((t & W) != 0);
}
// ... and hmm_range_need_fault (hmm.c:130-155) from the two facts of the run.
template <class Word>
constexpr NeedOf<Word> range_need_from(BoolOf<Word> any_v, BoolOf<Word> any_vw, Word cpu, Word V,
                                       Word W) {
  return ite(any_vw && (cpu & W) == 0, HMM_NEED_FAULT | HMM_NEED_WRITE_FAULT, 0u) |
         ite(any_v && (cpu & V) == 0, HMM_NEED_FAULT, 0u);
}

// S5: a run needs nothing whatever its requests (hmm.c:115-127 can return only 0).
template <class Word>
constexpr auto cpu_satisfies_all(Word cpu, Word V, Word W) {
  return (cpu & V) != 0 && ((cpu & W) != 0 || W == 0);
}

// S6: hmm_pte_need_fault (hmm.c:98-128) != 0 for a word with P set, with S1's CPU flags, as
// 1 or 0; `disjoint` is disjoint_bit(V, W).
template <class Word>
constexpr Word present_needs_fault(Word w, Word t, Word V, Word W, Word disjoint) {
  return bit_of((t & V) != 0) & bit_of((t & W) != 0) & ((~w >> 1) & 1u) & disjoint;
}
template <class Word>
constexpr Word disjoint_bit(Word V, Word W) {
  return bit_of((V & W) == 0);
}

// S7: pte_special && !is_zero_pfn(pte_pfn) (hmm.c:301) for a word with P set, as a word that
// is non-zero when it holds (SP is bit 9). zb is zero_bits(zero_pfn): zero_pfn << PAGE_SHIFT
// when that fits in the pfn field, else a value no masked word can equal.
template <class Word>
constexpr Word special_not_zero_page(Word w, Word pm, Word zb) {
  return ((w & pm) ^ zb) & (u64(0) - ((w >> 9) & 1u));
}
template <class Word>
constexpr Word zero_bits(Word zero_pfn, unsigned page_shift) {
  const Word bits = zero_pfn << page_shift;
  return ite(((bits & pfn_mask(page_shift)) >> page_shift) == zero_pfn, bits, ~u64(0));
}

// S8: pte_pfn (pgtable-invert.h): a non-zero word without P keeps its pfn bits inverted.
template <class Word>
constexpr Word pte_pfn(Word w, Word pm, unsigned page_shift) {
  const Word inv = u64(0) - (bit_of(w != 0) & ((w & PRESENT) ^ 1u));
  return ((w ^ inv) & pm) >> page_shift;
}

// S9: hmm_device_entry_from_pfn(pte_pfn) | cpu_flags for a word with P set (hmm.c:49, 310):
// ((w & pm) >> PAGE_SHIFT) << s as one shift up or down (the bits below PAGE_SHIFT are clear),
// and S1's flags ...
template <class Word, class Shift>
constexpr Word plain_output(Word w, Word pm, Shift up, Shift down, Word V, Word W) {
  return (((w & pm) << up) >> down) | V | (W & (u64(0) - ((w >> 1) & 1u)));
}
template <class Shift>
constexpr Shift output_shift_up(Shift s, unsigned page_shift) {
  return ite(s >= page_shift, s - page_shift, 0u);
}
template <class Shift>
constexpr Shift output_shift_down(Shift s, unsigned page_shift) {
  return ite(s >= page_shift, 0u, page_shift - s);
}
// ... and, when pfn_shift is PAGE_SHIFT and W is the RW bit, the word's own bits.
template <class Word>
constexpr Word simple_output(Word w, Word pm, Word V) {
  return (w & (pm | RW)) | V;
}
template <class Word, class Shift>
constexpr auto simple_output_applies(Shift s, unsigned page_shift, Word W) {
  return s == page_shift && W == RW;
}

// S10: pud_trans_huge_lock returns a lock (hmm.c:418).
template <class Word>
constexpr auto pud_huge_or_devmap(Word w) {
  return (w & (PSE | DEVMAP)) != 0;
}

// S11: pmd_devmap || pmd_trans_huge (hmm.c:352).
template <class Word>
constexpr auto pmd_huge_or_devmap(Word w) {
  return (w & (DEVMAP | PSE)) != 0;
}

// S12: pmd_present (hmm.c:346).
template <class Word>
constexpr auto pmd_present(Word w) {
  return (w & (PRESENT | PROTNONE | PSE)) != 0;
}

// S13: pmd_protnone / pte_protnone (hmm.c:183, 229).
template <class Word>
constexpr auto protnone(Word w) {
  return (w & (PROTNONE | PRESENT)) == PROTNONE;
}

// S14: x86 pmd_huge (arch/x86/mm/hugetlbpage.c), as huge_pte_offset uses it.
template <class Word>
constexpr auto pmd_huge(Word w) {
  return (w & ~KNL_ERRATUM_MASK) != 0 && (w & (PRESENT | PSE)) != PRESENT;
}

// S15: the swap type of a non-present word (pte_to_swp_entry, pmd_to_swp_entry).
template <class Word>
constexpr Word swap_type(Word w) {
  return w >> (64 - SWP_TYPE_BITS);
}

// S16: the pfn runs (hmm.c:207-209, 454-457, 499-502) may add a step to the previous output
// instead of shifting each pfn when the flag bits f lie below the shifted pfn: (pfn + i) << s
// never has them set, so OR and addition agree, and the shift distributes over the addition
// modulo 2^64. The run is first, pfn_run_next(first, step), ...
template <class Word, class Shift>
constexpr auto flags_below_shift(Word f, Shift s) {
  return s < 64u && (f >> s) == 0;
}
template <class Word, class Shift>
constexpr Word pfn_run_first(Word pfn, Word f, Shift s) {
  return (pfn << s) | f;
}
template <class Shift>
constexpr auto pfn_run_step(Shift s) {
  return u64(1) << s;
}
template <class Word>
constexpr Word pfn_run_next(Word prev, Word step) {
  return prev + step;
}

// S17: hmm_pte_need_fault (hmm.c:98-128), as the walker computes it from the range's fields.
template <class Word>
constexpr NeedOf<Word> pte_need(Word req, Word cpu, Word V, Word W, Word mask, Word def) {
  const Word t = (req & mask) | def;
  return ite((t & V) == 0, 0u,
             ite((t & W) != 0 && (cpu & W) == 0, HMM_NEED_FAULT | HMM_NEED_WRITE_FAULT,
                 ite((cpu & V) == 0, HMM_NEED_FAULT, 0u)));
}

// S18: hmm_vma_handle_pte (hmm.c:236-317) for one PTE of a run, without a branch: the output
// it writes unless it stops; whether it stops (a fault, a migration wait or -EFAULT, which the
// walker then takes exactly, one PTE at a time); and whether it is a device-private entry,
// which the walker resolves after the run by its owner (hmm.c:262-275; NONE until then). It
// takes S1 and S8 from their functions, and computes S6 and S7 in forms that share terms with
// the rest (S7 for protnone words too, whose pfn is inverted); P7 proves the whole of it.
template <class Word, class Shift>
struct PteDecoder {
  Word pm;             // PTE_PFN_MASK
  unsigned page_shift; // PAGE_SHIFT
  Word zero_pfn, V, W, none, special;
  Word disjoint; // disjoint_bit(V, W)
  Shift s;       // pfn_shift
};
template <class Word>
struct PteDecoded {
  Word out, stop, dev;
};
template <class Word, class Shift>
constexpr PteDecoded<Word> decode_pte(const PteDecoder<Word, Shift>& k, Word w, Word t) {
  const Word tv = bit_of((t & k.V) != 0), tw = bit_of((t & k.W) != 0);
  const Word p = w & PRESENT, pn = (w >> 8) & 1u, rw = (w >> 1) & 1u, sp = (w >> 9) & 1u;
  const Word mapped = p | pn; // pte_present (S13: protnone counts)
  const Word swapish = bit_of((w & ~KNL_ERRATUM_MASK) != 0) & (mapped ^ 1u);
  const Word dev = swapish & bit_of((w >> 60) == 0xfu);       // swap type 30 or 31 (S15)
  const Word pfn = pte_pfn(w, k.pm, k.page_shift);            // S8
  const Word spnz = sp & bit_of(pfn != k.zero_pfn);           // special, not the zero page (S7)
  const Word need_present = tv & tw & (rw ^ 1u) & k.disjoint; // S6
  const Word stop = tv & ((p ^ 1u) | need_present | spnz) & (dev ^ 1u);
  const Word cpu = pte_cpu_flags(w, k.V, k.W); // S1
  const Word msp = u64(0) - spnz, mm = u64(0) - mapped;
  const Word mapout = (k.special & msp) | ((((pfn << k.s) | k.V) | cpu) & ~msp);
  return {(mapout & mm) | (k.none & ~mm), stop, dev};
}

// S19: whether a PTE stops a run of plain PTEs: P clear, or RW against the uniform needs
// (plain_stop_bits), a special page other than the zero page (S7), or, with per-page requests,
// a request that needs a fault (S6). Non-zero when it stops.
template <class Word, class Shift>
struct PlainRunConsts {
  Word pm, zb, V, W, mask, def;
  Word disjoint;  // disjoint_bit(V, W)
  Word bad_clear; // plain_bad_clear(need of a read-only page); PRESENT with per-page requests
  Word bad_set;   // plain_bad_set(need of a writable page); 0 with per-page requests
  Shift up, down; // output_shift_up/down(pfn_shift, PAGE_SHIFT) for S9
};
template <class Need>
constexpr auto plain_bad_clear(Need need_read_only) {
  return PRESENT | ite(need_read_only != 0u, RW, u64(0));
}
template <class Need>
constexpr auto plain_bad_set(Need need_writable) {
  return ite(need_writable != 0u, RW, u64(0));
}
template <class Word>
constexpr Word plain_stop_bits(Word w, Word bad_clear, Word bad_set) {
  return (~w & bad_clear) | (w & bad_set);
}
template <bool PerPage, class Word, class Shift>
constexpr Word plain_pte_stops(const PlainRunConsts<Word, Shift>& c, Word w, Word req) {
  Word bad = plain_stop_bits(w, c.bad_clear, c.bad_set) | special_not_zero_page(w, c.pm, c.zb);
  if constexpr (PerPage)
    bad |= present_needs_fault(w, effective_request(req, c.mask, c.def), c.V, c.W, c.disjoint);
  return bad;
}

} // namespace hmmspec::shortcut
