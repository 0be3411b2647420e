// SPDX-License-Identifier: GPL-2.0-or-later
// Events at interleaving points (model/race.h, `race ADDR POINT OP`): the directive parses,
// prints back and refuses what cannot apply at its line; fire_race changes the world as the
// kernel's zap and __split_huge_pmd do, once per event; and the reference and the walker take
// the race paths of the seed (hmm.c:332-335, 351-365, 415-430) alike.
#include "impl/walker.h"
#include "model/race.h"
#include "model/reference.h"
#include "model/rules.h"
#include "model/scenario_format.h"
#include "model/trace.h"
#include "tests/unit/scenario_parsing.h"

#include <gtest/gtest.h>

#include <string>

namespace hmmspec {
namespace {

const std::string kWorld = "geometry tiny\n"
                           "vma 0x10000-0x20000 read write anon\n"
                           "pmd 0x14000 huge pfn=0x800 write\n"
                           "range 0x10000-0x20000\n";

TEST(Races, DirectiveParsesAndPrintsBack) {
  Scenario s = parse_ok(kWorld + "race 0x18000 pmd-reread split\n"
                                 "race 0x14000 pmd-seen zap\n"
                                 "race 0x10000 pud-locked zap\n"
                                 "race 0x14000 pmd-reread zap\n");
  ASSERT_EQ(s.world.races.size(), 4u);
  EXPECT_EQ(s.world.races[0], (Race{0x18000, RacePoint::PmdReread, RaceOp::Split, false}));
  EXPECT_EQ(s.world.races[1], (Race{0x14000, RacePoint::PmdSeen, RaceOp::Zap, false}));
  EXPECT_EQ(s.world.races[2], (Race{0x10000, RacePoint::PudLocked, RaceOp::Zap, false}));
  EXPECT_EQ(s.world.races[3], (Race{0x14000, RacePoint::PmdReread, RaceOp::Zap, false}));
  std::string printed = print_scenario(s);
  EXPECT_NE(printed.find("race 0x18000 pmd-reread split\nrace 0x14000 pmd-seen zap\n"),
            std::string::npos)
      << printed;
  Scenario back = parse_ok(printed);
  EXPECT_TRUE(back.world == s.world);
  EXPECT_EQ(print_scenario(back), printed);
  // A fired event is spent: it is not printed.
  s.world.races[0].fired = true;
  EXPECT_EQ(print_scenario(s).find("pmd-reread split"), std::string::npos);
}

struct BadRace {
  std::string line;
  unsigned col;
  std::string message; // a part of the error
};

TEST(Races, WhatCannotApplyIsAnErrorAtItsLine) {
  const BadRace cases[] = {
      {"race 0x14000 pmd-later zap", 14, "unknown race point 'pmd-later'"},
      {"race 0x14000 pmd-seen unmap", 23, "unknown race operation 'unmap'"},
      {"race 0x14800 pmd-seen zap", 6, "not aligned to 0x1000"},
      {"race 0x15000 pmd-seen zap", 6, "not aligned to the pmd size 0x4000"},
      {"race 0x14000 pud-locked zap", 6, "not aligned to the pud size 0x10000"},
      {"race 0x10000 pud-locked split", 25, "split applies to a huge PMD"},
      {"race 0x14000 pmd-seen", 1, "OPERATION"},
      {"race 0x14000 pmd-seen zap now", 27, ""},
      {"race 0x30000 pmd-seen zap", 6, "no VMA but a hugetlb one meets the pmd at 0x30000"},
  };
  for (const BadRace& c : cases) {
    ParseError e = parse_err(kWorld + c.line + "\n");
    EXPECT_EQ(e.loc.line, 5u) << c.line << ": " << e.str();
    if (c.line != "race 0x14000 pmd-seen") {
      EXPECT_EQ(e.loc.col, c.col) << c.line << ": " << e.str();
    }
    EXPECT_NE(e.message.find(c.message), std::string::npos) << c.line << ": " << e.str();
  }
  ParseError dup = parse_err(kWorld + "race 0x14000 pmd-seen zap\nrace 0x14000 pmd-seen split\n");
  EXPECT_EQ(dup.loc.line, 6u);
  EXPECT_NE(dup.message.find("duplicate race"), std::string::npos) << dup.str();
  // The VMA check waits for the end of the file: a later vma line makes the point reachable.
  parse_ok("geometry tiny\nrace 0x30000 pmd-seen zap\nvma 0x30000-0x34000 read\n"
           "range 0x30000-0x34000\n");
  ParseError hugetlb = parse_err("geometry tiny\nvma 0x10000-0x20000 read write hugetlb=16K\n"
                                 "race 0x14000 pmd-reread zap\nrange 0x10000-0x20000\n");
  EXPECT_EQ(hugetlb.loc.line, 3u);
  EXPECT_EQ(hugetlb.loc.col, 6u);
  // every version's walk has the race points (6.1 and 6.12: docs/spec.md, 6a)
  for (std::string k : {"6.1", "6.12"}) {
    Scenario v6 = parse_ok("kernel " + k + "\n" + kWorld + "race 0x14000 pmd-seen zap\n");
    ASSERT_EQ(v6.world.races.size(), 1u);
    EXPECT_EQ(v6.world.races[0].point, RacePoint::PmdSeen);
  }
}

// --- fire_race ------------------------------------------------------------------------------

TEST(Races, ZapClearsTheEntryOnceUnderOneInvalidation) {
  Scenario s = parse_ok(kWorld + "race 0x14000 pmd-seen zap\n");
  World w = s.world;
  EXPECT_FALSE(fire_race(w, RacePoint::PmdReread, 0x14000)); // another point
  EXPECT_FALSE(fire_race(w, RacePoint::PmdSeen, 0x18000));   // another entry
  EXPECT_TRUE(w == s.world);
  EXPECT_TRUE(fire_race(w, RacePoint::PmdSeen, 0x16000)); // any address of the entry
  EXPECT_EQ(w.entry_at(Level::Pmd, 0x14000).kind, Kind::None);
  EXPECT_EQ(w.notifier.seq, 1u);
  EXPECT_EQ(w.notifier.invalidations, 1u);
  EXPECT_TRUE(w.races[0].fired);
  EXPECT_FALSE(races_pending(w));
  World once = w;
  EXPECT_FALSE(fire_race(w, RacePoint::PmdSeen, 0x14000)); // fired already
  EXPECT_TRUE(w == once);
}

TEST(Races, SplitOfAnAnonymousThpMapsTheSamePagesWithPtes) {
  Scenario s = parse_ok(kWorld + "race 0x14000 pmd-reread split\n");
  World w = s.world;
  ASSERT_TRUE(fire_race(w, RacePoint::PmdReread, 0x14000));
  EXPECT_EQ(w.entry_at(Level::Pmd, 0x14000).kind, Kind::Table);
  for (u64 i = 0; i < 4; ++i) {
    Entry e = w.entry_at(Level::Pte, 0x14000 + i * 0x1000);
    EXPECT_EQ(e.kind, Kind::Page);
    EXPECT_EQ(e.pfn, 0x800 + i);
    EXPECT_TRUE(e.write);
  }
  EXPECT_EQ(w.notifier.seq, 1u);
}

TEST(Races, SplitOfAFileThpClearsItAndOfATableChangesNothing) {
  Scenario s = parse_ok("geometry tiny\nvma 0x10000-0x20000 read write shared file\n"
                        "pmd 0x14000 huge pfn=0x800 write\npte 0x18000 page pfn=0x500\n"
                        "race 0x14000 pmd-seen split\nrace 0x18000 pmd-seen split\n"
                        "range 0x10000-0x20000\n");
  World w = s.world;
  ASSERT_TRUE(fire_race(w, RacePoint::PmdSeen, 0x14000));
  EXPECT_EQ(w.entry_at(Level::Pmd, 0x14000).kind, Kind::None); // F-THP-ZAP
  const auto tables = w.tables();
  ASSERT_TRUE(fire_race(w, RacePoint::PmdSeen, 0x18000));
  EXPECT_EQ(w.entry_at(Level::Pte, 0x18000).pfn, 0x500u);
  EXPECT_EQ(w.tables(), tables);
  EXPECT_EQ(w.notifier.seq, 2u); // __split_huge_pmd invalidates before it looks
}

// After a fault, a zap clears the entry that maps the page (the PTE, or the huge PMD), and a
// split splits the huge PMD over it; each under an invalidation of what it changes.
TEST(Races, AfterAFaultTheEventIsAboutTheEntryThatMapsThePage) {
  Scenario s = parse_ok(kWorld + "pte 0x10000 page pfn=0x500\n"
                                 "race 0x10000 fault-returned zap\n"
                                 "race 0x15000 fault-returned zap\n"
                                 "race 0x1c000 fault-returned split\n");
  EXPECT_EQ(s.world.races[0], (Race{0x10000, RacePoint::FaultReturned, RaceOp::Zap, false}));
  EXPECT_NE(print_scenario(s).find("race 0x15000 fault-returned zap\n"), std::string::npos);
  World w = s.world;
  EXPECT_FALSE(fire_race(w, RacePoint::FaultReturned, 0x11000)); // another page
  ASSERT_TRUE(fire_race(w, RacePoint::FaultReturned, 0x10000));
  EXPECT_EQ(w.entry_at(Level::Pte, 0x10000).kind, Kind::None);
  EXPECT_EQ(w.notifier.seq, 1u);
  ASSERT_TRUE(fire_race(w, RacePoint::FaultReturned, 0x15000)); // inside the THP at 0x14000
  EXPECT_EQ(w.entry_at(Level::Pmd, 0x14000).kind, Kind::None);
  EXPECT_EQ(w.notifier.seq, 2u);
  ASSERT_TRUE(fire_race(w, RacePoint::FaultReturned, 0x1c000)); // no huge PMD: nothing to split
  EXPECT_EQ(w.notifier.seq, 3u);
  EXPECT_NE(parse_err(kWorld + "race 0x10800 fault-returned zap\n").message.find("0x1000"),
            std::string::npos);
}

// --- the reference and the walker on the race paths ----------------------------------------

struct RacePath {
  std::string lines; // world and race lines after `geometry tiny`
  std::string rule;  // the race rule the reference must report
  long ret;          // the call's return value
};

TEST(Races, ReferenceAndWalkerTakeTheRacePathsAlike) {
  const RacePath paths[] = {
      {"vma 0x10000-0x20000 read write anon\npmd 0x14000 huge pfn=0x800 write\n"
       "race 0x14000 pmd-seen zap\nrange 0x14000-0x18000\n",
       "R-RACE-PMD-NONE", 0},
      {"vma 0x10000-0x20000 read write anon\npte 0x14000 page pfn=0x500\n"
       "race 0x14000 pmd-seen zap\nrange 0x10000-0x18000\nrequest [0-8] V\n",
       "R-RACE-PMD-NONE", -err::kEBUSY},
      {"vma 0x10000-0x20000 read write anon\npmd 0x14000 huge pfn=0x800\n"
       "race 0x14000 pmd-reread split\nrange 0x14000-0x18000\nrequest [2] VW\n",
       "R-RACE-PMD-AGAIN", -err::kEBUSY},
      {"vma 0x10000-0x20000 read write anon\npmd 0x14000 huge pfn=0x800\n"
       "race 0x14000 pmd-reread zap\nrange 0x14000-0x18000\n",
       "R-RACE-PMD-AGAIN", 0},
      {"vma 0x10000-0x20000 read write shared file\npud 0x10000 huge pfn=0x800 devmap\n"
       "race 0x10000 pud-locked zap\nrange 0x14000-0x18000\nrequest [1] V\n",
       "R-RACE-PUD-NONE", -err::kEBUSY},
      {"vma 0x10000-0x20000 read write anon\npud 0x10000 huge pfn=0x800\n"
       "race 0x10000 pud-locked zap\nrange 0x10000-0x20000\n",
       "R-RACE-PUD-NONE", 0},
  };
  for (const RacePath& p : paths) {
    Scenario s = parse_ok("geometry tiny\n" + p.lines);
    Trace trace;
    Outcome ref = reference_hmm_range_fault(s.world, s.range, s.options, &trace);
    Outcome walker = walker_hmm_range_fault(s.world, s.range, s.options);
    EXPECT_EQ(ref.ret, p.ret) << p.lines;
    EXPECT_TRUE(ref.world.races.at(0).fired) << p.lines;
    auto d = first_difference(s.range, ref, walker);
    EXPECT_FALSE(d) << p.lines << (d ? d->what + ": " + d->left + " / " + d->right : "");
    EXPECT_TRUE(trace.fired(*find_rule(p.rule))) << p.lines << " does not report " << p.rule;
  }
}

} // namespace
} // namespace hmmspec
