// SPDX-License-Identifier: GPL-2.0-or-later
// TRUSTED: part of the specification. One walk attempt of the reference: what
// walk_page_range(mm, last, range->end, &hmm_walk_ops, ...) does at hmm.c:591, stated page by
// page. Each page is looked up afresh (ref_lookup.h); the decision for a walker chunk is
// taken at the chunk's first page and applies to every page of the chunk (R-CHUNK).
#pragma once

#include <vector>

#include "model/range.h"
#include "model/trace.h"
#include "model/world.h"

namespace hmmspec {

// The state of one hmm_range_fault call that a walk attempt reads and changes
// (struct hmm_vma_walk, hmm.c:29-32, plus the world and the pfns array).
struct RefCall {
  World& world;
  const HmmRange& range;  // the parameters; its pfns are the caller's original requests
  std::vector<u64>& pfns; // the live array: requests at and above `last`, outputs below
  u64 last = 0;           // hmm_vma_walk.last
  unsigned walk = 0;      // the current walk attempt, 1-based
  Trace* trace = nullptr; // where rule hits go, if anywhere
};

// One walk attempt from c.last to the range end. Returns what walk_page_range returns:
// 0, -EBUSY (restart), -EFAULT, -EPERM or -EINVAL.
long reference_walk(RefCall& c);

} // namespace hmmspec
