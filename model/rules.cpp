// SPDX-License-Identifier: GPL-2.0-or-later
#include "model/rules.h"

#include <array>

namespace hmmspec {

namespace {

using R = RuleId;
using enum KernelVersion;

// The version sets rules hold in.
constexpr Versions kAll{V5_7, V6_1, V6_12};
constexpr Versions kV57{V5_7};
constexpr Versions kV6{V6_1, V6_12};
constexpr Versions kUpTo61{V5_7, V6_1};
constexpr Versions kV61{V6_1};
constexpr Versions kV612{V6_12};

constexpr std::array<Rule, static_cast<std::size_t>(R::Count)> kRules{{
    // --- the call ---------------------------------------------------------------------
    {R::NotifierCheck, "R-NOTIFIER-CHECK", "hmm.c:586-590",
     "6.1 mm/hmm.c:583-587; 6.12 mm/hmm.c:593-597",
     "before every walk attempt a notifier sequence that moved returns -EBUSY at once", kAll},
    {R::Einval, "R-EINVAL", "hmm.c:591; pagewalk.c:392-393",
     "6.1 mm/hmm.c:588; 6.1 mm/pagewalk.c:440-441; 6.12 mm/hmm.c:598; "
     "6.12 mm/pagewalk.c:456-457",
     "a walk from start >= end returns -EINVAL (checked after the notifier)", kAll},
    {R::Restart, "R-RESTART", "hmm.c:586-593", "6.1 mm/hmm.c:583-596; 6.12 mm/hmm.c:593-606",
     "a walk that returns -EBUSY is repeated from `last`, re-reading the requests there", kAll},
    {R::Livelock, "R-LIVELOCK", "hmm.c:586-593 (model budget)",
     "6.1 mm/hmm.c:583-596; 6.12 mm/hmm.c:593-606 (model budget)",
     "when the restart budget is spent the outcome is a livelock, reported as -EBUSY", kAll},
    {R::Return, "R-RETURN", "hmm.c:595-597", "",
     "success returns (last - start) >> PAGE_SHIFT; any other error is returned as is", kV57},
    {R::ReturnZero, "R-RETURN-ZERO", "", "6.1 mm/hmm.c:588-597; 6.12 mm/hmm.c:598-607",
     "the last walk's result is returned as is: 0 on success, whatever `last` is", kV6},
    // --- requests -----------------------------------------------------------------------
    {R::Request, "R-REQUEST", "hmm.c:113", "6.1, 6.12 mm/hmm.c:102-103",
     "a page's request is (pfns[i] & pfn_flags_mask) | default_flags", kAll},
    {R::NeedNothing, "R-NEED-NOTHING", "hmm.c:115-117; 144-146",
     "6.1, 6.12 mm/hmm.c:105-107; 134-136",
     "a request without VALID needs no fault, even with WRITE", kAll},
    {R::NeedWrite, "R-NEED-WRITE", "hmm.c:119-122", "6.1, 6.12 mm/hmm.c:109-112",
     "VALID|WRITE requested on an entry without CPU write needs a write fault", kAll},
    {R::NeedRead, "R-NEED-READ", "hmm.c:124-126", "6.1, 6.12 mm/hmm.c:114-116",
     "VALID requested on an entry without CPU valid needs a read fault", kAll},
    {R::NeedOr, "R-NEED-OR", "hmm.c:130-155", "6.1, 6.12 mm/hmm.c:120-145",
     "a chunk decision ORs the needs of every page of the chunk against one cpu_flags", kAll},
    // --- the walk -----------------------------------------------------------------------
    {R::Regions, "R-REGIONS", "pagewalk.c:400-430",
     "6.1 mm/pagewalk.c:448-481; 6.12 mm/pagewalk.c:464-498",
     "from `last` the walk visits gaps and VMA portions in address order, clipped to the range",
     kAll},
    {R::Chunk, "R-CHUNK", "pagewalk.c:73,131,179,214 (p?d_addr_end)",
     "6.1 mm/pagewalk.c:112,173,224,261; 6.12 mm/pagewalk.c:112,170,217,252 (p?d_addr_end)",
     "a callback's chunk is the page's level entry clipped to its gap or VMA portion (a 6.x "
     "gap is one chunk)",
     kAll},
    {R::VmaSupported, "R-VMA-SUPPORTED", "hmm.c:518-520; pagewalk.c:413", "",
     "a VMA with VM_READ and none of VM_IO, VM_PFNMAP, VM_MIXEDMAP is walked", kV57},
    {R::VmaSupportedMixedmap, "R-VMA-SUPPORTED-MIXEDMAP", "",
     "6.1 mm/hmm.c:518-520; 6.1 mm/pagewalk.c:465; 6.12 mm/hmm.c:527-529; "
     "6.12 mm/pagewalk.c:482",
     "a VMA with VM_READ and neither VM_IO nor VM_PFNMAP is walked, VM_MIXEDMAP too", kV6},
    {R::VmaUnsupportedFill, "R-VMA-UNSUPPORTED-FILL", "hmm.c:533-543", "",
     "another VMA portion with no request is filled ERROR and skipped; last = portion end", kV57},
    {R::VmaUnsupportedSkip, "R-VMA-UNSUPPORTED-SKIP", "",
     "6.1 mm/hmm.c:533-542; 6.12 mm/hmm.c:542-551",
     "another VMA portion with no request is filled ERROR and skipped; last unchanged", kV6},
    {R::VmaUnsupportedEfault, "R-VMA-UNSUPPORTED-EFAULT", "hmm.c:533-537",
     "6.1 mm/hmm.c:533-537; 6.12 mm/hmm.c:542-546",
     "another VMA portion with any request returns -EFAULT", kAll},
    // --- upper levels -------------------------------------------------------------------
    {R::PgdNone, "R-PGD-NONE", "pagewalk.c:214-221 (5-level); 179-186 (4-level root)",
     "6.1 mm/pagewalk.c:262-268 (5-level), 225-231 (4-level root); "
     "6.12 mm/pagewalk.c:253-259, 218-224",
     "a none root entry makes its whole PGDIR chunk one hole", kAll},
    {R::PgdBad, "R-PGD-BAD",
     "pagewalk.c:215 (5-level), 180 (4-level root); asm-generic/pgtable.h:577-597",
     "6.1 mm/pagewalk.c:262, 225; 6.1 include/linux/pgtable.h:871-891; "
     "6.12 mm/pagewalk.c:253, 218; 6.12 include/linux/pgtable.h:1246-1266",
     "a bad root entry is cleared to 0, then its PGDIR chunk is one hole", kAll},
    {R::P4dNone, "R-P4D-NONE", "pagewalk.c:179-186",
     "6.1 mm/pagewalk.c:225-231; 6.12 mm/pagewalk.c:218-224",
     "5-level: a none P4D entry makes its P4D chunk one hole", kAll},
    {R::P4dBad, "R-P4D-BAD", "pagewalk.c:180; asm-generic/pgtable.h:588-597",
     "6.1 mm/pagewalk.c:225; 6.1 include/linux/pgtable.h:882-891; 6.12 mm/pagewalk.c:218; "
     "6.12 include/linux/pgtable.h:1257-1266",
     "5-level: a bad P4D entry is cleared to 0, then its P4D chunk is one hole", kAll},
    {R::GapPud, "R-GAP-PUD", "pagewalk.c:131-138", "",
     "in a gap, below present upper entries, every PUD chunk is a hole whatever the PUD holds",
     kV57},
    {R::GapHole, "R-GAP-HOLE", "", "6.1 mm/pagewalk.c:450-459; 6.12 mm/pagewalk.c:466-475",
     "a gap is one hole over all of it: no table is read and nothing is cleared", kV6},
    // --- PUD ----------------------------------------------------------------------------
    {R::PudNone, "R-PUD-NONE", "pagewalk.c:131-138",
     "6.1 mm/pagewalk.c:174-180; 6.12 mm/pagewalk.c:171-177",
     "a none PUD makes its PUD chunk one hole", kAll},
    {R::PudTable, "R-PUD-TABLE", "hmm.c:418-421; pagewalk.c:155-160",
     "6.1 mm/hmm.c:417-420; 6.1 mm/pagewalk.c:197-205",
     "a PUD that is neither trans-huge nor devmap is descended (no pud_bad check)", kUpTo61},
    {R::PudTablePresent, "R-PUD-TABLE-PRESENT", "",
     "6.12 mm/hmm.c:418-421; 6.12 mm/pagewalk.c:103-108, 192-195",
     "a present PUD that is neither trans-huge nor devmap is descended (no pud_bad check)", kV612},
    {R::PudAgainLivelock, "R-PUD-AGAIN-LIVELOCK", "",
     "6.12 mm/hmm.c:418-421; 6.12 mm/pagewalk.c:103-106, 195-200",
     "a PUD not none, not present, without PSE or DEVMAP is looked at again for ever: livelock",
     kV612},
    {R::PudDevmap, "R-PUD-DEVMAP", "hmm.c:432-436, 442-459", "",
     "a present devmap huge PUD with no fault needed fills pud_pfn+offset; last = chunk end", kV57},
    {R::PudDevmapOrder, "R-PUD-DEVMAP-ORDER", "",
     "6.1 mm/hmm.c:400-408, 431, 446-457; 6.12 mm/hmm.c:401-409, 432, 442-453",
     "a present devmap huge PUD with no fault needed fills pud_pfn+offset | V [W] | PUD order",
     kV6},
    {R::PudDevmapFault, "R-PUD-DEVMAP-FAULT", "hmm.c:446-452",
     "6.1 mm/hmm.c:446-452; 6.12 mm/hmm.c:442-448",
     "a devmap huge PUD whose chunk needs a fault faults the whole chunk", kAll},
    {R::PudDevmapAbsent, "R-PUD-DEVMAP-ABSENT", "hmm.c:437-440", "",
     "a devmap huge PUD without PRESENT makes its chunk a hole", kV57},
    {R::PudDevmapNotPresent, "R-PUD-DEVMAP-NOTPRESENT", "",
     "6.1 mm/hmm.c:431, 437-440; 6.1 arch/x86/mm/hugetlbpage.c:38-46",
     "a devmap PUD without PRESENT, with PSE or not (6.1 pud_huge), makes its chunk a hole", kV61},
    {R::PudNotPresent, "R-PUD-NOTPRESENT", "", "6.12 mm/hmm.c:418-430",
     "a trans-huge or devmap PUD without PRESENT makes its chunk a hole, unsplit", kV612},
    {R::PudSplit, "R-PUD-SPLIT", "hmm.c:462-467; pagewalk.c:150-158; huge_memory.c:2158-2180",
     "6.1 mm/hmm.c:460-461; 6.1 mm/pagewalk.c:197-200; 6.1 mm/huge_memory.c:2015-2037; "
     "6.12 mm/hmm.c:456-457; 6.12 mm/pagewalk.c:192-200, 103-106; "
     "6.12 mm/huge_memory.c:2649-2667",
     "any other huge PUD is cleared under an invalidation of its PUD range, then is a hole", kAll},
    // --- PMD ----------------------------------------------------------------------------
    {R::PmdNone, "R-PMD-NONE", "pagewalk.c:73-80; hmm.c:334-335", "6.1, 6.12 mm/pagewalk.c:113-119",
     "a none PMD makes its PMD chunk one hole", kAll},
    {R::PmdMigrationWait, "R-PMD-MIGRATION-WAIT", "hmm.c:337-342", "6.1, 6.12 mm/hmm.c:339-344",
     "a PMD migration entry whose chunk needs a fault: last = chunk start, wait, -EBUSY", kAll},
    {R::PmdMigrationNone, "R-PMD-MIGRATION-NONE", "hmm.c:343", "6.1, 6.12 mm/hmm.c:345",
     "a PMD migration entry with no fault needed fills NONE; last unchanged", kAll},
    {R::PmdNotPresentError, "R-PMD-NOTPRESENT-ERROR", "hmm.c:346-349", "6.1, 6.12 mm/hmm.c:348-351",
     "another non-present PMD with no fault needed fills ERROR; last unchanged", kAll},
    {R::PmdNotPresentEfault, "R-PMD-NOTPRESENT-EFAULT", "hmm.c:346-348",
     "6.1, 6.12 mm/hmm.c:348-350",
     "another non-present PMD whose chunk needs a fault returns -EFAULT", kAll},
    {R::PmdHuge, "R-PMD-HUGE", "hmm.c:352-368, 191-212, 181-188", "",
     "a devmap or trans-huge PMD with no fault needed fills pmd_pfn+offset; last = chunk end",
     kV57},
    {R::PmdHugeOrder, "R-PMD-HUGE-ORDER", "",
     "6.1 mm/hmm.c:354-370, 177-185, 204-206; 6.12 mm/hmm.c:354-369, 177-185, 204-206",
     "a devmap or trans-huge PMD with no fault needed fills pmd_pfn+offset | cpu_flags with "
     "the PMD order (protnone: the bare pfn)",
     kV6},
    {R::PmdHugeFault, "R-PMD-HUGE-FAULT", "hmm.c:200-205", "6.1, 6.12 mm/hmm.c:199-202",
     "a huge PMD whose chunk needs a fault faults the whole chunk", kAll},
    {R::PmdBadError, "R-PMD-BAD-ERROR", "hmm.c:376-379",
     "6.1 mm/hmm.c:378-381; 6.12 mm/hmm.c:377-380",
     "a bad PMD (not cleared) with no fault needed fills ERROR; last unchanged", kAll},
    {R::PmdBadEfault, "R-PMD-BAD-EFAULT", "hmm.c:376-378",
     "6.1 mm/hmm.c:378-380; 6.12 mm/hmm.c:377-379",
     "a bad PMD whose chunk needs a fault returns -EFAULT", kAll},
    {R::PmdTable, "R-PMD-TABLE", "hmm.c:382-396", "",
     "a PMD table: each PTE of the chunk in order; last = chunk end, or the failing page", kV57},
    {R::PmdTablePtes, "R-PMD-TABLE-PTES", "", "6.1 mm/hmm.c:384-395; 6.12 mm/hmm.c:383-396",
     "a PMD table: each PTE of the chunk in order; last unchanged", kV6},
    // --- races ------------------------------------------------------------------------
    {R::RacePmdNone, "R-RACE-PMD-NONE", "hmm.c:332-335; pagewalk.c:73-80",
     "6.1 mm/hmm.c:334-337, mm/pagewalk.c:113-128; 6.12 mm/hmm.c:334-337, mm/pagewalk.c:113-126",
     "a PMD the walker saw not none that hmm then reads none makes its chunk one hole", kAll},
    {R::RacePmdAgain, "R-RACE-PMD-AGAIN", "hmm.c:351-365",
     "6.1 mm/hmm.c:354-367; 6.12 mm/hmm.c:354-366",
     "a huge PMD that is no longer huge at hmm's second read is read again and handled as it "
     "now is",
     kAll},
    {R::RacePudNone, "R-RACE-PUD-NONE", "hmm.c:415-430",
     "6.1 mm/hmm.c:417-429; 6.12 mm/hmm.c:418-430 (not present)",
     "a huge PUD pud_trans_huge_lock took that hmm then reads none makes its chunk one hole, "
     "unsplit",
     kAll},
    // --- PTE ----------------------------------------------------------------------------
    {R::PteNone, "R-PTE-NONE", "hmm.c:247-253", "6.1, 6.12 mm/hmm.c:234-241",
     "a none PTE with no fault needed gives NONE", kAll},
    {R::PteMarkerNone, "R-PTE-MARKER-NONE", "",
     "6.1, 6.12 mm/hmm.c:234; 6.1 include/linux/swapops.h:483-486, 535-538; "
     "6.12 include/linux/swapops.h:452-455, 486-489",
     "a PTE marker (uffd-wp; in 6.12 also poisoned) is read as a none PTE (pte_none_mostly)", kV6},
    {R::PteNoneFault, "R-PTE-NONE-FAULT", "hmm.c:247-250, 313-316",
     "6.1, 6.12 mm/hmm.c:234-238, 314-317",
     "a none PTE whose request needs a fault starts a fault span", kAll},
    {R::PteDeviceOwned, "R-PTE-DEVICE-OWNED", "hmm.c:219-225, 262-269", "",
     "a device-private entry of the caller's owner is reported, never faulted", kV57},
    {R::PteDeviceOwnedPfn, "R-PTE-DEVICE-OWNED-PFN", "",
     "6.1, 6.12 mm/hmm.c:250-258; 6.1, 6.12 include/linux/swapops.h:117-121",
     "a device-private entry of the caller's owner gives swp_offset_pfn | V [W], never faulted",
     kV6},
    {R::PteNonPresentNone, "R-PTE-NONPRESENT-NONE", "hmm.c:271-275", "6.1, 6.12 mm/hmm.c:260-265",
     "any other non-present PTE with no fault needed gives NONE", kAll},
    {R::PteSwapFault, "R-PTE-SWAP-FAULT", "hmm.c:277-278, 313-316",
     "6.1, 6.12 mm/hmm.c:267-268, 314-317",
     "a real swap entry whose request needs a fault starts a fault span", kAll},
    {R::PteDeviceFault, "R-PTE-DEVICE-FAULT", "", "6.1, 6.12 mm/hmm.c:270-271, 314-317",
     "another owner's device-private entry whose request needs a fault starts a fault span", kV6},
    {R::PteExclusiveFault, "R-PTE-EXCLUSIVE-FAULT", "", "6.1, 6.12 mm/hmm.c:273-274, 314-317",
     "a device-exclusive entry whose request needs a fault starts a fault span", kV6},
    {R::PteMigrationWait, "R-PTE-MIGRATION-WAIT", "hmm.c:280-285", "6.1, 6.12 mm/hmm.c:276-281",
     "a migration entry whose request needs a fault: last = page, wait, -EBUSY", kAll},
    {R::PteNonPresentEfault, "R-PTE-NONPRESENT-EFAULT", "hmm.c:287-289", "",
     "hwpoison or another owner's device entry whose request needs a fault: -EFAULT", kV57},
    {R::PteNonswapEfault, "R-PTE-NONSWAP-EFAULT", "", "6.1, 6.12 mm/hmm.c:283-285",
     "any other non-swap entry (hwpoison, 6.1 swapin error) whose request needs a fault: "
     "-EFAULT",
     kV6},
    {R::PtePresentFault, "R-PTE-PRESENT-FAULT", "hmm.c:292-295, 313-316",
     "6.1, 6.12 mm/hmm.c:288-292, 314-317",
     "a present PTE whose request needs a fault against its CPU flags starts a fault span", kAll},
    {R::PteSpecialEfault, "R-PTE-SPECIAL-EFAULT", "hmm.c:301-305", "",
     "a special PTE (not the zero pfn) with VALID requested returns -EFAULT", kV57},
    {R::PteSpecial, "R-PTE-SPECIAL", "hmm.c:301-308", "",
     "a special PTE (not the zero pfn) with no VALID requested gives SPECIAL", kV57},
    {R::PteNotNormalEfault, "R-PTE-NOT-NORMAL-EFAULT", "", "6.1, 6.12 mm/hmm.c:300-306",
     "a present PTE with no normal page, not devmap, not the zero pfn, with VALID requested: "
     "-EFAULT",
     kV6},
    {R::PteNotNormal, "R-PTE-NOT-NORMAL", "", "6.1, 6.12 mm/hmm.c:300-309",
     "a present PTE with no normal page (vm_normal_page), not devmap, not the zero pfn: ERROR",
     kV6},
    {R::PteBadPte, "R-PTE-BAD-PTE", "",
     "6.1, 6.12 mm/hmm.c:300; 6.1 mm/memory.c:536-549, 617-639, 661-665; "
     "6.12 mm/memory.c:515-528, 599-621, 645-649",
     "vm_normal_page reports a bad page map: a stray special PTE, or a pfn with no struct page",
     kV6},
    {R::PteDevmap, "R-PTE-DEVMAP", "", "6.1, 6.12 mm/hmm.c:294-302, 311",
     "a devmap PTE is reported by its pfn though vm_normal_page finds no page", kV6},
    {R::PtePage, "R-PTE-PAGE", "hmm.c:310", "6.1, 6.12 mm/hmm.c:311",
     "a present PTE gives the pfn output of pte_pfn with its cpu_flags", kAll},
    {R::PteZero, "R-PTE-ZERO", "hmm.c:297-301, 310", "6.1, 6.12 mm/hmm.c:297-302, 311",
     "the zero pfn counts as a normal page even when special", kAll},
    {R::PteZeroWarn, "R-PTE-ZERO-WARN", "", "6.12 mm/memory.c:655-656",
     "vm_normal_page of a zero-pfn PTE that is not special warns once (VM_WARN_ON_ONCE)", kV612},
    {R::PteProtnone, "R-PTE-PROTNONE", "hmm.c:227-234, 310",
     "6.1, 6.12 mm/hmm.c:215-221, 288-292, 311",
     "a protnone PTE has cpu_flags 0: a fault when VALID is requested, else no W", kAll},
    {R::PteFaultSpan, "R-PTE-FAULT-SPAN", "hmm.c:313-316, 386",
     "6.1 mm/hmm.c:314-317, 388; 6.12 mm/hmm.c:314-317, 389",
     "a PTE fault spans from that page to the end of the PMD chunk", kAll},
    // --- hmm_vma_fault -------------------------------------------------------------------
    {R::FaultSpan, "R-FAULT-SPAN", "hmm.c:84, 92-94", "6.1, 6.12 mm/hmm.c:71, 79-82",
     "every page of a fault span is faulted in order with FAULT_FLAG_REMOTE; last = span start",
     kAll},
    {R::FaultWrite, "R-FAULT-WRITE", "hmm.c:86-90", "6.1, 6.12 mm/hmm.c:73-77",
     "a needed write fault makes every page of the span a write fault", kAll},
    {R::FaultEperm, "R-FAULT-EPERM", "hmm.c:86-88", "6.1, 6.12 mm/hmm.c:73-75",
     "a needed write fault on a VMA without VM_WRITE returns -EPERM before any fault", kAll},
    {R::FaultEfault, "R-FAULT-EFAULT", "hmm.c:92-94", "6.1, 6.12 mm/hmm.c:79-82",
     "the first fault returning a VM_FAULT_ERROR bit ends the span with -EFAULT", kAll},
    {R::FaultEbusy, "R-FAULT-EBUSY", "hmm.c:95", "6.1, 6.12 mm/hmm.c:83",
     "a span whose faults all succeed returns -EBUSY (the walk restarts at its start)", kAll},
    // --- holes --------------------------------------------------------------------------
    {R::HoleGapError, "R-HOLE-GAP-ERROR", "hmm.c:169-173", "6.1, 6.12 mm/hmm.c:161-164",
     "a hole outside any VMA with no request fills ERROR; last unchanged", kAll},
    {R::HoleGapEfault, "R-HOLE-GAP-EFAULT", "hmm.c:169-172", "6.1, 6.12 mm/hmm.c:161-163",
     "a hole outside any VMA with any request returns -EFAULT", kAll},
    {R::HoleVmaNone, "R-HOLE-VMA-NONE", "hmm.c:169, 177-178", "",
     "a hole in a VMA with no request fills NONE; last = the hole's START", kV57},
    {R::HoleVmaEmpty, "R-HOLE-VMA-EMPTY", "", "6.1, 6.12 mm/hmm.c:166-168",
     "a hole in a VMA with no request fills NONE; last unchanged", kV6},
    {R::HoleVmaFault, "R-HOLE-VMA-FAULT", "hmm.c:169, 175-176",
     "6.1, 6.12 mm/hmm.c:159-160, 166-167",
     "a hole in a VMA with any request faults the whole hole", kAll},
    // --- hugetlb ------------------------------------------------------------------------
    {R::HugetlbChunk, "R-HUGETLB-CHUNK", "pagewalk.c:238-268, 327-329",
     "6.1 mm/pagewalk.c:286-316, 375-377; 6.12 mm/pagewalk.c:275-305, 364-366",
     "a hugetlb VMA is walked one huge page at a time, clipped to the portion", kAll},
    {R::HugetlbNoSlot, "R-HUGETLB-NOSLOT", "pagewalk.c:259-264; hugetlb.c:5369-5401", "",
     "huge_pte_offset finding no slot makes the huge-page chunk a hole", kV57},
    {R::HugetlbNoSlotUpper, "R-HUGETLB-NOSLOT-UPPER", "",
     "6.1 mm/pagewalk.c:307-312; 6.1 mm/hugetlb.c:7277-7289; 6.12 mm/pagewalk.c:297-301; "
     "6.12 mm/hugetlb.c:7479-7491; 6.12 include/linux/hugetlb.h:1332-1350",
     "no slot, so a hole, only below a non-present PGD or P4D, or PUD for a PMD-size page", kV6},
    {R::HugetlbHoleLocked, "R-HUGETLB-HOLE-LOCKED", "",
     "6.12 mm/pagewalk.c:294-305; 6.12 mm/hmm.c:166-167, 79-82; 6.12 mm/hugetlb.c:6439",
     "6.12 faults a no-slot hole under the hugetlb VMA lock: a BUG report for every fault", kV612},
    {R::HugetlbSlotAny, "R-HUGETLB-SLOT-ANY", "",
     "6.1 mm/hugetlb.c:7284-7294; 6.12 mm/hugetlb.c:7486-7496",
     "the slot at the huge page's level is read as a huge PTE whatever it holds", kV6},
    {R::HugetlbFirstRequest, "R-HUGETLB-FIRST-REQUEST", "hmm.c:490-493",
     "6.1 mm/hmm.c:489-494; 6.12 mm/hmm.c:485-490",
     "a hugetlb chunk reads only its first page's request", kAll},
    {R::HugetlbFault, "R-HUGETLB-FAULT", "hmm.c:493-497",
     "6.1 mm/hmm.c:493-498; 6.12 mm/hmm.c:489-507",
     "a hugetlb chunk whose first request needs a fault faults the whole chunk", kAll},
    {R::HugetlbFill, "R-HUGETLB-FILL", "hmm.c:499-505", "",
     "otherwise the chunk is filled pte_pfn+offset | V | cpu (any slot); last = chunk end", kV57},
    {R::HugetlbFillOrder, "R-HUGETLB-FILL-ORDER", "",
     "6.1 mm/hmm.c:491-492, 500-502; 6.12 mm/hmm.c:487-488, 509-511",
     "otherwise the chunk is filled pte_pfn+offset | cpu | the huge page's order (any slot)", kV6},
    // --- outputs ------------------------------------------------------------------------
    {R::OutputValid, "R-OUTPUT-VALID", "hmm.c:46-50", "",
     "every pfn output carries VALID, even when the CPU flags are 0", kV57},
    {R::OutputCpuFlags, "R-OUTPUT-CPU-FLAGS", "",
     "6.1 mm/hmm.c:206, 311, 456, 502; 6.12 mm/hmm.c:206, 311, 452, 511",
     "a pfn output carries VALID only from its CPU flags: none for protnone or not present", kV6},
    {R::OutputWrite, "R-OUTPUT-WRITE", "hmm.c:185-187, 231-233, 405-407",
     "6.1 mm/hmm.c:182-183, 220, 405-406; 6.12 mm/hmm.c:182-183, 220, 406-407",
     "WRITE in an output follows the CPU entry, whatever was requested", kAll},
}};

constexpr bool table_in_enum_order() {
  for (std::size_t i = 0; i < kRules.size(); ++i)
    if (static_cast<std::size_t>(kRules[i].rule) != i) return false;
  return true;
}
static_assert(table_in_enum_order(), "kRules must list every rule in RuleId order");

// The lines a rule cites match the versions it holds in.
constexpr bool citations_match_versions() {
  for (const Rule& r : kRules) {
    if (r.seed.empty() == r.holds_in(V5_7)) return false;
    if (r.v6.empty() == (r.holds_in(V6_1) || r.holds_in(V6_12))) return false;
  }
  return true;
}
static_assert(citations_match_versions(),
              "a rule cites v5.7 lines iff it holds in v5.7, and 6.x lines iff in 6.1 or 6.12");

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

std::string versions_text(const Rule& r) {
  std::string s;
  for (KernelVersion v : kAllKernelVersions)
    if (r.holds_in(v)) s += (s.empty() ? "" : ", ") + std::string(version_name(v));
  return s;
}

} // namespace hmmspec
