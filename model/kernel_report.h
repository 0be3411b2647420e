// SPDX-License-Identifier: GPL-2.0-or-later
// TRUSTED: part of the specification. What the kernel prints during a call that is not its
// result: a WARN (WARN_ON, WARN_ON_ONCE), a BUG (BUG_ON, VM_BUG_ON) or a bad page map (6.x
// print_bad_pte, from vm_normal_page). The reference states the reports it expects; an
// unexpected one is a divergence.
#pragma once

#include <cstdint>
#include <string>

#include "model/x86_bits.h"

namespace hmmspec {

struct KernelReport {
  enum class Kind : std::uint8_t { Warn, Bug, BadPte };
  Kind kind = Kind::Warn;
  std::string where; // Warn, Bug: "file:line" of the check in the kernel's source
  u64 addr = 0;      // BadPte: the address of the page; Warn, Bug: of the fault (0: none)
  bool operator==(const KernelReport&) const = default;
};
std::string describe(const KernelReport& r); // "WARN at mm/hmm.c:70", "bad page map at 0x1000"

} // namespace hmmspec
