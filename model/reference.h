// SPDX-License-Identifier: GPL-2.0-or-later
// TRUSTED: the specification itself. The reference hmm_range_fault: a deliberately naive,
// page-by-page reading of mm/hmm.c over the simulated world, for each kernel version the
// world follows (World::geom.kernel): Linux v5.7 (the seed) and the Debian 6.1 and 6.12 trees.
// Every decision is a named rule (model/rules.h, docs/spec.md) that holds in the versions the
// registry lists, and can be traced (model/trace.h).
//
// It shares no walking code with impl/ or kernel/: every page is looked up afresh from the
// root through the raw words (model/ref_lookup.h), and everything that is not per page
// (chunks, fault spans, `last`, restarts) is stated as a rule of its own (model/ref_walk.h).
//
// Preconditions: range.start and range.end are page aligned and range.pfns holds
// (end - start) >> PAGE_SHIFT requests (the scenario format guarantees both); pages past the
// end of a shorter pfns[] read as zero requests and their outputs are dropped. In a 6.x world
// the range follows the fixed-bit API (model/range_v6.h): its flags, values and pfn_shift are
// not read.
#pragma once

#include "model/outcome.h"
#include "model/range.h"
#include "model/trace.h"
#include "model/world.h"

namespace hmmspec {

// hmm_range_fault(range) (hmm.c:575-598; 6.1 mm/hmm.c:572-598; 6.12 mm/hmm.c:582-608) on a
// copy of `w`: the whole outcome. When `trace` is given it is reset and filled with the rules
// that fired. The kernel's unbounded loops are bounded by o.restart_budget: walk attempts, and
// in 6.12 the looks at one PUD that walk_pmd_range keeps asking for again (R-PUD-AGAIN-LIVELOCK).
// When the budget runs out the outcome is a livelock (livelock = true, ret = -EBUSY), never a
// hang (R-LIVELOCK). What the reference's own kernel code prints (vm_normal_page's bad page
// maps and warnings, 6.x) is in the outcome's reports.
Outcome reference_hmm_range_fault(const World& w, const HmmRange& r, const RunOptions& o,
                                  Trace* trace = nullptr);

} // namespace hmmspec
