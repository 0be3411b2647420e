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

// 6.12: a fault taken with the hugetlb VMA lock already held for read. walk_hugetlb_range holds
// the lock around its callbacks (6.12 mm/pagewalk.c:294-305); when hmm's hole callback faults
// (6.12 mm/hmm.c:166-167, 79-82), hugetlb_fault takes the same lock again (6.12
// mm/hugetlb.c:6439), a recursive read that deadlocks if a writer queues in between. Reported
// as a BUG at that second take, for the address of the fault (R-HUGETLB-HOLE-LOCKED,
// docs/spec.md); the reference and the kernel party's shim both report it through this.
inline KernelReport hugetlb_vma_lock_recursion(u64 fault_addr) {
  return KernelReport{KernelReport::Kind::Bug, "mm/hugetlb.c:6439", fault_addr};
}

} // namespace hmmspec
