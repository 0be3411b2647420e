// SPDX-License-Identifier: GPL-2.0-or-later
// The fuzzing library in every build (fuzz/, docs/fuzzing.md) and the differential run it
// drives (harness/differential.h): the byte reader has FuzzedDataProvider's semantics, the
// encoding reads back what it writes, every input builds a valid scenario, scenarios lift to
// inputs exactly, a broken party is caught and shrunk, and the corpus in fuzz/corpus/ still
// decodes under the current encoding (its manifest) and replays on every built party with no
// divergence.
#include "fuzz/byte_source.h"
#include "fuzz/campaign.h"
#include "fuzz/case_io.h"
#include "fuzz/fuzz_case.h"
#include "fuzz/minimize.h"
#include "fuzz/scenario_check.h"
#include "harness/differential.h"
#include "harness/parties.h"
#include "model/range_v6.h"
#include "model/reference.h"
#include "model/scenario_format.h"
#include "model/swap_layout.h"
#include "tests/unit/scenario_parsing.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <sstream>

namespace hmmspec::fuzz {
namespace {

namespace fs = std::filesystem;

std::vector<std::uint8_t> read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file()) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

// Deterministic pseudo-random inputs (a fixed seed: the same inputs on every run), of kernel
// version `v` (byte 0, input_header).
std::vector<std::vector<std::uint8_t>> random_inputs(std::size_t n, std::size_t max_len,
                                                     KernelVersion version = KernelVersion::V5_7) {
  std::mt19937_64 rng(20200531);
  std::vector<std::vector<std::uint8_t>> out;
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<std::uint8_t> v(1 + rng() % max_len);
    v[0] = input_header(version);
    for (std::size_t k = 1; k < v.size(); ++k) v[k] = std::uint8_t(rng());
    out.push_back(std::move(v));
  }
  return out;
}

const fs::path kCorpus = fs::path(HMMSPEC_SOURCE_DIR) / "fuzz" / "corpus";

TEST(FuzzByteSource, IntegersComeOffTheEndMostSignificantFirst) {
  const std::uint8_t data[] = {0x11, 0x22, 0x33};
  ByteSource s(data, sizeof data);
  EXPECT_EQ(s.ConsumeIntegralInRange<std::uint64_t>(0, 0xffff), 0x3322u);
  EXPECT_EQ(s.remaining_bytes(), 1u);
  EXPECT_EQ(s.ConsumeIntegralInRange<std::uint64_t>(0, 0xffff), 0x11u); // short: one byte only
  EXPECT_EQ(s.remaining_bytes(), 0u);
  EXPECT_EQ(s.ConsumeIntegralInRange<std::uint64_t>(5, 9), 5u); // exhausted: the low bound
}

TEST(FuzzByteSource, ValuesAreReducedModuloTheRangeAndBoolsTakeTheLowBit) {
  const std::uint8_t data[] = {0x03, 0x0f};
  ByteSource s(data, sizeof data);
  EXPECT_EQ(s.ConsumeIntegralInRange<std::uint64_t>(10, 19), 15u); // 10 + 0x0f % 10
  EXPECT_TRUE(s.ConsumeBool());                                    // 0x03 & 1
  EXPECT_FALSE(s.ConsumeBool());                                   // exhausted
  const std::uint8_t none[] = {0x42};
  ByteSource z(none, sizeof none);
  EXPECT_EQ(z.ConsumeIntegralInRange<std::uint64_t>(7, 7), 7u); // an empty range reads nothing
  EXPECT_EQ(z.remaining_bytes(), 1u);
}

TEST(FuzzEncoding, EveryDecodedCaseEncodesToBytesThatDecodeToItAgain) {
  for (const auto& bytes : random_inputs(3000, 400)) {
    FuzzCase c = decode_case(bytes), canonical;
    std::vector<std::uint8_t> again = encode_case(c, &canonical);
    ASSERT_EQ(canonical, c) << "the writer changed a decoded case: " << case_summary(c);
    ASSERT_EQ(again[0], kEncodingVersion);
    ASSERT_EQ(decode_case(again), c) << case_summary(c);
  }
}

