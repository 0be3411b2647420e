// SPDX-License-Identifier: GPL-2.0-or-later
// The driver loop (model/driver.h, `driver-loop chunk N tries T`) and the driver contract
// (harness/contract.h): the lines parse, print back and refuse what they cannot mean; the loop
// tries again on -EBUSY and on a failed final check, gives up after T tries and on other
// errors, and cuts the range into chunks; the contract fires on each planted mismatch.
#include "harness/check.h"
#include "harness/contract.h"
#include "harness/parties.h"
#include "model/driver.h"
#include "model/file_io.h"
#include "model/range_v6.h"
#include "model/reference.h"
#include "model/scenario_format.h"
#include "tests/unit/scenario_parsing.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>

namespace hmmspec {
namespace {

const std::string kThp = "geometry tiny\n"
                         "vma 0x10000-0x20000 read write anon\n"
                         "pmd 0x14000 huge pfn=0x800 write\n"
                         "range 0x14000-0x18000\n"
                         "request [0-4] V\n";

TEST(DriverLoop, LinesParseAndPrintBack) {
  Scenario s = parse_ok(kThp + "driver-loop chunk 2 tries 5\n"
                               "expect tries 3\n"
                               "expect chunk 0 tries 2 ret 2 check passed\n"
                               "expect chunk 1 tries 1 ret -EBUSY check none\n"
                               "expect chunk 1 tries 1 ret livelock\n");
  ASSERT_TRUE(s.driver_loop);
  EXPECT_EQ(*s.driver_loop, (DriverLoop{2, 5}));
  ASSERT_EQ(s.expectations.size(), 4u);
  EXPECT_EQ(s.expectations[0].type, Expectation::Type::Tries);
  EXPECT_FALSE(s.expectations[0].chunk);
  EXPECT_EQ(s.expectations[0].tries, 3u);
  EXPECT_EQ(s.expectations[1].chunk, 0u);
  EXPECT_EQ(s.expectations[1].chunk_ret, 2);
  EXPECT_EQ(s.expectations[1].check, Expectation::Check::Passed);
  EXPECT_EQ(s.expectations[2].chunk_ret, -16);
  EXPECT_EQ(s.expectations[2].check, Expectation::Check::None);
  EXPECT_TRUE(s.expectations[3].chunk_livelock);
  const std::string printed = print_scenario(s);
  EXPECT_NE(printed.find("driver-loop chunk 2 tries 5\n"), std::string::npos) << printed;
  EXPECT_NE(printed.find("expect chunk 1 tries 1 ret -EBUSY check none\n"), std::string::npos)
      << printed;
  Scenario back = parse_ok(printed);
  EXPECT_EQ(back.driver_loop, s.driver_loop);
  EXPECT_EQ(print_scenario(back), printed);
}

TEST(DriverLoop, ParserRefusesWhatCannotBe) {
  EXPECT_NE(parse_err(kThp + "expect tries 2\n").message.find("without a 'driver-loop'"),
            std::string::npos);
  EXPECT_NE(parse_err(kThp + "driver-loop chunk 64 tries 8\nnotifier_seq stale\n")
                .message.find("reads the sequence afresh"),
            std::string::npos);
  EXPECT_NE(parse_err(kThp + "driver-loop chunk 2 tries 8\nexpect chunk 2 tries 1\n")
                .message.find("the range has 2 chunks"),
            std::string::npos);
  EXPECT_NE(parse_err(kThp + "driver-loop chunk 0 tries 8\n").message.find("between 1"),
            std::string::npos);
  EXPECT_NE(parse_err(kThp + "driver-loop chunk 4 tries 0\n").message.find("between 1"),
            std::string::npos);
  EXPECT_NE(parse_err(kThp + "driver-loop tries 8 chunk 4\n").message.find("chunk N tries T"),
            std::string::npos);
  // the planted fault must say it is one
  EXPECT_NE(parse_err(kThp + "race 0x14000 pmd-seen zap-silent\n").message.find("planted"),
            std::string::npos);
  EXPECT_NE(parse_err(kThp + "race 0x14000 pmd-seen zap planted\n").message.find("zap-silent"),
            std::string::npos);
  Scenario p = parse_ok(kThp + "race 0x14000 pmd-seen zap-silent planted\n");
  ASSERT_EQ(p.world.races.size(), 1u);
  EXPECT_EQ(p.world.races[0].op, RaceOp::ZapSilent);
  EXPECT_NE(print_scenario(p).find("race 0x14000 pmd-seen zap-silent planted\n"),
            std::string::npos);
  Scenario k = parse_ok(kThp + "race 0x14000 pmd-reread zap at=3\n");
  EXPECT_EQ(k.world.races[0].at, 3u);
  EXPECT_NE(print_scenario(k).find("race 0x14000 pmd-reread zap at=3\n"), std::string::npos);
}

// A party that replays scripted outcomes, one per call: each ret, and whether the call moves
// the notifier (an invalidation during the call).
struct Script {
  struct Step {
    long ret;
    bool invalidate;
  };
  std::vector<Step> steps;
  std::size_t calls = 0;
  Outcome operator()(const World& w, const HmmRange& r, const RunOptions&) {
    const Step s = steps.at(std::min(calls++, steps.size() - 1));
    Outcome o;
    o.world = w;
    if (s.invalidate) o.world.invalidate(o.world.notifier.start, o.world.notifier.end);
    o.ret = s.ret;
    o.walks = 1;
    o.pfns.assign(r.pfns.size(), 0x42);
    return o;
  }
};

TEST(DriverLoop, TriesAgainOnEbusyAndOnAFailedCheck) {
  Scenario s = parse_ok(kThp);
  Script script{{{-16, true}, {4, true}, {4, false}}};
  std::vector<u64> seqs;
  Outcome o = driver_hmm_range_fault(DriverLoop{64, 8}, s.world, s.range, s.options,
                                     [&](const World& w, const HmmRange& r, const RunOptions& opt) {
                                       seqs.push_back(r.notifier_seq);
                                       return script(w, r, opt);
                                     });
  EXPECT_EQ(o.ret, 0);
  ASSERT_EQ(o.chunks.size(), 1u);
  const DriverChunk& c = o.chunks[0];
  ASSERT_EQ(c.tries.size(), 3u);
  EXPECT_EQ(c.tries[0].ret, -16);
  EXPECT_FALSE(c.tries[0].checked); // no check after an error
  EXPECT_TRUE(c.tries[1].checked);
  EXPECT_FALSE(c.tries[1].check_passed); // the sequence moved during the call
  EXPECT_TRUE(c.tries[2].check_passed);
  EXPECT_TRUE(c.succeeded());
  EXPECT_EQ(seqs, (std::vector<u64>{0, 1, 2})); // read afresh before every try
  EXPECT_EQ(o.walks, 3u);
  EXPECT_EQ(o.pfns, std::vector<u64>(4, 0x42));
}

TEST(DriverLoop, GivesUpAfterItsTriesAndOnOtherErrors) {
  Scenario s = parse_ok(kThp);
  Script busy{{{-16, false}}};
  Outcome o = driver_hmm_range_fault(DriverLoop{64, 3}, s.world, s.range, s.options, busy);
  EXPECT_EQ(o.ret, -16);
  ASSERT_EQ(o.chunks.size(), 1u);
  EXPECT_EQ(o.chunks[0].tries.size(), 3u);
  EXPECT_FALSE(o.chunks[0].succeeded());

  Script efault{{{-14, false}}};
  o = driver_hmm_range_fault(DriverLoop{1, 8}, s.world, s.range, s.options, efault);
  EXPECT_EQ(o.ret, -14);
  ASSERT_EQ(o.chunks.size(), 1u); // the first chunk's failure ends the call
  EXPECT_EQ(o.chunks[0].tries.size(), 1u);
  EXPECT_EQ(o.pfns[0], 0x42u);           // the failed chunk's outputs
  EXPECT_EQ(o.pfns[1], s.range.pfns[1]); // a chunk not reached keeps its request
}

TEST(DriverLoop, CutsTheRangeIntoChunks) {
  Scenario s = parse_ok(kThp);
  std::vector<std::pair<u64, u64>> ranges;
  Script ok{{{1, false}}};
  Outcome o = driver_hmm_range_fault(DriverLoop{3, 8}, s.world, s.range, s.options,
                                     [&](const World& w, const HmmRange& r, const RunOptions& x) {
                                       ranges.emplace_back(r.start, r.end);
                                       return ok(w, r, x);
                                     });
  EXPECT_EQ(o.ret, 0);
  EXPECT_EQ(ranges, (std::vector<std::pair<u64, u64>>{{0x14000, 0x17000}, {0x17000, 0x18000}}));
  EXPECT_EQ(o.chunks.size(), 2u);
}

// ---- the contract ----

const std::string kPtes = "geometry tiny\n"
                          "vma 0x10000-0x20000 read write anon\n"
                          "pte 0x10000 page pfn=0x42 write\n"
                          "pte 0x11000 page pfn=0x43\n"
                          "range 0x10000-0x13000\n"
                          "request [0-3] V\n";

// ---- events at the driver's points (`during`, D-EVENT) ----------------------------------

const std::string kPages = "geometry tiny\n"
                           "vma 0x10000-0x18000 read write anon\n"
                           "pte 0x10000 page pfn=0x500 write\n"
                           "pte 0x14000 page pfn=0x504 write\n"
                           "range 0x10000-0x18000\n"
                           "request [0-8] V\n"
                           "driver-loop chunk 4 tries 8\n";

Outcome reference_call(const World& w, const HmmRange& r, const RunOptions& o) {
  return reference_hmm_range_fault(w, r, o);
}

TEST(DriverEvents, LinesParseAndPrintBack) {
  Scenario s = parse_ok(kPages + "during before-call mprotect 0x10000+0x4000 r at=2\n"
                                 "during after-call munmap 0x14000-0x18000\n");
  ASSERT_EQ(s.world.driver_events.size(), 2u);
  const DriverEvent& a = s.world.driver_events[0];
  EXPECT_EQ(a.point, DriverPoint::BeforeCall);
  EXPECT_EQ(a.op, (MmOp{MmOpKind::Mprotect, 0x10000, 0x14000, Prot::Read, 0}));
  EXPECT_EQ(a.at, 2u);
  EXPECT_EQ(s.world.driver_events[1].point, DriverPoint::AfterCall);
  EXPECT_EQ(s.world.driver_events[1].at, 1u);
  ASSERT_EQ(s.driver_event_locs.size(), 2u);
  EXPECT_EQ(s.driver_event_locs[1].line, 9u);
  const std::string printed = print_scenario(s);
  EXPECT_NE(printed.find("during before-call mprotect 0x10000+0x4000 r at=2\n"), std::string::npos)
      << printed;
  EXPECT_NE(printed.find("during after-call munmap 0x14000+0x4000\n"), std::string::npos)
      << printed;
  Scenario back = parse_ok(printed);
  EXPECT_EQ(back.world.driver_events, s.world.driver_events);
  EXPECT_EQ(print_scenario(back), printed);
}

TEST(DriverEvents, ParserRefusesWhatCannotBe) {
  const std::string no_loop = kPages.substr(0, kPages.find("driver-loop"));
  EXPECT_NE(parse_err(no_loop + "during after-call munmap 0x14000+0x4000\n")
                .message.find("without a 'driver-loop' line"),
            std::string::npos);
  EXPECT_NE(parse_err(kPages + "during inside munmap 0x14000+0x4000\n")
                .message.find("unknown driver point 'inside'"),
            std::string::npos);
  EXPECT_NE(parse_err(kPages + "during after-call zap 0x14000+0x4000\n")
                .message.find("unknown operation 'zap'"),
            std::string::npos);
  EXPECT_NE(
      parse_err(kPages + "during after-call munmap 0x40000+0x4000\n").message.find("meets no VMA"),
      std::string::npos);
  EXPECT_NE(parse_err(kPages + "during after-call fork at=0\n").message.find("at must be"),
            std::string::npos);
  EXPECT_NE(parse_err("kernel 6.1\n" + kPages + "during after-call fork\n")
                .message.find("v5.7 worlds only"),
            std::string::npos);
  EXPECT_NE(parse_err(kPages + "call\nduring after-call fork\n").message.find("after the 'call'"),
            std::string::npos);
}

// The reach counts every try: an event at=2 lands in the second try of the first chunk whose
// first try it made fail its check (at=1 would be the first try).
TEST(DriverEvents, FireAtTheirReachAndMakeTheCheckFail) {
  Scenario s = parse_ok(kPages + "during after-call mprotect 0x10000+0x8000 r at=2\n");
  Outcome o = make_scenario_call(s, s.world, s.range, reference_call);
  ASSERT_EQ(o.chunks.size(), 2u);
  const DriverChunk& c0 = o.chunks[0];
  ASSERT_EQ(c0.tries.size(), 1u); // reach 1: nothing fires
  EXPECT_TRUE(c0.tries[0].events_after.empty());
  const DriverChunk& c1 = o.chunks[1];
  ASSERT_EQ(c1.tries.size(), 2u);
  EXPECT_EQ(c1.tries[0].events_after,
            std::vector<std::string>{"during after-call mprotect 0x10000+0x8000 r at=2"});
  EXPECT_FALSE(c1.tries[0].check_passed);
  EXPECT_TRUE(c1.tries[1].check_passed);
  EXPECT_EQ(o.ret, 0);
  EXPECT_TRUE(o.world.driver_events[0].fired);
  // the second chunk's retry sees the page read-only; the first chunk kept what it mirrored
  EXPECT_EQ(o.pfns[4] & s.range.flags[HMM_PFN_WRITE], 0u);
  EXPECT_NE(o.pfns[0] & s.range.flags[HMM_PFN_WRITE], 0u);
}

TEST(DriverEvents, AnEventTheWorldHasMovedPastIsReportedAtItsLine) {
  Scenario s = parse_ok(kPages + "during after-call munmap 0x14000+0x4000\n"
                                 "during after-call munmap 0x14000+0x4000 at=2\n");
  Outcome o = make_scenario_call(s, s.world, s.range, reference_call);
  ASSERT_TRUE(o.refused_event);
  EXPECT_EQ(o.refused_event->index, 1u);
  std::vector<Failure> fs = check_expectations(s, o);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].loc.line, 9u);
  EXPECT_NE(fs[0].message.find("meets no VMA"), std::string::npos) << fs[0].message;
}

