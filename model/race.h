// SPDX-License-Identifier: GPL-2.0-or-later
// TRUSTED: part of the specification. Events at named interleaving points of the v5.7 walk
// (`race ADDR POINT OP`, docs/scenario-format.md): another thread's change to the page tables
// that lands between two reads the walk makes of one entry. Every party reaches the same points
// in the same order and calls fire_race there, so the change and its invalidation are part of
// the world, as a fault is (docs/spec.md, "Races").
#pragma once

#include <optional>
#include <string_view>

#include "model/world.h"

namespace hmmspec {

// The level whose entry a point is about: PMD for pmd-seen and pmd-reread, PUD for pud-locked,
// the page for fault-returned (its event changes the entry that maps the page: the leaf for a
// zap, a huge PMD for a split).
Level race_level(RacePoint p);
std::string_view race_point_name(RacePoint p); // "pmd-seen", ..., "fault-returned"
std::optional<RacePoint> race_point_from_name(std::string_view s);
std::string race_point_names(); // all of them, for a message: "pmd-seen, ... or fault-returned"
std::string_view race_op_name(RaceOp o); // "zap", "split", "zap-silent"
std::optional<RaceOp> race_op_from_name(std::string_view s);

// The walk reached `point` for the entry of the point's level holding addr. If an event of
// the world waits there (same point, same entry, not fired yet), the reach is counted, and
// at its `at`-th reach (the first, unless the line says at=K) it fires: it is marked fired
// and its operation changes the world, under an invalidation of the entry's range (the
// notifier sees it at the next mmu_interval_check_retry, hmm.c:588-590). Returns whether an
// event fired (the caller then reads the entry again).
//  - zap: the entry becomes none (zap_huge_pmd, zap_huge_pud, or a page table freed).
//  - zap-silent: a planted fault, for testing the checkers (`hmmspec interleave --plant`): a
//    zap with no invalidation, which no kernel does; a scenario must say `planted` to use it.
//  - split: __split_huge_pmd (mm/huge_memory.c at v5.7) as the fault model splits (F-THP-SPLIT,
//    F-THP-ZAP, docs/fault-model.md): a trans-huge PMD of a private anonymous VMA becomes a PTE
//    table mapping the same pages with the same permissions (the huge zero page: zero-page
//    PTEs); a huge PMD of any other VMA, or a devmap one, is cleared (huge_memory.c:2236-2255);
//    any other PMD (a table, a migration entry) is left as it is. The invalidation happens in
//    every case, as __split_huge_pmd starts it before it looks at the PMD.
bool fire_race(World& w, RacePoint point, u64 addr);

// Whether any event of the world has not fired yet (the walker takes its exact path only then).
bool races_pending(const World& w);

} // namespace hmmspec
