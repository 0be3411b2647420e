// SPDX-License-Identifier: GPL-2.0-or-later
// Party isolation: a kernel's hmm.c that crashes or loops for ever inside a walk ends its own
// call, and the run goes on (docs/kernel-party.md, "Isolation"). run_isolated calls the kernel
// with handlers for SIGSEGV, SIGBUS, SIGFPE and SIGILL on an alternate signal stack; a signal
// jumps back to it (siglongjmp) and becomes a PartyFailure of kind Crash. A walk whose
// page-table reads run past its budget (kernel/include/hmmspec/budget.h) jumps back the same
// way, as NoProgress. The handlers, installed by the first call, stay; a signal outside an
// isolated call goes to the action that was there before them (kernel/isolation.cpp).
//
// In an AddressSanitizer build no handler is installed: ASan owns SIGSEGV and reports the crash
// itself, with its stacks, and stops the run. The no-progress budget holds in every build.
//
// Compiled once per shim family, into each kernel object.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "model/outcome.h"

namespace hmmspec::kernel {

// Whether a crash is caught (false in an AddressSanitizer build).
bool crash_isolation_enabled();

// Whether this object's handlers are in place (its first isolated call installs them).
bool crash_handlers_installed();

struct Isolated {
  long ret = 0;                        // fn's result, when it returned
  std::optional<PartyFailure> failure; // when it did not
};

// Calls fn with the isolation above; `name_address` names the address of a crash ("pfns[513]"),
// "" for the default (NULL+0x.., else the address).
Isolated run_isolated(const std::function<long()>& fn,
                      const std::function<std::string(std::uintptr_t)>& name_address);

// Ends the isolated call of this thread as NoProgress after `reads` page-table reads (the
// caller's code is named as where it happened). Aborts when no isolated call is running.
[[noreturn]] void stop_no_progress(unsigned long reads);

} // namespace hmmspec::kernel
