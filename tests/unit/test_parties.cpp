// SPDX-License-Identifier: GPL-2.0-or-later
// The harness's registry of parties and its divergences (harness/parties.h, harness/check.h,
// harness/divergence.h): names given on the command line parse to the built entries, the
// ground truth comes first by kind, a run names the party that departs and the ground truth,
// and a divergence reads the same wherever it is printed.
#include "harness/check.h"
#include "harness/divergence.h"
#include "harness/parties.h"
#include "model/reference.h"
#include "model/scenario_format.h"
#include "model/translate.h"
#include "tests/unit/stub_party.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace hmmspec {
namespace {

Scenario two_pages() {
  ParseResult r = parse_scenario("vma 0x200000-0x202000 read write anon\n"
                                 "range 0x200000-0x202000\n",
                                 "two-pages.hmm");
  EXPECT_TRUE(std::holds_alternative<Scenario>(r));
  return std::get<Scenario>(r);
}

TEST(Parties, EveryBuiltPartyParsesFromItsNameToItsEntry) {
  std::set<std::string> names;
  for (const Party& p : built_parties()) {
    EXPECT_TRUE(names.insert(p.id.name).second) << "two built parties are named " << p.id.name;
    std::optional<PartyId> id = parse_party(p.id.name);
    ASSERT_TRUE(id) << p.id.name;
    EXPECT_EQ(*id, p.id);
  }
  ASSERT_TRUE(parse_party("reference")) << "every build has the reference";
  EXPECT_EQ(parse_party("reference")->kind, PartyKind::Reference);
  EXPECT_FALSE(parse_party("no-such-party"));
  EXPECT_FALSE(parse_party(""));
  EXPECT_FALSE(parse_party("Reference")) << "names are matched exactly";
}

TEST(Parties, BuiltPartyFindsTheEntryOfAKind) {
  for (const Party& p : built_parties()) {
    std::optional<Party> found = built_party(p.id.kind);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->id, p.id);
  }
}

// Each version has one walker: "walker" (v5.7), "walker-6.1" and "walker-6.12", each known by
// its name and run on a world of its version it gives the reference's outcome.
TEST(Parties, EveryVersionHasItsWalker) {
  if (!built_party(PartyKind::Walker)) GTEST_SKIP() << "no walker in this build";
  for (KernelVersion v : kAllKernelVersions) {
    std::vector<Party> walkers = built_parties(v);
    std::erase_if(walkers, [](const Party& p) { return p.id.kind != PartyKind::Walker; });
    ASSERT_EQ(walkers.size(), 1u) << version_name(v);
    const std::string name =
        v == KernelVersion::V5_7 ? "walker" : "walker-" + std::string(version_name(v));
    EXPECT_EQ(walkers[0].id.name, name);
    ASSERT_TRUE(parse_party(name));
    EXPECT_EQ(*parse_party(name), walkers[0].id);
    Scenario s = two_pages();
    s.world.geom.kernel = v;
    s.range = translate_range(s.range, KernelVersion::V5_7, v);
    EXPECT_FALSE(first_difference(s.range, walkers[0].run(s.world, s.range, s.options),
                                  reference_hmm_range_fault(s.world, s.range, s.options)))
        << name;
  }
}

TEST(Parties, GroundTruthFirstRanksByKindAndKeepsTheOrderWithinAKind) {
  std::vector<Party> parties = {stub(PartyKind::Walker, "w1"), stub(PartyKind::Reference, "r"),
                                stub(PartyKind::Walker, "w2"), stub(PartyKind::Kernel, "k")};
  EXPECT_EQ(party_names(ground_truth_first(parties)), "k r w1 w2");
  parties.pop_back();
  EXPECT_EQ(party_names(ground_truth_first(parties)), "r w1 w2");
}

TEST(Parties, ARunNamesThePartyThatDepartsAndTheGroundTruth) {
  const Scenario s = two_pages();
  auto flip_second_page = [](Outcome& o) { o.pfns.at(1) ^= 1; };
  ScenarioRun run = run_scenario(s, {stub(PartyKind::Walker, "broken", flip_second_page),
                                     stub(PartyKind::Reference, "truth")});
  ASSERT_EQ(run.results.size(), 2u);
  EXPECT_EQ(run.results.front().party.name, "truth");
  ASSERT_TRUE(run.divergence);
  EXPECT_EQ(run.divergence->party.name, "broken");
  EXPECT_EQ(run.divergence->against.name, "truth");
  EXPECT_EQ(run.divergence->diff.what, "pfns[1]");
  EXPECT_FALSE(run.ok());
  // untraced: no page, rule or signature
  EXPECT_FALSE(run.divergence->page);
  EXPECT_FALSE(run.divergence->rule);
  EXPECT_TRUE(run.divergence->signature.empty());

  ScenarioRun agree =
      run_scenario(s, {stub(PartyKind::Walker, "w"), stub(PartyKind::Reference, "r")});
  EXPECT_FALSE(agree.divergence);
  EXPECT_TRUE(agree.ok());
}

