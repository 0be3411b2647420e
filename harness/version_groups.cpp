// SPDX-License-Identifier: GPL-2.0-or-later
#include "harness/version_groups.h"

#include <algorithm>
#include <array>

#include "model/x86_bits.h"

namespace hmmspec {

namespace {

using R = RuleId;
using V = KernelVersion;

// The commit that made hmm_range_fault walk VM_MIXEDMAP VMAs and read PTEs through
// vm_normal_page ("mm/hmm.c: allow VM_MIXEDMAP to work with hmm_range_fault").
constexpr std::string_view kMixedmapCommit = "87c01d57fa23de82fff593a7d070933d08755801";

constexpr std::array<VersionGroup, 20> kGroups{{
    {"V-RETURN-ZERO",
     "hmm_range_fault returns 0 on success instead of the number of pages from the range's start "
     "to where the walk stopped",
     "5.7 -> 6.1", ""},
    {"V-VALID-CPU-FLAGS",
     "a pfn output carries VALID only when the CPU flags give it: a protnone PTE or PMD is "
     "reported as its bare pfn, where v5.7 put flags[VALID] on every pfn output",
     "5.7 -> 6.1", ""},
    {"V-MAP-ORDER",
     "the output of a page mapped by a PMD, a PUD or a hugetlb page carries the mapping's order "
     "(hmm_pfn_to_map_order)",
     "5.7 -> 6.1", ""},
    {"V-SPECIAL-ERROR",
     "a present PTE with no normal page (a special PTE, not the zero pfn) gives HMM_PFN_ERROR "
     "where v5.7 gave values[HMM_PFN_SPECIAL]",
     "5.7 -> 6.1", ""},
    {"V-SPECIAL-DEVMAP",
     "a special PTE that is devmap is reported by its pfn, where v5.7 gave values[HMM_PFN_SPECIAL]",
     "5.7 -> 6.1", ""},
    {"V-MIXEDMAP",
     "a readable VM_MIXEDMAP VMA is walked like any other, where v5.7 refused it (ERROR, or "
     "-EFAULT when a page of it was requested)",
     "5.7 -> 6.1", kMixedmapCommit},
    {"V-DEVICE-PRIVATE-FAULT",
     "a requested device-private page of another owner is faulted (its pgmap's migrate_to_ram "
     "moves it to system memory and the walk starts again), where v5.7 returned -EFAULT",
     "5.7 -> 6.1", ""},
    {"V-BAD-PTE",
     "vm_normal_page reports a 'Bad page map' for a present PTE it finds no page for (a pfn "
     "above highest_memmap_pfn, which then gives ERROR where v5.7 reported the pfn, or a special "
     "PTE in a VMA that should have none), where v5.7 printed nothing",
     "5.7 -> 6.1", kMixedmapCommit},
    {"V-GAP-HOLE",
     "a gap between VMAs is one hole and no page table is read in it, so a bad PGD or P4D entry "
     "there is left alone, where v5.7 walked the gap's upper tables and cleared it",
     "5.7 -> 6.1", ""},
    {"V-HUGETLB-SLOT",
     "in a hugetlb VMA the entry read as the huge page's slot changed: 6.x reads the slot at the "
     "huge page's level whatever it holds and finds no slot only below a non-present upper "
     "entry, where v5.7's huge_pte_offset stopped at other upper entries (a hole, or the upper "
     "entry read as the slot)",
     "5.7 -> 6.1", ""},
    {"V-PMD-ACCESSED",
     "pmd_bad ignores ACCESSED: a PMD table pointer without ACCESSED is a table whose PTEs are "
     "walked, where v5.7's pmd_bad called it bad (ERROR, or -EFAULT when a page under it was "
     "requested)",
     "5.7 -> 6.1", ""},
    {"V-THP-WP-COPY",
     "a write fault on a shared anonymous THP splits the PMD and copies one page, where v5.7 "
     "copied every page of it: into a new huge PMD, or without THP for the VMA into a new PTE "
     "table of copies",
     "5.7 -> 6.1", ""},
    {"V-PUD-DEVMAP-HOLE",
     "a devmap PUD without PRESENT makes its chunk a hole (6.1's x86 pud_huge takes any "
     "non-present PUD), where v5.7's pud_huge wanted PSE, so the PUD was split (cleared)",
     "5.7 -> 6.1", ""},
    {"V-PUD-AGAIN",
     "6.12: a PUD that is not none, not present and not a leaf makes walk_pmd_range ask for the "
     "PUD again, for ever (a livelock, bounded here), where 6.1 descended it as a table",
     "6.1 -> 6.12", ""},
    {"V-PUD-NOTPRESENT", "6.12: a trans-huge or devmap PUD without PRESENT is a hole, left unsplit",
     "6.1 -> 6.12", ""},
    {"V-MARKER-ANON",
     "6.12: a fault on a uffd-wp PTE marker in an anonymous VMA clears the marker (the page "
     "then faults in as a none PTE), where 6.1 warned (WARN_ON_ONCE) and returned "
     "VM_FAULT_SIGBUS",
     "6.1 -> 6.12", ""},
    {"V-ZERO-WARN",
     "6.12: vm_normal_page warns once (VM_WARN_ON_ONCE) on a zero-pfn PTE that is not special",
     "6.1 -> 6.12", ""},
    {"V-HUGETLB-HOLE-LOCKED",
     "6.12: a hugetlb page without a slot is faulted from the hole callback with the hugetlb VMA "
     "lock held, which hugetlb_fault takes again (a BUG report per fault), where 6.1's walk "
     "held no such lock",
     "6.1 -> 6.12", ""},
    {"V-SWAP-TYPES",
     "the non-swap entries (migration, device-private, hwpoison) take swap types counted from "
     "MAX_SWAPFILES, which is 27 in v5.7, 22 in 6.1 and 23 in 6.12: the raw words differ, the "
     "logical entries and the outcomes do not",
     "5.7 -> 6.1 -> 6.12", ""},
    {"V-DEVMAP-BIT",
     "6.12 moved _PAGE_DEVMAP from bit 58 to bit 57: the raw words of devmap entries differ, the "
     "logical entries do not",
     "6.1 -> 6.12", ""},
}};

// A group named by the rules on each side: some rule of `before` fired in the older version
// and some rule of `after` in the newer (an empty `before` matches anything), for the page
// that differs or, for a difference of the whole call, for some page. It names only a
// comparison across the version that made the change (`since`): the older side is before it,
// the newer at or after it.
struct RulePair {
  std::string_view group;
  KernelVersion since;
  std::vector<RuleId> before, after;
  bool reports_only = false; // it explains only a difference of the reports
};

const std::array<RulePair, 12>& rule_pairs() {
  static const std::array<RulePair, 12> pairs{{
      {"V-MIXEDMAP",
       V::V6_1,
       {R::VmaUnsupportedFill, R::VmaUnsupportedEfault},
       {R::VmaSupportedMixedmap}},
      {"V-DEVICE-PRIVATE-FAULT", V::V6_1, {R::PteNonPresentEfault}, {R::PteDeviceFault}},
      {"V-BAD-PTE", V::V6_1, {}, {R::PteBadPte}},
      {"V-GAP-HOLE", V::V6_1, {R::PgdBad, R::P4dBad, R::GapPud}, {R::GapHole}},
      {"V-HUGETLB-SLOT",
       V::V6_1,
       {R::HugetlbChunk, R::HugetlbNoSlot, R::HugetlbFirstRequest, R::HugetlbFault, R::HugetlbFill},
       {R::HugetlbSlotAny, R::HugetlbNoSlotUpper}},
      {"V-PMD-ACCESSED", V::V6_1, {R::PmdBadError, R::PmdBadEfault}, {R::PmdTablePtes}},
      {"V-PUD-DEVMAP-HOLE", V::V6_1, {R::PudSplit}, {R::PudDevmapNotPresent}},
      {"V-PUD-AGAIN", V::V6_12, {}, {R::PudAgainLivelock}},
      {"V-PUD-NOTPRESENT", V::V6_12, {}, {R::PudNotPresent}},
      {"V-SPECIAL-DEVMAP", V::V6_1, {R::PteSpecial, R::PteSpecialEfault}, {R::PteDevmap}},
      {"V-ZERO-WARN", V::V6_12, {}, {R::PteZeroWarn}, true},
      {"V-HUGETLB-HOLE-LOCKED", V::V6_12, {}, {R::HugetlbHoleLocked}, true},
  }};
  return pairs;
}

bool any_of(const RuleSet& s, const std::vector<RuleId>& rules) {
  return std::any_of(rules.begin(), rules.end(),
                     [&](RuleId r) { return s.test(static_cast<std::size_t>(r)); });
}

// Whether a comparison crosses `since`, the version that made a change: the older side is
// before it, the newer at or after it.
bool crosses(const DiffContext& c, KernelVersion since) {
  return c.a.version < since && since <= c.b.version;
}

bool pair_holds(const RulePair& p, const RuleSet& a, const RuleSet& b) {
  return (p.before.empty() || any_of(a, p.before)) && any_of(b, p.after);
}

// The entry of a neutral world at (level, addr), if it has one.
const NeutralEntry* entry_at(const std::vector<NeutralEntry>& es, Level l, u64 addr) {
  for (const NeutralEntry& e : es)
    if (e.level == l && e.addr == addr) return &e;
  return nullptr;
}

// A shared THP copied whole (v5.7) on one side, split into a PTE table on the other: where
// the newer final world holds a table, the older one holds a huge PMD (F-THP-COPY), or a table
// whose first PTE maps another page than the first of the THP the input world held there
// (F-THP-COPY-PAGES: every page copied).
bool thp_copied_vs_split(const DiffContext& c) {
  for (const NeutralEntry& eb : c.b.neutral.entries) {
    if (eb.level != Level::Pmd || eb.entry.kind != Kind::Table) continue;
    const NeutralEntry* ea = entry_at(c.a.neutral.entries, Level::Pmd, eb.addr);
    if (!ea) continue;
    if (ea->entry.kind == Kind::Huge) return true;
    // the THP's first page: a huge PMD's, or that of the THP a migration entry restores
    const Geometry& g = c.a.scenario.world.geom;
    const Entry before = c.a.scenario.world.entry_at(Level::Pmd, eb.addr);
    if (before.kind != Kind::Huge && before.kind != Kind::Migration) continue;
    const u64 thp_pfn = before.pfn & ~((g.size(Level::Pmd) >> g.page_shift) - 1);
    const NeutralEntry* pte = entry_at(c.a.neutral.entries, Level::Pte, eb.addr);
    if (ea->entry.kind == Kind::Table && pte && pte->entry.kind == Kind::Page &&
        pte->entry.pfn != thp_pfn)
      return true;
  }
  return false;
}

// A PMD word that v5.7's pmd_bad calls bad and 6.x's a table: one without ACCESSED.
bool pmd_bad_only_for_accessed(const DiffContext& c, const NeutralEntry& ea,
                               const NeutralEntry& eb) {
  if (ea.level != Level::Pmd || eb.level != Level::Pmd || ea.addr != eb.addr ||
      ea.entry.kind != Kind::Bad || eb.entry.kind != Kind::Table)
    return false;
  const u64* word = c.a.scenario.world.find_slot(Level::Pmd, ea.addr);
  return word && !(*word & x86::ACCESSED) && word_bad(c.a.scenario.world.geom, Level::Pmd, *word) &&
         !word_bad(c.b.scenario.world.geom, Level::Pmd, *word);
}

// The final worlds differ only in PMDs bad in the older version for want of ACCESSED and
// tables in the newer (the words themselves are the same).
bool only_pmd_accessed_entries(const DiffContext& c) {
  const auto& a = c.a.neutral.entries;
  const auto& b = c.b.neutral.entries;
  if (a.size() != b.size()) return false;
  bool any = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] == b[i]) continue;
    if (!pmd_bad_only_for_accessed(c, a[i], b[i])) return false;
    any = true;
  }
  return any;
}

