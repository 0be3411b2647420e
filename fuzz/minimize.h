// SPDX-License-Identifier: GPL-2.0-or-later
// Delta debugging of a fuzz case: drop page-table ops, VMAs, owners, shared pfns and
// injections, shrink the range from either end, clear requests and reset fields to their
// defaults, keeping each change only while the same divergence (or the property the caller
// gives) persists.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "fuzz/fuzz_case.h"
#include "harness/differential.h"

namespace hmmspec::fuzz {

// What stays fixed while shrinking: the departing party, the ground truth, the kind of
// difference (ret, pfns, log, table:LEVEL, ...) and the deciding rule.
std::string divergence_key(const Divergence& d);

struct MinimizeResult {
  FuzzCase c;
  std::size_t attempts = 0; // candidate cases run
  std::size_t accepted = 0; // changes kept
};

// Shrinks `c`, which must make `diff` report a divergence with key `key`, within
// `max_attempts` runs.
MinimizeResult minimize_case(const FuzzCase& c, Differential& diff, const std::string& key,
                             std::size_t max_attempts = 20000);
// Shrinks `c`, whose scenario satisfies `still`, keeping each change while the scenario still
// does (a difference between kernel versions that no group names, fuzz/versions_campaign.h).
MinimizeResult minimize_case(const FuzzCase& c, const std::function<bool(const Scenario&)>& still,
                             std::size_t max_attempts = 20000);

} // namespace hmmspec::fuzz
