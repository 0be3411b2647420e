// SPDX-License-Identifier: GPL-2.0-or-later
// An exhaustive bound spread over shards (harness/exhaustive_shards.h, docs/checking.md "Shards
// and merging"): K/N parses or is refused, the shards of any bound are disjoint and cover it,
// a shard runs exactly its cases, a summary is read back or refused with the field named, and
// the merge of summaries finds gaps, overlaps, mismatches and the first divergence by case.
#include "harness/exhaustive.h"
#include "harness/exhaustive_shards.h"
#include "model/reference.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace hmmspec {
namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

TEST(ExhaustiveShards, ParsesKOfN) {
  std::string error;
  EXPECT_EQ(parse_shard("1/1", &error), (Shard{1, 1}));
  EXPECT_EQ(parse_shard("3/64", &error), (Shard{3, 64}));
  EXPECT_EQ(parse_shard("64/64", &error), (Shard{64, 64}));
  EXPECT_EQ(parse_shard("18446744073709551615/18446744073709551615", &error), (Shard{kMax, kMax}));
}

TEST(ExhaustiveShards, RefusesWhatIsNotKOfN) {
  for (const char* text : {"", "3", "/4", "3/", "a/4", "3/b", "-1/4", "+1/4", " 1/4", "1/4 ",
                           "1/4/2", "1.0/4", "18446744073709551616/18446744073709551617"}) {
    std::string error;
    EXPECT_FALSE(parse_shard(text, &error)) << text;
    EXPECT_NE(error.find("expected K/N"), std::string::npos) << text << ": " << error;
  }
  std::string error;
  EXPECT_FALSE(parse_shard("0/0", &error));
  EXPECT_EQ(error, "N must be at least 1");
  EXPECT_FALSE(parse_shard("0/4", &error));
  EXPECT_EQ(error, "K must be between 1 and 4 (shards are numbered from 1)");
  EXPECT_FALSE(parse_shard("5/4", &error));
  EXPECT_EQ(error, "K must be between 1 and 4 (shards are numbered from 1)");
}

TEST(ExhaustiveShards, ShardsAreDisjointAndCoverTheBound) {
  for (std::uint64_t total :
       {std::uint64_t(0), std::uint64_t(1), std::uint64_t(7), std::uint64_t(8840),
        std::uint64_t(3060859230), std::uint64_t(117457455762900), kMax - 1, kMax}) {
    for (std::uint64_t n : {1, 2, 3, 7, 64, 1000}) {
      std::uint64_t at = 0;
      for (std::uint64_t k = 1; k <= n; ++k) {
        const CaseRange r = shard_cases(total, Shard{k, n});
        ASSERT_EQ(r.first, at) << total << " " << k << "/" << n;
        ASSERT_LE(r.first, r.end);
        // sizes are total/N or one more
        ASSERT_TRUE(r.size() == total / n || r.size() == total / n + 1) << r.size();
        at = r.end;
      }
      EXPECT_EQ(at, total) << total << " over " << n;
    }
  }
  // no overflow with the largest N and K
  EXPECT_EQ(shard_cases(kMax, Shard{kMax, kMax}), (CaseRange{kMax - 1, kMax}));
  EXPECT_EQ(shard_cases(kMax, Shard{1, kMax}), (CaseRange{0, 1}));
  EXPECT_EQ(shard_cases(8840, Shard{1, 3}), (CaseRange{0, 2946}));
  EXPECT_EQ(shard_cases(8840, Shard{3, 3}), (CaseRange{5893, 8840}));
  // more shards than cases: empty shards
  EXPECT_EQ(shard_cases(2, Shard{1, 4}), (CaseRange{0, 0}));
  EXPECT_EQ(shard_cases(2, Shard{2, 4}), (CaseRange{0, 1}));
}

