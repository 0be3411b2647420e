// SPDX-License-Identifier: GPL-2.0-or-later
// A scenario: a world, a range and what the call is expected to do (docs/scenario-format.md).
// The text format is in docs/scenario-format.md; parse and print live in scenario_format.h.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/driver.h"
#include "model/mm_ops.h"
#include "model/outcome.h"
#include "model/range.h"
#include "model/world.h"

namespace hmmspec {

// Where a line came from, for messages.
struct SourceLoc {
  std::string file;
  unsigned line = 0;
  unsigned col = 0;
};

struct Expectation {
  enum class Type : std::uint8_t {
    Ret,      // return value (or livelock)
    Pfn,      // the output word of one page (or a run of pages)
    Entry,    // a final page-table entry
    Log,      // the complete ordered log of faults and waits
    Notifier, // the final notifier sequence
    Reports,  // the complete ordered list of kernel reports: the call's own, then the world's
    Tries,    // the driver loop's tries: of every chunk together, or of one chunk, with its end
  } type = Type::Ret;
  SourceLoc loc;
  // Ret
  bool livelock = false;
  long ret = 0;
  // Pfn: pages [first, first+count); each expected word is `word`, plus `pfn_step << pfn_shift`
  // per page when the expectation names a pfn that increments
  u64 first = 0;
  u64 count = 1;
  u64 word = 0;
  bool pfn_increments = false;
  // Entry
  Level level = Level::Pte;
  u64 addr = 0;
  u64 entry_word = 0;
  // Log
  RunLog<Event> log;
  // Notifier
  u64 seq = 0;
  // Reports: Outcome::reports followed by the world's (World::reports, the fault model's)
  std::vector<KernelReport> reports;
  // Tries: the chunk (0-based; nothing: every chunk's tries summed), the number of tries, and
  // optionally what the chunk's last try returned and how its final check went.
  std::optional<u64> chunk;
  u64 tries = 0;
  std::optional<long> chunk_ret; // the last try's return value
  bool chunk_livelock = false;   // ... or livelock
  enum class Check : std::uint8_t { Any, Passed, Failed, None } check = Check::Any;
};

// An mm operation of a later call, and its line.
struct MmOpLine {
  MmOp op;
  SourceLoc loc;
};

// A call after the first (docs/scenario-format.md, "Sequences of calls"): its operations are
// applied in order to the world the previous call left, then the first call's range and
// requests are issued again, with the notifier sequence read afresh (prepare_call).
struct Call {
  SourceLoc loc; // its `call` line
  std::vector<MmOpLine> ops;
  std::vector<Expectation> expectations;
};

struct Scenario {
  std::string name;               // from the file name or a `scenario` line
  std::vector<std::string> rules; // rules it pins (R-...), from `rule` lines
  std::string text;               // the comment block describing it
  World world;
  HmmRange range;
  RunOptions options;
  std::vector<Expectation> expectations; // the first call's
  std::vector<Call> calls;               // the calls after the first, in order (most have none)
  // Set by a `driver-loop` line: every call is made by the driver loop (model/driver.h).
  std::optional<DriverLoop> driver_loop;
  SourceLoc driver_loop_loc;
  std::vector<SourceLoc> driver_event_locs; // the `during` lines of world.driver_events
};

// A failed expectation: where it was written and what was seen instead.
struct Failure {
  SourceLoc loc;
  std::string message;
  std::string rule = {}; // the driver-contract rule broken (C-VALID, ...); empty for others
};
// The world and range of call `k` (1-based, k >= 2) from the world the previous call left:
// the call's operations applied (model/mm_ops.h), the log and the world's reports emptied (a
// call's log is its own), and the range of the first call with the notifier sequence read
// afresh (mmu_interval_read_begin before the call). Returns the operation that cannot be
// applied, with its line, instead.
std::optional<Failure> prepare_call(const Scenario& s, std::size_t k, World& w, HmmRange& r);

// Call k of `s` as the scenario makes it: `call` (a party's hmm_range_fault) on w and r, or,
// with a driver-loop line, the driver loop around it (model/driver.h).
Outcome make_scenario_call(const Scenario& s, const World& w, const HmmRange& r,
                           const HmmRangeFaultCall& call);

// The expectations `o` does not meet. An outcome with a failure (Outcome::failure) meets none:
// one Failure, at the first expectation, says so (none when the scenario expects nothing).
std::vector<Failure> check_expectations(const Scenario& s, const Outcome& o);
// The same for the expectations of call `k` (1-based: 1 is the first call's).
std::vector<Failure> check_expectations(const Scenario& s, std::size_t k, const Outcome& o);

} // namespace hmmspec
