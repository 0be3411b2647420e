// SPDX-License-Identifier: GPL-2.0-or-later
// The model's request arithmetic (model/range.h) instantiated with Z3 bit-vectors: the very
// templates the reference runs on u64, over the fields of a SymRange. P0 proves them equal to
// the hand encoding of the seed (hmm_encoding.h), P1-P4 prove them sound.
#pragma once

#include <vector>

#include "proofs/hmm_encoding.h"
#include "proofs/sym_word.h"

namespace hmmspec::proofs {

// An HmmRange's fields as SymWords, for model/range.h's templates.
struct SymHmmRange {
  std::array<SymWord, 2> flags;  // [VALID], [WRITE]
  std::array<SymWord, 3> values; // [ERROR], [NONE], [SPECIAL]
  SymWord default_flags, pfn_flags_mask, pfn_shift;
};
SymHmmRange sym_hmm_range(const SymRange& r);

// model/range.h pte_need_fault, range_need_fault (unrolled for requests.size() pages),
// cpu_flags_for and device_entry_from_pfn. NEED_* answers are 32-bit. For a 6.x family the
// range is read through hmm6::range_as_read and cpu_flags_for is hmm6::pte_cpu_flags
// (model/range_v6.h), as the reference does.
expr model_pte_need_fault(const SymRange& r, const expr& request, const expr& cpu_flags);
expr model_range_need_fault(const SymRange& r, const std::vector<expr>& requests,
                            const expr& cpu_flags);
expr model_cpu_flags_for(const SymRange& r, const expr& accessible, const expr& writable);
expr model_device_entry_from_pfn(const SymRange& r, const expr& pfn);

// The state of model/range.h's hmm_range_need_fault loop (RangeNeedLoop) as terms, before the
// first page (range_need_start) and after one more (range_need_step).
struct ModelLoop {
  expr required; // 32-bit
  expr returned; // Boolean
};
ModelLoop model_range_need_start(const SymRange& r);
ModelLoop model_range_need_step(const SymRange& r, const ModelLoop& s, const expr& request,
                                const expr& cpu_flags);

} // namespace hmmspec::proofs