// A 6.x header makes 6.x cases: they encode back to themselves (header included), build valid
// scenarios of that version that print and parse back, and hold the kinds only 6.x words can
// (device-exclusive, read-exclusive migration, PTE markers, 6.1 swapin errors) and
// device-coherent pages.
TEST(FuzzEncoding, SixXInputsDecodeToCasesOfTheirVersionWithTheSixXKinds) {
  for (KernelVersion v : {KernelVersion::V6_1, KernelVersion::V6_12}) {
    std::map<Kind, unsigned> kinds;
    unsigned read_exclusive = 0, coherent = 0, printed = 0, poisoned = 0;
    for (const auto& bytes : random_inputs(3000, 400, v)) {
      FuzzCase c = decode_case(bytes), canonical;
      ASSERT_EQ(c.kernel, v);
      std::vector<std::uint8_t> again = encode_case(c, &canonical);
      ASSERT_EQ(canonical, c) << "the writer changed a decoded case: " << case_summary(c);
      ASSERT_EQ(again[0], input_header(v));
      ASSERT_EQ(header_encoding(again[0]), kEncodingVersion);
      ASSERT_EQ(decode_case(again), c) << case_summary(c);
      Scenario s = build_case(c);
      const Geometry& g = s.world.geom;
      ASSERT_EQ(g.kernel, v);
      ASSERT_FALSE(g.validate()) << *g.validate();
      // the 6.x range: HmmRange's v5.7 fields are the defaults, as a parsed 6.x scenario has
      const HmmRange def;
      ASSERT_EQ(s.range.flags, def.flags);
      ASSERT_EQ(s.range.values, def.values);
      ASSERT_EQ(s.range.pfn_shift, def.pfn_shift);
      coherent += !s.world.coherent_pfns.empty();
      for (const auto& [pfn, t] : s.world.tables())
        if (t.level == Level::Pte)
          for (u64 word : t.words) {
            Entry e = classify(g, Level::Pte, word, s.world.zero_pfn);
            ++kinds[e.kind];
            read_exclusive += e.kind == Kind::Migration && e.exclusive;
            poisoned += e.kind == Kind::Marker && (e.marker & kMarkerPoisoned);
          }
      if (printed < 300 && s.range.end >= s.range.start) {
        std::optional<std::string> err = check_scenario_round_trip(print_scenario(s));
        ASSERT_FALSE(err) << *err;
        ++printed;
      }
    }
    EXPECT_GT(kinds[Kind::Exclusive], 0u) << version_name(v);
    EXPECT_GT(kinds[Kind::Marker], 0u) << version_name(v);
    EXPECT_GT(read_exclusive, 0u) << version_name(v);
    EXPECT_GT(coherent, 0u) << version_name(v);
    if (v == KernelVersion::V6_1) {
      EXPECT_GT(kinds[Kind::SwapinError], 0u);
      EXPECT_EQ(poisoned, 0u); // 6.1 has no poisoned marker
    } else {
      EXPECT_EQ(kinds[Kind::SwapinError], 0u); // 6.12 has no swapin-error type
      EXPECT_GT(poisoned, 0u);
    }
    EXPECT_EQ(printed, 300u);
  }
}

// A v5.7 input (byte 0 = 2, as every input was before 6.x cases) decodes as it always did;
// the header's kernel part picks the version, any byte naming one.
TEST(FuzzEncoding, TheHeaderNamesTheEncodingAndTheVersion) {
  EXPECT_EQ(input_header(KernelVersion::V5_7), kEncodingVersion);
  for (KernelVersion v : kAllKernelVersions) {
    EXPECT_EQ(header_kernel(input_header(v)), v);
    EXPECT_EQ(header_encoding(input_header(v)), kEncodingVersion);
  }
  for (unsigned b = 0; b < 256; ++b) (void)header_kernel(std::uint8_t(b)); // any byte decodes
  std::vector<std::uint8_t> bytes = random_inputs(1, 300).front();
  FuzzCase c57 = decode_case(bytes);
  EXPECT_EQ(c57.kernel, KernelVersion::V5_7);
  EXPECT_EQ(decode_case(bytes, std::nullopt, KernelVersion::V6_12).kernel, KernelVersion::V6_12);
  bytes[0] = input_header(KernelVersion::V6_1);
  EXPECT_EQ(decode_case(bytes).kernel, KernelVersion::V6_1);
}

TEST(FuzzEncoding, TheEmptyInputIsTheSmallestCase) {
  FuzzCase c = decode_case({});
  EXPECT_EQ(case_geometry(c).name, "tiny");
  EXPECT_EQ(c.end_page - c.start_page, 1u);
  EXPECT_TRUE(c.ops.empty() && c.vmas.empty() && c.injections.empty());
  Scenario s = build_case(c);
  EXPECT_EQ(s.range.pfns.size(), 1u);
  EXPECT_EQ(decode_case(encode_case(c)), c);
}