// A uffd-wp marker faulted differently: the older final world still holds a marker where the
// newer one holds something else (6.1 refuses it in an anonymous VMA, 6.12 clears it).
bool marker_fault_changed(const DiffContext& c) {
  for (const NeutralEntry& ea : c.a.neutral.entries) {
    if (ea.entry.kind != Kind::Marker) continue;
    auto same_place = [&](const NeutralEntry& eb) {
      return eb.level == ea.level && eb.addr == ea.addr;
    };
    auto it = std::find_if(c.b.neutral.entries.begin(), c.b.neutral.entries.end(), same_place);
    if (it == c.b.neutral.entries.end() || it->entry.kind != Kind::Marker) return true;
  }
  return false;
}

} // namespace

std::span<const VersionGroup> version_groups() {
  return kGroups;
}

const VersionGroup* find_version_group(std::string_view id) {
  for (const VersionGroup& g : kGroups)
    if (g.id == id) return &g;
  return nullptr;
}

std::vector<RuleSet> page_rule_sets(const Trace& t) {
  std::vector<RuleSet> out(t.npages);
  for (const PageRun& r : t.hits)
    for (u64 i = r.first; i < r.first + r.count && i < out.size(); ++i)
      out[i].set(static_cast<std::size_t>(r.hit.rule));
  return out;
}

