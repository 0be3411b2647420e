// SPDX-License-Identifier: GPL-2.0-or-later
// TRUSTED: part of the specification. The v5.7 struct hmm_range (include/linux/hmm.h:83-95;
// kernel-context.md §2.2) and the pure request/output arithmetic of hmm.c that every party
// shares: hmm_device_entry_from_pfn (hmm.c:46-50), hmm_pte_need_fault (hmm.c:98-128),
// hmm_range_need_fault (hmm.c:130-155) and the CPU-flag derivations (hmm.c:181-188, 227-234,
// 401-408). These are stated once here so the proofs (proofs/) replay them.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

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
inline u64 device_entry_from_pfn(const HmmRange& r, u64 pfn) {
  return (pfn << r.pfn_shift) | r.flags[HMM_PFN_VALID];
}

// hmm_pte_need_fault (hmm.c:98-128): what one page's request needs, given CPU flags in the
// driver's encoding (0, V or V|W).
inline unsigned pte_need_fault(const HmmRange& r, u64 request, u64 cpu_flags) {
  request = (request & r.pfn_flags_mask) | r.default_flags;
  if (!(request & r.flags[HMM_PFN_VALID])) return 0;
  if ((request & r.flags[HMM_PFN_WRITE]) && !(cpu_flags & r.flags[HMM_PFN_WRITE]))
    return HMM_NEED_FAULT | HMM_NEED_WRITE_FAULT;
  if (!(cpu_flags & r.flags[HMM_PFN_VALID])) return HMM_NEED_FAULT;
  return 0;
}

// hmm_range_need_fault (hmm.c:130-155): the OR over a run of requests with one cpu_flags,
// short-circuited when neither defaults nor mask can carry VALID, stopping early at ALL.
inline unsigned range_need_fault(const HmmRange& r, std::span<const u64> requests, u64 cpu_flags) {
  if (!((r.default_flags | r.pfn_flags_mask) & r.flags[HMM_PFN_VALID])) return 0;
  unsigned need = 0;
  for (u64 req : requests) {
    need |= pte_need_fault(r, req, cpu_flags);
    if (need == HMM_NEED_ALL_BITS) return need;
  }
  return need;
}

// The CPU flags of a mapping in the driver's encoding: 0 when inaccessible, else V, plus W
// when writable (pte_to_hmm_pfn_flags, pmd_to_hmm_pfn_flags, pud_to_hmm_pfn_flags).
inline u64 cpu_flags_for(const HmmRange& r, bool accessible, bool writable) {
  if (!accessible) return 0;
  return writable ? (r.flags[HMM_PFN_VALID] | r.flags[HMM_PFN_WRITE]) : r.flags[HMM_PFN_VALID];
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

// Named driver encodings of v5.7 (kernel-context.md §8): flags, values, pfn_shift, default
// flags and mask as the driver sets them. Returns false for an unknown name.
bool apply_driver_encoding(HmmRange& r, const std::string& driver);

// A request or output word decoded for humans: "V", "VW", "W", "-" (nothing requested), the
// sentinel's name ("NONE", "ERROR", "SPECIAL", "ERROR|SPECIAL"), or "pfn=0x.. V W".
std::string describe_request(const HmmRange& r, u64 word);
std::string describe_output(const HmmRange& r, u64 word);

} // namespace hmmspec
