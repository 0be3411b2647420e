// SPDX-License-Identifier: GPL-2.0-or-later
// The walker of the 6.x kernels: an optimized hmm_range_fault with exactly the observable
// outcome of the Debian 6.1 and 6.12 trees (6.1 mm/hmm.c over 6.1 mm/pagewalk.c, 6.12 mm/hmm.c
// over 6.12 mm/pagewalk.c), chosen by the world's version (World::geom.kernel). It shares no
// walking code with the reference, the kernel shim or the v5.7 walker (impl/walker.h); it
// changes the world only through the services of model/fault.h, and reports what the kernel
// prints (vm_normal_page's bad page maps, 6.12's zero-pfn warning and hugetlb VMA lock
// recursion) as the reference states it. docs/performance.md says how it is fast.
#pragma once

#include <span>
#include <vector>

#include "impl/walker_in_place.h"
#include "model/kernel_report.h"
#include "model/outcome.h"

namespace hmmspec {

// hmm_range_fault of 6.1 or 6.12 (the world's version, which must have the 6.x API) on a copy
// of w with the range r (hmm_pfns[] holding the requests); the whole outcome. After
// o.restart_budget walk attempts that all ended in -EBUSY, or when 6.12's walk would look at
// one PUD for ever, the outcome is a livelock with ret -EBUSY.
Outcome walker_v6_hmm_range_fault(const World& w, const HmmRange& r, const RunOptions& o);

// The same on the caller's world and hmm_pfns[] (at least walker_pfns_needed entries), with
// what the kernel prints appended to `reports`: the walk alone, as the benchmarks time it.
WalkerResult walker_v6_hmm_range_fault_in_place(World& w, const HmmRange& r, std::span<u64> pfns,
                                                const RunOptions& o,
                                                std::vector<KernelReport>& reports);

} // namespace hmmspec