TEST(DriverContract, HoldsForTheTruth) {
  Scenario s = parse_ok(kPtes + "request [2] 0\n");
  const HmmRange& r = s.range;
  std::vector<u64> out{device_entry_from_pfn(r, u64{0x42}) | r.flags[HMM_PFN_WRITE],
                       device_entry_from_pfn(r, u64{0x43}), r.values[HMM_PFN_NONE]};
  EXPECT_FALSE(check_driver_contract(s.world, r, out));
}

TEST(DriverContract, FiresOnEachPlantedMismatch) {
  Scenario s = parse_ok(kPtes);
  const HmmRange& r = s.range;
  const u64 W = r.flags[HMM_PFN_WRITE];
  const u64 good0 = device_entry_from_pfn(r, u64{0x42}) | W,
            good1 = device_entry_from_pfn(r, u64{0x43});
  // a wrong pfn
  auto v = check_driver_contract(s.world, r, {device_entry_from_pfn(r, u64{0x44}) | W, good1, 0});
  ASSERT_TRUE(v);
  EXPECT_EQ(v->rule, "C-VALID");
  EXPECT_EQ(v->addr, 0x10000u);
  // WRITE the CPU does not give
  v = check_driver_contract(s.world, r, {good0, good1 | W, r.values[HMM_PFN_ERROR]});
  ASSERT_TRUE(v);
  EXPECT_EQ(v->rule, "C-VALID");
  EXPECT_EQ(v->addr, 0x11000u);
  // a page where the CPU has none
  v = check_driver_contract(s.world, r, {good0, good1, device_entry_from_pfn(r, u64{0x50})});
  ASSERT_TRUE(v);
  EXPECT_EQ(v->rule, "C-NOPAGE");
  EXPECT_EQ(v->addr, 0x12000u);
  // a requested page reported as none
  v = check_driver_contract(s.world, r, {good0, r.values[HMM_PFN_NONE], r.values[HMM_PFN_NONE]});
  ASSERT_TRUE(v);
  EXPECT_EQ(v->rule, "C-REQUESTED");
  EXPECT_EQ(v->addr, 0x11000u);
  EXPECT_NE(describe(*v).find("0x11000"), std::string::npos);
}

