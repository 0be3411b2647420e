// SPDX-License-Identifier: GPL-2.0-or-later
// A divergence: a party whose outcome differs from the ground truth's on one scenario. Every
// run of parties finds it (harness/check.h); the differential run (harness/differential.h)
// traces the reference and adds the page, the rule that decided it and a signature.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/party.h"
#include "model/rules.h"
#include "model/trace.h"

namespace hmmspec {

// The page of the range a difference is about, as the traced reference saw it.
struct DivergentPage {
  std::size_t index = 0;      // in the range
  u64 addr = 0;               // its address
  std::vector<RuleHit> rules; // every rule the reference fired for it, per walk
};

struct Divergence {
  PartyId party;   // the party that departs
  PartyId against; // the ground truth it departs from
  Difference diff; // the first difference of their outcomes (model/outcome.h)
  // Set by the differential run, which traces the reference; empty otherwise.
  std::optional<DivergentPage> page; // the page the difference is about, if any
  std::optional<RuleId> rule;        // the rule that decided it (the page, else the call)
  std::string signature;             // one stable line for deduplication
  std::size_t call = 1;              // the call of a sequence it is in (1-based)
};

// The divergence for humans: "walker departs from kernel at pfns[3]:", both values, and, when
// the reference was traced (a signature is set), the page or the call with the rule that
// decided it and the rules that fired for the page. Every line starts with `indent`.
std::string divergence_text(const Divergence& d, std::string_view indent = "");

} // namespace hmmspec