TEST(FuzzEncoding, EveryInputBuildsAValidScenario) {
  std::map<std::string, unsigned> geometries;
  unsigned with_vma = 0, inverted_or_empty = 0;
  for (const auto& bytes : random_inputs(3000, 400)) {
    Scenario s = build_case(decode_case(bytes));
    const Geometry& g = s.world.geom;
    ASSERT_FALSE(g.validate()) << *g.validate();
    ++geometries[g.name];
    const HmmRange& r = s.range;
    ASSERT_EQ((r.start | r.end) & (g.page_size() - 1), 0u);
    ASSERT_LE(r.end, g.va_limit());
    ASSERT_EQ(r.pfns.size(), r.end > r.start ? (r.end - r.start) >> g.page_shift : 0);
    ASSERT_LE(r.pfns.size(), 1024u);
    ASSERT_LT(r.pfn_shift, 64);
    ASSERT_GE(s.options.restart_budget, 1u);
    ASSERT_LE(s.options.restart_budget, 64u);
    for (const Vma& v : s.world.vmas.all()) {
      ASSERT_LT(v.start, v.end);
      ASSERT_LE(v.end, g.va_limit());
      if (v.hugetlb()) {
        ASSERT_TRUE(v.hugetlb_size == g.size(Level::Pmd) || v.hugetlb_size == g.size(Level::Pud));
      }
    }
    with_vma += !s.world.vmas.all().empty();
    inverted_or_empty += r.end <= r.start;
  }
  // tiny geometries are favoured, and every geometry family shows up
  EXPECT_GT(geometries["tiny"], geometries["x86_64"]);
  for (const char* n : {"tiny", "tiny3", "tiny-la57", "x86_64", "x86_64-la57", "custom"})
    EXPECT_GT(geometries[n], 0u) << n;
  EXPECT_GT(with_vma, 1000u);
  EXPECT_GT(inverted_or_empty, 0u);
}

TEST(FuzzEncoding, PrintedFuzzScenariosParseBackToTheSameWorld) {
  unsigned checked = 0;
  for (const auto& bytes : random_inputs(400, 300)) {
    Scenario s = build_case(decode_case(bytes));
    if (s.range.end < s.range.start) continue; // the format cannot state an inverted range
    std::optional<std::string> err = check_scenario_round_trip(print_scenario(s));
    ASSERT_FALSE(err) << *err;
    ++checked;
  }
  EXPECT_GT(checked, 300u);
}

// Encoding 3: v5.7 inputs hold race events and later calls, built only where the model takes
// them (a race at a legal entry, an operation mm_op_unsupported accepts), so that every such
// scenario prints to text that parses to the same races and calls; every party runs every
// call, they agree, and the races fire (the R-RACE rules are hit). 6.x inputs hold neither.
TEST(FuzzEncoding, SevenInputsHoldRacesAndCallsThatEveryPartyRuns) {
  Differential diff;
  unsigned with_races = 0, with_calls = 0, with_ops = 0, checked = 0, stopped = 0, violations = 0;
  for (const auto& bytes : random_inputs(6000, 400)) {
    FuzzCase c = decode_case(bytes);
    Scenario s = build_case(c);
    ASSERT_LE(s.world.races.size(), c.races.size());
    ASSERT_EQ(s.calls.size(), c.calls.size());
    with_races += !s.world.races.empty();
    with_calls += !s.calls.empty();
    for (const Call& k : s.calls) with_ops += !k.ops.empty();
    if (s.world.races.empty() && s.calls.empty()) continue;
    if (s.range.end >= s.range.start) {
      std::string text = print_scenario(s);
      ParseResult pr = parse_scenario(text, "fuzz.hmm");
      ASSERT_TRUE(std::holds_alternative<Scenario>(pr)) << std::get<ParseError>(pr).str() << "\n"
                                                        << text;
      const Scenario& back = std::get<Scenario>(pr);
      ASSERT_EQ(back.world.races, s.world.races) << text;
      ASSERT_EQ(back.calls.size(), s.calls.size()) << text;
      std::optional<std::string> err = check_scenario_round_trip(text);
      ASSERT_FALSE(err) << *err;
      ++checked;
    }
    ScenarioRun r = diff.run(s);
    ASSERT_FALSE(r.divergence) << report_text(s, r);
    // An operation the calls' faults made inapplicable (the build tries each on the worlds
    // without them, as the parser does) stops every party at the same call, alike; nothing
    // else stops a party. Under the driver loop the contract is checked too: v5.7's hugetlb
    // walk breaks it (docs/checking.md), on every party alike.
    const std::size_t made = r.results.front().later.size();
    for (const PartyResult& pr : r.results) {
      ASSERT_EQ(pr.later.size(), made) << pr.party.name << " made another number of calls";
      for (const Failure& f : pr.failures) {
        const bool hugetlb = std::any_of(s.world.vmas.all().begin(), s.world.vmas.all().end(),
                                         [](const Vma& v) { return v.hugetlb(); });
        const bool contract = hugetlb && f.message.find("driver contract") != std::string::npos;
        ASSERT_TRUE(contract || f.message.find("cannot be applied") != std::string::npos)
            << pr.party.name << ": " << f.message << "\n"
            << print_scenario(s);
        violations += contract;
      }
    }
    stopped += made < s.calls.size();
  }
  RecordProperty("stopped_at_an_inapplicable_operation", int(stopped));
  RecordProperty("driver_contract_violations", int(violations));
  EXPECT_LT(stopped * 4, with_calls); // (a few: most operations still apply when they run)
  EXPECT_GT(with_races, 300u);
  EXPECT_GT(with_calls, 300u);
  EXPECT_GT(with_ops, 300u);
  EXPECT_GT(checked, 500u);
  for (RuleId rule : {RuleId::RacePmdNone, RuleId::RacePmdAgain, RuleId::RacePudNone})
    EXPECT_GT(diff.coverage().hits(rule), 0u) << rule_id(rule);
  for (KernelVersion v : {KernelVersion::V6_1, KernelVersion::V6_12})
    for (const auto& bytes : random_inputs(300, 400, v)) {
      FuzzCase c = decode_case(bytes);
      ASSERT_TRUE(c.races.empty() && c.calls.empty());
    }
}

