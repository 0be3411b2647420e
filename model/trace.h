// SPDX-License-Identifier: GPL-2.0-or-later
// The explain trace of the reference: for every page of the range, the ordered rules (R-...)
// that fired for it in every walk attempt; for every walk attempt, where it started, what it
// did to the world (clears, splits, faults, waits) and how it ended; and the rules of the
// call as a whole. `hmmspec explain` prints it (harness/explain.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/kernel_version.h"
#include "model/outcome.h"
#include "model/rules.h"

namespace hmmspec {

// One rule firing for a page, in walk attempt `walk` (1-based).
struct RuleHit {
  unsigned walk = 0;
  RuleId rule = RuleId::Count;
  bool operator==(const RuleHit&) const = default;
};

// One walk attempt (one walk_page_range call from `from`).
struct WalkTrace {
  unsigned number = 0;             // 1-based
  u64 from = 0;                    // `last` when it started
  long result = 0;                 // what walk_page_range returned
  u64 last_after = 0;              // `last` when it ended
  std::vector<std::string> events; // changes to the world and the log, in order
};

struct Trace {
  u64 start = 0; // range start
  unsigned page_shift = 12;
  KernelVersion kernel = KernelVersion::V5_7; // the version whose rules fired
  std::vector<std::vector<RuleHit>> pages;    // per page of the range
  std::vector<unsigned> written; // per page: the walk that last wrote its output (0: none)
  std::vector<WalkTrace> walks;
  std::vector<RuleHit> call; // rules of the call: notifier checks, restarts, the return

  // Starts a trace of a call under kernel version `k` for a range of `npages` pages.
  void reset(u64 range_start, unsigned shift, std::size_t npages,
             KernelVersion k = KernelVersion::V5_7);
  // Records that `rule` fired for the page at `addr` in walk `walk` (ignored outside the range).
  void page(u64 addr, unsigned walk, RuleId rule);
  // Records that walk `walk` wrote the output of the page at `addr`.
  void wrote(u64 addr, unsigned walk);
  // Whether `rule` fired anywhere (any page, or the call).
  bool fired(RuleId rule) const;
  // The pages (indexes) for which `rule` fired.
  std::vector<std::size_t> pages_with(RuleId rule) const;
};

} // namespace hmmspec
