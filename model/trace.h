// SPDX-License-Identifier: GPL-2.0-or-later
// The explain trace of the reference: for every page of the range, the ordered rules (R-...)
// that fired for it in every walk attempt; for every walk attempt, where it started, what it
// did to the world (clears, splits, faults, waits) and how it ended; and the rules of the
// call as a whole. `hmmspec explain` prints it (harness/explain.h).
//
// The trace costs what the call's runs cost, not its pages (docs/scenario-format.md,
// "Limits"): a rule firing for consecutive pages is one PageRun, a walk identical to the one
// before it (a fault that makes no progress, retried) is counted on that walk, and a walk
// keeps its first kMaxWalkEvents events and the number of the others.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
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

// A rule hit for the pages [first, first + count) of the range.
struct PageRun {
  u64 first = 0;
  u64 count = 0;
  RuleHit hit;
  bool covers(u64 i) const { return first <= i && i - first < count; }
  bool operator==(const PageRun&) const = default;
};

// One walk attempt (one walk_page_range call from `from`).
struct WalkTrace {
  unsigned number = 0;             // 1-based
  unsigned repeats = 0;            // identical walks after it (numbers number+1 .. +repeats)
  u64 from = 0;                    // `last` when it started
  long result = 0;                 // what walk_page_range returned
  u64 last_after = 0;              // `last` when it ended
  std::vector<std::string> events; // changes to the world and the log, in order
  u64 events_omitted = 0;          // events after the first kMaxWalkEvents
  std::size_t hits_begin = 0, writes_begin = 0; // its entries of Trace::hits and ::writes
};

struct Trace {
  static constexpr std::size_t kMaxWalkEvents = 256;

  u64 start = 0; // range start
  unsigned page_shift = 12;
  KernelVersion kernel = KernelVersion::V5_7; // the version whose rules fired
  u64 npages = 0;                             // pages of the range with a pfns[] entry
  // Every rule hit, in the order they fired; the rules of page i are the runs that cover i,
  // in this order.
  std::vector<PageRun> hits;
  // The outputs written, in order (the hit is the walk; its rule is unused): the walk that last
  // wrote page i is the one of the last run covering i.
  std::vector<PageRun> writes;
  std::vector<WalkTrace> walks;
  std::vector<RuleHit> call; // rules of the call: notifier checks, restarts, the return

  // Starts a trace of a call under kernel version `k` for a range of `npages` pages.
  void reset(u64 range_start, unsigned shift, u64 npages, KernelVersion k = KernelVersion::V5_7);
  // Records that `rule` fired for the page at `addr` in walk `walk` (ignored outside the range).
  void page(u64 addr, unsigned walk, RuleId rule);
  // Records that walk `walk` wrote the output of the page at `addr`.
  void wrote(u64 addr, unsigned walk);
  // Walk `number` starts from `from` / ends with `result`, `last` at `last_after`; a walk that
  // ends exactly like the one before it (events, rule hits, writes) is counted on that one.
  void begin_walk(unsigned number, u64 from);
  void end_walk(long result, u64 last_after);
  // Whether the current walk keeps another event, and the event (counted when it does not).
  bool wants_event() const { return !walks.empty() && walks.back().events.size() < kMaxWalkEvents; }
  void event(std::string text);
  // A rule of the call; a Restart of a walk counted on the one before it is not repeated.
  void call_hit(unsigned walk, RuleId rule);
  // The walk number that stands for walk `walk` (the first of its identical run).
  unsigned walk_id(unsigned walk) const;

  // The rules of page i, in order; the walk that last wrote it (0: none). O(runs).
  std::vector<RuleHit> page_hits(u64 i) const;
  unsigned written(u64 i) const;
  // Whether `rule` fired anywhere (any page, or the call).
  bool fired(RuleId rule) const;
  // The pages (indexes) for which `rule` fired.
  std::vector<std::size_t> pages_with(RuleId rule) const;
  // Calls f(first, end, rules, written) for consecutive pieces [first, end) of [0, npages)
  // whose pages all have the same rules and the same last write, in page order: one sweep
  // over the runs' ends, O(runs log runs + the rules passed).
  void
  for_each_piece(const std::function<void(u64, u64, std::span<const RuleHit>, unsigned)>& f) const;
};

} // namespace hmmspec
