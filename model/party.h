// SPDX-License-Identifier: GPL-2.0-or-later
// A party: one implementation of hmm_range_fault over the world (the reference in model/, the
// walker in impl/, the kernel's own hmm.c in kernel/). Each takes a world and a range whose
// pfns[] hold the requests, and returns the whole outcome; none keeps state between calls.
#pragma once

#include <functional>
#include <string>

#include "model/outcome.h"

namespace hmmspec {

struct Party {
  std::string name; // "reference", "walker", "kernel"
  std::function<Outcome(const World&, const HmmRange&, const RunOptions&)> run;
};

} // namespace hmmspec