// The reference, and a party that departs from it on every case (the opposite livelock).
std::vector<Party> always_diverging() {
  auto reference = [](const World& w, const HmmRange& r, const RunOptions& o) {
    return reference_hmm_range_fault(w, r, o);
  };
  auto wrong = [](const World& w, const HmmRange& r, const RunOptions& o) {
    Outcome out = reference_hmm_range_fault(w, r, o);
    out.livelock = !out.livelock;
    return out;
  };
  return {Party{{PartyKind::Reference, "reference", ""}, reference},
          Party{{PartyKind::Walker, "always-wrong", ""}, wrong}};
}

TEST(ExhaustiveShards, AShardRunsExactlyItsCases) {
  std::string error;
  auto space = ExhaustiveSpace::make(*builtin_geometry("tiny"), 1, &error);
  ASSERT_TRUE(space) << error;
  const std::uint64_t total = space->count();
  ASSERT_EQ(total, 8840u);
  const std::vector<Party> parties = always_diverging();
  std::vector<std::uint64_t> seen; // every case diverges: visit sees every case run
  std::uint64_t done = 0;
  for (std::uint64_t k = 1; k <= 3; ++k) {
    const CaseRange r = shard_cases(total, Shard{k, 3});
    std::vector<std::uint64_t> mine;
    const std::uint64_t n = space->run(
        parties, r.first, r.end,
        [&](std::uint64_t index, const Scenario& s, const ScenarioRun& run) {
          EXPECT_TRUE(run.divergence);
          EXPECT_EQ(s.name, "exhaustive-tiny-1p-case-" + std::to_string(index));
          mine.push_back(index);
          return true;
        },
        [](std::uint64_t) {});
    EXPECT_EQ(n, r.size());
    ASSERT_EQ(mine.size(), r.size());
    for (std::uint64_t i = 0; i < mine.size(); ++i) ASSERT_EQ(mine[i], r.first + i);
    seen.insert(seen.end(), mine.begin(), mine.end());
    done += n;
  }
  EXPECT_EQ(done, total);
  ASSERT_EQ(seen.size(), total);
  for (std::uint64_t i = 0; i < total; ++i) ASSERT_EQ(seen[i], i);
}

TEST(ExhaustiveShards, AShardStopsAtItsFirstDivergence) {
  std::string error;
  auto space = ExhaustiveSpace::make(*builtin_geometry("tiny"), 1, &error);
  ASSERT_TRUE(space) << error;
  std::vector<std::uint64_t> visited;
  const std::uint64_t n = space->run(
      always_diverging(), 5000, 6000,
      [&](std::uint64_t index, const Scenario&, const ScenarioRun&) {
        visited.push_back(index);
        return false;
      },
      [](std::uint64_t) {});
  EXPECT_EQ(n, 1u);
  EXPECT_EQ(visited, std::vector<std::uint64_t>{5000});
  // an empty range runs nothing
  EXPECT_EQ(space->run(
                always_diverging(), 4000, 4000,
                [](std::uint64_t, const Scenario&, const ScenarioRun&) { return true; },
                [](std::uint64_t) {}),
            0u);
}

// A summary of the tiny geometry's 1-page bound as `hmmspec exhaustive --json` writes it.
std::string summary_text(std::uint64_t first, std::uint64_t end, std::uint64_t cases,
                         std::string shard = "null", std::uint64_t divergences = 0,
                         std::string first_divergence = "null") {
  return "{\"format\": \"hmmspec-exhaustive-summary\", \"format_version\": 1, "
         "\"geometry\": \"tiny\", \"pages\": 1, \"total_cases\": 8840, \"parties\": \"kernel-5.7 "
         "reference walker\", "
         "\"range\": {\"start\": 262144, \"end\": 266240}, \"shard\": " +
         shard + ", \"case_range\": {\"first\": " + std::to_string(first) +
         ", \"end\": " + std::to_string(end) + "}, \"from\": " + std::to_string(first) +
         ", \"cases\": " + std::to_string(cases) +
         ", \"divergences\": " + std::to_string(divergences) +
         ", \"complete\": true, \"seconds\": 0.5, \"first_divergence\": " + first_divergence + "}";
}

std::string divergence_at(std::uint64_t index) {
  return "{\"case\": " + std::to_string(index) +
         ", \"party\": \"walker\", \"against\": \"kernel-5.7\", \"what\": \"pfns[0]\", "
         "\"expected\": \"0x1\", \"actual\": \"0x3\", \"scenario\": \"scenario case-" +
         std::to_string(index) + "\\n\"}";
}

