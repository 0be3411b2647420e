// SPDX-License-Identifier: GPL-2.0-or-later
// The kernel party end to end: the seed's hmm_range_fault over small worlds, each outcome
// worked out by hand from the seed (cited per test) and the fault model (model/fault.h).
// Tiny geometry: 4 KiB pages, a PMD entry maps 16 KiB (4 pages), a PUD entry 64 KiB.
#include "kernel/kernel_party.h"
#include "model/fault.h"
#include "tests/kernel/world_fixture.h"

namespace hmmspec {
namespace {

constexpr u64 K = 1024;
constexpr u64 V = 1, W = 2;                            // flags[VALID], flags[WRITE]
constexpr u64 ERR = 0xee, NONE = 0xaa, SPECIAL = 0x55; // values[]

class KernelParty : public WorldFixture {
protected:
  void range(u64 start, u64 end) {
    r.start = start;
    r.end = end;
    r.pfns.assign(end > start ? (end - start) / (4 * K) : 0, 0);
    r.values = {ERR, NONE, SPECIAL};
    world.notifier = Notifier{start, end, 0, 0};
  }
  Outcome run() {
    KernelRun k = kernel_run(world, r, options);
    EXPECT_TRUE(k.outcome.reports.empty()) << describe(k.outcome.reports.front());
    EXPECT_EQ(k.locks_held, 0);
    return k.outcome;
  }
  static Event fault(u64 addr, unsigned flags, unsigned result = 0) {
    return Event{Event::Type::Fault, addr, flags, result, Level::Pte};
  }

