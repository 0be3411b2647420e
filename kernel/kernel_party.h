// SPDX-License-Identifier: GPL-2.0-or-later
// The kernel party: a kernel's own mm/hmm.c (compiled unchanged as gnu11 C against the shim in
// kernel/include for its shim family) run over a copy of the world. docs/kernel-party.md
// describes the shim, the configuration and the budgets.
//
// Compiled once per shim family; each kernel's shared object (kernel/entry.cpp) and the
// family's test library link one copy.
#pragma once

#include "model/outcome.h"

namespace hmmspec {

// A kernel-party run with the locks the shim found still held at the end (0 in a sound run;
// a non-zero count is also in the outcome's reports).
struct KernelRun {
  Outcome outcome;
  int locks_held = 0;
};
KernelRun kernel_run(const World& w, const HmmRange& r, const RunOptions& o);

// Runs the kernel's hmm_range_fault on a copy of w with the range r (pfns[] holding the
// requests) and returns the whole outcome. When the kernel would restart, or look at an entry
// again, for ever, the run ends after o.restart_budget attempts with livelock set and ret -EBUSY.
Outcome kernel_hmm_range_fault(const World& w, const HmmRange& r, const RunOptions& o);

} // namespace hmmspec