ExhaustiveSummary parsed(const std::string& text) {
  std::string error;
  std::optional<ExhaustiveSummary> s = parse_exhaustive_summary(text, &error);
  EXPECT_TRUE(s) << error << "\n" << text;
  return s ? *s : ExhaustiveSummary{};
}

TEST(ExhaustiveShards, ReadsASummary) {
  ExhaustiveSummary s =
      parsed(summary_text(2946, 5893, 12, "{\"index\": 2, \"count\": 3}", 1, divergence_at(2957)));
  EXPECT_EQ(s.geometry, "tiny");
  EXPECT_EQ(s.pages, 1u);
  EXPECT_EQ(s.total_cases, 8840u);
  EXPECT_EQ(s.parties, "kernel-5.7 reference walker");
  EXPECT_EQ(s.shard, (Shard{2, 3}));
  EXPECT_EQ(s.given, (CaseRange{2946, 5893}));
  EXPECT_EQ(s.ran(), (CaseRange{2946, 2958}));
  EXPECT_EQ(s.divergences, 1u);
  EXPECT_EQ(s.seconds, 0.5);
  ASSERT_TRUE(s.first_divergence);
  EXPECT_EQ(s.first_divergence->index, 2957u);
  EXPECT_EQ(s.first_divergence->divergence.party.name, "walker");
  EXPECT_EQ(s.first_divergence->divergence.against.name, "kernel-5.7");
  EXPECT_EQ(s.first_divergence->divergence.diff.what, "pfns[0]");
  EXPECT_EQ(s.first_divergence->divergence.diff.left, "0x1");
  EXPECT_EQ(s.first_divergence->divergence.diff.right, "0x3");
  EXPECT_EQ(s.first_divergence->scenario, "scenario case-2957\n");
  EXPECT_FALSE(parsed(summary_text(0, 8840, 8840)).shard);
  // no "kernel": a summary of v5.7 (written before 6.x bounds); else the version it names
  EXPECT_EQ(s.kernel, "5.7");
  std::string text = summary_text(0, 8840, 8840);
  text.insert(1, "\"kernel\": \"6.1\", ");
  EXPECT_EQ(parsed(text).kernel, "6.1");
}

// The writer `hmmspec exhaustive --json` uses and the reader `--merge` uses agree: what is
// written is read back, every field of it, with the range's addresses and "complete" besides.
TEST(ExhaustiveShards, WritesASummaryItReadsBack) {
  ExhaustiveSummary s{.kernel = "6.12",
                      .geometry = "tiny",
                      .pages = 2,
                      .total_cases = 446160,
                      .parties = "kernel-6.12 reference-6.12 walker-6.12",
                      .shard = Shard{3, 4},
                      .given = shard_cases(446160, Shard{3, 4}),
                      .cases = 17,
                      .divergences = 1,
                      .seconds = 1.25,
                      .first_divergence = std::nullopt};
  Divergence d;
  d.party.name = "walker-6.12";
  d.against.name = "kernel-6.12";
  d.diff = {"pfns[1]", "0x8000000000001000", "0", std::nullopt};
  s.first_divergence = FoundDivergence{s.given.first + 16, d, "scenario case\nkernel 6.12\n"};
  const std::string text = exhaustive_summary_text(s, 0x10000, 0x12000);
  const ExhaustiveSummary back = parsed(text);
  // every field written is read: the summary read back is written as the same text
  EXPECT_EQ(exhaustive_summary_text(back, 0x10000, 0x12000), text);
  EXPECT_EQ(back.shard, s.shard);
  ASSERT_TRUE(back.first_divergence);
  EXPECT_EQ(back.first_divergence->scenario, "scenario case\nkernel 6.12\n");
  EXPECT_NE(text.find("\"start\": 65536"), std::string::npos) << text;
  EXPECT_NE(text.find("\"complete\": false"), std::string::npos) << text;
  // a run of every case it was given, without a divergence, is complete
  s.cases = s.given.size();
  s.divergences = 0;
  s.first_divergence.reset();
  const std::string whole = exhaustive_summary_text(s, 0x10000, 0x12000);
  EXPECT_NE(whole.find("\"complete\": true"), std::string::npos) << whole;
  EXPECT_FALSE(parsed(whole).first_divergence);
}

