// SPDX-License-Identifier: GPL-2.0-or-later
// The 6.x walker (impl/walker_v6.h, the parties walker-6.1 and walker-6.12): every 6.1 and 6.12
// spec scenario and replayed selftest with its expectations and in agreement with every party of
// its version; seeded random worlds (those of tests/unit/walker_worlds.h translated to each 6.x
// version, with the entries only 6.x has added) against the reference and the kernel party of
// that version; the in-place API; unaligned ranges; and the paths only 6.x has, one by one.
#include "harness/parties.h"
#include "impl/walker_v6.h"
#include "model/range_v6.h"
#include "model/reference.h"
#include "model/scenario_format.h"
#include "model/swap_layout.h"
#include "model/translate.h"
#include "tests/unit/failures_text.h"
#include "tests/unit/walker_worlds.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <string>
#include <vector>

namespace hmmspec {
namespace {

using namespace x86;
using walker_test::Gen;

constexpr std::array<KernelVersion, 2> kV6{KernelVersion::V6_1, KernelVersion::V6_12};

// The first difference between the walker's outcome and every other party of the world's
// version (the reference always, the kernel party when built), as text; "" when none.
std::string disagreements(const Scenario& s, const Outcome& walker) {
  std::string report;
  std::vector<std::pair<std::string, Outcome>> others;
  others.emplace_back("reference", reference_hmm_range_fault(s.world, s.range, s.options));
  if (auto k = built_party(PartyKind::Kernel, s.world.geom.kernel))
    others.emplace_back(k->id.name, k->run(s.world, s.range, s.options));
  for (const auto& [name, o] : others) {
    if (auto d = first_difference(s.range, o, walker))
      report += fmt::format("{} vs walker differ at {}:\n  {}: {}\n  walker: {}\n", name, d->what,
                            name, d->left, d->right);
    else if (o.walks != walker.walks)
      report += fmt::format("{} walked {} times, the walker {}\n", name, o.walks, walker.walks);
  }
  return report;
}

// ---- the 6.x spec scenarios and selftests ----------------------------------------------

std::vector<std::string> v6_scenario_files() {
  std::vector<std::string> files;
  for (const char* d : {"spec-6.1", "spec-6.12", "selftests-6.1", "selftests-6.12"}) {
    std::filesystem::path dir = std::filesystem::path(HMMSPEC_SOURCE_DIR) / "tests/scenarios" / d;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec))
      if (e.is_regular_file() && e.path().extension() == ".hmm") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(WalkerV6Spec, EveryVersionHasScenarios) {
  EXPECT_GE(v6_scenario_files().size(), 90u);
}

class WalkerV6SpecFile : public ::testing::TestWithParam<std::string> {};
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(WalkerV6SpecFile);

TEST_P(WalkerV6SpecFile, MeetsExpectationsAndAgreesWithItsVersion) {
  ParseResult parsed = load_scenario(GetParam());
  if (const auto* e = std::get_if<ParseError>(&parsed)) FAIL() << e->str();
  const Scenario& s = std::get<Scenario>(parsed);
  ASSERT_TRUE(has_v6_api(s.world.geom.kernel)) << GetParam();
  // The registered party of the version, as `hmmspec run` runs it.
  const std::string name = fmt::format("walker-{}", version_name(s.world.geom.kernel));
  std::optional<Party> walker = built_party(PartyKind::Walker, s.world.geom.kernel);
  ASSERT_TRUE(walker);
  EXPECT_EQ(walker->id.name, name);
  Outcome o = walker->run(s.world, s.range, s.options);
  std::vector<Failure> fs = check_expectations(s, o);
  EXPECT_TRUE(fs.empty()) << name << " fails expectations of " << GetParam() << ":\n"
                          << failures_text(fs);
  std::string d = disagreements(s, o);
  EXPECT_TRUE(d.empty()) << GetParam() << ":\n" << d;
}

std::string version_file_test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::filesystem::path p(info.param);
  std::string n = p.parent_path().filename().string() + "_" + p.stem().string();
  for (char& c : n)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
}
INSTANTIATE_TEST_SUITE_P(Spec, WalkerV6SpecFile, ::testing::ValuesIn(v6_scenario_files()),
                         version_file_test_name);

// ---- seeded random worlds --------------------------------------------------------------

// Adds what only 6.x words hold to a translated world: device-exclusive entries, PTE markers,
// 6.1's swapin-error entries, zero-pfn PTEs without SPECIAL, pfns without a struct page.
void add_v6_entries(Gen& g, Scenario& s) {
  World& w = s.world;
  const Geometry& geom = w.geom;
  const u64 page = geom.page_size();
  const u64 lo = s.range.start, pages = s.range.end > lo ? (s.range.end - lo) / page : 0;
  if (g.chance(25)) w.highest_memmap_pfn = 0x1000 + g.below(64);
  for (u64 i = 0, n = pages ? g.below(8) : 0; i < n; ++i) {
    const u64 addr = lo + g.below(pages) * page;
    if (w.context_at(Level::Pte, addr) != Context::Normal) continue;
    Entry e;
    switch (g.below(5)) {
    case 0:
      e = Entry{.kind = Kind::Exclusive, .pfn = 0x1000 + g.below(64), .write = g.chance(50)};
      break;
    case 1:
      e = Entry{.kind = Kind::Marker, .marker = kMarkerUffdWp};
      if (geom.kernel == KernelVersion::V6_12 && g.chance(50)) e.marker = kMarkerPoisoned;
      break;
    case 2:
      e = Entry{.kind = Kind::SwapinError, .pfn = g.below(100)};
      break;
    case 3: // the zero pfn, not special (6.12 warns)
      e = Entry{.kind = Kind::Page, .pfn = w.zero_pfn, .write = g.chance(30)};
      break;
    default: // a special PTE, devmap or not (6.x: vm_normal_page)
      e = Entry{.kind = Kind::Page,
                .pfn = 0x1000 + g.below(64),
                .write = g.chance(50),
                .special = true,
                .devmap = g.chance(30)};
      break;
    }
    (void)w.put_entry(Level::Pte, addr, e, Context::Normal); // an entry 6.1 lacks is skipped
  }
}

// The v5.7 random scenario `seed` in the words of v, with 6.x entries added to the tiny ones;
// nothing when the
// world has no reading in v (races, a table read at two levels).
std::optional<Scenario> random_v6_scenario(u64 seed, KernelVersion v, bool large = false) {
  Scenario s5 =
      large ? walker_test::random_large_scenario(seed) : walker_test::random_scenario(seed);
  auto world = translate_world(s5.world, v);
  if (!std::holds_alternative<World>(world)) return std::nullopt;
  Scenario s;
  s.name = fmt::format("{}-{}", s5.name, version_name(v));
  s.world = std::move(std::get<World>(world));
  s.range = translate_range(s5.range, KernelVersion::V5_7, v);
  s.options = s5.options;
  Gen g(seed * 131 + unsigned(v));
  if (!large) add_v6_entries(g, s); // (the larger worlds keep their long runs of pages)
  return s;
}

constexpr u64 kRandomWorldsPerVersion = 600;

TEST(WalkerV6Random, AgreesWithItsVersionOnSeededTinyWorlds) {
  for (KernelVersion v : kV6) {
    unsigned reported = 0, differing = 0, ran = 0;
    for (u64 seed = 1; seed <= kRandomWorldsPerVersion; ++seed) {
      std::optional<Scenario> s = random_v6_scenario(seed, v);
      if (!s) continue;
      ++ran;
      std::string d = disagreements(*s, walker_v6_hmm_range_fault(s->world, s->range, s->options));
      if (d.empty()) continue;
      ++differing;
      if (reported++ < 4) ADD_FAILURE() << "seed " << seed << ":\n" << d << print_scenario(*s);
    }
    EXPECT_EQ(differing, 0u) << version_name(v) << ", of " << ran << " random worlds";
    EXPECT_GT(ran, kRandomWorldsPerVersion / 2) << version_name(v);
  }
}

TEST(WalkerV6Random, AgreesWithItsVersionOnLargerWorlds) {
  for (KernelVersion v : kV6) {
    unsigned differing = 0, long_successes = 0;
    for (u64 seed = 1; seed <= 64; ++seed) {
      std::optional<Scenario> s = random_v6_scenario(seed, v, true);
      if (!s) continue; // a word read as DEVMAP in v that is not devmap: no reading in v
      Outcome o = walker_v6_hmm_range_fault(s->world, s->range, s->options);
      if (o.ret == 0 && s->range.pfns.size() > 2048) ++long_successes;
      std::string d = disagreements(*s, o);
      if (d.empty()) continue;
      if (differing++ < 2) ADD_FAILURE() << "large seed " << seed << ":\n" << d;
    }
    EXPECT_EQ(differing, 0u) << version_name(v);
    EXPECT_GT(long_successes, 3u) << version_name(v);
  }
}

// The random worlds reach the paths only 6.x has: bad page maps, 6.12's zero-pfn warning and
// PUD livelock, and every return.
TEST(WalkerV6Random, WorldsCoverTheVersionsPaths) {
  for (KernelVersion v : kV6) {
    unsigned success = 0, efault = 0, ebusy = 0, livelock = 0, restarts = 0, bad_pte = 0, warn = 0;
    for (u64 seed = 1; seed <= kRandomWorldsPerVersion; ++seed) {
      std::optional<Scenario> s = random_v6_scenario(seed, v);
      if (!s) continue;
      Outcome o = walker_v6_hmm_range_fault(s->world, s->range, s->options);
      if (o.livelock)
        ++livelock;
      else if (o.ret == 0)
        ++success;
      else if (o.ret == -err::kEFAULT)
        ++efault;
      else if (o.ret == -err::kEBUSY)
        ++ebusy;
      if (o.walks > 1) ++restarts;
      for (const KernelReport& r : o.reports) {
        bad_pte += r.kind == KernelReport::Kind::BadPte;
        warn += r.kind == KernelReport::Kind::Warn;
      }
    }
    EXPECT_GT(success, 50u) << version_name(v);
    EXPECT_GT(efault, 10u) << version_name(v);
    EXPECT_GT(ebusy, 5u) << version_name(v);
    EXPECT_GT(livelock, 2u) << version_name(v);
    EXPECT_GT(restarts, 30u) << version_name(v);
    EXPECT_GT(bad_pte, 10u) << version_name(v);
    if (v == KernelVersion::V6_12) {
      EXPECT_GT(warn, 2u);
    }
  }
}

TEST(WalkerV6InPlace, SameOutcomeAsTheCopyingCall) {
  for (KernelVersion v : kV6)
    for (u64 seed = 1; seed <= 100; ++seed) {
      std::optional<Scenario> s = random_v6_scenario(seed, v);
      if (!s) continue;
      Outcome o = walker_v6_hmm_range_fault(s->world, s->range, s->options);
      World w = s->world;
      std::vector<u64> pfns = s->range.pfns;
      pfns.resize(std::max(pfns.size(), walker_pfns_needed(w.geom, s->range)));
      std::vector<KernelReport> reports;
      WalkerResult r = walker_v6_hmm_range_fault_in_place(w, s->range, pfns, s->options, reports);
      pfns.resize(s->range.pfns.size());
      EXPECT_EQ(r.ret, o.ret) << seed;
      EXPECT_EQ(r.walks, o.walks) << seed;
      EXPECT_EQ(r.livelock, o.livelock) << seed;
      EXPECT_EQ(pfns, o.pfns) << seed;
      EXPECT_EQ(reports, o.reports) << seed;
      EXPECT_TRUE(w == o.world) << seed;
    }
}

// An unaligned range (the scenario format refuses one, the kernel does not check): the walker
// mirrors the kernel's loops, so it agrees with the kernel party, which writes one spare entry.
TEST(WalkerV6InPlace, UnalignedRangesAgreeWithTheKernelParty) {
  for (KernelVersion v : kV6) {
    std::optional<Party> kernel = built_party(PartyKind::Kernel, v);
    if (!kernel) continue;
    for (u64 seed = 1; seed <= 200; ++seed) {
      std::optional<Scenario> s = random_v6_scenario(seed, v);
      if (!s || s->range.start >= s->range.end) continue;
      Gen g(seed * 7919);
      s->range.start += g.below(s->world.geom.page_size());
      if (g.chance(50)) s->range.end -= g.below(s->world.geom.page_size());
      if (s->range.start >= s->range.end) continue;
      s->range.pfns.resize((s->range.end - s->range.start) >> s->world.geom.page_shift);
      Outcome k = kernel->run(s->world, s->range, s->options);
      Outcome w = walker_v6_hmm_range_fault(s->world, s->range, s->options);
      if (auto d = first_difference(s->range, k, w))
        ADD_FAILURE() << version_name(v) << " seed " << seed << " start " << std::hex
                      << s->range.start << " end " << s->range.end << ": " << d->what << ": "
                      << d->left << " vs walker " << d->right;
    }
  }
}

// ---- the paths of 6.x, one by one ------------------------------------------------------

// A world of version v with one readable, writable VMA [1 GiB, 1 GiB + 2 MiB) and a range over
// it asking nothing.
Scenario one_pmd(KernelVersion v) {
  Scenario s;
  s.world = World(*builtin_geometry("x86_64"));
  s.world.geom.kernel = v;
  const u64 gib = s.world.geom.size(Level::Pud), pmd = s.world.geom.size(Level::Pmd);
  EXPECT_FALSE(s.world.vmas.insert(
      Vma{.start = gib, .end = gib + pmd, .flags = vm::READ | vm::WRITE, .anonymous = true},
      s.world.geom.page_size()));
  s.range.start = gib;
  s.range.end = gib + pmd;
  s.range.pfns.assign(pmd / s.world.geom.page_size(), 0);
  s.world.notifier = Notifier{s.range.start, s.range.end, 0, 0};
  return s;
}

void put(Scenario& s, u64 page_index, const Entry& e) {
  const u64 addr = s.range.start + page_index * s.world.geom.page_size();
  ASSERT_FALSE(s.world.put_entry(Level::Pte, addr, e, Context::Normal)) << page_index;
}

// print_bad_pte reports a burst of 60 (6.1 mm/memory.c:536-549): 100 stray special PTEs give 100
// ERROR outputs and 60 reports.
TEST(WalkerV6Paths, BadPageMapsStopAtSixty) {
  for (KernelVersion v : kV6) {
    Scenario s = one_pmd(v);
    for (u64 i = 0; i < 100; ++i)
      put(s, i, Entry{.kind = Kind::Page, .pfn = 0x5000 + i, .special = true});
    Outcome o = walker_v6_hmm_range_fault(s.world, s.range, s.options);
    EXPECT_EQ(o.ret, 0);
    EXPECT_EQ(o.reports.size(), 60u);
    EXPECT_EQ(o.pfns[99], hmm6::ERROR);
    EXPECT_EQ(o.reports.back(),
              (KernelReport{KernelReport::Kind::BadPte, "", s.range.start + 59 * 4096}));
    std::string d = disagreements(s, o);
    EXPECT_TRUE(d.empty()) << version_name(v) << ":\n" << d;
  }
}

// 6.12 vm_normal_page warns once per call on a zero-pfn PTE without SPECIAL (6.12
// mm/memory.c:656); 6.1 says nothing. Both report the zero pfn.
TEST(WalkerV6Paths, ZeroPfnWithoutSpecialWarnsOnceIn612) {
  for (KernelVersion v : kV6) {
    Scenario s = one_pmd(v);
    for (u64 i = 0; i < 8; ++i) put(s, i, Entry{.kind = Kind::Page, .pfn = s.world.zero_pfn});
    Outcome o = walker_v6_hmm_range_fault(s.world, s.range, s.options);
    EXPECT_EQ(o.ret, 0);
    EXPECT_EQ(o.pfns[7], s.world.zero_pfn | hmm6::VALID);
    EXPECT_EQ(o.reports.size(), v == KernelVersion::V6_12 ? 1u : 0u);
    std::string d = disagreements(s, o);
    EXPECT_TRUE(d.empty()) << version_name(v) << ":\n" << d;
  }
}

// A PUD that is not none, not present and not a leaf: 6.1 descends it, 6.12's walk_pmd_range
// asks for it again for ever (6.12 mm/pagewalk.c:103-106): a livelock in one walk.
TEST(WalkerV6Paths, NonPresentPudLivelocksIn612Only) {
  for (KernelVersion v : kV6) {
    Scenario s = one_pmd(v);
    put(s, 0, Entry{.kind = Kind::Page, .pfn = 0x5000});
    u64* pud = s.world.find_slot_mut(Level::Pud, s.range.start);
    ASSERT_TRUE(pud);
    *pud &= ~PRESENT;
    Outcome o = walker_v6_hmm_range_fault(s.world, s.range, s.options);
    EXPECT_EQ(o.livelock, v == KernelVersion::V6_12) << version_name(v);
    if (v == KernelVersion::V6_12) {
      EXPECT_EQ(o.walks, 1u);
    }
    std::string d = disagreements(s, o);
    EXPECT_TRUE(d.empty()) << version_name(v) << ":\n" << d;
  }
}

// A requested device-private page of another owner is faulted (migrate_to_ram, 6.1
// mm/hmm.c:270-271) and so is a device-exclusive entry (6.1 mm/hmm.c:273-274). The migration
// invalidates the range, so the call ends -EBUSY after the faults (6.1 mm/hmm.c:588-590).
TEST(WalkerV6Paths, ForeignDevicePrivateAndExclusiveEntriesAreFaulted) {
  for (KernelVersion v : kV6) {
    for (bool device : {true, false}) {
      Scenario s = one_pmd(v);
      s.world.device_owner[0x7000] = 2;
      s.range.dev_private_owner = 1;
      if (device)
        put(s, 3, Entry{.kind = Kind::Device, .pfn = 0x7000});
      else
        put(s, 3, Entry{.kind = Kind::Exclusive, .pfn = 0x5000, .write = true});
      s.range.pfns[3] = hmm6::REQ_FAULT;
      s.range.pfn_flags_mask = ~0ull;
      Outcome o = walker_v6_hmm_range_fault(s.world, s.range, s.options);
      ASSERT_FALSE(o.world.log.empty()) << version_name(v) << device;
      EXPECT_EQ(o.world.log[0].addr, s.range.start + 3 * s.world.geom.page_size());
      std::string d = disagreements(s, o);
      EXPECT_TRUE(d.empty()) << version_name(v) << ":\n" << d;
    }
  }
}

} // namespace
} // namespace hmmspec