// Encoding 5: mmap (with its PROT), the CPU's accesses and fork-child, in calls and in the loop's
// events, round-trip; read as encoding 4, the same bytes hold munmap there (what encoding 4 wrote
// for a kind it did not have), and nothing after encoding 4's choices is read.
TEST(FuzzEncoding, MmapCpuAccessesAndForkChildAreInEncodingFive) {
  FuzzCase c; // tiny, one page at 0
  c.vmas = {FuzzVma{0, 0x4000, vm::READ | vm::WRITE, true, 0}};
  c.calls = {FuzzCall{{FuzzMmOp{MmOpKind::Munmap, 0, 4, Prot::Read},
                       FuzzMmOp{MmOpKind::Mmap, 0, 4, Prot::ReadWrite}}},
             FuzzCall{{FuzzMmOp{MmOpKind::CpuWrite, 0, 2, Prot::Read},
                       FuzzMmOp{MmOpKind::CpuRead, 2, 1, Prot::Read}}},
             FuzzCall{{FuzzMmOp{MmOpKind::ForkChild, 0, 1, Prot::Read}}}};
  c.driver = FuzzDriver{
      64,
      8,
      {FuzzDriverEvent{DriverPoint::AfterCall, FuzzMmOp{MmOpKind::CpuWrite, 0, 1, Prot::Read}, 1}}};
  FuzzCase canonical;
  const std::vector<std::uint8_t> bytes = encode_case(c, &canonical);
  EXPECT_EQ(header_encoding(bytes[0]), 5u);
  const FuzzCase back = decode_case(bytes);
  EXPECT_EQ(back, canonical);
  ASSERT_EQ(back.calls.size(), 3u);
  EXPECT_EQ(back.calls[2].ops[0].kind, MmOpKind::ForkChild);
  EXPECT_EQ(back.calls[0].ops[1].kind, MmOpKind::Mmap);
  EXPECT_EQ(back.calls[0].ops[1].prot, Prot::ReadWrite);
  EXPECT_EQ(back.calls[1].ops[0].kind, MmOpKind::CpuWrite);
  EXPECT_EQ(back.calls[1].ops[1].kind, MmOpKind::CpuRead);
  ASSERT_TRUE(back.driver && back.driver->events.size() == 1u);
  EXPECT_EQ(back.driver->events[0].op.kind, MmOpKind::CpuWrite);
  const FuzzCase four = decode_case(bytes, std::nullopt, std::nullopt, 4);
  EXPECT_EQ(four.calls[0].ops[1].kind, MmOpKind::Munmap);
  EXPECT_EQ(four.calls[1].ops[0].kind, MmOpKind::Munmap);
  EXPECT_EQ(four.driver->events[0].op.kind, MmOpKind::Munmap);
  // the built scenario holds them as the parser would: mmap after the munmap of the VMA
  const Scenario s = build_case(back);
  ASSERT_EQ(s.calls.size(), 3u);
  ASSERT_EQ(s.calls[2].ops.size(), 1u);
  EXPECT_EQ(s.calls[2].ops[0].op, (MmOp{MmOpKind::ForkChild, 0, 0, Prot::Read, 0}));
  ASSERT_EQ(s.calls[0].ops.size(), 2u);
  EXPECT_EQ(s.calls[0].ops[1].op, (MmOp{MmOpKind::Mmap, 0, 0x4000, Prot::ReadWrite, 0}));
  ASSERT_EQ(s.calls[1].ops.size(), 2u);
  EXPECT_EQ(s.calls[1].ops[0].op.kind, MmOpKind::CpuWrite);
}