TEST(ExhaustiveShards, RefusesWhatIsNotASummaryNamingTheProblem) {
  const std::string ok = summary_text(0, 8840, 8840);
  auto refused = [](const std::string& text, const std::string& want) {
    std::string error;
    EXPECT_FALSE(parse_exhaustive_summary(text, &error)) << text;
    EXPECT_NE(error.find(want), std::string::npos) << "'" << want << "' not in: " << error;
  };
  auto edit = [&](const std::string& from, const std::string& to) {
    std::string t = ok;
    const std::size_t at = t.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return t.replace(at, from.size(), to);
  };
  refused("{", "not JSON: parse error at line 1, column 2");
  refused("", "not JSON");
  refused("[1, 2]", "a JSON array, not an object");
  refused("{\"kernel\": \"6.2\", " + ok.substr(1), "kernel \"6.2\": not 5.7, 6.1 or 6.12");
  refused("{\"kernel\": 6, " + ok.substr(1), "kernel");
  refused("{\"total_cases\": 8840}", "not a summary of hmmspec exhaustive");
  refused(edit("hmmspec-exhaustive-summary", "hmmspec-exhaustive-merge"),
          "not a summary of hmmspec exhaustive");
  refused(edit("\"format_version\": 1", "\"format_version\": 2"),
          "format_version 2: this hmmspec reads version 1");
  refused(edit("\"pages\": 1", "\"pages\": \"1\""),
          "field \"pages\" is string, expected a number of 0 or more");
  refused(edit("\"pages\": 1", "\"pages\": 9"), "pages 9: not between 1 and 8");
  refused(edit("\"total_cases\": 8840", "\"total_cases\": -1"), "field \"total_cases\" is number");
  refused(edit("\"geometry\": \"tiny\", ", ""), "no field \"geometry\"");
  refused(edit("\"shard\": null, ", ""), "no field \"shard\"");
  refused(edit("\"first\": 0", "\"first\": 1.5"), "field \"case_range.first\" is number");
  refused(edit("\"end\": 8840}", "\"end\": 8841}"),
          "case_range [0, 8841) is not within the bound's 8840 cases");
  refused(summary_text(100, 50, 0), "case_range [100, 50) is not within");
  refused(summary_text(0, 2946, 2946, "{\"index\": 2, \"count\": 3}"),
          "case_range [0, 2946) is not shard 2/3's [2946, 5893) of 8840 cases");
  refused(summary_text(0, 2946, 2946, "{\"index\": 4, \"count\": 3}"), "shard 4/3: not a shard");
  refused(summary_text(0, 2946, 2946, "[1, 3]"), "field \"shard\" is array");
  refused(summary_text(0, 10, 11), "cases 11: more than the 10 of case_range");
  refused(summary_text(0, 10, 5), "cases 5 of the 10 of case_range, but no divergence");
  refused(summary_text(0, 10, 5, "null", 6, divergence_at(4)),
          "divergences 6: more than the 5 cases run");
  refused(summary_text(0, 10, 10, "null", 1), "divergences 1 but no first_divergence");
  refused(summary_text(0, 10, 10, "null", 0, divergence_at(4)),
          "divergences 0 but a first_divergence");
  refused(summary_text(0, 10, 5, "null", 1, divergence_at(5)),
          "first_divergence.case 5 is not one of the cases run, [0, 5)");
  refused(summary_text(0, 10, 5, "null", 1, "{\"case\": 4}"),
          "no field \"first_divergence.party\"");
  refused(edit("\"seconds\": 0.5", "\"seconds\": \"slow\""), "field \"seconds\" is not a number");
}

