// SPDX-License-Identifier: GPL-2.0-or-later
// The seed's race paths, executed: each event (model/race.h) changes the kernel's outcome
// from the same world's outcome without it exactly as the seed's lines after the point say
// (hmm.c:332-335, 351-365, 415-430). Tiny geometry: a PMD entry maps 16 KiB (4 pages), a PUD
// entry 64 KiB.
#include "kernel/kernel_party.h"
#include "model/fault.h"
#include "tests/kernel/world_fixture.h"

namespace hmmspec {
namespace {

constexpr u64 K = 1024;
constexpr u64 V = 1, W = 2;                            // flags[VALID], flags[WRITE]
constexpr u64 ERR = 0xee, NONE = 0xaa, SPECIAL = 0x55; // values[]
constexpr unsigned READ = fault::FLAG_REMOTE, WRITE = fault::FLAG_REMOTE | fault::FLAG_WRITE;

class KernelRace : public WorldFixture {
protected:
  void range(u64 start, u64 end) {
    r.start = start;
    r.end = end;
    r.pfns.assign((end - start) / (4 * K), 0);
    r.values = {ERR, NONE, SPECIAL};
    world.notifier = Notifier{start, end, 0, 0};
  }
  // The outcome without the race, and with it.
  std::pair<Outcome, Outcome> run(Race race) {
    Outcome calm = run_world(world);
    World raced = world;
    raced.races.push_back(race);
    Outcome o = run_world(raced);
    EXPECT_TRUE(o.world.races.at(0).fired) << "the point was never reached";
    return {calm, o};
  }
  Outcome run_world(const World& w) {
    KernelRun k = kernel_run(w, r, RunOptions{});
    EXPECT_TRUE(k.outcome.reports.empty()) << describe(k.outcome.reports.front());
    EXPECT_EQ(k.locks_held, 0);
    return k.outcome;
  }
  static Event fault(u64 addr, unsigned flags) {
    return Event{Event::Type::Fault, addr, flags, 0, Level::Pte};
  }
  HmmRange r;
};

TEST_F(KernelRace, PmdSeenZapIsAHoleAtHmmsOwnRead) {
  vma(0x10000, 0x20000);
  put(Level::Pmd, 0x14000, Entry{.kind = Kind::Huge, .pfn = 0x800, .write = true});
  range(0x14000, 0x18000);
  auto [calm, o] = run({0x14000, RacePoint::PmdSeen, RaceOp::Zap});
  // Without the race: hmm_vma_handle_pmd fills the THP's pfns, last = end (hmm.c:206-211).
  EXPECT_EQ(calm.ret, 4);
  EXPECT_EQ(calm.pfns[0], (0x800ull << 12) | V | W);
  // With it: hmm.c:333 reads none, hmm.c:335 makes the chunk a hole: NONE, last = start.
  EXPECT_EQ(o.ret, 0);
  EXPECT_EQ(o.pfns, std::vector<u64>(4, NONE));
  EXPECT_EQ(o.world.entry_at(Level::Pmd, 0x14000).kind, Kind::None);
  EXPECT_EQ(o.world.notifier.seq, 1u); // the zap's invalidation; no later check sees it
  EXPECT_EQ(o.walks, 1u);
}

TEST_F(KernelRace, PmdSeenZapOfATableFaultsTheHole) {
  vma(0x10000, 0x20000);
  put(Level::Pte, 0x14000, Entry{.kind = Kind::Page, .pfn = 0x500, .write = true});
  range(0x14000, 0x18000);
  r.pfns.assign(4, V);
  auto [calm, o] = run({0x14000, RacePoint::PmdSeen, RaceOp::Zap});
  // Without the race: page 1 (a none PTE) starts a read fault span (hmm.c:247-250, 313-316).
  EXPECT_EQ(calm.ret, 4);
  EXPECT_EQ(calm.world.log,
            (std::vector<Event>{fault(0x15000, READ), fault(0x16000, READ), fault(0x17000, READ)}));
  // With it: the hole needs a fault from the chunk's start (hmm.c:169, 175-176); the walk ends
  // in -EBUSY and the next check sees the zap (hmm.c:588-590).
  EXPECT_EQ(o.ret, -err::kEBUSY);
  EXPECT_EQ(o.pfns, r.pfns);
  EXPECT_EQ(o.world.log, (std::vector<Event>{fault(0x14000, READ), fault(0x15000, READ),
                                             fault(0x16000, READ), fault(0x17000, READ)}));
}

TEST_F(KernelRace, PmdRereadSplitGoesAgainAndWalksThePtes) {
  vma(0x10000, 0x20000);
  put(Level::Pmd, 0x14000, Entry{.kind = Kind::Huge, .pfn = 0x800});
  range(0x14000, 0x18000);
  r.pfns = {V, V, V | W, V};
  auto [calm, o] = run({0x14000, RacePoint::PmdReread, RaceOp::Split});
  // Without the race: the chunk's OR needs a write fault of all four pages (hmm.c:200-205).
  EXPECT_EQ(calm.ret, 4);
  EXPECT_EQ(calm.world.log, (std::vector<Event>{fault(0x14000, WRITE), fault(0x15000, WRITE),
                                                fault(0x16000, WRITE), fault(0x17000, WRITE)}));
  // With it: hmm.c:361-365 go back to `again`, which finds a PTE table; pages 0 and 1 are
  // reported read-only, page 2 starts a write fault span to the chunk end (hmm.c:313-316).
  EXPECT_EQ(o.ret, -err::kEBUSY);
  EXPECT_EQ(o.pfns[0], (0x800ull << 12) | V);
  EXPECT_EQ(o.pfns[1], (0x801ull << 12) | V);
  EXPECT_EQ(o.world.log, (std::vector<Event>{fault(0x16000, WRITE), fault(0x17000, WRITE)}));
  EXPECT_EQ(o.world.entry_at(Level::Pte, 0x14000).pfn, 0x800u);
}

TEST_F(KernelRace, PmdRereadZapGoesAgainIntoAHole) {
  vma(0x10000, 0x20000);
  put(Level::Pmd, 0x14000, Entry{.kind = Kind::Huge, .pfn = 0x800, .write = true});
  range(0x14000, 0x18000);
  auto [calm, o] = run({0x14000, RacePoint::PmdReread, RaceOp::Zap});
  EXPECT_EQ(calm.ret, 4);
  // hmm.c:361-365, then hmm.c:333-335: a hole, NONE, last = start.
  EXPECT_EQ(o.ret, 0);
  EXPECT_EQ(o.pfns, std::vector<u64>(4, NONE));
}

TEST_F(KernelRace, PudLockedZapIsAHoleWithoutASplit) {
  // A shared file VMA (a DAX mapping).
  ASSERT_FALSE(world.vmas.insert(Vma{0x10000, 0x20000, vm::READ | vm::WRITE | vm::SHARED, false, 0},
                                 world.geom.page_size()));
  put(Level::Pud, 0x10000, Entry{.kind = Kind::Huge, .pfn = 0x800, .write = true, .devmap = true});
  range(0x14000, 0x18000);
  auto [calm, o] = run({0x10000, RacePoint::PudLocked, RaceOp::Zap});
  // Without the race: the devmap PUD fills pud_pfn + offset, last = end (hmm.c:442-459).
  EXPECT_EQ(calm.ret, 4);
  EXPECT_EQ(calm.pfns[0], (0x804ull << 12) | V | W);
  // With it: hmm.c:425-429 read none and make the chunk a hole: NONE, last = start.
  EXPECT_EQ(o.ret, 0);
  EXPECT_EQ(o.pfns, std::vector<u64>(4, NONE));
  EXPECT_EQ(o.world.entry_at(Level::Pud, 0x10000).kind, Kind::None);
  EXPECT_EQ(o.world.notifier.seq, 1u);
}

TEST_F(KernelRace, AnEventFiresOnceAndOnlyAtItsEntry) {
  vma(0x10000, 0x20000);
  put(Level::Pmd, 0x14000, Entry{.kind = Kind::Huge, .pfn = 0x800, .write = true});
  put(Level::Pmd, 0x18000, Entry{.kind = Kind::Huge, .pfn = 0x900, .write = true});
  range(0x14000, 0x1c000);
  World raced = world;
  raced.races.push_back(Race{0x1c000, RacePoint::PmdSeen, RaceOp::Zap}); // never reached
  Outcome o = run_world(raced);
  EXPECT_FALSE(o.world.races.at(0).fired);
  EXPECT_EQ(o.ret, 8);
  EXPECT_EQ(o.world.notifier.seq, 0u);
}

} // namespace
} // namespace hmmspec
