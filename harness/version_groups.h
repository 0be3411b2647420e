// SPDX-License-Identifier: GPL-2.0-or-later
// The named groups of differences between kernel versions (docs/versions.md), and the
// classifier that assigns a difference of harness/versions.h to one. A group is known by its
// stable id (V-RETURN-ZERO), says in one sentence what changed, names the upstream commit when
// it is known and verified ("" otherwise), and is pinned by a minimal scenario,
// tests/scenarios/versions/<id>.hmm, whose run on every version shows it.
//
// A difference is named by its shape (which field differs, and how: SPECIAL became ERROR, VALID
// was dropped, an order appeared, raw words differ while the logical entries agree) and, where
// the shape alone does not tell, by the rules of the reference that decided the page in each
// version (model/rules.h: the 6.x variants are rules of their own, so a rule on one side and its
// variant on the other say what changed).
#pragma once

#include <bitset>
#include <span>
#include <string_view>
#include <vector>

#include "harness/versions.h"
#include "model/entry.h"
#include "model/rules.h"

namespace hmmspec {

struct VersionGroup {
  std::string_view id;       // "V-RETURN-ZERO"
  std::string_view sentence; // what changed, in one sentence
  std::string_view versions; // between which versions: "5.7 -> 6.1", "6.1 -> 6.12"
  std::string_view commit;   // the upstream commit, "" when not known
};
// Every group, in the order of docs/versions.md.
std::span<const VersionGroup> version_groups();
const VersionGroup* find_version_group(std::string_view id);

// The rules that fired for each page of a traced call (any walk).
using RuleSet = std::bitset<static_cast<std::size_t>(RuleId::Count)>;
std::vector<RuleSet> page_rule_sets(const Trace& t);

// What the classifier reads: the two versions' runs and their rules per page.
struct DiffContext {
  const VersionResult& a; // the older version
  const VersionResult& b; // the newer
  const std::vector<RuleSet>& ra;
  const std::vector<RuleSet>& rb;
};

// The part of a page's output that differs, when both are pfns of the same page and write.
enum class PfnPart : std::uint8_t { Kind, Valid, Order };

// The group of a difference in page `i`'s output; "" when none explains it.
std::string_view classify_pfn(const DiffContext& c, u64 i, PfnPart part, const NeutralPfn& pa,
                              const NeutralPfn& pb);
// The group of a difference of the call as a whole (the return, the final world, the log, the
// notifier, the reports); "" when none explains it.
std::string_view classify_call(const DiffContext& c, DiffField field);
// The group of a word of the input world that differs between the translations (`kind` is the
// entry both words hold); "" when none explains it.
std::string_view classify_encoding(Kind kind, u64 word_a, u64 word_b);

} // namespace hmmspec
