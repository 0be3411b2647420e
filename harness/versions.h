// SPDX-License-Identifier: GPL-2.0-or-later
// What changed between kernel versions: one logical scenario translated to every kernel version
// (model/translate.h), run on each version's ground truth (its kernel party when the build has
// one, else its reference), each outcome made version-neutral (model/neutral.h), and the
// outcomes of consecutive versions compared field by field. Every difference is assigned to a
// named group of harness/version_groups.h by its shape and by the rules of the reference that
// decided the page in each version; a difference no group explains is unnamed. docs/versions.md
// describes the groups and the command (`hmmspec versions`).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "harness/party.h"
#include "model/neutral.h"
#include "model/scenario.h"
#include "model/trace.h"

namespace hmmspec {

// One version's run of the scenario, or why the version cannot hold it.
struct VersionResult {
  KernelVersion version = KernelVersion::V5_7;
  std::optional<std::string> not_expressible; // "pte 0x1000: marker uffd-wp: PTE markers ..."
  std::string party;                          // the ground truth that ran it
  Scenario scenario;                          // the translated world, range and options
  Outcome outcome;
  NeutralOutcome neutral;
  Trace trace; // the reference of this version, traced (the rules that decided each page)
  // Set when the ground truth is a kernel party and the reference of its version gave another
  // outcome ("kernel-6.1 != reference-6.1: pfns[3] ..."): not a difference between versions,
  // a divergence (`hmmspec run` on the translated scenario shows it). Likewise when the
  // version's walker (walker, walker-6.1, walker-6.12) gives another outcome than the ground
  // truth ("walker-6.12 != kernel-6.12: ret").
  std::optional<std::string> divergence;
};

// Which part of the neutral outcome (or of the input world) differs.
enum class DiffField : std::uint8_t {
  Encoding, // the raw words of the translated input worlds (the neutral outcomes may agree)
  Ret,      // the return class or value
  Pfn,      // one run of pages' outputs (only when both calls succeed)
  Entries,  // the final world's logical entries
  Log,      // the faults and waits
  Notifier, // the final notifier sequence
  Reports,  // what the kernel printed
};
std::string_view diff_field_name(DiffField f); // "encoding", "ret", "pfn", ...

struct VersionDiff {
  KernelVersion from = KernelVersion::V5_7, to = KernelVersion::V6_1;
  DiffField field = DiffField::Ret;
  u64 first = 0, count = 1;  // Pfn: pages [first, first+count); Encoding: the first address, words
  std::string before, after; // the two sides, described
  std::string group;         // the group's id; "" when no group explains it (unnamed)
};

struct VersionsRun {
  std::vector<VersionResult> results; // one per kernel version, oldest first
  // between consecutive versions that ran (leaving out those N/A or with a divergence), in
  // field order
  std::vector<VersionDiff> diffs;
  bool has_unnamed() const;
  bool has_divergence() const;
  std::set<std::string> groups() const; // the named groups seen
};

// The ground truth of each kernel version among `parties`: its kernel party, else its
// reference; nothing for a version with neither.
std::vector<std::optional<Party>> version_parties(const std::vector<Party>& parties);

// Runs `s` (a scenario of any version) on every version of `truths` (version_parties) and
// compares the outcomes of consecutive versions that ran.
VersionsRun run_versions(const Scenario& s, const std::vector<std::optional<Party>>& truths);

// Pages' outputs as runs ("[0-511] pfn=0x200.. V W order=9; [512] error"): consecutive pages
// of one kind and flags whose pfns count up by one are one run.
std::string neutral_pfns_text(const std::vector<NeutralPfn>& pfns);
// "5.7 -> 6.1 pfn [3-5]: special -> error  V-SPECIAL-ERROR" (or "UNNAMED").
std::string diff_text(const VersionDiff& d);
// Each version's neutral outcome (or why it is not expressible), then the differences by group,
// each line indented by `indent`.
std::string versions_text(const VersionsRun& r, std::string_view indent);

} // namespace hmmspec
