// SPDX-License-Identifier: GPL-2.0-or-later
// The walker: an optimized hmm_range_fault with exactly the observable outcome of the seed
// (Linux v5.7 mm/hmm.c over v5.7 mm/pagewalk.c). It shares no walking code with the reference
// or the kernel shim; it changes the world only through the services of model/fault.h, so
// faults, waits and allocations match the other parties.
//
// How it is fast, and what stays exact, is described in docs/performance.md; the bit-level
// shortcuts it takes are listed in impl/shortcuts.h.
#pragma once

#include "model/outcome.h"

namespace hmmspec {

// Runs hmm_range_fault on a copy of w with the range r (pfns[] holding the requests) and
// returns the whole outcome. After o.restart_budget walk attempts that all ended in -EBUSY,
// the outcome is a livelock with ret -EBUSY.
Outcome walker_hmm_range_fault(const World& w, const HmmRange& r, const RunOptions& o);

} // namespace hmmspec
