// SPDX-License-Identifier: GPL-2.0-or-later
// TRUSTED: part of the specification. The v5.7 struct hmm_range (include/linux/hmm.h:83-95)
// and the pure request/output arithmetic of hmm.c that every party shares:
// hmm_device_entry_from_pfn (hmm.c:46-50), hmm_pte_need_fault (hmm.c:98-128),
// hmm_range_need_fault (hmm.c:130-155) and the CPU-flag derivations (hmm.c:181-188, 227-234,
// 401-408). These are stated once here, as templates over the word type (model/word_ops.h):
// the reference runs them on u64, and the proofs (proofs/, docs/proofs.md P0-P4) prove the
// same templates, instantiated with Z3 bit-vectors, equal to the seed and sound. A `Range`
// is an HmmRange or anything with its fields flags[], default_flags, pfn_flags_mask and
// pfn_shift.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "model/word_ops.h"
#include "model/x86_bits.h"

namespace hmmspec {

enum HmmPfnFlag : unsigned { HMM_PFN_VALID = 0, HMM_PFN_WRITE = 1 }; // hmm.h:35-39
enum HmmPfnValue : unsigned {
  HMM_PFN_ERROR = 0,
  HMM_PFN_NONE = 1,
  HMM_PFN_SPECIAL = 2
}; // hmm.h:61-66
enum : unsigned {
  HMM_NEED_FAULT = 1,
  HMM_NEED_WRITE_FAULT = 2,
  HMM_NEED_ALL_BITS = 3
}; // hmm.c:34-38

struct HmmRange {
  // field 1, `notifier`, is the world's notifier; its `mm` is the world.
  u64 notifier_seq = 0;           // 2: from mmu_interval_read_begin
  u64 start = 0;                  // 3: first address, inclusive
  u64 end = 0;                    // 4: exclusive
  std::vector<u64> pfns;          // 5: requests in, outputs out; (end-start)>>PAGE_SHIFT entries
  std::array<u64, 2> flags{1, 2}; // 6: [VALID], [WRITE] bit patterns
  std::array<u64, 3> values{~1ull, 0, ~3ull}; // 7: [ERROR], [NONE], [SPECIAL] words
  u64 default_flags = 0;                      // 8: ORed into every request
  u64 pfn_flags_mask = ~0ull;                 // 9: applied to every input entry before the OR
  std::uint8_t pfn_shift = 12;                // 10: left shift of the pfn in outputs
  u64 dev_private_owner = 0; // 11: owner whose device-private pages are reported (0: NULL)

