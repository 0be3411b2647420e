// SPDX-License-Identifier: GPL-2.0-or-later
// The shim's walk_page_range (kernel/pagewalk.cpp) driven with a recording ops table: which
// callback it calls, with which bounds and depth, with or without a VMA, in which order
// (mm/pagewalk.c at v5.7; docs/kernel-party.md). Worlds use the tiny geometry (4 KiB pages, 4
// entries per table: a PMD entry maps 16 KiB, a PUD entry 64 KiB, a root entry 256 KiB) so one
// small range crosses every level.
#include <fmt/format.h>
#include <string>
#include <vector>

#include "kernel/session.h"
#include "model/fault.h"
#include "tests/kernel/world_fixture.h"

namespace hmmspec {
namespace {

constexpr u64 K = 1024;

struct Call {
  std::string what; // "hole", "pud", "pmd", "hugetlb", "test"
  u64 addr = 0;
  u64 next = 0;
  int depth = 0;    // hole: the depth; hugetlb: unused
  bool vma = false; // walk->vma set
  u64 word = 0;     // pud/pmd/hugetlb: the word the pointer reads
  bool operator==(const Call&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Call& c) {
  return os << fmt::format("{}({:#x}, {:#x}, depth={}, vma={}, word={:#x})", c.what, c.addr, c.next,
                           c.depth, c.vma, c.word);
}

Call hole(u64 a, u64 n, int depth, bool vma) {
  return Call{"hole", a, n, depth, vma, 0};
}
Call entry(const char* what, u64 a, u64 n, u64 word) {
  return Call{what, a, n, 0, true, word};
}
Call test(u64 a, u64 n) {
  return Call{"test", a, n, 0, true, 0};
}

// What the recording callbacks do, and what they saw.
struct Recorder {
  std::vector<Call> calls;
  int pud_action = ACTION_SUBTREE; // the action pud_entry leaves
  int test_result = 0;             // what test_walk returns
  int hole_result = 0;             // what pte_hole returns
  unsigned pmd_again = 0;          // how many times pmd_entry asks to be called again
  u64 hmask = 0;                   // hugetlb_entry's hmask
};

Recorder& rec(mm_walk* w) {
  return *static_cast<Recorder*>(w->private_data);
}

int on_hole(unsigned long a, unsigned long n, int depth, mm_walk* w) {
  rec(w).calls.push_back(hole(a, n, depth, w->vma != nullptr));
  return rec(w).hole_result;
}
int on_pud(pud_t* pud, unsigned long a, unsigned long n, mm_walk* w) {
  rec(w).calls.push_back(entry("pud", a, n, pud->pud));
  w->action = static_cast<page_walk_action>(rec(w).pud_action);
  return 0;
}
int on_pmd(pmd_t* pmd, unsigned long a, unsigned long n, mm_walk* w) {
  rec(w).calls.push_back(entry("pmd", a, n, pmd->pmd));
  if (rec(w).pmd_again) {
    --rec(w).pmd_again;
    w->action = ACTION_AGAIN;
  }
  return 0;
}
int on_hugetlb(pte_t* pte, unsigned long hmask, unsigned long a, unsigned long n, mm_walk* w) {
  rec(w).calls.push_back(entry("hugetlb", a, n, pte->pte));
  rec(w).hmask = hmask;
  return 0;
}
int on_test(unsigned long a, unsigned long n, mm_walk* w) {
  rec(w).calls.push_back(test(a, n));
  return rec(w).test_result;
}

// hmm's set of callbacks, recording instead of acting.
mm_walk_ops hmm_like_ops() {
  mm_walk_ops ops{};
  ops.pud_entry = on_pud;
  ops.pmd_entry = on_pmd;
  ops.pte_hole = on_hole;
  ops.hugetlb_entry = on_hugetlb;
  ops.test_walk = on_test;
  return ops;
}

class PageWalk : public WorldFixture {
protected:
  explicit PageWalk(const char* geometry = "tiny") : WorldFixture(geometry) {}

