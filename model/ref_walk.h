// SPDX-License-Identifier: GPL-2.0-or-later
// TRUSTED: part of the specification. One walk attempt of the reference: what
// walk_page_range(mm, last, range->end, &hmm_walk_ops, ...) does at hmm.c:591 (6.1
// mm/hmm.c:588, 6.12 mm/hmm.c:598), stated page by page for the kernel version of the world.
// Each page is looked up afresh (ref_lookup.h); the decision for a walker chunk is taken at the
// chunk's first page and applies to every page of the chunk (R-CHUNK).
#pragma once

#include <vector>

#include "model/kernel_report.h"
#include "model/range.h"
#include "model/trace.h"
#include "model/world.h"

namespace hmmspec {

// The state of one hmm_range_fault call that a walk attempt reads and changes
// (struct hmm_vma_walk, hmm.c:29-32, plus the world and the pfns array).
struct RefCall {
  World& world;
  // The parameters, as the request arithmetic reads them (in 6.x: flags[] are the fixed
  // HMM_PFN_* bits, reference.cpp); its pfns are the caller's original requests.
  const HmmRange& range;
  std::vector<u64>& pfns;             // the live array: requests at and above `last`, outputs below
  std::vector<KernelReport>& reports; // what the call's own kernel code printed (6.x)
  u64 last = 0;                       // hmm_vma_walk.last
  unsigned walk = 0;                  // the current walk attempt, 1-based
  Trace* trace = nullptr;             // where rule hits go, if anywhere
  bool livelock = false;              // the walk can never end (R-PUD-AGAIN-LIVELOCK, 6.12)
  unsigned bad_ptes = 0;              // print_bad_pte reports so far (the kernel stops at 60)
  bool zero_warned = false;           // the VM_WARN_ON_ONCE of 6.12 vm_normal_page fired
};

// One walk attempt from c.last to the range end. Returns what walk_page_range returns:
// 0, -EBUSY (restart), -EFAULT, -EPERM or -EINVAL; -EBUSY with c.livelock set when the walk
// would never end.
long reference_walk(RefCall& c);

} // namespace hmmspec
