// SPDX-License-Identifier: GPL-2.0-or-later
// The 6.x shim's walk_page_range (kernel/pagewalk.cpp) driven with a recording ops table: a
// gap outside VMAs is one pte_hole(-1) with no table read (6.1 mm/pagewalk.c:450-459, 6.12
// :465-476), a split PUD is looked at again as a hole (6.1 :197-200; 6.12 through
// walk_pmd_range's ACTION_AGAIN, :103-106 and :199-200), every ACTION_AGAIN loop ends in a
// livelock once the budget is spent, and 6.12 holds the hugetlb VMA lock around the hugetlb
// walk. Tiny geometry: a PMD entry maps 16 KiB, a PUD entry 64 KiB, a root entry 256 KiB.
#include <fmt/format.h>

#include <string>
#include <vector>

#include "kernel/session.h"
#include "tests/kernel/v6_words.h"

namespace hmmspec {
namespace {

using namespace v6;
constexpr u64 K = 1024;

struct Call {
  std::string what; // "hole", "pud", "pmd", "hugetlb", "test"
  u64 addr = 0;
  u64 next = 0;
  int depth = 0;
  bool vma = false;
  bool operator==(const Call&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Call& c) {
  return os << fmt::format("{}({:#x}, {:#x}, depth={}, vma={})", c.what, c.addr, c.next, c.depth,
                           c.vma);
}

struct Recorder {
  std::vector<Call> calls;
  bool pmd_again = false; // pmd_entry asks to be called again, always
  int hugetlb_lock_readers = -1;
};

Recorder& rec(mm_walk* w) {
  return *static_cast<Recorder*>(w->private_data);
}

int on_hole(unsigned long a, unsigned long n, int depth, mm_walk* w) {
  rec(w).calls.push_back(Call{"hole", a, n, depth, w->vma != nullptr});
  return 0;
}
int on_pud(pud_t*, unsigned long a, unsigned long n, mm_walk* w) {
  rec(w).calls.push_back(Call{"pud", a, n, 0, true});
  return 0; // ACTION_SUBTREE, as hmm does for a PUD it does not lock
}
int on_pmd(pmd_t*, unsigned long a, unsigned long n, mm_walk* w) {
  rec(w).calls.push_back(Call{"pmd", a, n, 0, true});
  if (rec(w).pmd_again) w->action = ACTION_AGAIN;
  return 0;
}
int on_hugetlb(pte_t*, unsigned long, unsigned long a, unsigned long n, mm_walk* w) {
  rec(w).calls.push_back(Call{"hugetlb", a, n, 0, true});
  rec(w).hugetlb_lock_readers = w->vma->hmmspec_hugetlb_lock_readers;
  return 0;
}
int on_test(unsigned long a, unsigned long n, mm_walk*) {
  (void)a;
  (void)n;
  return 0;
}

mm_walk_ops hmm_like_ops() {
  mm_walk_ops ops{};
  ops.pud_entry = on_pud;
  ops.pmd_entry = on_pmd;
  ops.pte_hole = on_hole;
  ops.hugetlb_entry = on_hugetlb;
  ops.test_walk = on_test;
  return ops;
}

class V6PageWalk : public Fixture {
protected:
  int walk(u64 start, u64 end, const mm_walk_ops& ops) {
    kernel::Session session(world, options);
    int ret = walk_page_range(session.mm(), start, end, &ops, &r);
    livelock = session.livelock();
    locks = session.locks_held();
    reports = session.reports();
    return ret;
  }
  u64 root_word(u64 addr) {
    return world.table_words(world.root_pfn())[world.geom.index(Level::Pgd, addr)];
  }