// A sequence: each party runs call 2 on the world its call 1 left, with the operations
// applied; a difference in call 2 names that call, and each call's expectations are its own.
TEST(Parties, ASequenceRunsEveryCallAndNamesTheCallThatDeparts) {
  ParseResult parsed = parse_scenario("geometry tiny\n"
                                      "vma 0x10000-0x14000 read write anon\n"
                                      "pte 0x10000 page pfn=0x500 write\n"
                                      "range 0x10000-0x11000\n"
                                      "request [0] V\n"
                                      "expect pfn [0] pfn=0x500 V W\n"
                                      "call\n"
                                      "mprotect 0x10000+0x4000 r\n"
                                      "expect pfn [0] pfn=0x500 V\n"
                                      "expect notifier_seq 1\n",
                                      "seq.hmm");
  ASSERT_TRUE(std::holds_alternative<Scenario>(parsed));
  const Scenario& s = std::get<Scenario>(parsed);
  ScenarioRun agree =
      run_scenario(s, {stub(PartyKind::Walker, "w"), stub(PartyKind::Reference, "r")});
  EXPECT_TRUE(agree.ok());
  ASSERT_EQ(agree.results.size(), 2u);
  ASSERT_EQ(agree.results[0].later.size(), 1u);
  EXPECT_EQ(agree.results[0].call(2)->world.notifier.seq, 1u);
  EXPECT_EQ(agree.results[0].call(2)->pfns.at(0) & 2, 0u) << "call 2 lost WRITE";
  EXPECT_EQ(agree.results[0].call(3), nullptr);

  // a party that flips WRITE in every call: it departs in call 1 already
  auto flip_write = [](Outcome& o) { o.pfns.at(0) ^= 2; };
  ScenarioRun first = run_scenario(
      s, {stub(PartyKind::Walker, "broken", flip_write), stub(PartyKind::Reference, "truth")});
  ASSERT_TRUE(first.divergence);
  EXPECT_EQ(first.divergence->call, 1u);
  // a party that errs only once the world is read-only: it departs in call 2
  auto flip_readonly = [](Outcome& o) {
    if (o.world.notifier.seq == 1) o.pfns.at(0) ^= 2;
  };
  ScenarioRun second = run_scenario(
      s, {stub(PartyKind::Walker, "broken", flip_readonly), stub(PartyKind::Reference, "truth")});
  ASSERT_TRUE(second.divergence);
  EXPECT_EQ(second.divergence->call, 2u);
  EXPECT_EQ(second.divergence->diff.what, "pfns[0]");
  EXPECT_NE(divergence_text(*second.divergence).find("at call 2, pfns[0]"), std::string::npos);
  // its failure is the expectation of call 2 (line 9), not call 1's
  ASSERT_EQ(second.results[1].failures.size(), 1u);
  EXPECT_EQ(second.results[1].failures[0].loc.line, 9u);
}

TEST(Divergence, TextNamesBothPartiesAndValuesAndIndentsEveryLine) {
  Divergence d{{PartyKind::Walker, "walker", ""},
               {PartyKind::Kernel, "kernel", ""},
               Difference{"pfns[3]", "0x3", "0x1", std::nullopt},
               std::nullopt,
               std::nullopt,
               ""};
  const std::string plain = divergence_text(d);
  EXPECT_EQ(plain, "walker departs from kernel at pfns[3]:\n"
                   "  kernel: 0x3\n"
                   "  walker: 0x1\n");
  EXPECT_EQ(divergence_text(d, "> "), "> walker departs from kernel at pfns[3]:\n"
                                      ">   kernel: 0x3\n"
                                      ">   walker: 0x1\n");
  // traced: the page and the rule that decided it follow
  d.page = DivergentPage{3, 0x203000, {RuleHit{1, RuleId::PteNone}}};
  d.rule = RuleId::PteNone;
  d.signature = "divergence walker!=kernel pfns rule=R-PTE-NONE";
  std::string traced = divergence_text(d);
  EXPECT_TRUE(traced.starts_with(plain)) << traced;
  EXPECT_NE(traced.find("page 3 (0x203000) decided in the reference by R-PTE-NONE ("),
            std::string::npos)
      << traced;
  EXPECT_NE(traced.find("  rules for that page: [walk 1] R-PTE-NONE\n"), std::string::npos)
      << traced;
}

// F-THP-COPY (docs/fault-model.md) through hmm_range_fault on every built party: a write
// request on a shared THP of a VM_HUGEPAGE VMA gets a new THP at the PMD under one
// invalidation (v5.7 do_huge_pmd_wp_page), not a PTE table with one copied page.
TEST(Parties, SharedThpWriteIsCopiedWholeInV5_7) {
  ParseResult r = parse_scenario("vma 0x200000-0x600000 read write hugepage\n"
                                 "shared_pfn 0x40000\n"
                                 "pmd 0x200000 huge pfn=0x40000\n"
                                 "range 0x200000-0x202000\n"
                                 "request 0x201000 VW\n"
                                 "expect ret -EBUSY\n"
                                 "expect pmd 0x200000 huge pfn=0x10000 write\n"
                                 "expect fault 0x200000 write\n"
                                 "expect fault 0x201000 write\n"
                                 "expect notifier_seq 1\n",
                                 "thp-copy.hmm");
  ASSERT_TRUE(std::holds_alternative<Scenario>(r)) << std::get<ParseError>(r).str();
  const Scenario& s = std::get<Scenario>(r);
  for (const Party& p : built_parties()) {
    Outcome o = p.run(s.world, s.range, s.options);
    for (const Failure& f : check_expectations(s, o))
      ADD_FAILURE() << p.id.name << ": line " << f.loc.line << ": " << f.message;
  }
}

} // namespace
} // namespace hmmspec
