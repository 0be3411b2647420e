// SPDX-License-Identifier: GPL-2.0-or-later
// The run-length containers of the outcome and the trace are lossless: RunLog (the fault log)
// reads and compares as the vector of its entries, and the Trace's page runs give every page
// the rules, in order, that a per-page list would hold.
#include "model/reference.h"
#include "model/trace.h"
#include "model/world.h"

#include <gtest/gtest.h>
#include <random>
#include <vector>

namespace hmmspec {
namespace {

std::vector<Event> random_events(std::mt19937_64& rng, std::size_t n) {
  std::vector<Event> v;
  u64 addr = 0x1000 * (rng() % 8);
  const u64 steps[] = {0, 0x1000, 0x2000, 0x200000, 0x1000};
  while (v.size() < n) {
    Event e{rng() % 5 ? Event::Type::Fault : Event::Type::Wait, addr, unsigned(rng() % 2) * 0x81,
            unsigned(rng() % 6 == 0) * 0x2, rng() % 2 ? Level::Pte : Level::Pmd};
    u64 step = steps[rng() % 5], len = 1 + rng() % 6;
    for (u64 k = 0; k < len && v.size() < n; ++k, e.addr += step) v.push_back(e);
    addr = rng() % 3 ? e.addr : 0x1000 * (rng() % 8);
  }
  return v;
}

RunLog<Event> log_of(const std::vector<Event>& v) {
  RunLog<Event> l;
  for (const Event& e : v) l.push_back(e);
  return l;
}

TEST(RunLog, ReadsAsItsEntries) {
  std::mt19937_64 rng(3);
  for (unsigned n = 0; n < 500; ++n) {
    std::vector<Event> v = random_events(rng, rng() % 40);
    RunLog<Event> l = log_of(v);
    ASSERT_EQ(l.size(), v.size());
    ASSERT_TRUE(l == v);
    for (std::size_t i = 0; i < v.size(); ++i) ASSERT_EQ(l[i], v[i]) << i;
    std::vector<Event> back(l.begin(), l.end());
    ASSERT_EQ(back, v);
    if (!v.empty()) {
      ASSERT_EQ(l.back(), v.back());
      ASSERT_EQ(l.front(), v.front());
    }
  }
  // a fault per page of a span is one run
  RunLog<Event> span;
  for (u64 a = 0; a < (u64(1) << 36); a += 0x1000)
    if (a < 0x100000 || a >= (u64(1) << 36) - 0x1000) span.push_back(Event{.addr = a});
  EXPECT_EQ(span.runs().size(), 2u); // the gap in the addresses starts a second run
}

// first_mismatch, run by run, is the first index where the entries differ.
TEST(RunLog, FirstMismatchIsTheFirstDifferingEntry) {
  std::mt19937_64 rng(4);
  for (unsigned n = 0; n < 3000; ++n) {
    std::vector<Event> a = random_events(rng, rng() % 30), b = a;
    switch (rng() % 4) {
    case 0:
      if (!b.empty()) b[rng() % b.size()].addr += 0x1000;
      break;
    case 1:
      b.resize(rng() % (b.size() + 1));
      break;
    case 2:
      for (const Event& e : random_events(rng, rng() % 5)) b.push_back(e);
      break;
    default:
      if (!b.empty()) b[rng() % b.size()].flags ^= 1;
    }
    std::optional<std::size_t> want;
    for (std::size_t i = 0; i < std::max(a.size(), b.size()) && !want; ++i)
      if (i >= a.size() || i >= b.size() || !(a[i] == b[i])) want = i;
    ASSERT_EQ(first_mismatch(log_of(a), log_of(b)), want) << n;
    ASSERT_EQ(log_of(a) == log_of(b), !want);
  }
}

// Random rule hits into a Trace and into per-page lists: each page gets the same rules in the
// same order, and the pieces of for_each_piece agree with them page by page.
TEST(TraceRuns, PagesKeepTheirRulesInOrder) {
  std::mt19937_64 rng(5);
  for (unsigned n = 0; n < 300; ++n) {
    const u64 pages = 1 + rng() % 40;
    Trace t;
    t.reset(0x10000, 12, pages);
    std::vector<std::vector<RuleHit>> naive(pages);
    std::vector<unsigned> written(pages, 0);
    for (unsigned walk = 1; walk <= 1 + rng() % 3; ++walk) {
      t.begin_walk(walk, 0x10000);
      for (unsigned k = 0; k < 60; ++k) {
        // a chunk's rules page after page, or single hits anywhere
        u64 first = rng() % pages, count = 1 + rng() % 8;
        std::vector<RuleId> rules;
        for (unsigned r = 0; r < 1 + rng() % 3; ++r) rules.push_back(RuleId(rng() % 6));
        for (u64 i = first; i < std::min(pages, first + count); ++i) {
          for (RuleId r : rules) {
            t.page(0x10000 + (i << 12), walk, r);
            naive[i].push_back(RuleHit{walk, r});
          }
          if (rng() % 2) t.wrote(0x10000 + (i << 12), walk), written[i] = walk;
        }
      }
      t.end_walk(0, 0x10000);
    }
    for (u64 i = 0; i < pages; ++i) {
      ASSERT_EQ(t.page_hits(i), naive[i]) << n << " page " << i;
      ASSERT_EQ(t.written(i), written[i]) << n << " page " << i;
    }
    u64 next = 0;
    t.for_each_piece([&](u64 first, u64 end, std::span<const RuleHit> rules, unsigned w) {
      ASSERT_EQ(first, next);
      ASSERT_LT(first, end);
      for (u64 i = first; i < end; ++i) {
        ASSERT_EQ(std::vector<RuleHit>(rules.begin(), rules.end()), naive[i]) << n << " " << i;
        ASSERT_EQ(w, written[i]);
      }
      next = end;
    });
    ASSERT_EQ(next, pages);
  }
}

// A fault that never makes progress, retried a million times: the log is one run and the
// trace one walk with a count, not a million.
TEST(TraceRuns, IdenticalWalksAreCountedOnce) {
  World w(*builtin_geometry("tiny"));
  ASSERT_FALSE(w.vmas.insert(Vma{0x10000, 0x20000, vm::READ | vm::WRITE, true, 0}, 0x1000));
  w.injections[0x10000] = Injection{.no_progress = kForever};
  HmmRange r;
  r.start = 0x10000;
  r.end = 0x11000;
  r.pfns = {1};
  w.notifier = Notifier{r.start, r.end, 0, 0};
  Trace t;
  Outcome o = reference_hmm_range_fault(w, r, RunOptions{.restart_budget = 1000000}, &t);
  EXPECT_TRUE(o.livelock);
  EXPECT_EQ(o.walks, 1000000u);
  EXPECT_EQ(o.world.log.size(), 1000000u);
  EXPECT_EQ(o.world.log.runs().size(), 1u);
  ASSERT_LE(t.walks.size(), 2u);
  unsigned walks = 0;
  for (const WalkTrace& wt : t.walks) walks += 1 + wt.repeats;
  EXPECT_EQ(walks, 1000000u);
  EXPECT_LE(t.hits.size(), 20u);
  EXPECT_LE(t.call.size(), 4u);
  EXPECT_TRUE(t.fired(RuleId::Livelock));
}

} // namespace
} // namespace hmmspec