std::vector<NamedSummary> thirds() {
  std::vector<NamedSummary> v;
  for (std::uint64_t k = 1; k <= 3; ++k) {
    const CaseRange r = shard_cases(8840, Shard{k, 3});
    v.push_back({"shard-" + std::to_string(k) + ".json",
                 parsed(summary_text(r.first, r.end, r.size(),
                                     "{\"index\": " + std::to_string(k) + ", \"count\": 3}"))});
  }
  return v;
}

TEST(ExhaustiveShards, MergesShardsThatCoverTheBound) {
  const ShardMerge m = merge_shards(thirds());
  EXPECT_EQ(m.verdict, MergeVerdict::Clean);
  EXPECT_TRUE(m.mismatches.empty());
  EXPECT_EQ(m.geometry, "tiny");
  EXPECT_EQ(m.pages, 1u);
  EXPECT_EQ(m.parties, "kernel-5.7 reference walker");
  EXPECT_EQ(m.total_cases, 8840u);
  EXPECT_EQ(m.cases, 8840u);
  EXPECT_EQ(m.covered, 8840u);
  EXPECT_EQ(m.divergences, 0u);
  EXPECT_EQ(m.seconds, 1.5);
  EXPECT_TRUE(m.gaps.empty());
  EXPECT_TRUE(m.overlaps.empty());
  EXPECT_FALSE(m.first_divergence);
  // the order of the files does not matter, nor do empty shards
  std::vector<NamedSummary> v = thirds();
  std::swap(v[0], v[2]);
  v.push_back({"empty.json", parsed(summary_text(100, 100, 0))});
  EXPECT_EQ(merge_shards(v).verdict, MergeVerdict::Clean);
  // one unsharded summary is a complete merge
  EXPECT_EQ(merge_shards({{"all.json", parsed(summary_text(0, 8840, 8840))}}).verdict,
            MergeVerdict::Clean);
}

TEST(ExhaustiveShards, AMissingShardIsAGap) {
  std::vector<NamedSummary> v = thirds();
  v.erase(v.begin() + 1);
  const ShardMerge m = merge_shards(v);
  EXPECT_EQ(m.verdict, MergeVerdict::Incomplete);
  EXPECT_EQ(m.covered, 8840u - 2947u);
  ASSERT_EQ(m.gaps.size(), 1u);
  EXPECT_EQ(m.gaps[0].cases, (CaseRange{2946, 5893}));
  EXPECT_TRUE(m.gaps[0].stopped.empty());
  EXPECT_EQ(shard_gap_text(m.gaps[0]), "cases 2946..5892 (2947 cases): in no summary");
  // the first and the last missing: the gaps are at both ends, in order
  std::vector<NamedSummary> only_middle = {thirds()[1]};
  const ShardMerge m2 = merge_shards(only_middle);
  EXPECT_EQ(m2.verdict, MergeVerdict::Incomplete);
  ASSERT_EQ(m2.gaps.size(), 2u);
  EXPECT_EQ(m2.gaps[0].cases, (CaseRange{0, 2946}));
  EXPECT_EQ(m2.gaps[1].cases, (CaseRange{5893, 8840}));
}

TEST(ExhaustiveShards, NoSummaryIsNoMerge) {
  const ShardMerge m = merge_shards({});
  EXPECT_EQ(m.verdict, MergeVerdict::Inconsistent);
  EXPECT_EQ(m.mismatches, std::vector<std::string>{"no summaries to merge"});
}

