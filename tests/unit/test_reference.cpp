// SPDX-License-Identifier: GPL-2.0-or-later
// The reference (model/reference.h) on worlds built in code: the behaviours a scenario file
// cannot state (an empty or inverted range, the restart budget's bounds, the restart
// invariant (docs/spec.md, R-RESTART) over many generated worlds, robustness to a short
// pfns[] array) and the trace that `hmmspec explain` prints.
#include <gtest/gtest.h>

#include <csignal>

#include <cstdint>
#include <string>
#include <vector>

#include "harness/explain.h"
#include "model/fault.h"
#include "model/ref_walk.h"
#include "model/reference.h"
#include "model/rules.h"
#include "model/trace.h"

namespace hmmspec {
namespace {

using namespace x86;

constexpr u64 kPage = 0x1000;
constexpr u64 V = 1, W = 2; // the default flags[] of HmmRange

// A tiny-geometry world with one read/write anonymous VMA [0x10000, 0x20000).
World tiny_world() {
  World w(*builtin_geometry("tiny"));
  EXPECT_FALSE(w.vmas.insert(Vma{0x10000, 0x20000, vm::READ | vm::WRITE, true, 0}, kPage));
  return w;
}

void put(World& w, Level l, u64 addr, const Entry& e) {
  u64* slot = w.ensure_slot(l, addr);
  ASSERT_NE(slot, nullptr);
  *slot = encode(w.geom, l, e).word;
}

HmmRange range_of(World& w, u64 start, u64 end) {
  HmmRange r;
  r.start = start;
  r.end = end;
  r.pfns.assign(end > start ? (end - start) / kPage : 0, 0);
  w.notifier = Notifier{start, end, 0, 0};
  return r;
}

TEST(Reference, EmptyRangeIsEinvalAfterTheNotifierCheck) {
  World w = tiny_world();
  HmmRange r = range_of(w, 0x10000, 0x10000);
  Trace t;
  Outcome o = reference_hmm_range_fault(w, r, RunOptions{}, &t);
  EXPECT_EQ(o.ret, -err::kEINVAL);
  EXPECT_EQ(o.walks, 1u); // walk_page_range was called and refused
  EXPECT_TRUE(t.fired(RuleId::Einval));
  EXPECT_TRUE(o.world.log.empty());

  r.notifier_seq = 5; // stale: the notifier check comes first (hmm.c:588-591)
  o = reference_hmm_range_fault(w, r, RunOptions{});
  EXPECT_EQ(o.ret, -err::kEBUSY);
  EXPECT_EQ(o.walks, 0u);
}

TEST(Reference, InvertedRangeIsEinval) {
  World w = tiny_world();
  HmmRange r = range_of(w, 0x12000, 0x11000);
  Outcome o = reference_hmm_range_fault(w, r, RunOptions{});
  EXPECT_EQ(o.ret, -err::kEINVAL);
  EXPECT_TRUE(o.pfns.empty());
}

TEST(Reference, StaleNotifierLeavesEverythingUntouched) {
  World w = tiny_world();
  put(w, Level::Pte, 0x10000, Entry{.kind = Kind::Page, .pfn = 0x500});
  HmmRange r = range_of(w, 0x10000, 0x12000);
  r.pfns = {V | W, V};
  w.notifier.seq = 3; // an invalidation happened after read_begin
  Outcome o = reference_hmm_range_fault(w, r, RunOptions{});
  EXPECT_EQ(o.ret, -err::kEBUSY);
  EXPECT_FALSE(o.livelock);
  EXPECT_EQ(o.pfns, r.pfns);
  EXPECT_EQ(o.world, w);
  EXPECT_EQ(o.walks, 0u);
}

// A none PTE asked V whose faults never make progress: every walk faults it again.
World no_progress_world() {
  World w = tiny_world();
  put(w, Level::Pte, 0x11000, Entry{.kind = Kind::Page, .pfn = 0x500});
  w.injections[0x10000] = Injection{.no_progress = kForever};
  return w;
}

TEST(Reference, RestartBudgetBoundsTheWalksExactly) {
  for (unsigned budget : {1u, 2u, 7u}) {
    World w = no_progress_world();
    HmmRange r = range_of(w, 0x10000, 0x11000);
    r.pfns = {V};
    Trace t;
    Outcome o = reference_hmm_range_fault(w, r, RunOptions{budget}, &t);
    EXPECT_TRUE(o.livelock) << budget;
    EXPECT_EQ(o.ret, -err::kEBUSY);
    EXPECT_EQ(o.walks, budget);
    EXPECT_EQ(o.world.log.size(), budget); // one fault per walk
    ASSERT_EQ(t.walks.size(), 1u);         // the walks are identical: one, repeated (model/trace.h)
    EXPECT_EQ(t.walks[0].repeats + 1, budget);
    EXPECT_TRUE(t.fired(RuleId::Livelock));
    EXPECT_EQ(o.pfns, r.pfns); // the request is never replaced
  }
}

TEST(Reference, BoundedNoProgressIsNotALivelock) {
  World w = no_progress_world();
  w.injections[0x10000].no_progress = 4; // four faults change nothing, the fifth maps a page
  HmmRange r = range_of(w, 0x10000, 0x11000);
  r.pfns = {V};
  Outcome o = reference_hmm_range_fault(w, r, RunOptions{6});
  EXPECT_FALSE(o.livelock);
  EXPECT_EQ(o.ret, 1);
  EXPECT_EQ(o.walks, 6u); // five faulting walks, then one that reports the zero page
  EXPECT_EQ(o.pfns[0], (w.zero_pfn << 12) | V);
}

TEST(Reference, BudgetZeroWalksNever) {
  World w = tiny_world();
  HmmRange r = range_of(w, 0x10000, 0x11000);
  Outcome o = reference_hmm_range_fault(w, r, RunOptions{0});
  EXPECT_TRUE(o.livelock);
  EXPECT_EQ(o.walks, 0u);
}

TEST(Reference, ShortPfnsArrayDoesNotCrash) {
  World w = tiny_world();
  put(w, Level::Pte, 0x10000, Entry{.kind = Kind::Page, .pfn = 0x500});
  HmmRange r = range_of(w, 0x10000, 0x14000);
  r.pfns = {0}; // one entry for four pages: the rest read as no request, outputs dropped
  Outcome o = reference_hmm_range_fault(w, r, RunOptions{});
  EXPECT_EQ(o.ret, 4);
  ASSERT_EQ(o.pfns.size(), 1u);
  EXPECT_EQ(o.pfns[0], (0x500ull << 12) | V);
}

// --- the restart invariant (docs/spec.md, R-RESTART) over generated worlds ---------------
// Whenever a walk returns -EBUSY, every entry at or above `last` still holds its request.

struct Lcg { // a small deterministic generator, so the test is the same on every run
  std::uint64_t s;
  std::uint64_t next() { return s = s * 6364136223846793005ull + 1442695040888963407ull; }
  unsigned below(unsigned n) { return unsigned((next() >> 33) % n); }
};

World generated_world(Lcg& g) {
  World w = tiny_world();
  for (u64 pmd = 0x10000; pmd < 0x20000; pmd += 0x4000) {
    if (g.below(6) == 0) { // a read-only THP for the whole PMD
      put(w, Level::Pmd, pmd, Entry{.kind = Kind::Huge, .pfn = 0x800});
      continue;
    }
    for (u64 a = pmd; a < pmd + 0x4000; a += kPage) {
      u64 pfn = 0x500 + (a >> 12);
      switch (g.below(8)) {
      case 0:
        break;
      case 1:
        put(w, Level::Pte, a, Entry{.kind = Kind::Page, .pfn = pfn, .write = g.below(2) == 0});
        break;
      case 2:
        put(w, Level::Pte, a, Entry{.kind = Kind::Zero, .pfn = w.zero_pfn});
        break;
      case 3:
        put(w, Level::Pte, a, Entry{.kind = Kind::Protnone, .pfn = pfn});
        break;
      case 4:
        put(w, Level::Pte, a, Entry{.kind = Kind::Swap, .swap_type = 1, .offset = pfn});
        break;
      case 5:
        put(w, Level::Pte, a, Entry{.kind = Kind::Migration, .pfn = pfn});
        break;
      case 6:
        put(w, Level::Pte, a, Entry{.kind = Kind::Device, .pfn = 0x9000, .write = true});
        break;
      default:
        put(w, Level::Pte, a, Entry{.kind = Kind::Page, .pfn = pfn, .special = true});
        break;
      }
    }
  }
  return w;
}

TEST(Reference, RestartInvariantHoldsAfterEveryBusyWalk) {
  Lcg g{42};
  unsigned busy_walks = 0;
  for (unsigned n = 0; n < 300; ++n) {
    World w = generated_world(g);
    HmmRange r = range_of(w, 0x10000 + kPage * g.below(4), 0x20000 - kPage * g.below(4));
    for (u64& p : r.pfns) p = std::array<u64, 4>{0, V, W, V | W}[g.below(4)];
    std::vector<u64> pfns = r.pfns;
    std::vector<KernelReport> reports;
    RefCall c{w, r, pfns, reports, r.start, 0, nullptr};
    for (unsigned walk = 1; walk <= 20; ++walk) {
      c.walk = walk;
      long ret = reference_walk(c);
      if (ret != -err::kEBUSY) break;
      ++busy_walks;
      ASSERT_GE(c.last, r.start);
      ASSERT_LT(c.last, r.end);
      for (std::size_t i = (c.last - r.start) / kPage; i < pfns.size(); ++i)
        ASSERT_EQ(pfns[i], r.pfns[i]) << "world " << n << ", walk " << walk << ": pfns[" << i
                                      << "] was written although it is at or above last";
    }
  }
  EXPECT_GT(busy_walks, 100u); // the generated worlds do restart
}

// --- the trace --------------------------------------------------------------------------

TEST(ReferenceTrace, RecordsRulesPerPageAndWalk) {
  World w = tiny_world();
  put(w, Level::Pte, 0x10000, Entry{.kind = Kind::Page, .pfn = 0x500});
  HmmRange r = range_of(w, 0x10000, 0x18000); // PMD 0x14000 is none: a hole
  r.pfns[1] = V;                              // page 1 is none and asks V
  Trace t;
  Outcome o = reference_hmm_range_fault(w, r, RunOptions{}, &t);
  EXPECT_EQ(o.ret, 4); // the trailing hole sets last to its start
  ASSERT_EQ(t.walks.size(), 2u);
  EXPECT_EQ(t.walks[0].result, -err::kEBUSY);
  EXPECT_EQ(t.walks[0].last_after, 0x11000u);
  EXPECT_EQ(t.walks[1].from, 0x11000u);
  ASSERT_EQ(t.npages, 8u);
  auto has = [&](std::size_t page, unsigned walk, RuleId rule) {
    for (const RuleHit& h : t.page_hits(page))
      if (h.walk == walk && h.rule == rule) return true;
    return false;
  };
  EXPECT_TRUE(has(0, 1, RuleId::PtePage));
  EXPECT_FALSE(has(0, 2, RuleId::PtePage)); // walk 2 starts at page 1
  EXPECT_TRUE(has(1, 1, RuleId::PteNoneFault));
  EXPECT_TRUE(has(2, 1, RuleId::FaultSpan)); // in the span to the PMD chunk end
  EXPECT_TRUE(has(1, 2, RuleId::PteZero));
  EXPECT_TRUE(has(5, 2, RuleId::HoleVmaNone));
  EXPECT_EQ(t.written(0), 1u);
  EXPECT_EQ(t.written(1), 2u);
  EXPECT_EQ(t.pages_with(RuleId::HoleVmaNone), (std::vector<std::size_t>{4, 5, 6, 7}));

  Scenario s;
  s.name = "trace";
  s.world = w;
  s.range = r;
  std::string text = explain_text(s, o, t);
  EXPECT_NE(text.find("walk 1 from 0x10000"), std::string::npos) << text;
  EXPECT_NE(text.find("fault 0x11000 read"), std::string::npos) << text;
  EXPECT_NE(text.find("page 1 (0x11000)  request V  -> pfn=0x100 V"), std::string::npos) << text;
  EXPECT_NE(text.find("pages 5-7 (0x15000-0x17000)  request -  -> NONE"), std::string::npos)
      << text;
  EXPECT_NE(text.find("result: 4"), std::string::npos) << text;
}

TEST(ReferenceTrace, NotWrittenPagesAreMarked) {
  World w = tiny_world();
  HmmRange r = range_of(w, 0x30000, 0x32000); // a gap
  r.pfns = {0, V};
  Trace t;
  Outcome o = reference_hmm_range_fault(w, r, RunOptions{}, &t);
  EXPECT_EQ(o.ret, -err::kEFAULT);
  Scenario s;
  s.world = w;
  s.range = r;
  std::string text = explain_text(s, o, t);
  EXPECT_NE(text.find("(not written: holds its request)"), std::string::npos) << text;
  EXPECT_TRUE(t.fired(RuleId::HoleGapEfault));
}

// explain prints the request hmm reads, (pfns[i] & pfn_flags_mask) | default_flags
// (hmm.c:113), not the raw input word: amdgpu's mask 0 and default V turn a raw W into V.
TEST(ReferenceTrace, ExplainPrintsTheRequestHmmReads) {
  World w = tiny_world();
  put(w, Level::Pte, 0x10000, Entry{.kind = Kind::Page, .pfn = 0x500});
  HmmRange r = range_of(w, 0x10000, 0x11000);
  r.pfns = {W};
  r.pfn_flags_mask = 0;
  r.default_flags = V;
  Trace t;
  Outcome o = reference_hmm_range_fault(w, r, RunOptions{}, &t);
  ASSERT_EQ(o.ret, 1);
  Scenario s;
  s.world = w;
  s.range = r;
  std::string text = explain_text(s, o, t);
  EXPECT_NE(text.find("page 0 (0x10000)  request V  -> pfn=0x500 V"), std::string::npos) << text;
  EXPECT_EQ(text.find("request W"), std::string::npos) << text;
}

// The reference agrees with itself under geometry: the same mapping one level up in a
// 5-level x86_64 world.
TEST(Reference, FiveLevelGeometryWalksThroughP4d) {
  World w(*builtin_geometry("x86_64-la57"));
  ASSERT_FALSE(
      w.vmas.insert(Vma{0x7f0000000000, 0x7f0000200000, vm::READ | vm::WRITE, true, 0}, kPage));
  put(w, Level::Pte, 0x7f0000001000, Entry{.kind = Kind::Page, .pfn = 0x777, .write = true});
  HmmRange r = range_of(w, 0x7f0000000000, 0x7f0000003000);
  Outcome o = reference_hmm_range_fault(w, r, RunOptions{});
  EXPECT_EQ(o.ret, 3);
  EXPECT_EQ(o.pfns, (std::vector<u64>{0, (0x777ull << 12) | V | W, 0}));
}

} // namespace
} // namespace hmmspec
