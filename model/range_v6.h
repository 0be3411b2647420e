// SPDX-License-Identifier: GPL-2.0-or-later
// TRUSTED: part of the specification. The hmm_range_fault API of the 6.x kernels: fixed bits in
// one hmm_pfns[] word per page (enum hmm_pfn_flags, 6.1 include/linux/hmm.h:34-46, identical in
// 6.12) instead of v5.7's driver-chosen flags[], values[] and pfn_shift (model/range.h). The
// model keeps one HmmRange for both: in a 6.x range `pfns` holds hmm_pfns[] and the fields
// flags, values and pfn_shift are not used. Here: the bits, the request and output words by
// meaning, and describe_request/describe_output dispatched by version.
#pragma once

#include <string>

#include "model/kernel_version.h"
#include "model/range.h"

namespace hmmspec {

namespace hmm6 {
inline constexpr u64 VALID = 1ull << 63;             // HMM_PFN_VALID (output)
inline constexpr u64 WRITE = 1ull << 62;             // HMM_PFN_WRITE (output)
inline constexpr u64 ERROR = 1ull << 61;             // HMM_PFN_ERROR (output)
inline constexpr unsigned ORDER_SHIFT = 56;          // HMM_PFN_ORDER_SHIFT: map order in 56-60
inline constexpr u64 ORDER_MASK = 0x1F;              // hmm_pfn_to_map_order (hmm.h:74-77)
inline constexpr u64 REQ_FAULT = VALID;              // HMM_PFN_REQ_FAULT (input)
inline constexpr u64 REQ_WRITE = WRITE;              // HMM_PFN_REQ_WRITE (input)
inline constexpr u64 FLAGS = 0xFFull << ORDER_SHIFT; // HMM_PFN_FLAGS: every bit but the pfn

// hmm_pfn_to_page's pfn (6.1 include/linux/hmm.h:55-58): the word without its flag bits.
template <class Word>
constexpr Word pfn_of(Word word) {
  return word & ~FLAGS;
}
// hmm_pfn_to_map_order (6.1 include/linux/hmm.h:74-77), as a word.
template <class Word>
constexpr Word order_bits(Word word) {
  return (word >> ORDER_SHIFT) & ORDER_MASK;
}
constexpr unsigned order_of(u64 word) { // hmm_pfn_to_map_order
  return unsigned(order_bits(word));
}

// The request arithmetic of 6.x is v5.7's (model/range.h) read with fixed bits: 6.1
// mm/hmm.c:86-145 is hmm.c:98-155 with flags[VALID] = HMM_PFN_REQ_FAULT, flags[WRITE] =
// HMM_PFN_REQ_WRITE, CPU flags HMM_PFN_VALID (= REQ_FAULT) and HMM_PFN_WRITE (= REQ_WRITE).
// NONE is 0 and ERROR is HMM_PFN_ERROR; 6.x has no SPECIAL output (never written) and no
// pfn_shift. The range as the reference reads it, for model/range.h's templates; a `Range`
// is an HmmRange or anything with its fields (proofs/ instantiates it with Z3 words).
template <class Range>
constexpr Range range_as_read(Range r) {
  r.flags = {VALID, WRITE};
  r.values = {ERROR, 0u, ERROR};
  r.pfn_shift = 0u;
  return r;
}

// The CPU-flag derivations of 6.x, over what the entry is (accessible, writable) as the
// reference reads it, and templates over the word type (model/word_ops.h) so that proofs/
// proves them (docs/proofs.md, the 6.x obligations).
// hmm_pfn_flags_order (6.1 mm/hmm.c:171-174): a map order in bits 56-60.
template <class Word>
constexpr Word pfn_flags_order(Word order) {
  return order << ORDER_SHIFT;
}
// pte_to_hmm_pfn_flags (6.1 mm/hmm.c:215-221): 0, VALID or VALID|WRITE, no order.
template <class Bool>
constexpr auto pte_cpu_flags(Bool accessible, Bool writable) {
  return ite(!accessible, u64(0), ite(writable, VALID | WRITE, VALID));
}
// pmd_to_hmm_pfn_flags (6.1 mm/hmm.c:177-185): 0 for a protnone PMD, else VALID [| WRITE] |
// the order.
template <class Bool, class Word>
constexpr Word pmd_cpu_flags(Bool protnone, Bool writable, Word order) {
  return ite(protnone, u64(0), ite(writable, VALID | WRITE, VALID) | pfn_flags_order(order));
}
// pud_to_hmm_pfn_flags (6.1 mm/hmm.c:400-408): 0 unless present, else VALID [| WRITE] | order.
template <class Bool, class Word>
constexpr Word pud_cpu_flags(Bool present, Bool writable, Word order) {
  return ite(!present, u64(0), ite(writable, VALID | WRITE, VALID) | pfn_flags_order(order));
}
// A hugetlb slot (6.1 mm/hmm.c:491-492): the PTE derivation | the huge page's order, which
// is there even when the slot is not accessible.
template <class Bool, class Word>
constexpr Word hugetlb_cpu_flags(Bool accessible, Bool writable, Word order) {
  return pte_cpu_flags(accessible, writable) | pfn_flags_order(order);
}
// A pfn output (6.1 mm/hmm.c:206, 311, 456, 502): the pfn ORed with the CPU flags; VALID
// comes only from them.
template <class Word>
constexpr Word pfn_output(Word pfn, Word cpu_flags) {
  return pfn | cpu_flags;
}
// The output of a device-private page of the caller's owner (6.1 mm/hmm.c:253-256):
// swp_offset_pfn | VALID [| WRITE].
template <class Bool, class Word>
constexpr Word device_private_output(Word pfn, Bool writable) {
  return pfn | ite(writable, VALID | WRITE, VALID);
}
} // namespace hmm6

// What a request word asks for, in any version: a fault (v5.7 flags[VALID], 6.x
// HMM_PFN_REQ_FAULT) and write access (flags[WRITE], HMM_PFN_REQ_WRITE).
struct RequestMeaning {
  bool fault = false;
  bool write = false;
  bool operator==(const RequestMeaning&) const = default;
};
RequestMeaning request_meaning(KernelVersion v, const HmmRange& r, u64 word);
// The request word of a meaning: the v5.7 range's flags[], or the 6.x REQ bits.
u64 request_word(KernelVersion v, const HmmRange& r, RequestMeaning m);

// describe_request/describe_output of model/range.h for a 6.x word: "V", "VW", "-" for a
// request; "NONE" (0), "ERROR", or "pfn=0x.. V W order=N" (and "other=0x.." for an ERROR bit
// mixed with others) for an output.
std::string describe_request_v6(u64 word);
std::string describe_output_v6(u64 word);
// The same, by the version whose API the range follows.
std::string describe_request(KernelVersion v, const HmmRange& r, u64 word);
std::string describe_output(KernelVersion v, const HmmRange& r, u64 word);

} // namespace hmmspec