// With an encoding whose NONE is a page's word too (found by the property tests: NONE 0x401,
// VALID 1, pfn_shift 2, and the zero page pfn 0x100 reads as 0x401), a driver cannot tell the
// two apart: the contract is stated for encodings it can decode, and not checked with this one.
TEST(DriverContract, IsNotCheckedWhereTheDriverCannotDecodeItsOutputs) {
  Scenario s = parse_ok(kPtes);
  HmmRange r = s.range;
  EXPECT_TRUE(unambiguous_encoding(r));
  const std::vector<u64> wrong{r.values[HMM_PFN_NONE], r.values[HMM_PFN_NONE],
                               r.values[HMM_PFN_NONE]};
  ASSERT_TRUE(check_driver_contract(s.world, r, wrong)); // C-REQUESTED, decodable
  for (auto change : std::initializer_list<void (*)(HmmRange&)>{
           [](HmmRange& x) { x.values[HMM_PFN_NONE] = 0x401; },     // a value word with VALID
           [](HmmRange& x) { x.flags[HMM_PFN_WRITE] = 0x3; },       // WRITE not a single bit
           [](HmmRange& x) { x.flags[HMM_PFN_WRITE] = 1ull << 20; } // WRITE inside the pfn
       }) {
    HmmRange a = r;
    change(a);
    EXPECT_FALSE(unambiguous_encoding(a));
    EXPECT_FALSE(check_driver_contract(s.world, a, wrong));
  }
}

