// SPDX-License-Identifier: GPL-2.0-or-later
// The Debian 6.1 and 6.12 mm/hmm.c end to end on worlds built in C++ with 6.x words written by
// hand (tests/kernel/v6_words.h), each outcome worked out from the kernel's source (cited per
// test) and the fault model (model/fault.h). Only worlds whose faults the v5.7 fault model
// already treats as the 6.x kernels do are used here (present pages, none PTEs, hugetlb
// pages); the version-specific fault rules are the model's. Tiny geometry: 4 KiB pages, a PMD
// entry maps 16 KiB (4 pages), a PUD entry 64 KiB, a root entry 256 KiB.
#include "kernel/include/hmmspec/hmm.h"
#include "kernel/kernel_party.h"
#include "kernel/session.h"
#include "tests/kernel/v6_words.h"

namespace hmmspec {
namespace {

using namespace v6;
constexpr u64 K = 1024;
constexpr unsigned READ = fault::FLAG_REMOTE;

class V6Party : public Fixture {
protected:
  void range(u64 start, u64 end) {
    r.start = start;
    r.end = end;
    r.pfns.assign(end > start ? (end - start) / (4 * K) : 0, 0);
    world.notifier = Notifier{start, end, 0, 0};
  }
  Outcome run() {
    KernelRun k = kernel_run(world, r, options);
    EXPECT_EQ(k.locks_held, 0);
    return k.outcome;
  }
  static Event fault(u64 addr, unsigned flags, unsigned result = 0) {
    return Event{Event::Type::Fault, addr, flags, result, Level::Pte};
  }

