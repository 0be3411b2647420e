// SPDX-License-Identifier: GPL-2.0-or-later
// What the seed says: the pure request and output arithmetic of v5.7 hmm.c, encoded by hand,
// bit-precise over 64-bit bitvectors: hmm_pte_need_fault (hmm.c:98-128), hmm_range_need_fault
// with its short-circuit and early exit (hmm.c:130-155), the CPU-flag derivations for PTE,
// PMD and PUD words (hmm.c:227-234, 181-188, 401-408) over the kernel predicates of
// x86_kernel.h, the output encoding hmm_device_entry_from_pfn (hmm.c:46-50), the header's
// decoder test (hmm_device_entry_to_page, hmm.h:106-118), and hmm_vma_handle_pte's outcome
// for one PTE (hmm.c:236-317). The model's own code (model/range.h) is proved equal to these
// (P0), the walker's shortcuts (impl/shortcuts.h) too (P7); the hand encoding of
// hmm_pte_need_fault is checked against the compiled seed on every combination of the bits it
// reads (tests/kernel/seed_need_fault_test.cpp).
#pragma once

#include <vector>

#include "proofs/check.h"
#include "proofs/driver_encoding.h"

namespace hmmspec::proofs {

// The fields of struct hmm_range the arithmetic reads: free variables (V, W, E, N, S, D, M,
// shift) for the symbolic encoding, numerals for a fixed one. `shift` is 64 bits wide and
// below 64 (hmm.c:49 shifts a 64-bit pfn by it; 64 or more is undefined behaviour in C).
struct SymRange {
  expr V, W, E, N, S, D, M, shift;
  expr pfn_bits; // widest pfn an output carries (a variable 1..64 when symbolic)
  bool symbolic;
  // A 6.x family (v6_encoding): V, W, E, N, S and shift are the fixed bits of 6.1
  // include/linux/hmm.h:34-46 (restated here, not taken from model/), D and M are free, and the
  // model's side is read through hmm6::range_as_read. The hand encoding of hmm_pte_need_fault
  // below with these numerals is 6.1 mm/hmm.c:86-118 (v5.7's hmm.c:98-128 with flags[VALID] =
  // HMM_PFN_REQ_FAULT, flags[WRITE] = HMM_PFN_REQ_WRITE), and of hmm_range_need_fault 6.1
  // mm/hmm.c:120-145; 6.12 has the same lines.
  KernelVersion kernel = KernelVersion::V5_7;
};
SymRange sym_range(context& c, const Encoding& enc);
// Domain facts of the symbolic fields (shift < 64, 1 <= pfn_bits <= 64); none when fixed.
void add_range_domain(Check& chk, const SymRange& r);
// Adds the fields as counterexample variables (named V, W, ERROR, NONE, SPECIAL, default_flags,
// pfn_flags_mask, pfn_shift, pfn_bits; and api_v6 = 1 for a 6.x family).
void add_range_vars(Check& chk, const SymRange& r);
// A precondition on the encoding's fields (V and W disjoint, flags below pfn_shift, ...):
// assumed for the symbolic encoding, where the run finds which ones each claim needs; left
// out for a fixed encoding, whose constants must then make the claim hold by themselves.
void encoding_pre(Check& chk, const SymRange& r, std::string name, const expr& e);
// The HmmRange of a counterexample (replay side); fields absent from `a` keep defaults. For a
// 6.x family (api_v6 set) the range as the reference reads it (hmm6::range_as_read).
HmmRange range_of(const Assignment& a);

// The NEED_* answers are 32-bit (`unsigned int` in hmm.c).
expr need_none(context& c);
expr need_all(context& c);

// hmm_pte_need_fault (hmm.c:98-128).
expr pte_need_fault(const SymRange& r, const expr& request, const expr& cpu_flags);
// The short-circuit condition of hmm.c:144-146: neither defaults nor mask can carry VALID.
expr short_circuit(const SymRange& r);
// The state of hmm_range_need_fault's loop (hmm.c:136, 148-152) after the short-circuit:
// required_fault so far (32-bit), and whether the loop has returned at ALL.
struct SeedLoop {
  expr required, returned;
};
SeedLoop range_need_loop_start(context& c);
// One more page of the loop: OR in its need, return at ALL (hmm.c:149-152).
SeedLoop range_need_loop_step(const SymRange& r, const SeedLoop& s, const expr& request,
                              const expr& cpu_flags);
// hmm_range_need_fault (hmm.c:130-155), unrolled for requests.size() pages: 0 under the
// short-circuit, else the loop's required_fault.
expr range_need_fault(const SymRange& r, const std::vector<expr>& requests, const expr& cpu_flags);
// The plain OR of hmm_pte_need_fault over the pages (no short-circuit, no early exit).
expr full_or_need_fault(const SymRange& r, const std::vector<expr>& requests,
                        const expr& cpu_flags);

// The CPU flags in the driver's encoding for a CPU entry that is accessible / writable:
// 0, V or V|W (model/range.h cpu_flags_for).
expr cpu_flags_for(const SymRange& r, const expr& accessible, const expr& writable);
// pte_to_hmm_pfn_flags (hmm.c:227-234), pmd_to_hmm_pfn_flags (hmm.c:181-188),
// pud_to_hmm_pfn_flags (hmm.c:401-408) of a raw x86 word.
expr pte_cpu_flags(const SymRange& r, const expr& word);
expr pmd_cpu_flags(const SymRange& r, const expr& word);
expr pud_cpu_flags(const SymRange& r, const expr& word);

// hmm_device_entry_from_pfn (hmm.c:46-50), ORed with the CPU flags as every caller does.
expr device_entry_from_pfn(const SymRange& r, const expr& pfn);
// hmm_device_entry_to_page's test (hmm.h:106-118): not a sentinel and VALID set.
expr output_has_page(const SymRange& r, const expr& out);
// The pfn it decodes: out >> pfn_shift.
expr output_pfn(const SymRange& r, const expr& out);

// A request "asks for" read when it carries a VALID bit, for write when it also carries a
// WRITE bit (hmm.c:113-122, docs/spec.md R-REQUEST): the effective request is (p & mask) |
// default_flags.
expr effective_request(const SymRange& r, const expr& p);
expr asks_read(const SymRange& r, const expr& p);
expr asks_write(const SymRange& r, const expr& p);

// hmm_vma_handle_pte (hmm.c:236-317) on one PTE word `w` with request `req`, as far as one PTE
// of a run is concerned: whether it is a device-private entry (its owner then decides,
// hmm.c:262-269; `stops` and `out` are those for another owner's), whether the seed stops
// there (a fault, a migration wait or -EFAULT), and the output it writes when it does not.
struct SeedPte {
  expr device, stops, out;
};
SeedPte handle_pte(const SymRange& r, const expr& w, const expr& req, const expr& zero_pfn);
// hmm.c:310: the output of a present PTE, hmm_device_entry_from_pfn(pte_pfn) | cpu_flags.
expr present_pte_output(const SymRange& r, const expr& w);

// A 64-bit "x has any bit of mask" test.
expr any(const expr& x, const expr& mask);

} // namespace hmmspec::proofs