std::string_view classify_pfn(const DiffContext& c, u64 i, PfnPart part, const NeutralPfn& pa,
                              const NeutralPfn& pb) {
  using K = NeutralPfn::Kind;
  const bool v6_api_came = crosses(c, KernelVersion::V6_1);
  switch (part) {
  case PfnPart::Valid:
    return v6_api_came && pa.valid && !pb.valid ? "V-VALID-CPU-FLAGS" : "";
  case PfnPart::Order:
    return v6_api_came && pa.order == 0 && pb.order > 0 ? "V-MAP-ORDER" : "";
  case PfnPart::Kind:
    break;
  }
  const RuleSet none;
  const RuleSet& a = i < c.ra.size() ? c.ra[i] : none;
  const RuleSet& b = i < c.rb.size() ? c.rb[i] : none;
  if (v6_api_came && pa.kind == K::Special && pb.kind == K::Error) return "V-SPECIAL-ERROR";
  // pfn 0 with no CPU flags is the 6.x word 0, which reads as none (R-OUTPUT-CPU-FLAGS)
  if (v6_api_came && pa.kind == K::Pfn && pa.pfn == 0 && pa.valid && pb.kind == K::None &&
      b.test(static_cast<std::size_t>(R::OutputCpuFlags)))
    return "V-VALID-CPU-FLAGS";
  for (const RulePair& p : rule_pairs())
    if (!p.reports_only && crosses(c, p.since) && pair_holds(p, a, b)) return p.group;
  // the page the fault gave: a new THP's on one side, the copied page's on the other
  if (v6_api_came && pa.kind == K::Pfn && pb.kind == K::Pfn && thp_copied_vs_split(c))
    return "V-THP-WP-COPY";
  return "";
}