  HmmRange r;
  RunOptions options;
};

TEST_F(V6Party, PresentAndNonePtesWithoutRequests) {
  vma(0, 64 * K, vm::READ | vm::WRITE);
  store(Level::Pte, 0, present(0x1000, true));
  range(0, 16 * K);
  Outcome o = run();
  // 6.1 mm/hmm.c:311 for the page (VALID|WRITE from the CPU), :239 for the none PTEs; 0 is
  // success (:597).
  EXPECT_EQ(o.ret, 0);
  EXPECT_FALSE(o.livelock);
  EXPECT_EQ(o.walks, 1u);
  EXPECT_EQ(o.pfns, (std::vector<u64>{0x1000 | VALID | WRITE, 0, 0, 0}));
  EXPECT_TRUE(o.reports.empty());
  EXPECT_TRUE(o.world == world);
}

TEST_F(V6Party, ReadFaultCoversTheRestOfThePmdChunkThenRestarts) {
  vma(0, 64 * K, vm::READ);
  store(Level::Pte, 0, present(0x1000));
  range(0, 16 * K);
  r.pfns[1] = HMM_PFN_REQ_FAULT;
  Outcome o = run();
  // :234-238 then :316-317 fault pages 1..3 (read) and restart at page 1; anonymous reads map
  // the zero page, special, which vm_normal_page passes over and :302 lets through.
  const u64 zero = world.zero_pfn | VALID;
  EXPECT_EQ(o.ret, 0);
  EXPECT_EQ(o.walks, 2u);
  EXPECT_EQ(o.pfns, (std::vector<u64>{0x1000 | VALID, zero, zero, zero}));
  EXPECT_EQ(o.world.log,
            (std::vector<Event>{fault(4 * K, READ), fault(8 * K, READ), fault(12 * K, READ)}));
  EXPECT_TRUE(o.reports.empty());
}

TEST_F(V6Party, AGapOutsideVmasIsErrorOrEfaultWithoutReadingItsTables) {
  vma(512 * K, 576 * K);
  u64* root = world.table_words_mut(world.root_pfn());
  root[1] = TABLE | PSE | (0x9000000ull << 12); // bad, in the gap
  range(256 * K, 264 * K);
  Outcome o = run();
  // One hole for the gap (6.1 mm/pagewalk.c:455-459): no VMA, ERROR (6.1 mm/hmm.c:161-164).
  EXPECT_EQ(o.ret, 0);
  EXPECT_EQ(o.pfns, (std::vector<u64>{ERROR, ERROR}));
  EXPECT_EQ(o.world.table_words(o.world.root_pfn())[1], root[1]) << "v5.7 cleared it";

  r.pfns[1] = HMM_PFN_REQ_FAULT;
  EXPECT_EQ(run().ret, -err::kEFAULT); // :162-163
}

TEST_F(V6Party, ASpecialPteInAMixedmapVmaIsErrorWithoutReport) {
  vma(0, 64 * K, vm::READ | vm::MIXEDMAP);
  store(Level::Pte, 0, present(0x2000, false, SPECIAL));
  range(0, 4 * K);
  Outcome o = run();
  // vm_normal_page is NULL for special PTEs of VM_MIXEDMAP (6.1 mm/memory.c:622-623); not
  // devmap, not the zero page: ERROR (6.1 mm/hmm.c:300-308).
  EXPECT_EQ(o.ret, 0);
  EXPECT_EQ(o.pfns, std::vector<u64>{ERROR});
  EXPECT_TRUE(o.reports.empty());
  r.pfns[0] = HMM_PFN_REQ_FAULT;
  EXPECT_EQ(run().ret, -err::kEFAULT); // :303-305
}

TEST_F(V6Party, ASpecialPteInAnOrdinaryVmaIsABadPageMap) {
  vma(0, 64 * K, vm::READ);
  store(Level::Pte, 4 * K, present(0x2000, false, SPECIAL));
  range(0, 8 * K);
  Outcome o = run();
  // 6.1 mm/memory.c:637: print_bad_pte, NULL; ERROR as above.
  EXPECT_EQ(o.ret, 0);
  EXPECT_EQ(o.pfns, (std::vector<u64>{0, ERROR}));
  EXPECT_EQ(o.reports, (std::vector<KernelReport>{{KernelReport::Kind::BadPte, "", 4 * K}}));
}

TEST_F(V6Party, APfnWithoutAStructPageIsABadPageMap) {
  vma(0, 64 * K, vm::READ);
  world.highest_memmap_pfn = 0x1fff;
  store(Level::Pte, 0, present(0x1fff));
  store(Level::Pte, 4 * K, present(0x2000));
  range(0, 8 * K);
  Outcome o = run();
  // 6.1 mm/memory.c:662-665: a pfn above highest_memmap_pfn.
  EXPECT_EQ(o.pfns, (std::vector<u64>{0x1fff | VALID, ERROR}));
  EXPECT_EQ(o.reports, (std::vector<KernelReport>{{KernelReport::Kind::BadPte, "", 4 * K}}));
}

TEST_F(V6Party, TheZeroPfnMappedNotSpecial) {
  vma(0, 64 * K, vm::READ);
  store(Level::Pte, 0, present(world.zero_pfn));
  store(Level::Pte, 4 * K, present(world.zero_pfn));
  range(0, 8 * K);
  Outcome o = run();
  EXPECT_EQ(o.pfns, (std::vector<u64>{world.zero_pfn | VALID, world.zero_pfn | VALID}));
  if (k612) // VM_WARN_ON_ONCE(is_zero_pfn(pfn)) (6.12 mm/memory.c:656), once per call
    EXPECT_EQ(o.reports,
              (std::vector<KernelReport>{{KernelReport::Kind::Warn, "mm/memory.c:656", 0}}));
  else
    EXPECT_TRUE(o.reports.empty());
}

TEST_F(V6Party, AProtnonePteGivesItsPfnWithoutValid) {
  vma(0, 64 * K, vm::READ);
  // PROTNONE, not PRESENT: the frame bits are inverted (L1TF, pgtable-invert.h)
  store(Level::Pte, 0, (~(0x1000ull << 12) & 0x000ffffffffff000ull) | U | A | G);
  range(0, 4 * K);
  Outcome o = run();
  // cpu_flags 0 (6.1 mm/hmm.c:218-219), a normal page: pfn | 0 (:311).
  EXPECT_EQ(o.pfns, std::vector<u64>{0x1000});
}

TEST_F(V6Party, DevicePrivatePagesOfTheCallerAreReportedByPfn) {
  vma(0, 64 * K, vm::READ | vm::WRITE);
  store(Level::Pte, 0, swap(kDeviceWrite, 0x5000));
  store(Level::Pte, 4 * K, swap(kDeviceRead, 0x5001));
  world.device_owner[0x5000] = 7;
  world.device_owner[0x5001] = 7;
  range(0, 8 * K);
  r.pfns = {HMM_PFN_REQ_FAULT | HMM_PFN_REQ_WRITE, HMM_PFN_REQ_FAULT};
  r.dev_private_owner = 7;
  Outcome own = run();
  // 6.1 mm/hmm.c:250-257: reported, never faulted.
  EXPECT_EQ(own.ret, 0);
  EXPECT_EQ(own.pfns, (std::vector<u64>{0x5000 | VALID | WRITE, 0x5001 | VALID}));
  EXPECT_TRUE(own.world.log.empty());

  r.dev_private_owner = 8;
  r.pfns = {0, 0};
  Outcome foreign = run();
  EXPECT_EQ(foreign.ret, 0); // unrequested: 0 (:260-264)
  EXPECT_EQ(foreign.pfns, (std::vector<u64>{0, 0}));
}

TEST_F(V6Party, UnrequestedSwapEntriesOfEveryKindReadAsZero) {
  vma(0, 64 * K, vm::READ | vm::WRITE);
  store(Level::Pte, 0, swap(kExclusiveWrite, 0x5000));
  store(Level::Pte, 4 * K, swap(kMarker, PTE_MARKER_UFFD_WP));
  store(Level::Pte, 8 * K, swap(kMigrationReadExclusive, 0x5002));
  store(Level::Pte, 12 * K, swap(kHwpoison, 0x5003));
  range(0, 16 * K);
  Outcome o = run();
  // The marker is none-mostly (6.1 mm/hmm.c:234-240); the others are swap entries nobody
  // asked for (:260-264).
  EXPECT_EQ(o.ret, 0);
  EXPECT_EQ(o.pfns, std::vector<u64>(4, 0));
  EXPECT_TRUE(o.world.log.empty());
  EXPECT_TRUE(o.reports.empty());
}

TEST_F(V6Party, ATransHugePmdGivesItsOrder) {
  vma(0, 64 * K, vm::READ | vm::WRITE);
  store(Level::Pmd, 0, present(0x400, true, PSE));
  range(4 * K, 16 * K);
  Outcome o = run();
  // 6.1 mm/hmm.c:177-207: the PMD's pfn plus the page's offset, VALID|WRITE, order 2.
  const u64 f = VALID | WRITE | order(2);
  EXPECT_EQ(o.ret, 0);
  EXPECT_EQ(o.pfns, (std::vector<u64>{0x401 | f, 0x402 | f, 0x403 | f}));
}

TEST_F(V6Party, ADevmapPudIsReportedWholeWithItsOrder) {
  vma(0, 64 * K, vm::READ | vm::WRITE);
  store(Level::Pud, 0, present(0x100, true, PSE | DEVMAP));
  range(16 * K, 32 * K);
  Outcome o = run();
  // 6.1 mm/hmm.c:431-457 (6.12: pud_leaf, :432): order PUD_SHIFT - PAGE_SHIFT = 4.
  const u64 f = VALID | WRITE | order(4);
  EXPECT_EQ(o.ret, 0);
  EXPECT_EQ(o.pfns, (std::vector<u64>{0x104 | f, 0x105 | f, 0x106 | f, 0x107 | f}));
}

TEST_F(V6Party, ANonPresentPudWithoutPseIsALivelockIn612) {
  vma(0, 64 * K, vm::READ);
  store(Level::Pud, 0, RW);
  range(0, 16 * K);
  options.restart_budget = 5;
  Outcome o = run();
  if (k612) {
    // hmm_vma_walk_pud takes no lock (6.12 mm/hmm.c:418-421), nothing splits the PUD, and
    // walk_pmd_range asks for it again for ever (6.12 mm/pagewalk.c:103-106, 199-200).
    EXPECT_TRUE(o.livelock);
    EXPECT_EQ(o.ret, -err::kEBUSY);
    EXPECT_EQ(o.walks, 1u);
    EXPECT_EQ(o.pfns, std::vector<u64>(4, 0)) << "as the requests were";
  } else {
    // 6.1 walks the PMDs the word's frame bits point at: none, so holes in the VMA.
    EXPECT_FALSE(o.livelock);
    EXPECT_EQ(o.ret, 0);
    EXPECT_EQ(o.pfns, std::vector<u64>(4, 0));
  }
  EXPECT_TRUE(o.reports.empty());
}

TEST_F(V6Party, AHugetlbNoneSlotGivesOffsetsWithoutValid) {
  vma(64 * K, 96 * K, vm::READ, 16 * K);
  store(Level::Pmd, 64 * K, 0);
  range(64 * K, 80 * K);
  Outcome o = run();
  // cpu_flags is 0 | order (6.1 mm/hmm.c:491-492): unlike v5.7, no VALID is ORed in.
  EXPECT_EQ(o.ret, 0);
  EXPECT_EQ(o.pfns, (std::vector<u64>{order(2), 1 | order(2), 2 | order(2), 3 | order(2)}));
}

TEST_F(V6Party, AHugetlbFaultDropsTheVmaLockIn612AndRestarts) {
  vma(64 * K, 96 * K, vm::READ | vm::WRITE, 16 * K);
  store(Level::Pmd, 64 * K, 0);
  range(64 * K, 80 * K);
  r.pfns[0] = HMM_PFN_REQ_FAULT;
  Outcome o = run();
  // 6.12 mm/hmm.c:491-507: the fault runs without the hugetlb VMA lock (the shim reports a
  // fault under it), then the walk restarts and reports the new huge page.
  EXPECT_EQ(o.ret, 0);
  EXPECT_EQ(o.walks, 2u);
  EXPECT_TRUE(o.reports.empty());
  const u64* slot = o.world.find_slot(Level::Pmd, 64 * K);
  ASSERT_NE(slot, nullptr);
  const u64 pfn = (*slot & 0x000ffffffffff000ull) >> 12; // present: not inverted
  const u64 write = (*slot & RW) ? WRITE : 0;
  EXPECT_NE(pfn, 0u);
  for (u64 i = 0; i < 4; ++i) EXPECT_EQ(o.pfns[i], (pfn + i) | VALID | write | order(2)) << i;
}

// The kernel selftest anon_write_hugetlbfs with no PMD table above the slot (docs/selftests.md,
// "Findings"): huge_pte_offset finds no slot when the PUD is not present (6.12
// mm/hugetlb.c:7490-7491), so walk_hugetlb_range calls pte_hole under the hugetlb VMA lock it
// took (6.12 mm/pagewalk.c:294-305), and hmm's hole callback faults (6.12 mm/hmm.c:166-167,
// 79-82), where hugetlb_fault takes that lock again (6.12 mm/hugetlb.c:6439): each fault under
// the lock is a BUG report at that line for its address (R-HUGETLB-HOLE-LOCKED). 6.1's walk
// takes no such lock. The outcome is the same otherwise: the restarted walk finds the new huge
// page.
TEST_F(V6Party, AHugetlbSlotWithoutATableIsFaultedUnderTheVmaLockIn612) {
  vma(64 * K, 96 * K, vm::READ | vm::WRITE, 16 * K);
  range(64 * K, 80 * K);
  r.pfns[0] = HMM_PFN_REQ_FAULT | HMM_PFN_REQ_WRITE;
  Outcome o = run();
  EXPECT_EQ(o.ret, 0);
  EXPECT_EQ(o.walks, 2u);
  EXPECT_NE(o.world.find_slot(Level::Pmd, 64 * K), nullptr);
#if HMMSPEC_KERNEL_FAMILY == 612
  // hmm_vma_fault faults every page of the hole (6.12 mm/hmm.c:79-82): four reports.
  ASSERT_EQ(o.reports.size(), 4u);
  for (u64 i = 0; i < 4; ++i) {
    EXPECT_EQ(o.reports[i].kind, KernelReport::Kind::Bug);
    EXPECT_EQ(o.reports[i].where, "mm/hugetlb.c:6439");
    EXPECT_EQ(o.reports[i].addr, 64 * K + i * 4 * K);
    EXPECT_EQ(o.reports[i], hugetlb_vma_lock_recursion(64 * K + i * 4 * K));
  }
#else
  EXPECT_TRUE(o.reports.empty());
#endif
}

TEST_F(V6Party, AStaleNotifierIsEbusyBeforeAnyWalk) {
  vma(0, 64 * K, vm::READ);
  range(0, 8 * K);
  r.notifier_seq = 5;
  Outcome o = run();
  EXPECT_EQ(o.ret, -err::kEBUSY); // 6.1 mm/hmm.c:585-587
  EXPECT_EQ(o.walks, 0u);
}

TEST_F(V6Party, AnEmptyRangeIsEinvalFromTheWalker) {
  range(16 * K, 16 * K);
  Outcome o = run();
  EXPECT_EQ(o.ret, -err::kEINVAL); // 6.1 mm/pagewalk.c:440-441
  EXPECT_EQ(o.walks, 1u);
}

TEST_F(V6Party, DeviceCoherentAndPrivatePagesHaveTheirPgmapType) {
  world.device_owner[0x5000] = 7;
  world.device_owner[0x6000] = 7;
  world.coherent_pfns.insert(0x6000);
  kernel::Session session(world, options);
  struct page* priv = session.page(0x5000);
  struct page* coherent = session.page(0x6000);
  struct page* ordinary = session.page(0x1000);
  EXPECT_EQ(priv->pgmap->type, MEMORY_DEVICE_PRIVATE);
  EXPECT_EQ(coherent->pgmap->type, MEMORY_DEVICE_COHERENT);
  EXPECT_EQ(coherent->pgmap->owner, reinterpret_cast<void*>(std::uintptr_t{7}));
  EXPECT_EQ(static_cast<int>(ordinary->pgmap->type), 0);
  EXPECT_EQ(ordinary->pgmap->owner, nullptr);
  EXPECT_EQ(session.page(0x5000), priv) << "one struct page per pfn";
}

TEST_F(V6Party, ReportsOnceAndTheBadPageBurst) {
  kernel::Session session(world, options);
  hmmspec_report(HMMSPEC_REPORT_WARN, "mm/hmm.c", 70, 1);
  hmmspec_report(HMMSPEC_REPORT_WARN, "mm/hmm.c", 70, 1);
  hmmspec_report(HMMSPEC_REPORT_BUG, "mm/hmm.c", 80, 0);
  hmmspec_report(HMMSPEC_REPORT_BUG, "mm/hmm.c", 80, 0);
  EXPECT_EQ(session.reports(),
            (std::vector<KernelReport>{{KernelReport::Kind::Warn, "mm/hmm.c:70", 0},
                                       {KernelReport::Kind::Bug, "mm/hmm.c:80", 0},
                                       {KernelReport::Kind::Bug, "mm/hmm.c:80", 0}}));
  for (unsigned i = 0; i < 70; ++i) hmmspec_print_bad_pte(i * 4 * K);
  EXPECT_EQ(session.reports().size(), 3u + 60u) << "the kernel's burst of 60";
}

} // namespace
} // namespace hmmspec
