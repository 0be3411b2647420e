// SPDX-License-Identifier: GPL-2.0-or-later
// The walker (impl/): the spec scenarios with their expectations, agreement with the
// reference (and the kernel party when built) on those scenarios and on seeded random tiny
// worlds holding every entry kind at every level, the in-place API, and the bit-level
// shortcuts of impl/shortcuts.h against the formulas they replace.
#include "harness/parties.h"
#include "impl/shortcuts.h"
#include "impl/walker.h"
#include "impl/walker_in_place.h"
#include "model/fault.h"
#include "model/scenario_format.h"
#include "tests/unit/failures_text.h"
#include "tests/unit/walker_worlds.h"
#if __has_include("model/reference.h")
#include "model/reference.h"
#define HMMSPEC_TEST_REFERENCE 1
#endif

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <random>
#include <string>
#include <vector>

namespace hmmspec {
namespace {

using namespace x86;
using walker_test::Gen;
using walker_test::random_large_scenario;
using walker_test::random_scenario;

// ---- the spec scenarios ----------------------------------------------------------------

std::vector<std::string> spec_files() {
  std::vector<std::string> files;
  std::filesystem::path dir = std::filesystem::path(HMMSPEC_SOURCE_DIR) / "tests/scenarios/spec";
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().extension() == ".hmm") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

// The other parties of this build, by kind (the kernel only when built).
const Party* party_of(PartyKind kind) {
  static const std::vector<Party> parties = built_parties();
  for (const Party& p : parties)
    if (p.id.kind == kind) return &p;
  return nullptr;
}

std::string difference_text(const std::string& left, const std::string& right,
                            const Difference& d) {
  return fmt::format("{} vs {} differ at {}:\n  {}: {}\n  {}: {}\n", left, right, d.what, left,
                     d.left, right, d.right);
}

TEST(WalkerSpec, DirectoryHoldsScenarios) {
  if (spec_files().empty()) GTEST_SKIP() << "tests/scenarios/spec/ holds no .hmm file yet";
  SUCCEED();
}

class WalkerSpecFile : public ::testing::TestWithParam<std::string> {};
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(WalkerSpecFile);

TEST_P(WalkerSpecFile, MeetsExpectationsAndAgrees) {
  ParseResult parsed = load_scenario(GetParam());
  if (const auto* e = std::get_if<ParseError>(&parsed)) FAIL() << e->str();
  const Scenario& s = std::get<Scenario>(parsed);
  // (with a driver-loop line, the call is the driver loop around each party's)
  Outcome walker = make_scenario_call(s, s.world, s.range, walker_hmm_range_fault);
  std::vector<Failure> fs = check_expectations(s, walker);
  EXPECT_TRUE(fs.empty()) << "walker fails expectations of " << GetParam() << ":\n"
                          << failures_text(fs);
  for (PartyKind other : {PartyKind::Reference, PartyKind::Kernel}) {
    const Party* p = party_of(other);
    if (!p) continue;
    Outcome o = make_scenario_call(s, s.world, s.range, p->run);
    if (auto d = first_difference(s.range, o, walker))
      ADD_FAILURE() << GetParam() << ": " << difference_text(p->id.name, "walker", *d);
  }
}

std::string file_test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string n = std::filesystem::path(info.param).stem().string();
  for (char& c : n)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
}
INSTANTIATE_TEST_SUITE_P(Spec, WalkerSpecFile, ::testing::ValuesIn(spec_files()), file_test_name);

constexpr u64 kRandomWorlds = 600;

TEST(WalkerRandom, AgreesWithTheOtherPartiesOnSeededTinyWorlds) {
  const Party* kernel = party_of(PartyKind::Kernel);
  unsigned reported = 0, differing = 0;
  for (u64 seed = 1; seed <= kRandomWorlds; ++seed) {
    Scenario s = random_scenario(seed);
    Outcome walker = walker_hmm_range_fault(s.world, s.range, s.options);
    std::vector<std::pair<std::string, Outcome>> others;
#ifdef HMMSPEC_TEST_REFERENCE
    others.emplace_back("reference", reference_hmm_range_fault(s.world, s.range, s.options));
#endif
    if (kernel) others.emplace_back("kernel", kernel->run(s.world, s.range, s.options));
    std::string report;
    for (const auto& [name, o] : others)
      if (auto d = first_difference(s.range, o, walker))
        report += difference_text(name, "walker", *d);
    if (report.empty()) continue;
    ++differing;
    if (reported++ < 4) ADD_FAILURE() << "seed " << seed << ":\n" << report << print_scenario(s);
  }
  EXPECT_EQ(differing, 0u) << "of " << kRandomWorlds << " random worlds";
}

TEST(WalkerRandom, AgreesWithTheOtherPartiesOnLargerWorlds) {
  const Party* kernel = party_of(PartyKind::Kernel);
  unsigned reported = 0, differing = 0, long_successes = 0;
  for (u64 seed = 1; seed <= 24; ++seed) {
    Scenario s = random_large_scenario(seed);
    Outcome walker = walker_hmm_range_fault(s.world, s.range, s.options);
    if (walker.ret > 4096) ++long_successes;
    std::vector<std::pair<std::string, Outcome>> others;
#ifdef HMMSPEC_TEST_REFERENCE
    others.emplace_back("reference", reference_hmm_range_fault(s.world, s.range, s.options));
#endif
    if (kernel) others.emplace_back("kernel", kernel->run(s.world, s.range, s.options));
    std::string report;
    for (const auto& [name, o] : others)
      if (auto d = first_difference(s.range, o, walker))
        report += difference_text(name, "walker", *d);
    if (report.empty()) continue;
    ++differing;
    if (reported++ < 2) ADD_FAILURE() << "large seed " << seed << ":\n" << report;
  }
  EXPECT_EQ(differing, 0u);
  EXPECT_GT(long_successes, 3u);
}

// The random worlds reach the paths they are meant to: a weak check that the generator
// keeps producing faults, restarts, errors and successes.
TEST(WalkerRandom, WorldsCoverEveryOutcome) {
  unsigned success = 0, efault = 0, ebusy = 0, restarts = 0, eperm = 0, livelock = 0;
  for (u64 seed = 1; seed <= kRandomWorlds; ++seed) {
    Scenario s = random_scenario(seed);
    Outcome o = walker_hmm_range_fault(s.world, s.range, s.options);
    if (o.livelock)
      ++livelock;
    else if (o.ret >= 0)
      ++success;
    else if (o.ret == -err::kEFAULT)
      ++efault;
    else if (o.ret == -err::kEBUSY)
      ++ebusy;
    else if (o.ret == -err::kEPERM)
      ++eperm;
    if (o.walks > 1) ++restarts;
  }
  EXPECT_GT(success, 50u);
  EXPECT_GT(efault, 10u);
  EXPECT_GT(ebusy, 5u);
  EXPECT_GT(eperm, 2u);
  EXPECT_GT(livelock, 2u);
  EXPECT_GT(restarts, 50u);
}

// ---- long runs ---------------------------------------------------------------------------

// A hole of a whole PUD (2^18 pages) in a read-only VMA: the first page asks V, a page far
// into the hole asks V|W. The OR over the hole (hmm.c:148-154) needs a write fault, so the
// call is -EPERM before any fault (hmm.c:86-88); reading only part of the hole would fault.
TEST(WalkerRuns, WriteRequestFarIntoALongHoleDecidesTheSpan) {
  World w;
  const u64 gib = w.geom.size(Level::Pud);
  ASSERT_FALSE(
      w.vmas.insert(Vma{.start = gib, .end = 2 * gib, .flags = vm::READ}, w.geom.page_size()));
  HmmRange r;
  r.start = gib;
  r.end = 2 * gib;
  r.pfns.assign((r.end - r.start) >> w.geom.page_shift, 0);
  r.pfns[0] = 1;
  r.pfns[200000] = 3;
  w.notifier = Notifier{r.start, r.end, 0, 0};
  Outcome o = walker_hmm_range_fault(w, r, RunOptions{});
  EXPECT_EQ(o.ret, -err::kEPERM);
  EXPECT_TRUE(o.world.log.empty());
  EXPECT_EQ(o.pfns, r.pfns);
  for (PartyKind other : {PartyKind::Reference, PartyKind::Kernel})
    if (const Party* p = party_of(other)) {
      auto d = first_difference(r, p->run(w, r, RunOptions{}), o);
      EXPECT_FALSE(d) << difference_text(p->id.name, "walker", *d);
    }
}

// ---- the in-place API ------------------------------------------------------------------

TEST(WalkerInPlace, SameOutcomeAsTheCopyingCall) {
  for (u64 seed = 1; seed <= 100; ++seed) {
    Scenario s = random_scenario(seed);
    Outcome o = walker_hmm_range_fault(s.world, s.range, s.options);
    World w = s.world;
    std::vector<u64> pfns = s.range.pfns;
    pfns.resize(std::max(pfns.size(), walker_pfns_needed(w.geom, s.range)));
    WalkerResult r = walker_hmm_range_fault_in_place(w, s.range, pfns, s.options);
    pfns.resize(s.range.pfns.size());
    EXPECT_EQ(r.ret, o.ret) << seed;
    EXPECT_EQ(r.walks, o.walks) << seed;
    EXPECT_EQ(r.livelock, o.livelock) << seed;
    EXPECT_EQ(pfns, o.pfns) << seed;
    EXPECT_TRUE(w == o.world) << seed;
  }
}

// An unaligned range (the scenario format refuses one, the seed does not check): the walker
// mirrors the seed's loops, so it agrees with the kernel party, which writes one spare entry.
TEST(WalkerInPlace, UnalignedRangesAgreeWithTheKernelParty) {
  const Party* kernel = party_of(PartyKind::Kernel);
  if (!kernel) GTEST_SKIP() << "no kernel party in this build";
  for (u64 seed = 1; seed <= 200; ++seed) {
    Scenario s = random_scenario(seed);
    if (s.range.start >= s.range.end) continue;
    Gen g(seed * 7919);
    s.range.start += g.below(s.world.geom.page_size());
    if (g.chance(50)) s.range.end -= g.below(s.world.geom.page_size());
    if (s.range.start >= s.range.end) continue;
    s.range.pfns.resize((s.range.end - s.range.start) >> s.world.geom.page_shift);
    Outcome k = kernel->run(s.world, s.range, s.options);
    Outcome w = walker_hmm_range_fault(s.world, s.range, s.options);
    if (auto d = first_difference(s.range, k, w))
      ADD_FAILURE() << "seed " << seed << " start " << std::hex << s.range.start << " end "
                    << s.range.end << ": " << difference_text("kernel", "walker", *d);
  }
}

// ---- the shortcuts (impl/shortcuts.h) against the formulas they replace ----------------

u64 interesting_word(Gen& g) {
  u64 w = g.bits();
  switch (g.below(4)) {
  case 0:
    return w & (0xfffull | (0xffull << 12) | (1ull << 58) | (1ull << 63));
  case 1:
    return w & 0xfff;
  case 2:
    return (w & ~0xfffull) |
           g.pick<u64>({PRESENT, PROTNONE, PRESENT | RW, PSE | PRESENT, 0, ACCESSED});
  default:
    return w;
  }
}

HmmRange random_encoding(Gen& g) {
  HmmRange r;
  r.flags = {g.pick<u64>({1, 2, 4, 3, 0, 1ull << 63, g.bits()}),
             g.pick<u64>({2, 1, 0, 6, 1ull << 62, g.bits()})};
  r.pfn_flags_mask = g.pick<u64>({0, ~0ull, r.flags[0], r.flags[1], g.bits()});
  r.default_flags = g.pick<u64>({0, r.flags[0], r.flags[0] | r.flags[1], r.flags[1], g.bits()});
  return r;
}

u64 random_request(Gen& g, const HmmRange& r) {
  return g.pick<u64>({0, r.flags[0], r.flags[1], r.flags[0] | r.flags[1], g.bits()});
}

TEST(WalkerShortcuts, AgreeWithTheSeedFormulasOnRandomWords) {
  Gen g(2024);
  const Geometry geom;
  for (int i = 0; i < 200000; ++i) {
    const u64 w = interesting_word(g);
    const HmmRange r = random_encoding(g);
    const u64 V = r.flags[0], W = r.flags[1];
    const u64 req = random_request(g, r);
    // S1: pte_to_hmm_pfn_flags through the kernel predicates (hmm.c:227-234).
    bool none = word_none(Level::Pte, 4, w);
    bool present = w & (PRESENT | PROTNONE);
    bool prot = (w & (PROTNONE | PRESENT)) == PROTNONE;
    u64 cpu = (none || !present || prot) ? 0 : cpu_flags_for(r, true, w & RW);
    ASSERT_EQ(shortcut::pte_cpu_flags(w, V, W), cpu) << std::hex << w;
    // S2, S3: the need of a page.
    if (shortcut::never_needs(r.default_flags, r.pfn_flags_mask, V)) {
      ASSERT_EQ(pte_need_fault(r, req, cpu), 0u);
    }
    if (shortcut::uniform_request(r.pfn_flags_mask, V, W)) {
      ASSERT_EQ(pte_need_fault(r, req, cpu), pte_need_fault(r, 0, cpu));
    }
    // S17: the walker's hmm_pte_need_fault.
    ASSERT_EQ(shortcut::pte_need(req, cpu, V, W, r.pfn_flags_mask, r.default_flags),
              pte_need_fault(r, req, cpu));
    // S6: a present word's need.
    const u64 t = shortcut::effective_request(req, r.pfn_flags_mask, r.default_flags);
    if (w & PRESENT) {
      ASSERT_EQ(shortcut::present_needs_fault(w, t, V, W, shortcut::disjoint_bit(V, W)) != 0,
                pte_need_fault(r, req, cpu) != 0);
    }
    // S7, S8, S9: the plain row of hmm_vma_handle_pte (hmm.c:292-310).
    const u64 pm = pfn_mask(geom.page_shift);
    const u64 zero_pfn = g.pick<u64>({0x100, pte_pfn(geom, w), g.bits()});
    const u64 zb = shortcut::zero_bits(zero_pfn, geom.page_shift);
    ASSERT_EQ(shortcut::pte_pfn(w, pm, geom.page_shift), pte_pfn(geom, w)) << std::hex << w;
    if (w & PRESENT) {
      bool special_not_zero = (w & SPECIAL) && pte_pfn(geom, w) != zero_pfn;
      ASSERT_EQ(shortcut::special_not_zero_page(w, pm, zb) != 0, special_not_zero)
          << std::hex << w << " " << zero_pfn;
      const unsigned shift = unsigned(g.below(64));
      ASSERT_EQ(shortcut::plain_output(w, pm, shortcut::output_shift_up(shift, geom.page_shift),
                                       shortcut::output_shift_down(shift, geom.page_shift), V, W),
                ((pte_pfn(geom, w) << shift) | V) | cpu);
      if (shortcut::simple_output_applies(shift, geom.page_shift, W)) {
        ASSERT_EQ(shortcut::simple_output(w, pm, V), ((pte_pfn(geom, w) << shift) | V) | cpu);
      }
    }
    // S10-S15: the level predicates against the classifier's reading.
    Entry pud = classify(geom, Level::Pud, w, 0x100);
    if (!word_none(Level::Pud, 4, w)) {
      ASSERT_EQ(shortcut::pud_huge_or_devmap(w), pud.kind == Kind::Huge) << std::hex << w;
    }
    Entry pmd = classify(geom, Level::Pmd, w, 0x100);
    if (!word_none(Level::Pmd, 4, w)) {
      bool swapish = pmd.kind == Kind::Swap || pmd.kind == Kind::Migration ||
                     pmd.kind == Kind::Device || pmd.kind == Kind::Hwpoison;
      ASSERT_EQ(shortcut::pmd_present(w), !swapish) << std::hex << w;
      if (!swapish) {
        ASSERT_EQ(shortcut::pmd_huge_or_devmap(w), pmd.kind == Kind::Huge) << std::hex << w;
      } else {
        ASSERT_EQ(shortcut::swap_type(w), swp_type(w));
      }
    }
    ASSERT_EQ(shortcut::protnone(w), prot);
    // S16: the pfn run by addition.
    const unsigned s = unsigned(g.below(64));
    const u64 f = g.pick<u64>({V, V | W, cpu | V, g.bits() & 0xfff, g.bits()});
    const u64 pfn = g.pick<u64>({pte_pfn(geom, w), g.bits(), ~0ull - g.below(4)}),
              idx = g.below(1 << 20);
    if (shortcut::flags_below_shift(f, s)) {
      const u64 first = shortcut::pfn_run_first(pfn, f, s), step = shortcut::pfn_run_step(s);
      ASSERT_EQ(first, (pfn << s) | f);
      ASSERT_EQ(shortcut::pfn_run_next(((pfn + idx) << s) | f, step), ((pfn + idx + 1) << s) | f)
          << std::hex << pfn << " " << idx << " " << f << " " << s;
    }
    ASSERT_EQ(shortcut::pmd_huge(w),
              !word_none(Level::Pmd, 4, w) && ((w & PRESENT) == 0 || (w & PSE) != 0));
  }
}

TEST(WalkerShortcuts, RangeNeedFromTwoFactsEqualsTheOrOverPages) {
  Gen g(77);
  for (int i = 0; i < 20000; ++i) {
    const HmmRange r = random_encoding(g);
    const u64 V = r.flags[0], W = r.flags[1];
    std::vector<u64> reqs(1 + g.below(6));
    for (u64& q : reqs) q = random_request(g, r);
    for (u64 cpu : {u64(0), V, V | W}) {
      bool any_v = false, any_vw = false;
      for (u64 q : reqs) {
        u64 t = (q & r.pfn_flags_mask) | r.default_flags;
        any_v |= (t & V) != 0;
        any_vw |= (t & V) != 0 && (t & W) != 0;
      }
      unsigned want = range_need_fault(r, reqs, cpu);
      if (shortcut::never_needs(r.default_flags, r.pfn_flags_mask, V)) {
        ASSERT_EQ(want, 0u);
        continue;
      }
      ASSERT_EQ(shortcut::range_need_from(any_v, any_vw, cpu, V, W), want);
      if (shortcut::cpu_satisfies_all(cpu, V, W)) {
        ASSERT_EQ(want, 0u);
      }
    }
  }
}

} // namespace
} // namespace hmmspec