  bool operator==(const HmmRange&) const = default;
};

// hmm_device_entry_from_pfn (hmm.c:46-50): VALID is ORed in unconditionally.
template <class Range, class Word>
constexpr Word device_entry_from_pfn(const Range& r, Word pfn) {
  return (pfn << r.pfn_shift) | r.flags[HMM_PFN_VALID];
}

// hmm_pte_need_fault (hmm.c:98-128): what one page's request needs, given CPU flags in the
// driver's encoding (0, V or V|W).
template <class Range, class Word>
constexpr NeedOf<Word> pte_need_fault(const Range& r, Word request, Word cpu_flags) {
  const Word V = r.flags[HMM_PFN_VALID], W = r.flags[HMM_PFN_WRITE];
  request = (request & r.pfn_flags_mask) | r.default_flags;             // hmm.c:113
  const auto asks_nothing = (request & V) == 0;                         // hmm.c:116-117
  const auto not_writable = (request & W) != 0 && (cpu_flags & W) == 0; // hmm.c:120-122
  const auto not_valid = (cpu_flags & V) == 0;                          // hmm.c:125-126
  return ite(asks_nothing, 0u,                                          // no fault
             ite(not_writable, HMM_NEED_FAULT | HMM_NEED_WRITE_FAULT,   // a write fault
                 ite(not_valid, HMM_NEED_FAULT, 0u)));                  // a read fault, or none
}

// The state of hmm_range_need_fault's loop (hmm.c:136, 148-152): the faults required so far,
// and whether the function has returned (before the loop, or at ALL).
template <class Word>
struct RangeNeedLoop {
  NeedOf<Word> required;
  BoolOf<Word> returned;
};

// Before the loop (hmm.c:136, 144-146): nothing required, and already returned when neither
// the defaults nor the mask can carry VALID.
template <class Word, class Range>
constexpr RangeNeedLoop<Word> range_need_start(const Range& r) {
  return {0u, ((r.default_flags | r.pfn_flags_mask) & r.flags[HMM_PFN_VALID]) == 0};
}

// One page of that loop (hmm.c:148-152): OR in the page's need, return at ALL. Once the
// function has returned, pages change nothing.
template <class Range, class Word>
constexpr RangeNeedLoop<Word> range_need_step(const Range& r, const RangeNeedLoop<Word>& s,
                                              Word request, Word cpu_flags) {
  const NeedOf<Word> required = s.required | pte_need_fault(r, request, cpu_flags);
  return {ite(s.returned, s.required, required), s.returned || required == HMM_NEED_ALL_BITS};
}

// hmm_range_need_fault (hmm.c:130-155): the OR over a run of requests with one cpu_flags,
// short-circuited when neither defaults nor mask can carry VALID (hmm.c:144-146), stopping
// early at ALL (hmm.c:151-152).
template <class Range, class Word>
constexpr NeedOf<Word> range_need_fault(const Range& r, std::span<const Word> requests,
                                        Word cpu_flags) {
  RangeNeedLoop<Word> s = range_need_start<Word>(r);
  for (const Word& request : requests) {
    if (known_true(s.returned)) break; // the rest cannot change the answer
    s = range_need_step(r, s, request, cpu_flags);
  }
  return s.required;
}

// The CPU flags of a mapping in the driver's encoding: 0 when inaccessible, else V, plus W
// when writable (pte_to_hmm_pfn_flags, pmd_to_hmm_pfn_flags, pud_to_hmm_pfn_flags).
template <class Range, class Bool>
constexpr auto cpu_flags_for(const Range& r, Bool accessible, Bool writable) {
  const auto V = r.flags[HMM_PFN_VALID], W = r.flags[HMM_PFN_WRITE];
  return ite(!accessible, u64(0), ite(writable, V | W, V));
}

// The templates above on the parties' words.
inline u64 device_entry_from_pfn(const HmmRange& r, u64 pfn) {
  return device_entry_from_pfn<HmmRange, u64>(r, pfn);
}
inline unsigned pte_need_fault(const HmmRange& r, u64 request, u64 cpu_flags) {
  return pte_need_fault<HmmRange, u64>(r, request, cpu_flags);
}
inline unsigned range_need_fault(const HmmRange& r, std::span<const u64> requests, u64 cpu_flags) {
  return range_need_fault<HmmRange, u64>(r, requests, cpu_flags);
}
inline u64 cpu_flags_for(const HmmRange& r, bool accessible, bool writable) {
  return cpu_flags_for<HmmRange, bool>(r, accessible, writable);
}

// hmm_device_entry_to_page's test (hmm.h:106-118): whether an output word decodes to a page,
// and the pfn it decodes to.
inline bool output_has_page(const HmmRange& r, u64 out) {
  if (out == r.values[HMM_PFN_NONE] || out == r.values[HMM_PFN_ERROR] ||
      out == r.values[HMM_PFN_SPECIAL])
    return false;
  return out & r.flags[HMM_PFN_VALID];
}
inline u64 output_pfn(const HmmRange& r, u64 out) {
  return out >> r.pfn_shift;
}

// Named driver encodings of v5.7 (nouveau_svm.c, amdgpu_ttm.c; docs/proofs.md): flags, values,
// pfn_shift, default flags and mask as the driver sets them. Returns false for an unknown name.
bool apply_driver_encoding(HmmRange& r, const std::string& driver);

// A request or output word decoded for humans: "V", "VW", "W", "-" (nothing requested), the
// sentinel's name ("NONE", "ERROR", "SPECIAL", "ERROR|SPECIAL"), or "pfn=0x.. V W".
std::string describe_request(const HmmRange& r, u64 word);
std::string describe_output(const HmmRange& r, u64 word);

} // namespace hmmspec