TEST(ExhaustiveShards, OverlappingShardsAreReported) {
  std::vector<NamedSummary> v = thirds();
  // a shard of another N: 1/2 is cases 0..4419
  v.push_back({"half-1.json", parsed(summary_text(0, 4420, 4420, "{\"index\": 1, \"count\": 2}"))});
  const ShardMerge m = merge_shards(v);
  EXPECT_EQ(m.verdict, MergeVerdict::Inconsistent);
  EXPECT_EQ(m.covered, 8840u);
  EXPECT_EQ(m.cases, 8840u + 4420u);
  ASSERT_EQ(m.overlaps.size(), 2u);
  EXPECT_EQ(m.overlaps[0].cases, (CaseRange{0, 2946}));
  EXPECT_EQ(m.overlaps[0].files, (std::vector<std::string>{"shard-1.json", "half-1.json"}));
  EXPECT_EQ(m.overlaps[1].cases, (CaseRange{2946, 4420}));
  EXPECT_EQ(m.overlaps[1].files, (std::vector<std::string>{"shard-2.json", "half-1.json"}));
  EXPECT_EQ(shard_overlap_text(m.overlaps[1]),
            "cases 2946..4419 (1474 cases): run by shard-2.json, half-1.json");
  // the same file twice
  v = thirds();
  v.push_back(v[2]);
  const ShardMerge twice = merge_shards(v);
  EXPECT_EQ(twice.verdict, MergeVerdict::Inconsistent);
  ASSERT_EQ(twice.overlaps.size(), 1u);
  EXPECT_EQ(twice.overlaps[0].cases, (CaseRange{5893, 8840}));
}

TEST(ExhaustiveShards, SummariesOfAnotherBoundAreMismatches) {
  std::vector<NamedSummary> v = thirds();
  v[1].summary.pages = 2;
  v[2].summary.parties = "reference walker";
  const ShardMerge m = merge_shards(v);
  EXPECT_EQ(m.verdict, MergeVerdict::Inconsistent);
  EXPECT_EQ(m.mismatches,
            (std::vector<std::string>{
                "shard-2.json: pages 2, but shard-1.json has pages 1",
                "shard-3.json: parties [reference walker], but shard-1.json has parties "
                "[kernel-5.7 reference walker]"}));
  v = thirds();
  v[1].summary.kernel = "6.12"; // another version's bound: other worlds, other parties
  EXPECT_EQ(merge_shards(v).mismatches,
            (std::vector<std::string>{"shard-2.json: kernel 6.12, but shard-1.json has kernel "
                                      "5.7"}));
  v = thirds();
  v[2].summary.total_cases = 8841;
  v[2].summary.geometry = "tiny3";
  EXPECT_EQ(merge_shards(v).mismatches,
            (std::vector<std::string>{"shard-3.json: geometry tiny3, but shard-1.json has "
                                      "geometry tiny",
                                      "shard-3.json: total_cases 8841, but shard-1.json has "
                                      "total_cases 8840"}));
}

TEST(ExhaustiveShards, TheFirstDivergenceIsTheLowestCase) {
  std::vector<NamedSummary> v = thirds();
  // shard 3 stopped at case 6000, shard 2 (run with --all) saw two divergences from 4000
  v[2].summary =
      parsed(summary_text(5893, 8840, 108, "{\"index\": 3, \"count\": 3}", 1, divergence_at(6000)));
  v[1].summary = parsed(
      summary_text(2946, 5893, 2947, "{\"index\": 2, \"count\": 3}", 2, divergence_at(4000)));
  const ShardMerge m = merge_shards(v);
  EXPECT_EQ(m.verdict, MergeVerdict::Divergence);
  EXPECT_EQ(m.divergences, 3u);
  ASSERT_TRUE(m.first_divergence);
  EXPECT_EQ(m.first_divergence->index, 4000u);
  EXPECT_EQ(m.first_divergence_file, "shard-2.json");
  EXPECT_EQ(m.first_divergence->scenario, "scenario case-4000\n");
  // what shard 3 left after its divergence is a gap, told as such
  EXPECT_EQ(m.covered, 2946u + 2947u + 108u);
  ASSERT_EQ(m.gaps.size(), 1u);
  EXPECT_EQ(m.gaps[0].cases, (CaseRange{6001, 8840}));
  EXPECT_EQ(m.gaps[0].stopped, std::vector<std::string>{"shard-3.json"});
  EXPECT_EQ(shard_gap_text(m.gaps[0]), "cases 6001..8839 (2839 cases): not run by shard-3.json, "
                                       "which stopped at a divergence before them");
  // overlapping summaries are inconsistent whatever they found
  v.push_back(v[0]);
  EXPECT_EQ(merge_shards(v).verdict, MergeVerdict::Inconsistent);
}

} // namespace
} // namespace hmmspec
