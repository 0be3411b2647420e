// SPDX-License-Identifier: GPL-2.0-or-later
// Guards the Z3 encodings against drift from the C++ they transcribe: evaluates them on
// concrete inputs (random, biased towards the flag bits and swap types that matter) and
// compares with model/range.h, model/entry.cpp classify and views.cpp model_view; and the
// templates of model/range.h and impl/shortcuts.h instantiated with Z3 words against the same
// templates on u64. Z3-free.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "model/range.h"

namespace hmmspec::proofs {

// Every disagreement found, one line each ("pte_need_fault: ..."); empty when none.
std::vector<std::string> transcription_mismatches(unsigned samples, std::uint64_t seed);

// The hand encoding of the seed's hmm_pte_need_fault and hmm_range_need_fault
// (hmm_encoding.h) evaluated on concrete inputs, so it can be checked against the compiled
// seed (tests/kernel/seed_need_fault_test.cpp). One Z3 context for all calls.
class SeedNeedEncoding {
public:
  SeedNeedEncoding();
  ~SeedNeedEncoding();
  unsigned pte_need_fault(const HmmRange& r, u64 request, u64 cpu_flags);
  unsigned range_need_fault(const HmmRange& r, std::span<const u64> requests, u64 cpu_flags);

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace hmmspec::proofs
