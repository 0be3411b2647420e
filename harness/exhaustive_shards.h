// SPDX-License-Identifier: GPL-2.0-or-later
// An exhaustive bound spread over jobs (docs/checking.md, "Shards and merging"). Shard K of N
// is a contiguous range of case numbers of the bound (harness/exhaustive.h); each run writes
// its summary as JSON (`hmmspec exhaustive --json`, the format below), and merge_shards checks
// that the summaries are of one bound, that what they ran covers it exactly once, and finds
// the first divergence by case number. `hmmspec exhaustive --shard K/N` and
// `hmmspec exhaustive --merge FILE...` use it (tools/cmd_exhaustive.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/divergence.h"

namespace hmmspec {

// The cases first .. end-1 of a bound.
struct CaseRange {
  std::uint64_t first = 0;
  std::uint64_t end = 0;
  std::uint64_t size() const { return end - first; }
  bool operator==(const CaseRange&) const = default;
};

// Shard `index` of `count`, numbered from 1 like GitLab's CI_NODE_INDEX of CI_NODE_TOTAL and a
// GitHub matrix of 1..N.
struct Shard {
  std::uint64_t index = 1;
  std::uint64_t count = 1;
  bool operator==(const Shard&) const = default;
};

// Parses "K/N" (decimal, N at least 1, K in 1..N). On error, nothing, and `error` says what is
// wrong with the text (the caller names the flag).
std::optional<Shard> parse_shard(std::string_view text, std::string* error);

// The cases of shard K of N of a bound of `total` cases: [total*(K-1)/N, total*K/N), computed
// without overflow. The N shards are disjoint, together they are 0 .. total-1, and their sizes
// differ by one at most (some are empty when N > total).
CaseRange shard_cases(std::uint64_t total, const Shard& shard);

// The summary of one run of a bound, as `hmmspec exhaustive --json` writes it: the fields the
// merge reads (the output has more: the range's addresses, "complete").
//   "format": "hmmspec-exhaustive-summary", "format_version": 1,
//   "kernel" ("5.7", "6.1", "6.12": the version of the worlds; a summary without it is of
//   v5.7, as every summary was before 6.x bounds could be run),
//   "geometry", "pages", "total_cases", "parties" (the names, space-separated),
//   "shard": {"index", "count"} or null, "case_range": {"first", "end"} (the cases it was
//   given; "from" repeats "first"), "cases" (the number it ran, from "first" on),
//   "divergences", "seconds", and "first_divergence": null or
//   {"case", "party", "against", "what", "expected", "actual", "scenario"}.
inline constexpr std::string_view kExhaustiveSummaryFormat = "hmmspec-exhaustive-summary";
inline constexpr unsigned kExhaustiveSummaryVersion = 1;

struct FoundDivergence {
  std::uint64_t index = 0; // the case number
  Divergence divergence;   // party and ground truth by name, the first difference
  std::string scenario;    // the case as a scenario file
};

struct ExhaustiveSummary {
  std::string kernel = "5.7";
  std::string geometry;
  unsigned pages = 0;
  std::uint64_t total_cases = 0;
  std::string parties;
  std::optional<Shard> shard;
  CaseRange given;         // the cases the run was given
  std::uint64_t cases = 0; // how many it ran, in order from given.first
  std::uint64_t divergences = 0;
  double seconds = 0;
  std::optional<FoundDivergence> first_divergence;
  // The cases it ran. Short of `given` when it stopped at a divergence.
  CaseRange ran() const { return {given.first, given.first + cases}; }
};

// Parses a summary and checks that it is one (the format and its version) and that it is
// consistent (the range within the bound, a shard's range its own, no more cases run than
// given, a first divergence exactly when there are divergences, within what ran). On error,
// nothing, and `error` names the field and what is wrong.
std::optional<ExhaustiveSummary> parse_exhaustive_summary(std::string_view json_text,
                                                          std::string* error);

// The summary as `hmmspec exhaustive --json` writes it (the format above), with the addresses
// of the bound's range ("range": {"start", "end"}) and "complete" besides: the one writer of
// what parse_exhaustive_summary reads.
std::string exhaustive_summary_text(const ExhaustiveSummary& s, std::uint64_t range_start,
                                    std::uint64_t range_end);

struct NamedSummary {
  std::string file; // where it was read from: every message names it
  ExhaustiveSummary summary;
};

struct ShardGap {
  CaseRange cases;
  // The summaries that were given (some of) these cases and stopped before them (at a
  // divergence); empty when no summary was given them.
  std::vector<std::string> stopped;
};
struct ShardOverlap {
  CaseRange cases;
  std::vector<std::string> files; // every summary that ran them
};

enum class MergeVerdict {
  Clean,        // one bound, covered exactly once, no divergence
  Divergence,   // one bound, no overlap, a divergence (a gap may remain)
  Incomplete,   // one bound, no overlap, no divergence, but cases nobody ran
  Inconsistent, // summaries of different bounds or parties, or cases run twice
};

struct ShardMerge {
  MergeVerdict verdict = MergeVerdict::Clean;
  // "b.json: pages 3, but a.json has pages 2", one per summary and field that differs from the
  // first summary's; when there are any, nothing else below is computed.
  std::vector<std::string> mismatches;
  std::string kernel;
  std::string geometry;
  unsigned pages = 0;
  std::uint64_t total_cases = 0;
  std::string parties;
  std::uint64_t cases = 0;   // run, summed over the summaries
  std::uint64_t covered = 0; // distinct cases run
  std::uint64_t divergences = 0;
  double seconds = 0;                              // summed
  std::vector<ShardGap> gaps;                      // in case order
  std::vector<ShardOverlap> overlaps;              // in case order
  std::optional<FoundDivergence> first_divergence; // the lowest case number
  std::string first_divergence_file;
};

// Merges the summaries of the shards of one bound.
ShardMerge merge_shards(const std::vector<NamedSummary>& summaries);

// "cases 10..19 (10 cases): in no summary", or "...: not run by F, which stopped at a
// divergence before them".
std::string shard_gap_text(const ShardGap& gap);
// "cases 10..19 (10 cases): run by F, G".
std::string shard_overlap_text(const ShardOverlap& overlap);

} // namespace hmmspec