std::string_view classify_call(const DiffContext& c, DiffField field) {
  if (field == DiffField::Ret && c.a.neutral.ret.cls == RetClass::Success &&
      c.b.neutral.ret.cls == RetClass::Success && !has_v6_api(c.a.version) &&
      has_v6_api(c.b.version) && c.b.neutral.ret.raw == 0)
    return "V-RETURN-ZERO";
  if (field == DiffField::Entries && crosses(c, KernelVersion::V6_1) &&
      only_pmd_accessed_entries(c))
    return "V-PMD-ACCESSED";
  const std::size_t n = std::min(c.ra.size(), c.rb.size());
  for (const RulePair& p : rule_pairs()) {
    if (p.reports_only && field != DiffField::Reports) continue;
    if (!crosses(c, p.since)) continue;
    for (std::size_t i = 0; i < n; ++i)
      if (pair_holds(p, c.ra[i], c.rb[i])) return p.group;
  }
  if (field != DiffField::Reports && crosses(c, KernelVersion::V6_1) && thp_copied_vs_split(c))
    return "V-THP-WP-COPY";
  if (crosses(c, KernelVersion::V6_12) && marker_fault_changed(c)) return "V-MARKER-ANON";
  return "";
}

std::string_view classify_encoding(Kind kind, u64 word_a, u64 word_b) {
  switch (kind) {
  case Kind::Migration:
  case Kind::Device:
  case Kind::Hwpoison:
  case Kind::Exclusive:
  case Kind::Marker:
  case Kind::SwapinError:
    return "V-SWAP-TYPES";
  default:
    break;
  }
  if ((word_a ^ word_b) == (x86::DEVMAP | x86::devmap_bit(KernelVersion::V6_12)))
    return "V-DEVMAP-BIT";
  return "";
}

} // namespace hmmspec