// A case whose races the world cannot take is built without them, deterministically: no
// entry of the level in a VMA the walk reaches (no VMA at all), and a second event at the
// same point and entry; split at pud-locked becomes zap.
TEST(FuzzEncoding, RacesTheModelRefusesAreLeftOut) {
  FuzzCase c; // tiny, one page at 0, no VMA
  c.races = {FuzzRace{RacePoint::PmdSeen, RaceOp::Zap, 0}};
  EXPECT_TRUE(build_case(c).world.races.empty());
  c.vmas = {FuzzVma{0, 0x4000, vm::READ | vm::WRITE, true, 0}};
  c.races = {FuzzRace{RacePoint::PmdSeen, RaceOp::Zap, 0},
             FuzzRace{RacePoint::PmdSeen, RaceOp::Split, 5},
             FuzzRace{RacePoint::PudLocked, RaceOp::Split, 0}};
  Scenario s = build_case(c);
  ASSERT_EQ(s.world.races.size(), 2u);
  EXPECT_EQ(s.world.races[0], (Race{0, RacePoint::PmdSeen, RaceOp::Zap, false}));
  EXPECT_EQ(s.world.races[1], (Race{0, RacePoint::PudLocked, RaceOp::Zap, false}));
  // an operation over a hole is refused by the model: it is dropped, its call kept
  c.calls = {FuzzCall{{FuzzMmOp{MmOpKind::Mprotect, 8, 1, Prot::Read},
                       FuzzMmOp{MmOpKind::Munmap, 0, 1, Prot::Read}}}};
  s = build_case(c);
  ASSERT_EQ(s.calls.size(), 1u);
  ASSERT_EQ(s.calls[0].ops.size(), 1u);
  EXPECT_EQ(s.calls[0].ops[0].op.kind, MmOpKind::Munmap);
}

TEST(FuzzEncoding, ScenarioSuitesLiftToInputsThatBuildTheSameScenario) {
  unsigned lifted = 0, not_v5_7 = 0, beyond = 0, sequences = 0;
  for (const SuiteScenario& file : suite_scenarios()) {
    const Scenario* s = &file.scenario;
    // (every version lifts: the input's header carries the scenario's kernel version)
    FuzzCase c = lift_scenario(*s);
    ASSERT_EQ(c.kernel, s->world.geom.kernel);
    // a list beyond the encoding's bounds is cut (fuzz/case_io.h): the selftests' children
    // share 1,024 pages
    // and so are sequences beyond its bounds (io::kMaxCalls calls of io::kMaxCallOps
    // operations, io::kMaxRaces races, three driver events of a loop of at most 16 tries):
    // the selftest flows make 64 migrations in one call
    // (6.x cases hold no race: the 6.1 and 6.12 race scenarios are beyond it too)
    const bool long_sequence =
        (has_v6_api(s->world.geom.kernel) && !s->world.races.empty()) ||
        s->calls.size() > io::kMaxCalls || s->world.races.size() > io::kMaxRaces ||
        s->world.driver_events.size() > 3 || (s->driver_loop && s->driver_loop->tries > 16) ||
        std::any_of(s->calls.begin(), s->calls.end(),
                    [](const Call& k) { return k.ops.size() > io::kMaxCallOps; });
    if (s->world.shared_pfns.size() > io::kMaxShared || long_sequence) {
      ++beyond;
      continue;
    }
    not_v5_7 += s->world.geom.kernel != KernelVersion::V5_7;
    // (every operation kind, the driver loop and its events, a race's reach and the
    // fault-returned point are in the encoding since encoding 4; mmap and the CPU's accesses
    // since encoding 5)
    sequences += !s->calls.empty() || s->driver_loop || !s->world.races.empty();
    Scenario back = build_case(decode_case(encode_case(c)));
    // the encoding keeps restart budgets at most 64 (livelocks stay quick): compare with that
    Scenario want = *s;
    want.options.restart_budget = std::min(want.options.restart_budget, 64u);
    // and the notifier's interval within the address space (the 6.x selftests' notifiers
    // cover all of 0..2^64-4096; no range reaches beyond the space, so no overlap changes)
    const u64 limit = want.world.geom.va_limit();
    want.world.notifier.start = std::min(want.world.notifier.start, limit);
    want.world.notifier.end = std::min(want.world.notifier.end, limit);
    EXPECT_EQ(scenario_digest(back), scenario_digest(want))
        << file.name << " does not lift exactly";
    ++lifted;
  }
  RecordProperty("lifted", int(lifted));
  RecordProperty("not_v5_7", int(not_v5_7));
  RecordProperty("beyond_the_encoding", int(beyond));
  RecordProperty("sequences_races_or_loops", int(sequences));
  EXPECT_GE(sequences, 25u); // the seq-*, race-* and driver-* spec scenarios among them
  // four selftest worlds, the 64 migrations of seq-selftest-migrate-fault, the eight 6.x races,
  // the eleven calls of seq-selftest-anon-read-multiple
  EXPECT_LE(beyond, 14u);
  EXPECT_GE(lifted - not_v5_7, 60u); // the v5.7 suites are all still lifted
  EXPECT_GE(not_v5_7, 130u);         // and the 6.1 and 6.12 suites
}

