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

// hmm_pfn_to_page's pfn (hmm.h:55-58): the word without its flag bits.
constexpr u64 pfn_of(u64 word) {
  return word & ~FLAGS;
}
constexpr unsigned order_of(u64 word) { // hmm_pfn_to_map_order
  return unsigned((word >> ORDER_SHIFT) & ORDER_MASK);
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