  Recorder r;
  RunOptions options;
  bool livelock = false;
  int locks = 0;
  std::vector<KernelReport> reports;
};

TEST_F(V6PageWalk, AGapOutsideVmasIsOneHoleWithNoTableRead) {
  vma(256 * K, 320 * K);
  // A bad root entry in the gap: v5.7 would clear it and report a hole at depth 0; 6.x never
  // reads it.
  u64* root = world.table_words_mut(world.root_pfn());
  root[0] = TABLE | PSE | (0x9000000ull << 12);
  EXPECT_EQ(walk(16 * K, 288 * K, hmm_like_ops()), 0);
  // In the VMA the walk goes down the tables: the root entry is none (a hole at depth 0).
  std::vector<Call> want = {Call{"hole", 16 * K, 256 * K, -1, false},
                            Call{"hole", 256 * K, 288 * K, 0, true}};
  EXPECT_EQ(r.calls, want);
  EXPECT_EQ(root_word(0), TABLE | PSE | (0x9000000ull << 12)) << "not cleared";
  EXPECT_TRUE(reports.empty());
}

TEST_F(V6PageWalk, PastTheLastVmaIsOneHole) {
  vma(0, 16 * K);
  EXPECT_EQ(walk(0, 600 * K, hmm_like_ops()), 0);
  std::vector<Call> want = {Call{"hole", 0, 16 * K, 0, true},
                            Call{"hole", 16 * K, 600 * K, -1, false}};
  EXPECT_EQ(r.calls, want);
}

TEST_F(V6PageWalk, WithoutAPteHoleAGapIsSkipped) {
  vma(64 * K, 80 * K);
  mm_walk_ops ops = hmm_like_ops();
  ops.pte_hole = nullptr;
  store(Level::Pmd, 64 * K, present(0x400, false, PSE));
  EXPECT_EQ(walk(0, 80 * K, ops), 0);
  std::vector<Call> want = {Call{"pud", 64 * K, 80 * K, 0, true},
                            Call{"pmd", 64 * K, 80 * K, 0, true}};
  EXPECT_EQ(r.calls, want);
}

TEST_F(V6PageWalk, ASplitPudIsLookedAtAgainAsAHole) {
  vma(0, 64 * K);
  store(Level::Pud, 0, present(0x100, false, PSE)); // trans-huge: split by the walker
  EXPECT_EQ(walk(0, 32 * K, hmm_like_ops()), 0);
  std::vector<Call> want = {Call{"pud", 0, 32 * K, 0, true}, Call{"hole", 0, 32 * K, 2, true}};
  EXPECT_EQ(r.calls, want);
  EXPECT_EQ(*world.find_slot(Level::Pud, 0), 0u);
  EXPECT_FALSE(livelock);
}

TEST_F(V6PageWalk, ANonPresentPudWithoutPseSpinsIn612AndIsWalkedThroughIn61) {
  vma(0, 64 * K);
  store(Level::Pud, 0, RW); // not none, not present, neither PSE nor DEVMAP
  options.restart_budget = 5;
  int ret = walk(0, 32 * K, hmm_like_ops());
  if (k612) {
    // walk_pmd_range asks again, pud_entry leaves ACTION_SUBTREE, nothing splits it.
    EXPECT_EQ(ret, -EBUSY);
    EXPECT_TRUE(livelock);
    EXPECT_EQ(r.calls, std::vector<Call>(6, Call{"pud", 0, 32 * K, 0, true}))
        << "the first look and five more";
  } else {
    // 6.1 follows the word's frame bits (pfn 0: no table, zeros): two none PMDs.
    EXPECT_EQ(ret, 0);
    EXPECT_FALSE(livelock);
    std::vector<Call> want = {Call{"pud", 0, 32 * K, 0, true}, Call{"hole", 0, 16 * K, 3, true},
                              Call{"hole", 16 * K, 32 * K, 3, true}};
    EXPECT_EQ(r.calls, want);
  }
  EXPECT_EQ(locks, 0);
}

TEST_F(V6PageWalk, APmdEntryAskingAgainForEverIsALivelock) {
  vma(0, 64 * K);
  store(Level::Pmd, 0, present(0x400, false, PSE));
  r.pmd_again = true;
  options.restart_budget = 3;
  EXPECT_EQ(walk(0, 16 * K, hmm_like_ops()), -EBUSY);
  EXPECT_TRUE(livelock);
  EXPECT_EQ(r.calls.size(), 1u + 4u) << "pud, then the pmd four times";
}

TEST_F(V6PageWalk, TheHugetlbWalkHoldsTheVmaLockIn612) {
  vma(64 * K, 96 * K, vm::READ, 16 * K);
  store(Level::Pmd, 64 * K, 0);
  EXPECT_EQ(walk(64 * K, 96 * K, hmm_like_ops()), 0);
  std::vector<Call> want = {Call{"hugetlb", 64 * K, 80 * K, 0, true},
                            Call{"hugetlb", 80 * K, 96 * K, 0, true}};
  EXPECT_EQ(r.calls, want);
  EXPECT_EQ(r.hugetlb_lock_readers, k612 ? 1 : 0);
  EXPECT_EQ(locks, 0) << "released at the end";
  EXPECT_TRUE(reports.empty());
}

TEST_F(V6PageWalk, AHugetlbPageUnderANonPresentPudIsAHole) {
  vma(64 * K, 80 * K, vm::READ, 16 * K);
  store(Level::Pud, 64 * K, RW);
  EXPECT_EQ(walk(64 * K, 80 * K, hmm_like_ops()), 0);
  EXPECT_EQ(r.calls, (std::vector<Call>{Call{"hole", 64 * K, 80 * K, -1, true}}));
}

#if HMMSPEC_KERNEL_FAMILY == 612
TEST_F(V6PageWalk, AWalkExpectingTheMmapLockForWriteWarns) {
  vma(0, 16 * K);
  mm_walk_ops ops = hmm_like_ops();
  ops.walk_lock = PGWALK_WRLOCK;
  EXPECT_EQ(walk(0, 16 * K, ops), 0);
  EXPECT_EQ(reports,
            (std::vector<KernelReport>{{KernelReport::Kind::Warn, "include/linux/rwsem.h:85", 0}}));
}
#endif

TEST_F(V6PageWalk, OpsWithAPteEntryAreRefused) {
  vma(0, 16 * K);
  mm_walk_ops ops = hmm_like_ops();
  ops.pte_entry = [](pte_t*, unsigned long, unsigned long, mm_walk*) { return 0; };
  EXPECT_EQ(walk(0, 16 * K, ops), -EINVAL);
  EXPECT_TRUE(r.calls.empty());
}

} // namespace
} // namespace hmmspec