// The driver hears of no change outside its notifier's interval: the CPU's view is promised
// inside it only (C-VALID, C-NOPAGE); C-REQUESTED is about the outputs alone and holds anywhere.
TEST(DriverContract, PromisesTheCpuViewInsideTheNotifierOnly) {
  Scenario s = parse_ok(kPtes);
  const HmmRange& r = s.range;
  const u64 W = r.flags[HMM_PFN_WRITE];
  const std::vector<u64> wrong{device_entry_from_pfn(r, u64{0x42}) | W,
                               device_entry_from_pfn(r, u64{0x43}) | W,
                               device_entry_from_pfn(r, u64{0x50})};
  World w = s.world;
  w.notifier.start = 0x11000;
  w.notifier.end = 0x12000; // only the second page
  auto v = check_driver_contract(w, r, wrong);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->rule, "C-VALID");
  EXPECT_EQ(v->addr, 0x11000u);
  w.notifier.start = 0x40000;
  w.notifier.end = 0x50000; // none of them
  EXPECT_FALSE(check_driver_contract(w, r, wrong));
  v = check_driver_contract(w, r, {wrong[0], r.values[HMM_PFN_NONE], wrong[2]});
  ASSERT_TRUE(v);
  EXPECT_EQ(v->rule, "C-REQUESTED");
}

