// SPDX-License-Identifier: GPL-2.0-or-later
// What one call may change in the world (the property "faults only add permissions or replace
// entries as the fault model says; nothing outside [start, end) changes except what the
// spec's rules allow"). The two worlds are compared slot by slot from the root; every changed
// slot must be explained by one of:
//   - a handle_mm_fault logged at a page the slot covers (table allocation, a new mapping,
//     THP allocation, split or zap, COW, swap-in, migration, NUMA restore, hugetlb faults, a
//     bad PMD cleared), with the mapping of a faulted page afterwards accessible, never losing
//     write, and with a new pfn only after a write fault (COW) or when the old entry was not
//     accessible; the other pages of a split THP keep their mapping, those of a zapped one
//     (a THP outside anonymous memory) lose it, and in v5.7 a write fault to a shared THP may
//     copy every one of its pages into a new writable page (F-THP-COPY-PAGES);
//   - a migration wait logged for that page (PTE) or PMD, completing the migration in place;
//   - the walker clearing a bad PGD/P4D entry or a huge PUD it walked (inside [start, end)).
// The log itself must name only pages of [start, end) in VMAs hmm walks, and write faults only
// in VMAs with VM_WRITE (hmm.c:86-88).
#pragma once

#include <optional>
#include <string>

#include "model/range.h"
#include "model/world.h"

namespace hmmspec::props {

// The first change from `before` to `after` that the rules above do not explain, described;
// nothing when every change is explained. Events of after.log past before.log are the call's.
std::optional<std::string> unexplained_change(const World& before, const World& after,
                                              const HmmRange& r);

} // namespace hmmspec::props