// A party that reports write permission as read-only: the harness must catch it, name it,
// name the rule that decided the page, give a stable signature, and shrink the case.
Party read_only_reporter() {
  return Party{{PartyKind::Walker, "broken", ""},
               [](const World& w, const HmmRange& r, const RunOptions& o) {
                 Outcome out = reference_hmm_range_fault(w, r, o);
                 for (u64& p : out.pfns)
                   if (output_has_page(r, p) && !(r.flags[HMM_PFN_WRITE] & r.flags[HMM_PFN_VALID]))
                     p &= ~r.flags[HMM_PFN_WRITE];
                 return out;
               }};
}

TEST(FuzzDifferential, ABrokenPartyIsReportedWithItsRuleAndShrunk) {
  Party reference{{PartyKind::Reference, "reference", ""},
                  [](const World& w, const HmmRange& r, const RunOptions& o) {
                    return reference_hmm_range_fault(w, r, o);
                  }};
  Differential diff({read_only_reporter(), reference});
  EXPECT_EQ(diff.party_names(), "reference broken");
  std::optional<FuzzCase> found;
  ScenarioRun first;
  for (const auto& bytes : random_inputs(20000, 400)) {
    ScenarioRun r = run_input(diff, bytes);
    if (r.divergence) {
      found = decode_case(bytes), first = std::move(r);
      break;
    }
  }
  ASSERT_TRUE(found) << "no input made the broken party diverge";
  const Divergence& d = *first.divergence;
  EXPECT_EQ(d.party.name, "broken");
  EXPECT_EQ(d.against.name, "reference");
  EXPECT_TRUE(d.page.has_value());
  ASSERT_TRUE(d.rule.has_value());
  EXPECT_TRUE(rule_id(*d.rule).starts_with("R-")) << rule_id(*d.rule);
  EXPECT_TRUE(d.signature.starts_with("divergence broken!=reference pfns rule=R-")) << d.signature;
  EXPECT_NE(d.signature.find("reference=pfn:VW broken=pfn:V"), std::string::npos) << d.signature;
  const std::string told = divergence_text(d);
  EXPECT_TRUE(told.starts_with("broken departs from reference at pfns[")) << told;
  EXPECT_NE(told.find(fmt::format("decided in the reference by {}", rule_id(*d.rule))),
            std::string::npos)
      << told;

  MinimizeResult m = minimize_case(*found, diff, divergence_key(d));
  Scenario small = build_case(m.c);
  ScenarioRun again = diff.run(small);
  ASSERT_TRUE(again.divergence);
  EXPECT_EQ(divergence_key(*again.divergence), divergence_key(d));
  EXPECT_LE(m.c.ops.size(), found->ops.size());
  EXPECT_LE(small.range.pfns.size(), 1u) << "one page suffices to show a dropped write bit";
  // the report is a scenario that parses, with the ground truth's outcome as expectations,
  // which the broken party fails and the reference passes
  std::string text = report_text(small, again);
  std::string scenario = text.substr(text.find("--- scenario ---\n") + 17);
  scenario = scenario.substr(0, scenario.find("--- end of scenario ---"));
  ParseResult pr = parse_scenario(scenario, "report.hmm");
  ASSERT_TRUE(std::holds_alternative<Scenario>(pr)) << std::get<ParseError>(pr).str() << "\n"
                                                    << scenario;
  const Scenario& parsed = std::get<Scenario>(pr);
  EXPECT_TRUE(check_expectations(
                  parsed, reference_hmm_range_fault(parsed.world, parsed.range, parsed.options))
                  .empty());
  EXPECT_FALSE(check_expectations(
                   parsed, read_only_reporter().run(parsed.world, parsed.range, parsed.options))
                   .empty());
}

