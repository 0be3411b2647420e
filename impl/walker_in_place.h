// SPDX-License-Identifier: GPL-2.0-or-later
// The walker on the caller's own world and pfns[] array, as the kernel's hmm_range_fault works
// on the caller's mm and range->pfns: nothing is copied. walker_hmm_range_fault (walker.h) is
// this plus the copies an Outcome needs; the benchmarks time this to measure the walk alone.
#pragma once

#include <span>

#include "model/outcome.h"

namespace hmmspec {

struct WalkerResult {
  long ret = 0;          // the return value (-EBUSY when livelock)
  unsigned walks = 0;    // walk attempts made
  bool livelock = false; // the restart budget ran out
};

// Entries a pfns[] array needs for r: (end - start) >> PAGE_SHIFT, plus one when start or end
// is not page aligned (the seed then writes one entry past that count).
std::size_t walker_pfns_needed(const Geometry& g, const HmmRange& r);

// hmm_range_fault with the range r (its pfns member is ignored) over pfns, which holds the
// requests on entry and the outputs on return; w is changed as the seed changes the mm.
// pfns must have at least walker_pfns_needed(w.geom, r) entries.
WalkerResult walker_hmm_range_fault_in_place(World& w, const HmmRange& r, std::span<u64> pfns,
                                             const RunOptions& o);

} // namespace hmmspec
