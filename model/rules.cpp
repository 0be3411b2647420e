// SPDX-License-Identifier: GPL-2.0-or-later
#include "model/rules.h"

#include <array>

namespace hmmspec {

namespace {

using R = RuleId;

constexpr std::array<Rule, static_cast<std::size_t>(R::Count)> kRules{{
    // --- the call ---------------------------------------------------------------------
    {R::NotifierCheck, "R-NOTIFIER-CHECK", "hmm.c:586-590",
     "before every walk attempt a notifier sequence that moved returns -EBUSY at once"},
    {R::Einval, "R-EINVAL", "hmm.c:591; pagewalk.c:392-393",
     "a walk from start >= end returns -EINVAL (checked after the notifier)"},
    {R::Restart, "R-RESTART", "hmm.c:586-593",
     "a walk that returns -EBUSY is repeated from `last`, re-reading the requests there"},
    {R::Livelock, "R-LIVELOCK", "hmm.c:586-593 (model budget)",
     "when the restart budget is spent the outcome is a livelock, reported as -EBUSY"},
    {R::Return, "R-RETURN", "hmm.c:595-597",
     "success returns (last - start) >> PAGE_SHIFT; any other error is returned as is"},
    // --- requests -----------------------------------------------------------------------
    {R::Request, "R-REQUEST", "hmm.c:113",
     "a page's request is (pfns[i] & pfn_flags_mask) | default_flags"},
    {R::NeedNothing, "R-NEED-NOTHING", "hmm.c:115-117; 144-146",
     "a request without VALID needs no fault, even with WRITE"},
    {R::NeedWrite, "R-NEED-WRITE", "hmm.c:119-122",
     "VALID|WRITE requested on an entry without CPU write needs a write fault"},
    {R::NeedRead, "R-NEED-READ", "hmm.c:124-126",
     "VALID requested on an entry without CPU valid needs a read fault"},
    {R::NeedOr, "R-NEED-OR", "hmm.c:130-155",
     "a chunk decision ORs the needs of every page of the chunk against one cpu_flags"},
    // --- the walk -----------------------------------------------------------------------
    {R::Regions, "R-REGIONS", "pagewalk.c:400-430",
     "from `last` the walk visits gaps and VMA portions in address order, clipped to the range"},
    {R::Chunk, "R-CHUNK", "pagewalk.c:73,131,179,214 (p?d_addr_end)",
     "a callback's chunk is the page's level entry clipped to its gap or VMA portion"},
    {R::VmaSupported, "R-VMA-SUPPORTED", "hmm.c:518-520; pagewalk.c:413",
     "a VMA with VM_READ and none of VM_IO, VM_PFNMAP, VM_MIXEDMAP is walked"},
    {R::VmaUnsupportedFill, "R-VMA-UNSUPPORTED-FILL", "hmm.c:533-543",
     "another VMA portion with no request is filled ERROR and skipped; last = portion end"},
    {R::VmaUnsupportedEfault, "R-VMA-UNSUPPORTED-EFAULT", "hmm.c:533-537",
     "another VMA portion with any request returns -EFAULT"},
    // --- upper levels -------------------------------------------------------------------
    {R::PgdNone, "R-PGD-NONE", "pagewalk.c:214-221 (5-level); 179-186 (4-level root)",
     "a none root entry makes its whole PGDIR chunk one hole"},
    {R::PgdBad, "R-PGD-BAD",
     "pagewalk.c:215 (5-level), 180 (4-level root); asm-generic/pgtable.h:577-597",
     "a bad root entry is cleared to 0, then its PGDIR chunk is one hole"},
    {R::P4dNone, "R-P4D-NONE", "pagewalk.c:179-186",
     "5-level: a none P4D entry makes its P4D chunk one hole"},
    {R::P4dBad, "R-P4D-BAD", "pagewalk.c:180; asm-generic/pgtable.h:588-597",
     "5-level: a bad P4D entry is cleared to 0, then its P4D chunk is one hole"},
    {R::GapPud, "R-GAP-PUD", "pagewalk.c:131-138",
     "in a gap, below present upper entries, every PUD chunk is a hole whatever the PUD holds"},
    // --- PUD ----------------------------------------------------------------------------
    {R::PudNone, "R-PUD-NONE", "pagewalk.c:131-138", "a none PUD makes its PUD chunk one hole"},
    {R::PudTable, "R-PUD-TABLE", "hmm.c:418-421; pagewalk.c:155-160",
     "a PUD that is neither trans-huge nor devmap is descended (no pud_bad check)"},
    {R::PudDevmap, "R-PUD-DEVMAP", "hmm.c:432-436, 442-459",
     "a present devmap huge PUD with no fault needed fills pud_pfn+offset; last = chunk end"},
    {R::PudDevmapFault, "R-PUD-DEVMAP-FAULT", "hmm.c:446-452",
     "a devmap huge PUD whose chunk needs a fault faults the whole chunk"},
    {R::PudDevmapAbsent, "R-PUD-DEVMAP-ABSENT", "hmm.c:437-440",
     "a devmap huge PUD without PRESENT makes its chunk a hole"},
    {R::PudSplit, "R-PUD-SPLIT", "hmm.c:462-467; pagewalk.c:150-158; huge_memory.c:2158-2180",
     "any other huge PUD is cleared under an invalidation of its PUD range, then is a hole"},
    // --- PMD ----------------------------------------------------------------------------
    {R::PmdNone, "R-PMD-NONE", "pagewalk.c:73-80; hmm.c:334-335",
     "a none PMD makes its PMD chunk one hole"},
    {R::PmdMigrationWait, "R-PMD-MIGRATION-WAIT", "hmm.c:337-342",
     "a PMD migration entry whose chunk needs a fault: last = chunk start, wait, -EBUSY"},
    {R::PmdMigrationNone, "R-PMD-MIGRATION-NONE", "hmm.c:343",
     "a PMD migration entry with no fault needed fills NONE; last unchanged"},
    {R::PmdNotPresentError, "R-PMD-NOTPRESENT-ERROR", "hmm.c:346-349",
     "another non-present PMD with no fault needed fills ERROR; last unchanged"},
    {R::PmdNotPresentEfault, "R-PMD-NOTPRESENT-EFAULT", "hmm.c:346-348",
     "another non-present PMD whose chunk needs a fault returns -EFAULT"},
    {R::PmdHuge, "R-PMD-HUGE", "hmm.c:352-368, 191-212, 181-188",
     "a devmap or trans-huge PMD with no fault needed fills pmd_pfn+offset; last = chunk end"},
    {R::PmdHugeFault, "R-PMD-HUGE-FAULT", "hmm.c:200-205",
     "a huge PMD whose chunk needs a fault faults the whole chunk"},
    {R::PmdBadError, "R-PMD-BAD-ERROR", "hmm.c:376-379",
     "a bad PMD (not cleared) with no fault needed fills ERROR; last unchanged"},
    {R::PmdBadEfault, "R-PMD-BAD-EFAULT", "hmm.c:376-378",
     "a bad PMD whose chunk needs a fault returns -EFAULT"},
    {R::PmdTable, "R-PMD-TABLE", "hmm.c:382-396",
     "a PMD table: each PTE of the chunk in order; last = chunk end, or the failing page"},
    // --- PTE ----------------------------------------------------------------------------
    {R::PteNone, "R-PTE-NONE", "hmm.c:247-253", "a none PTE with no fault needed gives NONE"},
    {R::PteNoneFault, "R-PTE-NONE-FAULT", "hmm.c:247-250, 313-316",
     "a none PTE whose request needs a fault starts a fault span"},
    {R::PteDeviceOwned, "R-PTE-DEVICE-OWNED", "hmm.c:219-225, 262-269",
     "a device-private entry of the caller's owner is reported, never faulted"},
    {R::PteNonPresentNone, "R-PTE-NONPRESENT-NONE", "hmm.c:271-275",
     "any other non-present PTE with no fault needed gives NONE"},
    {R::PteSwapFault, "R-PTE-SWAP-FAULT", "hmm.c:277-278, 313-316",
     "a real swap entry whose request needs a fault starts a fault span"},
    {R::PteMigrationWait, "R-PTE-MIGRATION-WAIT", "hmm.c:280-285",
     "a migration entry whose request needs a fault: last = page, wait, -EBUSY"},
    {R::PteNonPresentEfault, "R-PTE-NONPRESENT-EFAULT", "hmm.c:287-289",
     "hwpoison or another owner's device entry whose request needs a fault: -EFAULT"},
    {R::PtePresentFault, "R-PTE-PRESENT-FAULT", "hmm.c:292-295, 313-316",
     "a present PTE whose request needs a fault against its CPU flags starts a fault span"},
    {R::PteSpecialEfault, "R-PTE-SPECIAL-EFAULT", "hmm.c:301-305",
     "a special PTE (not the zero pfn) with VALID requested returns -EFAULT"},
    {R::PteSpecial, "R-PTE-SPECIAL", "hmm.c:301-308",
     "a special PTE (not the zero pfn) with no VALID requested gives SPECIAL"},
    {R::PtePage, "R-PTE-PAGE", "hmm.c:310", "a present PTE gives (pte_pfn << shift) | V | cpu"},
    {R::PteZero, "R-PTE-ZERO", "hmm.c:297-301, 310",
     "the zero pfn counts as a normal page even when special"},
    {R::PteProtnone, "R-PTE-PROTNONE", "hmm.c:227-234, 310",
     "a protnone PTE has cpu_flags 0: V without W, or a fault when V is requested"},
    {R::PteFaultSpan, "R-PTE-FAULT-SPAN", "hmm.c:313-316, 386",
     "a PTE fault spans from that page to the end of the PMD chunk"},
    // --- hmm_vma_fault -------------------------------------------------------------------
    {R::FaultSpan, "R-FAULT-SPAN", "hmm.c:84, 92-94",
     "every page of a fault span is faulted in order with FAULT_FLAG_REMOTE; last = span start"},
    {R::FaultWrite, "R-FAULT-WRITE", "hmm.c:86-90",
     "a needed write fault makes every page of the span a write fault"},
    {R::FaultEperm, "R-FAULT-EPERM", "hmm.c:86-88",
     "a needed write fault on a VMA without VM_WRITE returns -EPERM before any fault"},
    {R::FaultEfault, "R-FAULT-EFAULT", "hmm.c:92-94",
     "the first fault returning a VM_FAULT_ERROR bit ends the span with -EFAULT"},
    {R::FaultEbusy, "R-FAULT-EBUSY", "hmm.c:95",
     "a span whose faults all succeed returns -EBUSY (the walk restarts at its start)"},
    // --- holes --------------------------------------------------------------------------
    {R::HoleGapError, "R-HOLE-GAP-ERROR", "hmm.c:169-173",
     "a hole outside any VMA with no request fills ERROR; last unchanged"},
    {R::HoleGapEfault, "R-HOLE-GAP-EFAULT", "hmm.c:169-172",
     "a hole outside any VMA with any request returns -EFAULT"},
    {R::HoleVmaNone, "R-HOLE-VMA-NONE", "hmm.c:169, 177-178",
     "a hole in a VMA with no request fills NONE; last = the hole's START"},
    {R::HoleVmaFault, "R-HOLE-VMA-FAULT", "hmm.c:169, 175-176",
     "a hole in a VMA with any request faults the whole hole"},
    // --- hugetlb ------------------------------------------------------------------------
    {R::HugetlbChunk, "R-HUGETLB-CHUNK", "pagewalk.c:238-268, 327-329",
     "a hugetlb VMA is walked one huge page at a time, clipped to the portion"},
    {R::HugetlbNoSlot, "R-HUGETLB-NOSLOT", "pagewalk.c:259-264; hugetlb.c:5369-5401",
     "huge_pte_offset finding no slot makes the huge-page chunk a hole"},
    {R::HugetlbFirstRequest, "R-HUGETLB-FIRST-REQUEST", "hmm.c:490-493",
     "a hugetlb chunk reads only its first page's request"},
    {R::HugetlbFault, "R-HUGETLB-FAULT", "hmm.c:493-497",
     "a hugetlb chunk whose first request needs a fault faults the whole chunk"},
    {R::HugetlbFill, "R-HUGETLB-FILL", "hmm.c:499-505",
     "otherwise the chunk is filled pte_pfn+offset | V | cpu (any slot); last = chunk end"},
    // --- outputs ------------------------------------------------------------------------
    {R::OutputValid, "R-OUTPUT-VALID", "hmm.c:46-50",
     "every pfn output carries VALID, even when the CPU flags are 0"},
    {R::OutputWrite, "R-OUTPUT-WRITE", "hmm.c:185-187, 231-233, 405-407",
     "WRITE in an output follows the CPU entry, whatever was requested"},
}};

constexpr bool table_in_enum_order() {
  for (std::size_t i = 0; i < kRules.size(); ++i)
    if (static_cast<std::size_t>(kRules[i].rule) != i) return false;
  return true;
}
static_assert(table_in_enum_order(), "kRules must list every rule in RuleId order");

} // namespace

const std::vector<Rule>& all_rules() {
  static const std::vector<Rule> rules(kRules.begin(), kRules.end());
  return rules;
}

const Rule& rule_info(RuleId r) {
  return kRules[static_cast<std::size_t>(r)];
}

std::string_view rule_id(RuleId r) {
  return rule_info(r).id;
}

std::optional<RuleId> find_rule(std::string_view id) {
  for (const Rule& r : kRules)
    if (r.id == id) return r.rule;
  return std::nullopt;
}

} // namespace hmmspec
