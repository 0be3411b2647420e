// SPDX-License-Identifier: GPL-2.0-or-later
// A party: one implementation of hmm_range_fault over the world (the reference in model/, the
// walkers in impl/, a kernel's own hmm.c in kernel/). Each takes a world and a range whose
// pfns[] hold the requests, and returns the whole outcome; none keeps state between calls.
//
// A party is known by its registry entry (PartyId): its kind, the name it is shown and asked
// for by (`hmmspec run --party NAME`), its label, and the kernel version it runs: a party runs
// only worlds of that version (World::geom.kernel). The reference and the walker have an entry
// per version (reference, reference-6.1, reference-6.12; walker, walker-6.1, walker-6.12); each
// kernel party runs its shim family's version (kernel-5.7, kernel-6.1, kernel-6.12, ...).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "model/kernel_version.h"
#include "model/outcome.h"

namespace hmmspec {

enum class PartyKind {
  Kernel,    // a kernel's own mm/hmm.c on the shim (kernel/): the ground truth of its version
  Reference, // the naive reference (model/): the spec, and the ground truth otherwise
  Walker,    // the optimized walker (impl/)
};

struct PartyId {
  PartyKind kind = PartyKind::Reference;
  std::string name; // the display name, unique in a build: "kernel-6.1", "reference", "walker"
  // The label of a kernel party ("Debian 6.1.192", "v5.7 (/path/hmm.c)"), "" for the others. It
  // points into the kernel's shared object (loaded for the life of the process) or at a
  // literal, so that ids copy without allocating.
  std::string_view version;
  KernelVersion kernel = KernelVersion::V5_7; // the version whose worlds it runs
  bool operator==(const PartyId&) const = default;
};

struct Party {
  PartyId id;
  std::function<Outcome(const World&, const HmmRange&, const RunOptions&)> run;
};

} // namespace hmmspec
