// SPDX-License-Identifier: GPL-2.0-or-later
// TRUSTED: the specification itself. The reference hmm_range_fault: a deliberately naive,
// page-by-page reading of Linux v5.7 mm/hmm.c (the seed) over the simulated world. Every
// decision is a named rule (model/rules.h, docs/spec.md) and can be traced (model/trace.h).
//
// It shares no walking code with impl/ or kernel/: every page is looked up afresh from the
// root through the raw words (model/ref_lookup.h), and everything that is not per page
// (chunks, fault spans, `last`, restarts) is stated as a rule of its own (model/ref_walk.h).
//
// Preconditions: range.start and range.end are page aligned and range.pfns holds
// (end - start) >> PAGE_SHIFT requests (the scenario format guarantees both); pages past the
// end of a shorter pfns[] read as zero requests and their outputs are dropped.
#pragma once

#include "model/outcome.h"
#include "model/range.h"
#include "model/trace.h"
#include "model/world.h"

namespace hmmspec {

// hmm_range_fault(range) (hmm.c:575-598) on a copy of `w`: the whole outcome. When `trace` is
// given it is reset and filled with the rules that fired. The seed's unbounded restart loop
// is bounded by o.restart_budget walk attempts: when another attempt would be needed the
// outcome is a livelock (livelock = true, ret = -EBUSY), never a hang (R-LIVELOCK).
Outcome reference_hmm_range_fault(const World& w, const HmmRange& r, const RunOptions& o,
                                  Trace* trace = nullptr);

} // namespace hmmspec