// A party broken only after an mm operation (it drops WRITE once the notifier has moved, as
// the invalidations of mprotect, munmap and madvise move it): the divergence is in a later call,
// the minimizer keeps a call with an operation, and the report is a scenario with its `call` and
// operation lines whose expectations (every call's) the reference meets and the party does not.
TEST(FuzzDifferential, ADivergenceInALaterCallIsShrunkAndReportedWithItsCalls) {
  auto reference_run = [](const World& w, const HmmRange& r, const RunOptions& o) {
    return reference_hmm_range_fault(w, r, o);
  };
  Party broken{{PartyKind::Walker, "broken", ""},
               [&](const World& w, const HmmRange& r, const RunOptions& o) {
                 Outcome out = reference_hmm_range_fault(w, r, o);
                 if (w.notifier.seq > 0)
                   for (u64& p : out.pfns)
                     if (output_has_page(r, p) &&
                         !(r.flags[HMM_PFN_WRITE] & r.flags[HMM_PFN_VALID]))
                       p &= ~r.flags[HMM_PFN_WRITE];
                 return out;
               }};
  Differential diff({Party{{PartyKind::Reference, "reference", ""}, reference_run}, broken});
  std::optional<FuzzCase> found;
  ScenarioRun first;
  for (const auto& bytes : random_inputs(40000, 400)) {
    FuzzCase c = decode_case(bytes);
    if (c.calls.empty() || c.notifier_seq != 0) continue;
    ScenarioRun r = diff.run(build_case(c));
    if (r.divergence) {
      found = c, first = std::move(r);
      break;
    }
  }
  ASSERT_TRUE(found) << "no input made the party diverge in a later call";
  const Divergence& d = *first.divergence;
  EXPECT_GE(d.call, 2u);
  EXPECT_NE(d.signature.find(fmt::format(" call={}", d.call)), std::string::npos) << d.signature;
  MinimizeResult m = minimize_case(*found, diff, divergence_key(d));
  Scenario small = build_case(m.c);
  ScenarioRun again = diff.run(small);
  ASSERT_TRUE(again.divergence);
  EXPECT_EQ(divergence_key(*again.divergence), divergence_key(d));
  ASSERT_FALSE(small.calls.empty());
  EXPECT_LE(m.c.calls.size(), found->calls.size());
  std::string text = report_text(small, again);
  std::string scenario = text.substr(text.find("--- scenario ---\n") + 17);
  scenario = scenario.substr(0, scenario.find("--- end of scenario ---"));
  EXPECT_NE(scenario.find("\ncall\n"), std::string::npos) << scenario;
  ParseResult pr = parse_scenario(scenario, "report.hmm");
  ASSERT_TRUE(std::holds_alternative<Scenario>(pr)) << std::get<ParseError>(pr).str() << "\n"
                                                    << scenario;
  const Scenario& parsed = std::get<Scenario>(pr);
  ASSERT_EQ(parsed.calls.size(), small.calls.size());
  EXPECT_FALSE(parsed.calls.back().expectations.empty()) << scenario;
  const ScenarioRun by_reference =
      run_scenario(parsed, {Party{{PartyKind::Reference, "reference", ""}, reference_run}});
  EXPECT_TRUE(by_reference.ok()) << scenario;
  const ScenarioRun by_broken = run_scenario(parsed, {broken});
  ASSERT_EQ(by_broken.results.size(), 1u);
  EXPECT_FALSE(by_broken.results.front().failures.empty()) << scenario;
}

// The same in 6.1: a party of 6.1 that drops HMM_PFN_WRITE from its outputs is caught on 6.1
// inputs only (v5.7 inputs run the v5.7 parties, which are not broken), reported against
// reference-6.1, shrunk, and printed as a 6.1 scenario that the reference passes and the broken
// party fails.
TEST(FuzzDifferential, ABrokenSixXPartyIsCaughtOnItsVersionsInputs) {
  const KernelVersion v = KernelVersion::V6_1;
  auto reference_run = [](const World& w, const HmmRange& r, const RunOptions& o) {
    return reference_hmm_range_fault(w, r, o);
  };
  Party broken{{PartyKind::Walker, "broken-6.1", "", v},
               [&](const World& w, const HmmRange& r, const RunOptions& o) {
                 Outcome out = reference_hmm_range_fault(w, r, o);
                 for (u64& p : out.pfns)
                   if (p & hmm6::VALID) p &= ~hmm6::WRITE;
                 return out;
               }};
  Differential diff(
      {Party{{PartyKind::Reference, "reference", "", KernelVersion::V5_7}, reference_run},
       Party{{PartyKind::Reference, "reference-6.1", "", v}, reference_run}, broken});
  EXPECT_EQ(diff.party_names(), "reference reference-6.1 broken-6.1");
  for (const auto& bytes : random_inputs(2000, 400))
    ASSERT_FALSE(run_input(diff, bytes).divergence) << "a v5.7 input ran a 6.1 party";
  std::optional<FuzzCase> found;
  ScenarioRun first;
  for (const auto& bytes : random_inputs(20000, 400, v)) {
    ScenarioRun r = run_input(diff, bytes);
    if (r.divergence) {
      found = decode_case(bytes), first = std::move(r);
      break;
    }
  }
  ASSERT_TRUE(found) << "no 6.1 input made the broken party diverge";
  const Divergence& d = *first.divergence;
  EXPECT_EQ(d.party.name, "broken-6.1");
  EXPECT_EQ(d.against.name, "reference-6.1");
  EXPECT_NE(d.signature.find("reference-6.1=pfn:VW broken-6.1=pfn:V"), std::string::npos)
      << d.signature;
  MinimizeResult m = minimize_case(*found, diff, divergence_key(d));
  EXPECT_EQ(m.c.kernel, v);
  Scenario small = build_case(m.c);
  ScenarioRun again = diff.run(small);
  ASSERT_TRUE(again.divergence);
  EXPECT_LE(small.range.pfns.size(), 1u);
  std::string text = report_text(small, again);
  std::string scenario = text.substr(text.find("--- scenario ---\n") + 17);
  scenario = scenario.substr(0, scenario.find("--- end of scenario ---"));
  EXPECT_NE(scenario.find("\nkernel 6.1\n"), std::string::npos) << scenario;
  ParseResult pr = parse_scenario(scenario, "report.hmm");
  ASSERT_TRUE(std::holds_alternative<Scenario>(pr)) << std::get<ParseError>(pr).str() << "\n"
                                                    << scenario;
  const Scenario& parsed = std::get<Scenario>(pr);
  EXPECT_EQ(parsed.world.geom.kernel, v);
  EXPECT_TRUE(check_expectations(
                  parsed, reference_hmm_range_fault(parsed.world, parsed.range, parsed.options))
                  .empty());
  EXPECT_FALSE(
      check_expectations(parsed, broken.run(parsed.world, parsed.range, parsed.options)).empty());
}

