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

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "model/kernel_version.h"
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
  // The kernel versions whose worlds (World::geom.kernel) it runs: v5.7 unless it says more
  // (the reference runs every version; harness/check.h leaves a party out of the others).
  std::vector<KernelVersion> versions{KernelVersion::V5_7};
  bool runs(KernelVersion v) const {
    return std::find(versions.begin(), versions.end(), v) != versions.end();
  }
  bool operator==(const PartyId&) const = default;
};

struct Party {
  PartyId id;
  std::function<Outcome(const World&, const HmmRange&, const RunOptions&)> run;
};

} // namespace hmmspec
