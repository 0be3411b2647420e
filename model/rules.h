// SPDX-License-Identifier: GPL-2.0-or-later
// TRUSTED: part of the specification. The registry of the reference's rules: every decision
// the reference makes is one of these, named `R-...`, with the kernel lines it comes from, a
// one-line summary and the kernel versions it holds in. docs/spec.md states each rule in prose;
// the spec scenarios (tests/scenarios/spec/ for v5.7, tests/scenarios/spec-6.1/ and
// tests/scenarios/spec-6.12/) pin each rule with at least one scenario of a version it holds in
// (tests/unit/test_spec_consistency.cpp checks both).
//
// A rule that behaves differently in a later kernel is not bent to fit: the later behaviour is
// a rule of its own (a *variant*, e.g. R-RETURN in v5.7 and R-RETURN-ZERO in 6.1 and 6.12), and
// each rule lists the versions it holds in. A rule that holds in every version keeps its name.
//
// v5.7 lines are those of shared/seeds/hmm.c (= Linux v5.7 mm/hmm.c), written `hmm.c:N`; lines
// of other files are those of Linux v5.7 (mm/pagewalk.c, mm/huge_memory.c) and v5.7.14
// (mm/hugetlb.c). 6.x lines are those of the Debian 6.1.192 and 6.12.118 trees, written
// `6.1 mm/hmm.c:N` and `6.12 mm/hmm.c:N` (`6.1, 6.12 mm/hmm.c:N` where both trees agree).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/kernel_version.h"

namespace hmmspec {

// One enumerator per rule, in the order of docs/spec.md; a variant follows the rule it
// replaces. The table in rules.cpp is indexed by this enum and checked against it at compile
// time.
enum class RuleId : std::uint8_t {
  // hmm_range_fault: the call as a whole (hmm.c:575-598)
  NotifierCheck,
  Einval,
  Restart,
  Livelock,
  Return,
  ReturnZero,
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
  VmaSupportedMixedmap,
  VmaUnsupportedFill,
  VmaUnsupportedSkip,
  VmaUnsupportedEfault,
  // upper levels (mm/pagewalk.c:119-235)
  PgdNone,
  PgdBad,
  P4dNone,
  P4dBad,
  GapPud,
  GapHole,
  // PUD (hmm.c:410-468)
  PudNone,
  PudTable,
  PudTablePresent,
  PudAgainLivelock,
  PudDevmap,
  PudDevmapOrder,
  PudDevmapFault,
  PudDevmapAbsent,
  PudDevmapNotPresent,
  PudNotPresent,
  PudSplit,
  // PMD (hmm.c:319-397, 181-212)
  PmdNone,
  PmdMigrationWait,
  PmdMigrationNone,
  PmdNotPresentError,
  PmdNotPresentEfault,
  PmdHuge,
  PmdHugeOrder,
  PmdHugeFault,
  PmdBadError,
  PmdBadEfault,
  PmdTable,
  PmdTablePtes,
  // races at interleaving points (hmm.c:332-335, 351-365, 415-430; model/race.h)
  RacePmdNone,
  RacePmdAgain,
  RacePudNone,
  // PTE (hmm.c:236-317)
  PteNone,
  PteMarkerNone,
  PteNoneFault,
  PteDeviceOwned,
  PteDeviceOwnedPfn,
  PteNonPresentNone,
  PteSwapFault,
  PteDeviceFault,
  PteExclusiveFault,
  PteMigrationWait,
  PteNonPresentEfault,
  PteNonswapEfault,
  PtePresentFault,
  PteSpecialEfault,
  PteSpecial,
  PteNotNormalEfault,
  PteNotNormal,
  PteBadPte,
  PteDevmap,
  PtePage,
  PteZero,
  PteZeroWarn,
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
  HoleVmaEmpty,
  HoleVmaFault,
  // hugetlb (hmm.c:474-506, mm/pagewalk.c:238-271, mm/hugetlb.c:5369-5401)
  HugetlbChunk,
  HugetlbNoSlot,
  HugetlbNoSlotUpper,
  HugetlbHoleLocked,
  HugetlbSlotAny,
  HugetlbFirstRequest,
  HugetlbFault,
  HugetlbFill,
  HugetlbFillOrder,
  // outputs (hmm.c:46-50 and the cpu-flag derivations)
  OutputValid,
  OutputCpuFlags,
  OutputWrite,
  Count
};

// A set of kernel versions, one bit per KernelVersion.
class Versions {
public:
  constexpr Versions() = default;
  constexpr Versions(std::initializer_list<KernelVersion> vs) {
    for (KernelVersion v : vs) bits_ |= bit(v);
  }
  constexpr bool contains(KernelVersion v) const { return bits_ & bit(v); }
  constexpr bool operator==(const Versions&) const = default;

private:
  static constexpr std::uint8_t bit(KernelVersion v) {
    return std::uint8_t(1u << static_cast<unsigned>(v));
  }
  std::uint8_t bits_ = 0;
};

struct Rule {
  RuleId rule;
  std::string_view id;      // "R-PTE-NONE"
  std::string_view seed;    // v5.7 lines, "hmm.c:247-253" (plus other files); "" if not in v5.7
  std::string_view v6;      // 6.1 and 6.12 lines, "6.1, 6.12 mm/hmm.c:234-241"; "" if in neither
  std::string_view summary; // one line
  Versions versions;        // the kernel versions it holds in
  constexpr bool holds_in(KernelVersion v) const { return versions.contains(v); }
};

// Every rule, in RuleId order.
const std::vector<Rule>& all_rules();
const Rule& rule_info(RuleId r);
std::string_view rule_id(RuleId r);
// Looks a rule up by its id ("R-PTE-NONE").
std::optional<RuleId> find_rule(std::string_view id);
// "5.7, 6.1, 6.12": the versions a rule holds in, in version order.
std::string versions_text(const Rule& r);

} // namespace hmmspec