// Every file of fuzz/corpus/diff_fuzzer carries the current encoding version and decodes to
// the scenario its manifest line records: a change to the encoding that does not bump
// kEncodingVersion (and reseed) fails here instead of silently emptying the corpus.
TEST(FuzzCorpus, EveryDiffFuzzerInputDecodesUnderTheCurrentEncoding) {
  std::ifstream mf(kCorpus / "diff_fuzzer.manifest");
  ASSERT_TRUE(mf) << "missing " << (kCorpus / "diff_fuzzer.manifest");
  std::map<std::string, std::string> manifest;
  for (std::string line; std::getline(mf, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    std::string file, digest;
    ls >> file >> digest;
    manifest[file] = digest;
  }
  std::vector<fs::path> files = files_in(kCorpus / "diff_fuzzer");
  ASSERT_FALSE(files.empty());
  for (const fs::path& p : files) {
    std::vector<std::uint8_t> bytes = read_bytes(p);
    ASSERT_FALSE(bytes.empty()) << p;
    EXPECT_EQ(header_encoding(bytes[0]), kEncodingVersion)
        << p << " was written for another encoding version";
    auto it = manifest.find(p.filename().string());
    ASSERT_NE(it, manifest.end()) << p << " is not in the manifest (hmmspec fuzz --manifest)";
    std::string digest = fmt::format("{:016x}", scenario_digest(build_case(decode_case(bytes))));
    EXPECT_EQ(digest, it->second) << p << " decodes to another scenario than when it was added";
    manifest.erase(it);
  }
  for (const auto& [file, d] : manifest)
    ADD_FAILURE() << "the manifest names a missing file " << file;
}

// Every input runs on the built parties of its version (all_parties); the corpus holds inputs
// of every version, each run by at least its reference.
TEST(FuzzCorpus, EveryDiffFuzzerInputReplaysWithoutDivergence) {
  Differential diff;
  std::map<KernelVersion, unsigned> n;
  unsigned with_races = 0, with_calls = 0;
  for (const fs::path& p : files_in(kCorpus / "diff_fuzzer")) {
    Scenario s;
    ScenarioRun r = run_input(diff, read_bytes(p), &s);
    EXPECT_FALSE(r.divergence) << p << "\n" << report_text(s, r);
    EXPECT_FALSE(r.unsupported) << p << ": " << *r.unsupported;
    EXPECT_EQ(r.results.size(), built_parties(s.world.geom.kernel).size()) << p;
    for (const PartyResult& pr : r.results)
      EXPECT_EQ(pr.later.size(), s.calls.size()) << p << ": " << pr.party.name;
    ++n[s.world.geom.kernel];
    with_races += !s.world.races.empty();
    with_calls += !s.calls.empty();
  }
  for (KernelVersion v : kAllKernelVersions) EXPECT_GT(n[v], 20u) << version_name(v);
  // v5.7 inputs with races and sequences (the spec scenarios that have them, lifted), whose
  // races fire
  EXPECT_GE(with_races, 3u);
  EXPECT_GE(with_calls, 5u);
  for (RuleId rule : {RuleId::RacePmdNone, RuleId::RacePmdAgain, RuleId::RacePudNone})
    EXPECT_GT(diff.coverage().hits(rule), 0u) << rule_id(rule);
  // the corpus exercises most rules of the reference
  EXPECT_GT(diff.coverage().executions(), 0u);
}

TEST(FuzzCorpus, EveryScenarioFuzzerInputRoundTrips) {
  unsigned n = 0;
  for (const fs::path& p : files_in(kCorpus / "scenario_fuzzer")) {
    std::vector<std::uint8_t> bytes = read_bytes(p);
    std::optional<std::string> err = check_scenario_round_trip(
        std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    EXPECT_FALSE(err) << p << ": " << *err;
    ++n;
  }
  EXPECT_GT(n, 0u);
}

} // namespace
} // namespace hmmspec::fuzz