TEST(DriverContract, StillHoldsAtTheEndUnlessInvalidated) {
  Scenario s = parse_ok(kPtes + "request [2] 0\n");
  const HmmRange& r = s.range;
  DriverChunk c{r.start, r.end, {}};
  DriverTry t;
  t.checked = t.check_passed = true;
  t.ret = 3;
  t.pfns = {device_entry_from_pfn(r, u64{0x42}) | r.flags[HMM_PFN_WRITE],
            device_entry_from_pfn(r, u64{0x43}), r.values[HMM_PFN_NONE]};
  c.tries.push_back(t);
  World zapped = s.world; // the PTE cleared behind the driver's back
  *zapped.find_slot_mut(Level::Pte, 0x11000) = 0;
  {
    DriverContractCheck check;
    check.chunk_done(s.world, r, c);
    check.call_done(zapped);
    ASSERT_EQ(check.violations().size(), 1u);
    EXPECT_EQ(check.violations()[0].rule, "C-STILL");
    EXPECT_EQ(check.violations()[0].addr, 0x11000u);
  }
  { // with an invalidation the driver drops its mirror: nothing to hold
    zapped.invalidate(0x11000, 0x12000);
    DriverContractCheck check;
    check.chunk_done(s.world, r, c);
    check.call_done(zapped);
    EXPECT_TRUE(check.violations().empty());
  }
}

TEST(DriverContract, RunScenarioReportsTheSilentZapAtTheDriverLine) {
  // chunk 0 mirrors the THP's first two pages; the silent zap lands at the second reach of
  // the PMD, while chunk 1 is walked
  Scenario s = parse_ok(kThp + "race 0x14000 pmd-seen zap-silent at=2 planted\n"
                               "driver-loop chunk 2 tries 8\n");
  Party reference{{PartyKind::Reference, "reference", ""},
                  [](const World& w, const HmmRange& r, const RunOptions& o) {
                    return reference_hmm_range_fault(w, r, o);
                  }};
  s.world.races.clear(); // without the event the contract holds
  EXPECT_TRUE(run_scenario(s, {reference}).ok());
  s.world.races.push_back(Race{0x14000, RacePoint::PmdSeen, RaceOp::Zap, false, 2, 0});
  EXPECT_TRUE(run_scenario(s, {reference}).ok()); // nor with a zap that invalidates
  s = parse_ok(kThp + "race 0x14000 pmd-seen zap-silent at=2 planted\n"
                      "driver-loop chunk 2 tries 8\n");
  ScenarioRun run = run_scenario(s, {reference});
  ASSERT_EQ(run.results.size(), 1u);
  ASSERT_FALSE(run.results[0].failures.empty());
  const Failure& f = run.results[0].failures.front();
  EXPECT_EQ(f.loc.line, 7u); // the driver-loop line
  EXPECT_NE(f.message.find("C-STILL at 0x14000"), std::string::npos) << f.message;
}