  u64 root_word(u64 addr) {
    return world.table_words(world.root_pfn())[world.geom.index(Level::Pgd, addr)];
  }

  int walk(u64 start, u64 end, const mm_walk_ops& ops) {
    kernel::Session session(world, RunOptions{});
    int ret = walk_page_range(session.mm(), start, end, &ops, &r);
    walks = session.walks();
    locks = session.locks_held();
    reports = session.reports().size();
    return ret;
  }

  Recorder r;
  unsigned walks = 0;
  int locks = 0;
  size_t reports = 0; // what the kernel or the shim reported (nothing in a sound walk)
};

Entry page(u64 pfn) {
  return Entry{.kind = Kind::Page, .pfn = pfn};
}
Entry table() {
  return Entry{.kind = Kind::Table};
}

TEST_F(PageWalk, EmptyAddressSpaceIsRootHolesWithoutVma) {
  mm_walk_ops ops = hmm_like_ops();
  EXPECT_EQ(walk(0, 1024 * K, ops), 0);
  // 4-level: the root entry is the P4D, whose holes report depth 0.
  std::vector<Call> want = {hole(0, 256 * K, 0, false), hole(256 * K, 512 * K, 0, false),
                            hole(512 * K, 768 * K, 0, false), hole(768 * K, 1024 * K, 0, false)};
  EXPECT_EQ(r.calls, want);
  EXPECT_EQ(walks, 1u);
}

TEST_F(PageWalk, GapsAreWalkedPerPudWhereUpperTablesExist) {
  vma(64 * K, 128 * K);
  u64 pte_word = put(Level::Pte, 64 * K, page(0x1000));
  (void)pte_word;
  u64 pud_word = world.table_words(table_pfn(world.geom, root_word(0)))[1];
  u64 pmd_word = *world.find_slot(Level::Pmd, 64 * K);
  mm_walk_ops ops = hmm_like_ops();
  EXPECT_EQ(walk(0, 256 * K, ops), 0);
  std::vector<Call> want = {
      hole(0, 64 * K, 2, false),               // gap: PUD entry 0 is none
      test(64 * K, 128 * K),                   // the VMA
      entry("pud", 64 * K, 128 * K, pud_word), // a table: pud_entry, then PMDs
      entry("pmd", 64 * K, 80 * K, pmd_word),
      hole(80 * K, 96 * K, 3, true),
      hole(96 * K, 112 * K, 3, true),
      hole(112 * K, 128 * K, 3, true),
      hole(128 * K, 192 * K, 2, false), // gap: one hole per PUD entry, even
      hole(192 * K, 256 * K, 2, false), // where PUD entries are none
  };
  EXPECT_EQ(r.calls, want);
}

TEST_F(PageWalk, GapHolesCoverPopulatedPuds) {
  // A populated PUD inside a gap is still a hole: the walker never descends without a VMA.
  u64 word = put(Level::Pmd, 0, table());
  (void)word;
  mm_walk_ops ops = hmm_like_ops();
  EXPECT_EQ(walk(0, 64 * K, ops), 0);
  EXPECT_EQ(r.calls, std::vector<Call>{hole(0, 64 * K, 2, false)});
}

TEST_F(PageWalk, UnalignedBoundsClipEveryLevel) {
  vma(0, 256 * K);
  for (u64 a = 64 * K; a < 128 * K; a += 16 * K) put(Level::Pte, a, page(0x2000 + a / (4 * K)));
  mm_walk_ops ops = hmm_like_ops();
  EXPECT_EQ(walk(68 * K, 100 * K, ops), 0);
  ASSERT_EQ(r.calls.size(), 5u);
  EXPECT_EQ(r.calls[0], test(68 * K, 100 * K));
  EXPECT_EQ(r.calls[1].what, "pud");
  EXPECT_EQ(r.calls[1].addr, 68 * K);
  EXPECT_EQ(r.calls[1].next, 100 * K);
  EXPECT_EQ(r.calls[2].what, "pmd");
  EXPECT_EQ((std::pair{r.calls[2].addr, r.calls[2].next}), (std::pair{68 * K, 80 * K}));
  EXPECT_EQ((std::pair{r.calls[3].addr, r.calls[3].next}), (std::pair{80 * K, 96 * K}));
  EXPECT_EQ((std::pair{r.calls[4].addr, r.calls[4].next}), (std::pair{96 * K, 100 * K}));
}

TEST_F(PageWalk, PmdWithOnlyAccessedDirtyIsAHole) {
  vma(0, 64 * K);
  put(Level::Pmd, 0, table());
  *world.find_slot_mut(Level::Pmd, 16 * K) = x86::ACCESSED | x86::DIRTY;
  u64 huge = put(Level::Pmd, 32 * K, Entry{.kind = Kind::Huge, .pfn = 0x40});
  mm_walk_ops ops = hmm_like_ops();
  EXPECT_EQ(walk(0, 64 * K, ops), 0);
  ASSERT_EQ(r.calls.size(), 6u);
  EXPECT_EQ(r.calls[2].what, "pmd"); // the table pointer at 0
  EXPECT_EQ(r.calls[3], hole(16 * K, 32 * K, 3, true));
  EXPECT_EQ(r.calls[4], entry("pmd", 32 * K, 48 * K, huge)); // huge: handed to pmd_entry
  EXPECT_EQ(r.calls[5], hole(48 * K, 64 * K, 3, true));
}

TEST_F(PageWalk, BadRootEntryIsClearedAndAHoleInsideAndOutsideVmas) {
  vma(0, 256 * K);
  u64 bad = (0x8000123ull << 12) | x86::PAGE_TABLE | x86::PSE;
  u64* root = world.table_words_mut(world.root_pfn());
  root[0] = bad;
  root[2] = bad; // in the gap above the VMA
  mm_walk_ops ops = hmm_like_ops();
  EXPECT_EQ(walk(0, 1024 * K, ops), 0);
  std::vector<Call> want = {test(0, 256 * K), hole(0, 256 * K, 0, true),
                            hole(256 * K, 512 * K, 0, false), hole(512 * K, 768 * K, 0, false),
                            hole(768 * K, 1024 * K, 0, false)};
  EXPECT_EQ(r.calls, want);
  EXPECT_EQ(root[0], 0u);
  EXPECT_EQ(root[2], 0u);
}

TEST_F(PageWalk, RootEntryWithNxIsATableNotBad) {
  vma(0, 64 * K);
  put(Level::Pmd, 0, table());
  u64* root = world.table_words_mut(world.root_pfn());
  root[0] |= x86::NX; // what page-table isolation does to user top-level entries
  mm_walk_ops ops = hmm_like_ops();
  EXPECT_EQ(walk(0, 64 * K, ops), 0);
  ASSERT_GE(r.calls.size(), 2u);
  EXPECT_EQ(r.calls[1].what, "pud");
  EXPECT_NE(root[0], 0u);
}

class PageWalk5 : public PageWalk {
protected:
  PageWalk5() : PageWalk("tiny-la57") {}
};

TEST_F(PageWalk5, HolesAtPgdAndP4dDepths) {
  // tiny-la57: P4D entries map 256 KiB, PGD entries 1 MiB.
  vma(0, 2048 * K);
  put(Level::Pud, 0, table()); // PGD 0 and P4D 0 become tables
  mm_walk_ops ops = hmm_like_ops();
  EXPECT_EQ(walk(0, 2048 * K, ops), 0);
  ASSERT_EQ(r.calls.size(), 13u);
  EXPECT_EQ(r.calls[0], test(0, 2048 * K));
  EXPECT_EQ(r.calls[1].what, "pud");
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(r.calls[2 + i], hole(i * 16 * K, (i + 1) * 16 * K, 3, true));
  for (int i = 1; i < 4; ++i)
    EXPECT_EQ(r.calls[5 + i], hole(i * 64 * K, (i + 1) * 64 * K, 2, true));
  for (int i = 1; i < 4; ++i)
    EXPECT_EQ(r.calls[8 + i], hole(i * 256 * K, (i + 1) * 256 * K, 1, true));
  EXPECT_EQ(r.calls[12], hole(1024 * K, 2048 * K, 0, true)); // PGD entry 1 is none
}

TEST_F(PageWalk5, PgdWithOnlyAccessedIsBadAndCleared) {
  u64* root = world.table_words_mut(world.root_pfn());
  root[0] = x86::ACCESSED; // pgd_none wants exact zero; pgd_bad then rejects it
  u64 p4d_table = *world.alloc_table(Level::P4d);
  root[1] = x86::PAGE_TABLE | x86::NX | (p4d_table << 12);
  world.table_words_mut(p4d_table)[1] =
      x86::PAGE_TABLE | x86::PSE | (0x9000000ull << 12); // bad P4D
  mm_walk_ops ops = hmm_like_ops();
  EXPECT_EQ(walk(0, 2048 * K, ops), 0);
  ASSERT_EQ(r.calls.size(), 5u);
  EXPECT_EQ(r.calls[0], hole(0, 1024 * K, 0, false));
  EXPECT_EQ(r.calls[1], hole(1024 * K, 1280 * K, 1, false));
  EXPECT_EQ(r.calls[2], hole(1280 * K, 1536 * K, 1, false)); // the bad P4D, now cleared
  EXPECT_EQ(root[0], 0u);
  EXPECT_NE(root[1], 0u);
  EXPECT_EQ(world.table_words(p4d_table)[1], 0u);
}

TEST_F(PageWalk, TransHugePudIsSplitIntoAHole) {
  vma(0, 128 * K);
  world.notifier = Notifier{0, 128 * K, 7, 0};
  u64 huge = put(Level::Pud, 64 * K, Entry{.kind = Kind::Huge, .pfn = 0x100});
  mm_walk_ops ops = hmm_like_ops();
  EXPECT_EQ(walk(64 * K, 128 * K, ops), 0);
  std::vector<Call> want = {test(64 * K, 128 * K), entry("pud", 64 * K, 128 * K, huge),
                            hole(64 * K, 128 * K, 2, true)};
  EXPECT_EQ(r.calls, want);
  EXPECT_EQ(*world.find_slot(Level::Pud, 64 * K), 0u);
  EXPECT_EQ(world.notifier.seq, 8u); // the split invalidated the PUD's range
  EXPECT_EQ(world.notifier.invalidations, 1u);
  EXPECT_EQ(reports, 0u);
}

TEST_F(PageWalk, DevmapPudWithoutPseIsSplitToo) {
  vma(0, 64 * K);
  put(Level::Pmd, 0, table());
  *world.find_slot_mut(Level::Pud, 0) |= x86::DEVMAP;
  mm_walk_ops ops = hmm_like_ops();
  EXPECT_EQ(walk(0, 64 * K, ops), 0);
  ASSERT_EQ(r.calls.size(), 3u);
  EXPECT_EQ(r.calls[2], hole(0, 64 * K, 2, true));
}

TEST_F(PageWalk, ContinueOrNoLowerOpsKeepTheHugePud) {
  vma(0, 64 * K);
  u64 huge = put(Level::Pud, 0, Entry{.kind = Kind::Huge, .pfn = 0x100});
  r.pud_action = ACTION_CONTINUE;
  mm_walk_ops ops = hmm_like_ops();
  EXPECT_EQ(walk(0, 64 * K, ops), 0);
  EXPECT_EQ(r.calls, (std::vector<Call>{test(0, 64 * K), entry("pud", 0, 64 * K, huge)}));
  EXPECT_EQ(*world.find_slot(Level::Pud, 0), huge);

  r = Recorder{};
  ops.pmd_entry = nullptr; // nothing below the PUD is wanted: no split
  EXPECT_EQ(walk(0, 64 * K, ops), 0);
  EXPECT_EQ(r.calls, (std::vector<Call>{test(0, 64 * K), entry("pud", 0, 64 * K, huge)}));
  EXPECT_EQ(*world.find_slot(Level::Pud, 0), huge);
}

TEST_F(PageWalk, ActionAgainRepeatsTheEntry) {
  vma(0, 16 * K);
  u64 word = put(Level::Pmd, 0, table());
  r.pmd_again = 2;
  mm_walk_ops ops = hmm_like_ops();
  EXPECT_EQ(walk(0, 16 * K, ops), 0);
  ASSERT_EQ(r.calls.size(), 5u);
  for (int i = 2; i < 5; ++i) EXPECT_EQ(r.calls[i], entry("pmd", 0, 16 * K, word));
}

TEST_F(PageWalk, HugetlbWithoutUpperTablesIsHolesPerHugePage) {
  vma(64 * K, 128 * K, vm::READ, 16 * K); // PMD-sized hugetlb pages
  mm_walk_ops ops = hmm_like_ops();
  EXPECT_EQ(walk(64 * K, 128 * K, ops), 0);
  std::vector<Call> want = {test(64 * K, 128 * K), hole(64 * K, 80 * K, -1, true),
                            hole(80 * K, 96 * K, -1, true), hole(96 * K, 112 * K, -1, true),
                            hole(112 * K, 128 * K, -1, true)};
  EXPECT_EQ(r.calls, want);
}

TEST_F(PageWalk, HugetlbNonePmdUnderATableIsASlot) {
  vma(64 * K, 128 * K, vm::READ, 16 * K);
  u64 huge = put(Level::Pmd, 80 * K, Entry{.kind = Kind::Huge, .pfn = 0x44, .write = true},
                 Context::HugetlbSlot);
  mm_walk_ops ops = hmm_like_ops();
  EXPECT_EQ(walk(68 * K, 100 * K, ops), 0); // starts inside the first huge page
  std::vector<Call> want = {test(68 * K, 100 * K), entry("hugetlb", 68 * K, 80 * K, 0),
                            entry("hugetlb", 80 * K, 96 * K, huge),
                            entry("hugetlb", 96 * K, 100 * K, 0)};
  EXPECT_EQ(r.calls, want);
  EXPECT_EQ(r.hmask, ~(16 * K - 1));
}

TEST_F(PageWalk, HugetlbPudSizedNonePudIsASlot) {
  vma(64 * K, 128 * K, vm::READ, 64 * K); // PUD-sized hugetlb pages
  put(Level::Pud, 0, table());            // the root entry exists, PUD 1 is none
  mm_walk_ops ops = hmm_like_ops();
  EXPECT_EQ(walk(64 * K, 128 * K, ops), 0);
  EXPECT_EQ(r.calls,
            (std::vector<Call>{test(64 * K, 128 * K), entry("hugetlb", 64 * K, 128 * K, 0)}));
}

TEST_F(PageWalk, HugetlbWithoutHugetlbEntryIsSkipped) {
  vma(64 * K, 128 * K, vm::READ, 16 * K);
  mm_walk_ops ops = hmm_like_ops();
  ops.hugetlb_entry = nullptr;
  EXPECT_EQ(walk(64 * K, 128 * K, ops), 0);
  EXPECT_EQ(r.calls, std::vector<Call>{test(64 * K, 128 * K)});
}

TEST_F(PageWalk, TestWalkSkipsOrAborts) {
  vma(0, 64 * K);
  vma(64 * K, 128 * K);
  r.test_result = 1;
  mm_walk_ops ops = hmm_like_ops();
  EXPECT_EQ(walk(0, 192 * K, ops), 0);
  EXPECT_EQ(r.calls, (std::vector<Call>{test(0, 64 * K), test(64 * K, 128 * K),
                                        hole(128 * K, 192 * K, 0, false)}));

  r = Recorder{};
  r.test_result = -EFAULT;
  EXPECT_EQ(walk(0, 192 * K, ops), -EFAULT);
  EXPECT_EQ(r.calls, std::vector<Call>{test(0, 64 * K)});
}

TEST_F(PageWalk, WithoutTestWalkPfnmapVmasBecomeOneHole) {
  vma(0, 64 * K, vm::READ | vm::PFNMAP);
  mm_walk_ops ops = hmm_like_ops();
  ops.test_walk = nullptr;
  EXPECT_EQ(walk(0, 64 * K, ops), 0);
  EXPECT_EQ(r.calls, std::vector<Call>{hole(0, 64 * K, -1, true)});
}

TEST_F(PageWalk, CallbackErrorsStopTheWalk) {
  r.hole_result = -EBUSY;
  mm_walk_ops ops = hmm_like_ops();
  EXPECT_EQ(walk(0, 1024 * K, ops), -EBUSY);
  EXPECT_EQ(r.calls, std::vector<Call>{hole(0, 256 * K, 0, false)});
}

TEST_F(PageWalk, EmptyRangesAndPteEntryAreRefused) {
  mm_walk_ops ops = hmm_like_ops();
  EXPECT_EQ(walk(8 * K, 8 * K, ops), -EINVAL);
  EXPECT_EQ(walk(8 * K, 4 * K, ops), -EINVAL);
  EXPECT_EQ(walks, 1u);
  ops.pte_entry = [](pte_t*, unsigned long, unsigned long, mm_walk*) { return 0; };
  EXPECT_EQ(walk(0, 4 * K, ops), -EINVAL);
  EXPECT_TRUE(r.calls.empty());
}

// huge_pte_offset (kernel/hugetlb.cpp) directly.
class HugePteOffset : public PageWalk {
protected:
  pte_t* find(u64 addr, u64 size) {
    session.reset(); // sessions nest: the old one must end before the next begins
    session = std::make_unique<kernel::Session>(world, RunOptions{});
    return huge_pte_offset(session->mm(), addr, size);
  }
  u64* as_word(pte_t* p) { return reinterpret_cast<u64*>(p); }
  std::unique_ptr<kernel::Session> session;
};

TEST_F(HugePteOffset, FollowsTheLookupRules) {
  const u64 pmd_size = 16 * K, pud_size = 64 * K;
  EXPECT_EQ(find(0, pmd_size), nullptr);      // root entry not present
  put(Level::Pmd, 0, table());                // root, PUD 0 and PMD 0 exist
  EXPECT_EQ(find(64 * K, pmd_size), nullptr); // PUD 1 none, 2 MiB-like pages
  EXPECT_EQ(as_word(find(64 * K, pud_size)), world.find_slot_mut(Level::Pud, 64 * K)); // 1 GiB-like
  EXPECT_EQ(find(0, pmd_size), nullptr); // PMD 0 is a present table pointer
  EXPECT_EQ(as_word(find(16 * K, pmd_size)), world.find_slot_mut(Level::Pmd, 16 * K)); // none PMD
  EXPECT_EQ(find(16 * K, 8 * K), nullptr); // a none PMD for another size
  *world.find_slot_mut(Level::Pmd, 32 * K) = x86::swp_word(x86::SWP_MIGRATION_READ, 0x40);
  EXPECT_EQ(as_word(find(32 * K, pmd_size)), world.find_slot_mut(Level::Pmd, 32 * K));
  *world.find_slot_mut(Level::Pud, 128 * K) = x86::swp_word(x86::SWP_HWPOISON, 0x40);
  EXPECT_EQ(as_word(find(128 * K, pmd_size)),
            world.find_slot_mut(Level::Pud, 128 * K));              // not present
  *world.find_slot_mut(Level::Pud, 192 * K) = x86::PSE | x86::USER; // PSE without PRESENT
  EXPECT_EQ(as_word(find(192 * K, pmd_size)), world.find_slot_mut(Level::Pud, 192 * K));
  u64* root = world.table_words_mut(world.root_pfn());
  root[0] |= x86::PSE; // bad, but present: huge_pte_offset does not check badness
  EXPECT_EQ(as_word(find(16 * K, pmd_size)), world.find_slot_mut(Level::Pmd, 16 * K));
  root[0] &= ~x86::PRESENT;
  EXPECT_EQ(find(16 * K, pmd_size), nullptr);
}

} // namespace
} // namespace hmmspec
