// SPDX-License-Identifier: GPL-2.0-or-later
// TRUSTED: part of the specification. The registry of the reference's rules: every decision
// the reference makes is one of these, named `R-...`, with the seed lines it comes from and a
// one-line summary. docs/spec.md states each rule in prose; tests/scenarios/spec/ pins each
// rule with at least one scenario (tests/unit/test_spec_consistency.cpp checks both).
//
// Seed lines are those of shared/seeds/hmm.c (= Linux v5.7 mm/hmm.c). Lines of other files
// are those of Linux v5.7 (mm/pagewalk.c, mm/huge_memory.c) and v5.7.14 (mm/hugetlb.c).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace hmmspec {

// One enumerator per rule, in the order of docs/spec.md. The table in rules.cpp is indexed
// by this enum and checked against it at compile time.
enum class RuleId : std::uint8_t {
  // hmm_range_fault: the call as a whole (hmm.c:575-598)
  NotifierCheck,
  Einval,
  Restart,
  Livelock,
  Return,
  // requests (hmm.c:98-155)
  Request,
  NeedNothing,
  NeedWrite,
  NeedRead,
  NeedOr,
  // the walk: regions, chunks, test_walk (mm/pagewalk.c, hmm.c:511-544)
  Regions,
  Chunk,
  VmaSupported,
  VmaUnsupportedFill,
  VmaUnsupportedEfault,
  // upper levels (mm/pagewalk.c:119-235)
  PgdNone,
  PgdBad,
  P4dNone,
  P4dBad,
  GapPud,
  // PUD (hmm.c:410-468)
  PudNone,
  PudTable,
  PudDevmap,
  PudDevmapFault,
  PudDevmapAbsent,
  PudSplit,
  // PMD (hmm.c:319-397, 181-212)
  PmdNone,
  PmdMigrationWait,
  PmdMigrationNone,
  PmdNotPresentError,
  PmdNotPresentEfault,
  PmdHuge,
  PmdHugeFault,
  PmdBadError,
  PmdBadEfault,
  PmdTable,
  // PTE (hmm.c:236-317), the rows of kernel-context.md §7.7
  PteNone,
  PteNoneFault,
  PteDeviceOwned,
  PteNonPresentNone,
  PteSwapFault,
  PteMigrationWait,
  PteNonPresentEfault,
  PtePresentFault,
  PteSpecialEfault,
  PteSpecial,
  PtePage,
  PteZero,
  PteProtnone,
  PteFaultSpan,
  // hmm_vma_fault (hmm.c:76-96)
  FaultSpan,
  FaultWrite,
  FaultEperm,
  FaultEfault,
  FaultEbusy,
  // holes (hmm.c:157-179)
  HoleGapError,
  HoleGapEfault,
  HoleVmaNone,
  HoleVmaFault,
  // hugetlb (hmm.c:474-506, mm/pagewalk.c:238-271, mm/hugetlb.c:5369-5401)
  HugetlbChunk,
  HugetlbNoSlot,
  HugetlbFirstRequest,
  HugetlbFault,
  HugetlbFill,
  // outputs (hmm.c:46-50 and the cpu-flag derivations)
  OutputValid,
  OutputWrite,
  Count
};

struct Rule {
  RuleId rule;
  std::string_view id;      // "R-PTE-NONE"
  std::string_view seed;    // "hmm.c:247-253" (plus mm/pagewalk.c lines where relevant)
  std::string_view summary; // one line
};

// Every rule, in RuleId order.
const std::vector<Rule>& all_rules();
const Rule& rule_info(RuleId r);
std::string_view rule_id(RuleId r);
// Looks a rule up by its id ("R-PTE-NONE").
std::optional<RuleId> find_rule(std::string_view id);

} // namespace hmmspec