// The contract on 6.x outputs: HMM_PFN_VALID, HMM_PFN_WRITE and the pfn, the map order not
// compared, HMM_PFN_REQ_FAULT and HMM_PFN_REQ_WRITE as the requests.
TEST(DriverContract, ReadsSixXOutputsByTheirFixedBits) {
  Scenario s = parse_ok("kernel 6.1\ngeometry tiny\nvma 0x10000-0x20000 read write anon\n"
                        "pte 0x10000 page pfn=0x42 write\npte 0x11000 page pfn=0x43\n"
                        "range 0x10000-0x13000\nrequest [0-2] V\n");
  const HmmRange& r = s.range;
  const u64 V = hmm6::VALID, W = hmm6::WRITE;
  EXPECT_FALSE(check_driver_contract(s.world, r, {V | W | 0x42, V | 0x43, 0}));
  auto rule = [&](std::vector<u64> out) {
    auto v = check_driver_contract(s.world, r, out);
    return v ? v->rule + " " + std::to_string(v->index) : std::string("none");
  };
  EXPECT_EQ(rule({V | W | 0x42, V | W | 0x43, 0}), "C-VALID 1"); // WRITE the CPU does not give
  // less than the CPU gives is safe (the CPU gains WRITE without an invalidation)
  EXPECT_EQ(rule({V | 0x42, V | 0x43, 0}), "none");
  EXPECT_EQ(rule({V | W | 0x42, V | 0x44, 0}), "C-VALID 1");         // another pfn
  EXPECT_EQ(rule({V | W | 0x42, V | 0x43, V | 0x50}), "C-NOPAGE 2"); // a page where none is
  EXPECT_EQ(rule({V | W | 0x42, hmm6::ERROR, 0}), "C-REQUESTED 1");
  // the map order is not the driver's business here
  EXPECT_EQ(rule({V | W | 0x42 | (9ull << hmm6::ORDER_SHIFT), V | 0x43, 0}), "none");
}

// Every 6.1 and 6.12 scenario of the suites under the driver loop (chunks of 64 pages, 8
// tries, its expectations dropped): the outputs of every chunk whose check passed are what the
// CPU maps, on every party of the version, but in one place, where 6.x itself breaks the
// contract: a hugetlb chunk reads the request of its first page only (6.1 mm/hmm.c:489-494,
// 6.12 mm/hmm.c:485-490), so in `hugetlb-fault` page 5's VALID request goes unmet while the call
// succeeds (C-REQUESTED; docs/checking.md).
TEST(DriverContract, HoldsOnTheSixXSuitesUnderTheLoopButForHugetlbRequests) {
  unsigned checked = 0;
  std::set<std::string> found, want;
  for (KernelVersion v : {KernelVersion::V6_1, KernelVersion::V6_12})
    for (const Party& p : built_parties(v)) // (every party of the version this build has)
      want.insert(fmt::format("spec-{}/hugetlb-fault.hmm {} C-REQUESTED at 0x15000",
                              version_name(v), p.id.name));
  for (SuiteScenario& file : suite_scenarios()) {
    if (!has_v6_api(file.scenario.world.geom.kernel)) continue;
    Scenario& s = file.scenario;
    s.expectations.clear();
    for (Call& c : s.calls) c.expectations.clear();
    if (!s.driver_loop) s.driver_loop = DriverLoop{64, 8};
    s.range.notifier_seq = s.world.notifier.seq; // the loop reads it afresh
    const ScenarioRun run = run_scenario(s, built_parties(s.world.geom.kernel));
    const std::string& name = file.name;
    for (const PartyResult& r : run.results)
      for (const Failure& f : r.failures) {
        const std::size_t at = f.message.find("driver contract ");
        ASSERT_NE(at, std::string::npos) << name << ": " << r.party.name << ": " << f.message;
        const std::string what = f.message.substr(at + 16, f.message.find(" (", at) - at - 16);
        EXPECT_TRUE(!f.rule.empty() && what.starts_with(f.rule)) << f.message; // (its rule)
        found.insert(fmt::format("{} {} {}", name, r.party.name, what));
      }
    checked += !run.results.empty();
  }
  EXPECT_EQ(found, want);
  RecordProperty("scenarios", int(checked));
  EXPECT_GE(checked, 130u); // the 6.1 and 6.12 suites
}

} // namespace
} // namespace hmmspec
