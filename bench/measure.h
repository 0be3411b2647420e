// SPDX-License-Identifier: GPL-2.0-or-later
// Timing the benchmark tables: the contenders (the parties, the walker's walk alone, the copies
// every party call makes, and the physical bound), one timed call at a time, and the report
// with pages per second and ratios. Shared by hmmspec_bench (Google Benchmark) and
// `hmmspec bench`.
//
// Times are the calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID): user and system time,
// page faults on fresh memory included, time lost to other processes excluded.
//
// What is timed, exactly:
//   walker, kernel, reference  one Party::run call (harness/parties.h) as `hmmspec run` makes it:
//                              it copies the world and pfns[] into the Outcome, walks, and
//                              returns; freeing the Outcome afterwards is not timed. The parties
//                              are those of the table's version (World::geom.kernel): walker,
//                              kernel-5.7 and reference for v5.7, walker-6.1, kernel-6.1 and
//                              reference-6.1 for 6.1, and so on
//   walker-walk                walker_hmm_range_fault_in_place (walker_v6_hmm_range_fault_in_place
//                              for a 6.x table) on a world and pfns[] restored
//                              before each call (the restore is not timed): the walk alone,
//                              as the kernel's hmm_range_fault works on the caller's memory
//   copy                       one copy of the world and one of pfns[]: what every party call
//                              pays before it walks (the kernel party copies pfns[] twice more)
//   memset                     memset of the pfns[] bytes (a buffer touched beforehand)
//   memcpy                     memcpy of the pfns[] bytes into a buffer touched beforehand
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/tables.h"
#include "harness/party.h"

namespace hmmspec::bench {

enum class Contender : unsigned { WalkerWalk, Walker, Kernel, Reference, Copy, Memset, Memcpy };
std::string_view contender_name(Contender c); // "walker-walk", "walker", ...
std::optional<Contender> contender_from_name(std::string_view s);
// Every contender this build has for tables of version v (kernel and reference only when
// built), in report order.
std::vector<Contender> available_contenders(KernelVersion v = KernelVersion::V5_7);

// One contender on one table: prepares what the timed part needs once, then each call
// restores its inputs (untimed) and returns the seconds of the timed part.
class Runner {
public:
  Runner(const BenchTable& t, Contender c);
  double run_once();

private:
  const BenchTable& t_;
  Contender c_;
  std::optional<Party> party_;
  World world_;
  std::vector<u64> a_, b_;
  std::vector<KernelReport> reports_; // walker-walk of a 6.x table: what the kernel printed
};

struct Cell {
  Contender contender;
  double seconds = 0; // median seconds per call
  unsigned calls = 0;
};

struct TableResult {
  std::string id, title, bound;
  KernelVersion version = KernelVersion::V5_7; // the version of the table's world
  u64 pages = 0;
  std::vector<Cell> cells;
  std::vector<std::string> disagreements; // parties whose outcome differs from the walker's
  const Cell* cell(Contender c) const;
  std::optional<double> pages_per_second(Contender c) const;
};

struct Options {
  double min_time = 0.5;  // seconds of timed calls per cell, at least
  unsigned min_calls = 3; // timed calls per cell, at least
  std::vector<Contender> contenders = available_contenders();
};

// Whether every built party of t's version gives that version's walker's outcome on t; the
// names of those that do not.
std::vector<std::string> check_agreement(const BenchTable& t);

// Times every contender of o on t (the median of its calls) and checks agreement.
TableResult run_table(const BenchTable& t, const Options& o);

// The report: one line per table with pages per second per contender, then the ratios
// docs/performance.md sets targets for, each marked met or missed. Results of several versions
// give one such section per version, each headed by the version and its parties; results of
// v5.7 alone give the section without a heading.
std::string report_text(const std::vector<TableResult>& results);

} // namespace hmmspec::bench
