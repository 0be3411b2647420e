// SPDX-License-Identifier: GPL-2.0-or-later
// A party: one implementation of hmm_range_fault over the world (the reference in model/, the
// walker in impl/, the kernel's own hmm.c in kernel/). Each takes a world and a range whose
// pfns[] hold the requests, and returns the whole outcome; none keeps state between calls.
//
// A party is known by its registry entry (PartyId): its kind, the name it is shown and asked
// for by (`hmmspec run --party NAME`), and the kernel version it follows. A build has one
// party of each kind today; kernel parties of other kernel versions, and references of those
// versions, are further entries of the same kinds with their own names and version labels.
#pragma once

#include <functional>
#include <string>

#include "model/outcome.h"

namespace hmmspec {

enum class PartyKind {
  Kernel,    // the kernel's own mm/hmm.c on the shim (kernel/): the ground truth when built
  Reference, // the naive reference (model/): the spec, and the ground truth otherwise
  Walker,    // the optimized walker (impl/)
};

struct PartyId {
  PartyKind kind = PartyKind::Reference;
  std::string name;    // the display name, unique in a build: "kernel", "reference", "walker"
  std::string version; // the kernel version it follows ("v5.7"), or "" for the build's only one
  bool operator==(const PartyId&) const = default;
};

struct Party {
  PartyId id;
  std::function<Outcome(const World&, const HmmRange&, const RunOptions&)> run;
};

} // namespace hmmspec
