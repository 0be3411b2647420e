// SPDX-License-Identifier: GPL-2.0-or-later
// Parsing and checking in time proportional to the input: duplicate rule lines are found
// with a set, and `expect pfn` lines are checked run by run (model/word_runs.h) against the
// outcome, with the same verdict and message as a page-by-page check.
#include "model/scenario_format.h"
#include "model/word_runs.h"

#include <chrono>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <random>
#include <string>

namespace hmmspec {
namespace {

double seconds_of(auto&& f) {
  auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The page-by-page check the run-wise one replaces: its message for a Pfn expectation.
std::optional<std::string> brute_check_pfn(const Scenario& s, const Expectation& e,
                                           const Outcome& o) {
  std::optional<std::string> first;
  u64 differing = 0;
  for (u64 i = e.first; i < e.first + e.count; ++i) {
    u64 want = e.word + (e.pfn_increments ? (i - e.first) << s.range.pfn_shift : 0);
    bool have = i < o.pfns.size();
    if (have && o.pfns[i] == want) continue;
    if (differing++) continue;
    auto text = [&](u64 w) { return fmt::format("{} ({:#x})", describe_output(s.range, w), w); };
    first = fmt::format("pfns[{}] ({:#x}): expected {}, got {}", i,
                        s.range.start + (i << s.world.geom.page_shift), text(want),
                        have ? text(o.pfns[i])
                             : fmt::format("nothing (pfns[] has {} entries)", o.pfns.size()));
  }
  if (first && differing > 1) *first += fmt::format(" (and {} more pages differ)", differing - 1);
  return first;
}

TEST(WordRuns, SplitsEqualAndIncrementingWords) {
  std::vector<u64> w{5, 5, 5, 0x1000, 0x2000, 0x3000, 7, 0x3000};
  EXPECT_EQ(word_runs(w, 0x1000),
            (std::vector<WordRun>{
                {0, 3, 5, 0}, {3, 3, 0x1000, 0x1000}, {6, 1, 7, 0}, {7, 1, 0x3000, 0}}));
  EXPECT_EQ(run_at(word_runs(w, 0x1000), 4), 1u);
}

// Random outcomes made of runs and noise, random expectations: the run-wise check gives
// exactly the page-by-page check's message (or none), for every pfn_shift.
TEST(WordRuns, RunWiseCheckIsThePageByPageCheck) {
  std::mt19937_64 rng(7);
  for (unsigned n = 0; n < 4000; ++n) {
    Scenario s;
    s.range.start = 0x10000;
    s.range.pfn_shift = std::uint8_t(std::array<unsigned, 5>{0, 1, 12, 40, 63}[rng() % 5]);
    const u64 step = u64(1) << s.range.pfn_shift;
    Outcome o;
    const u64 pages = 1 + rng() % 40;
    while (o.pfns.size() < pages) {
      u64 w = rng() % 4 ? (rng() % 8) * step + (rng() % 4) : rng(), len = 1 + rng() % 8;
      bool inc = rng() % 2;
      for (u64 k = 0; k < len && o.pfns.size() < pages; ++k)
        o.pfns.push_back(w + (inc ? k * step : 0));
    }
    Expectation e;
    e.type = Expectation::Type::Pfn;
    e.first = rng() % (pages + 2);
    e.count = 1 + rng() % (pages + 3 - e.first);
    e.pfn_increments = rng() % 2;
    e.word = rng() % 3 ? o.pfns[std::min<u64>(e.first, pages - 1)] : (rng() % 8) * step + rng() % 4;
    s.expectations = {e};
    std::vector<Failure> f = check_expectations(s, o);
    std::optional<std::string> want = brute_check_pfn(s, e, o);
    ASSERT_EQ(f.size(), want ? 1u : 0u) << n;
    if (want) {
      ASSERT_EQ(f[0].message, *want) << n;
    }
  }
}

// 2000 whole-range expectations over 2^24 pages: the page-by-page check made 2^35
// comparisons; run by run it is one pass to make the runs and O(1) per expectation.
TEST(LinearChecks, ManyWholeRangeExpectations) {
  Scenario s;
  s.range.start = 0;
  s.range.end = u64(1) << 36;
  Outcome o;
  o.pfns.assign(u64(1) << 24, s.range.values[HMM_PFN_NONE]);
  Expectation e;
  e.type = Expectation::Type::Pfn;
  e.first = 0;
  e.count = o.pfns.size();
  e.word = s.range.values[HMM_PFN_NONE];
  s.expectations.assign(2000, e);
  std::vector<Failure> f;
  double secs = seconds_of([&] { f = check_expectations(s, o); });
  EXPECT_TRUE(f.empty());
  EXPECT_LT(secs, 20.0);
}

// 200,000 rule lines: the duplicate check was a linear search per line.
TEST(LinearChecks, ManyRuleLines) {
  std::string text;
  for (unsigned i = 0; i < 200000; ++i) text += fmt::format("rule R-X{}\n", i);
  text += "range 0+4K\n";
  ParseResult r;
  double secs = seconds_of([&] { r = parse_scenario(text, "rules.hmm"); });
  ASSERT_TRUE(std::holds_alternative<Scenario>(r));
  EXPECT_EQ(std::get<Scenario>(r).rules.size(), 200000u);
  EXPECT_LT(secs, 20.0);
  ParseResult dup = parse_scenario(text + "rule R-X17\n", "rules.hmm");
  ASSERT_TRUE(std::holds_alternative<ParseError>(dup));
  EXPECT_EQ(std::get<ParseError>(dup).message, "duplicate rule 'R-X17'");
}

} // namespace
} // namespace hmmspec