  HmmRange r;
  RunOptions options;
};

constexpr unsigned READ = fault::FLAG_REMOTE, WRITE = fault::FLAG_REMOTE | fault::FLAG_WRITE;

TEST_F(KernelParty, PresentAndNonePtesWithoutRequests) {
  vma(0, 64 * K, vm::READ | vm::WRITE);
  put(Level::Pte, 0, Entry{.kind = Kind::Page, .pfn = 0x1000, .write = true});
  range(0, 16 * K);
  Outcome o = run();
  // hmm.c:310 for the page (V|W from the CPU), hmm.c:251 for the none PTEs, hmm.c:395 last.
  EXPECT_EQ(o.ret, 4);
  EXPECT_FALSE(o.livelock);
  EXPECT_EQ(o.walks, 1u);
  EXPECT_EQ(o.pfns, (std::vector<u64>{(0x1000 << 12) | V | W, NONE, NONE, NONE}));
  EXPECT_TRUE(o.world.log.empty());
  EXPECT_TRUE(o.world == world);
}

TEST_F(KernelParty, ReadFaultCoversTheRestOfThePmdChunkThenRestarts) {
  vma(0, 64 * K, vm::READ);
  put(Level::Pte, 0, Entry{.kind = Kind::Page, .pfn = 0x1000});
  range(0, 16 * K);
  r.pfns[1] = V;
  Outcome o = run();
  // Walk 1: page 1 needs a fault, so hmm.c:313-316 faults pages 1..3 (read) and restarts at
  // page 1; anonymous reads map the zero page. Walk 2 reports the zero page like any page.
  const u64 zero = (world.zero_pfn << 12) | V;
  EXPECT_EQ(o.ret, 4);
  EXPECT_EQ(o.walks, 2u);
  EXPECT_EQ(o.pfns, (std::vector<u64>{(0x1000 << 12) | V, zero, zero, zero}));
  EXPECT_EQ(o.world.log,
            (std::vector<Event>{fault(4 * K, READ), fault(8 * K, READ), fault(12 * K, READ)}));
  EXPECT_EQ(o.world.entry_at(Level::Pte, 12 * K).kind, Kind::Zero);
}

TEST_F(KernelParty, WriteRequestOnAReadOnlyVmaIsEperm) {
  vma(0, 64 * K, vm::READ);
  put(Level::Pte, 0, Entry{.kind = Kind::Page, .pfn = 0x1000});
  range(0, 8 * K);
  r.pfns[0] = V | W;
  Outcome o = run();
  EXPECT_EQ(o.ret, -err::kEPERM); // hmm.c:86-88, before any fault
  EXPECT_TRUE(o.world.log.empty());
}

TEST_F(KernelParty, StaleNotifierIsEbusyBeforeAnyWalk) {
  vma(0, 64 * K, vm::READ);
  range(0, 8 * K);
  r.pfns = {V, 0};
  r.notifier_seq = 5;
  Outcome o = run();
  EXPECT_EQ(o.ret, -err::kEBUSY); // hmm.c:588-590
  EXPECT_FALSE(o.livelock);
  EXPECT_EQ(o.walks, 0u);
  EXPECT_EQ(o.pfns, r.pfns);
}

TEST_F(KernelParty, NoProgressIsALivelockAfterTheBudget) {
  vma(0, 64 * K, vm::READ);
  range(0, 4 * K);
  r.pfns[0] = V;
  world.injections[0] = Injection{.no_progress = kForever};
  options.restart_budget = 5;
  Outcome o = run();
  // Every walk finds a hole, faults page 0 (which changes nothing) and restarts
  // (hmm.c:175-176, 95, 586-593); the sixth check ends the run.
  EXPECT_TRUE(o.livelock);
  EXPECT_EQ(o.ret, -err::kEBUSY);
  EXPECT_EQ(o.walks, 5u);
  EXPECT_EQ(o.world.log, std::vector<Event>(5, fault(0, READ)));
}

TEST_F(KernelParty, InvalidationDuringFaultsEndsInEbusy) {
  vma(0, 64 * K, vm::READ);
  range(0, 4 * K);
  r.pfns[0] = V;
  world.injections[0] = Injection{.invalidate = true};
  Outcome o = run();
  // The fault fires the notifier, so the next check returns -EBUSY (hmm.c:588-590).
  EXPECT_FALSE(o.livelock);
  EXPECT_EQ(o.ret, -err::kEBUSY);
  EXPECT_EQ(o.walks, 1u);
  EXPECT_EQ(o.world.notifier.seq, 1u);
}

TEST_F(KernelParty, GapWithARequestIsEfaultAndLeavesPfns) {
  range(0, 8 * K);
  r.pfns = {0, V};
  Outcome o = run();
  EXPECT_EQ(o.ret, -err::kEFAULT); // hmm.c:170-172
  EXPECT_EQ(o.pfns, r.pfns);
}

TEST_F(KernelParty, EmptyRangeIsEinvalFromTheWalker) {
  range(16 * K, 16 * K);
  Outcome o = run();
  EXPECT_EQ(o.ret, -err::kEINVAL);
  EXPECT_EQ(o.walks, 1u);
}

TEST_F(KernelParty, BadRootEntryInAGapIsClearedAndErrorFilled) {
  u64* root = world.table_words_mut(world.root_pfn());
  root[1] = x86::PAGE_TABLE | x86::PSE | (0x9000000ull << 12);
  range(256 * K, 264 * K);
  Outcome o = run();
  // The walker clears the bad entry and reports a hole; without a VMA it is ERROR and `last`
  // stays at the start (hmm.c:173), so the call returns 0.
  EXPECT_EQ(o.ret, 0);
  EXPECT_EQ(o.pfns, (std::vector<u64>{ERR, ERR}));
  EXPECT_EQ(o.world.table_words(o.world.root_pfn())[1], 0u);
}

TEST_F(KernelParty, TransHugePudIsClearedAndBecomesANoneHole) {
  vma(0, 64 * K, vm::READ);
  put(Level::Pud, 0, Entry{.kind = Kind::Huge, .pfn = 0x100});
  range(0, 16 * K);
  Outcome o = run();
  // hmm.c:463 asks for the split; the walker clears the PUD under an invalidation and reports
  // a hole inside the VMA: NONE with last = the hole's start (hmm.c:177), so 0 is returned.
  EXPECT_EQ(o.ret, 0);
  EXPECT_EQ(o.pfns, std::vector<u64>(4, NONE));
  EXPECT_EQ(*o.world.find_slot(Level::Pud, 0), 0u);
  EXPECT_EQ(o.world.notifier.seq, 1u);
  EXPECT_EQ(o.world.notifier.invalidations, 1u);
}

TEST_F(KernelParty, DevmapPudIsReportedWhole) {
  vma(0, 64 * K, vm::READ | vm::WRITE);
  put(Level::Pud, 0, Entry{.kind = Kind::Huge, .pfn = 0x100, .write = true, .devmap = true});
  range(16 * K, 32 * K);
  Outcome o = run();
  // hmm.c:454-458: the PUD's pfn plus the offset of each page, V|W from the CPU.
  EXPECT_EQ(o.ret, 4);
  EXPECT_EQ(o.pfns, (std::vector<u64>{(0x104ull << 12) | V | W, (0x105ull << 12) | V | W,
                                      (0x106ull << 12) | V | W, (0x107ull << 12) | V | W}));
}

TEST_F(KernelParty, DevicePrivatePagesByOwner) {
  vma(0, 64 * K, vm::READ | vm::WRITE);
  put(Level::Pte, 0, Entry{.kind = Kind::Device, .pfn = 0x5000, .write = true});
  world.device_owner[0x5000] = 7;
  range(0, 4 * K);
  r.pfns[0] = V | W;
  r.dev_private_owner = 7;
  Outcome own = run();
  EXPECT_EQ(own.ret, 1); // hmm.c:262-268: reported, never faulted
  EXPECT_EQ(own.pfns, std::vector<u64>{(0x5000ull << 12) | V | W});

  r.dev_private_owner = 8;
  Outcome foreign = run();
  EXPECT_EQ(foreign.ret, -err::kEFAULT); // hmm.c:287-289
  EXPECT_TRUE(foreign.world.log.empty());

  r.pfns[0] = 0;
  Outcome unrequested = run();
  EXPECT_EQ(unrequested.ret, 1); // hmm.c:271-274
  EXPECT_EQ(unrequested.pfns, std::vector<u64>{NONE});
}

TEST_F(KernelParty, HugetlbNoneSlotReportsValidOffsets) {
  vma(64 * K, 96 * K, vm::READ, 16 * K);
  world.ensure_slot(Level::Pmd, 64 * K); // the PUD table exists; the PMD slot is none
  range(64 * K, 80 * K);
  Outcome o = run();
  // hmm.c:492 gives cpu_flags 0 for a none slot; nothing requested, so hmm.c:499-503 writes
  // pte_pfn(0) + offset with VALID: a "valid" output for an unmapped page.
  EXPECT_EQ(o.ret, 4);
  EXPECT_EQ(o.pfns, (std::vector<u64>{V, (1 << 12) | V, (2 << 12) | V, (3 << 12) | V}));
}

TEST_F(KernelParty, PmdMigrationWaitsThenReportsTheHugePage) {
  vma(0, 64 * K, vm::READ);
  put(Level::Pmd, 0, Entry{.kind = Kind::Migration, .pfn = 0x40});
  range(0, 16 * K);
  r.pfns[2] = V;
  Outcome o = run();
  // hmm.c:337-341 waits at the chunk start and restarts; the migration has completed, so the
  // second walk maps the huge page (hmm.c:207-210).
  EXPECT_EQ(o.ret, 4);
  EXPECT_EQ(o.walks, 2u);
  EXPECT_EQ(o.pfns, (std::vector<u64>{(0x40 << 12) | V, (0x41 << 12) | V, (0x42 << 12) | V,
                                      (0x43 << 12) | V}));
  EXPECT_EQ(o.world.log,
            (std::vector<Event>{Event{.type = Event::Type::Wait, .addr = 0, .level = Level::Pmd}}));
}

TEST_F(KernelParty, ProtnonePteIsFaultedWhenValidIsRequested) {
  vma(0, 64 * K, vm::READ | vm::WRITE);
  put(Level::Pte, 0, Entry{.kind = Kind::Protnone, .pfn = 0x3000});
  put(Level::Pte, 4 * K, Entry{.kind = Kind::Protnone, .pfn = 0x3001, .write = true});
  range(0, 8 * K);
  Outcome unrequested = run();
  // Unrequested protnone pages come out V without W (hmm.c:229-230, 310).
  EXPECT_EQ(unrequested.pfns, (std::vector<u64>{(0x3000ull << 12) | V, (0x3001ull << 12) | V}));
  r.pfns = {V, 0};
  Outcome o = run();
  // The fault restores access with the saved write bit; both pages are faulted (chunk end).
  EXPECT_EQ(o.walks, 2u);
  EXPECT_EQ(o.pfns, (std::vector<u64>{(0x3000ull << 12) | V, (0x3001ull << 12) | V | W}));
  EXPECT_EQ(o.world.log, (std::vector<Event>{fault(0, READ), fault(4 * K, READ)}));
}

TEST_F(KernelParty, UnsupportedVmaIsErrorFilledAndSkipped) {
  vma(0, 16 * K, vm::READ | vm::IO);
  vma(16 * K, 32 * K, vm::WRITE); // no VM_READ
  range(0, 32 * K);
  Outcome o = run();
  EXPECT_EQ(o.ret, 8); // hmm.c:539-540: last = the end of each skipped VMA
  EXPECT_EQ(o.pfns, std::vector<u64>(8, ERR));
  r.pfns[5] = V;
  EXPECT_EQ(run().ret, -err::kEFAULT); // hmm.c:533-537
}

TEST_F(KernelParty, WriteFaultOnTheZeroPageCopiesAndInvalidates) {
  vma(0, 64 * K, vm::READ | vm::WRITE);
  put(Level::Pte, 0, Entry{.kind = Kind::Zero, .pfn = world.zero_pfn});
  range(0, 4 * K);
  r.pfns[0] = V | W;
  Outcome o = run();
  // COW of the zero page fires the notifier (F-COW, docs/fault-model.md); the restart check
  // then returns -EBUSY (hmm.c:588-590).
  EXPECT_EQ(o.ret, -err::kEBUSY);
  EXPECT_EQ(o.world.log, std::vector<Event>{fault(0, WRITE)});
  EXPECT_EQ(o.world.notifier.seq, 1u);
  EXPECT_EQ(o.pfns, r.pfns);
}

} // namespace
} // namespace hmmspec
