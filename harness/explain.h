// SPDX-License-Identifier: GPL-2.0-or-later
// The reference's trace of one call (model/trace.h) told for humans: what `hmmspec explain`
// prints for a scenario.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <variant>

#include "model/outcome.h"
#include "model/scenario.h"
#include "model/trace.h"

namespace hmmspec {

// Pages [first, first + count) of the range that are alike: the same rules, the same walk
// last wrote them (0: none), the same request as hmm reads it, and outputs that are the same
// word or one pfn more each (`pfn_step`).
struct PageGroup {
  u64 first = 0;
  u64 count = 0;
  std::span<const RuleHit> rules;
  unsigned written = 0;
  u64 request = 0;         // (pfns[i] & pfn_flags_mask) | default_flags (hmm.c:113)
  bool has_output = false; // pfns[] has the page in the outcome
  u64 output = 0;          // the first page's output word (its request when not written)
  bool pfn_step = false;
};

// Calls f for every group of alike pages in page order: the runs of the range, so that the
// time and the text follow the runs, not the pages.
void for_each_page_group(const Scenario& s, const Outcome& o, const Trace& t,
                         const std::function<void(const PageGroup&)>& f);

// The explanation of one call, for humans: the walks with their events, the result, then one
// line per group of alike pages with its request, its output decoded (describe_output) and,
// per walk, the rules that fired.
std::string explain_text(const Scenario& s, const Outcome& o, const Trace& t);

// Call k (1-based) of a sequence as one call, as the reference reaches it: the reference makes
// calls 1 to k-1 (each prepared by prepare_call, model/scenario.h; with a driver-loop line, each
// by the driver loop, make_scenario_call), then call k's operations are
// applied; the result is the world and range of call k, its expectations, and no later call.
// For k = 1, the first call alone. What stops the way there is returned instead: an operation
// that cannot be applied, at its line.
std::variant<Scenario, Failure> call_scenario(const Scenario& s, std::size_t k);

} // namespace hmmspec
