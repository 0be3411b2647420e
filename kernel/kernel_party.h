// SPDX-License-Identifier: GPL-2.0-or-later
// The kernel party: the kernel's own mm/hmm.c (the file named by -DHMMSPEC_KERNEL_HMM_C,
// compiled unchanged as gnu11 C against the shim in kernel/include) run over a copy of the
// world. docs/kernel-party.md describes the shim, the configuration and the restart budget.
#pragma once

#include <string>
#include <vector>

#include "model/outcome.h"

namespace hmmspec {

// A kernel-party run with what the shim noticed besides the outcome: WARNs that fired (in the
// seed or the shim) and page-table locks left held. Both are empty/zero for a sound run.
struct KernelRun {
  Outcome outcome;
  std::vector<std::string> warnings;
  int locks_held = 0;
};
KernelRun kernel_run(const World& w, const HmmRange& r, const RunOptions& o);

// Runs the seed's hmm_range_fault on a copy of w with the range r (pfns[] holding the
// requests) and returns the whole outcome. When the seed would restart for ever, the run
// ends after o.restart_budget walks with livelock set and ret -EBUSY.
Outcome kernel_hmm_range_fault(const World& w, const HmmRange& r, const RunOptions& o);

} // namespace hmmspec
