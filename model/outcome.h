// SPDX-License-Identifier: GPL-2.0-or-later
// TRUSTED: part of the specification. The observable outcome of one hmm_range_fault call
// (docs/architecture.md): the return value, the whole pfns[] array, the final world (every table
// word, the notifier, the injections left) and the ordered log of faults and waits. Two
// parties agree only when their outcomes are identical.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/kernel_report.h"
#include "model/range.h"
#include "model/world.h"

namespace hmmspec {

// Linux error numbers returned by hmm_range_fault.
// (named kE* because <errno.h> defines the E* names as macros)
namespace err {
inline constexpr long kEPERM = 1;
inline constexpr long kENOMEM = 12;
inline constexpr long kEFAULT = 14;
inline constexpr long kEBUSY = 16;
inline constexpr long kEINVAL = 22;
} // namespace err
std::string errno_name(long ret);                           // "-EFAULT", or the number itself
std::optional<long> errno_from_name(std::string_view name); // "-EFAULT" -> -14; else nothing

// A party that did not return from the call: a kernel party whose hmm.c crashed (a signal such
// as SIGSEGV) or made no progress inside one walk (its page-table reads ran past the walk's
// budget). The harness isolates it (docs/kernel-party.md, "Isolation"): the run goes on, and
// the failure is that party's outcome. The reference and the walker never fail.
struct PartyFailure {
  enum class Kind : std::uint8_t { Crash, NoProgress };
  Kind kind = Kind::Crash;
  int signal = 0;      // Crash: the signal (SIGSEGV, SIGBUS, SIGFPE, SIGILL)
  std::string address; // Crash: what the access touched ("pfns[513]", "NULL+0x40", "0x7f..")
  u64 reads = 0;       // NoProgress: the page-table reads of the walk when it was stopped
  // The code it was in: "hmm_vma_walk_pmd+0x4c (mm/hmm.c:365)", and the innermost hmm.c frame
  // when the code was the shim's ("handle_mm_fault+0x12 (kernel/session.cpp:230), called from
  // hmm_vma_fault+0x8a (mm/hmm.c:94)"); "" when it cannot be told.
  std::string where;
  bool operator==(const PartyFailure&) const = default;
};
// "crashed: SIGSEGV at pfns[513] (hmm_vma_walk_pmd+0x4c, mm/hmm.c:365)", "no progress inside
// the walk after 4104 page-table reads (...)".
std::string describe(const PartyFailure& f);

// One try of the driver loop (model/driver.h): what mmu_interval_read_begin read, what
// hmm_range_fault returned, and the final mmu_interval_read_retry check when it was made.
struct DriverTry {
  u64 notifier_seq = 0;
  bool livelock = false;
  long ret = 0;
  unsigned walks = 0;
  // D-CHECK: made only when the call succeeded (ret >= 0); whether it passed (the sequence
  // had not moved since the try read it).
  bool checked = false;
  bool check_passed = false;
  std::vector<u64> pfns; // the chunk's outputs after the try
  // The `during` events that fired in this try (D-EVENT), as their lines would write them:
  // before its call, and after it (before the check).
  std::vector<std::string> events_before;
  std::vector<std::string> events_after;
  bool operator==(const DriverTry&) const = default;
};

// A `during` event the model could not apply to the world the loop had reached (mm_op_unsupported):
// the loop stopped there. `index` is the event's place in World::driver_events.
struct RefusedEvent {
  std::size_t index = 0;
  std::string why;
  bool operator==(const RefusedEvent&) const = default;
};

// One chunk of the driver loop: its pages and its tries, in order. The loop ended in success
// when its last try returned and passed the check.
struct DriverChunk {
  u64 start = 0;
  u64 end = 0;
  std::vector<DriverTry> tries;
  bool succeeded() const {
    return !tries.empty() && tries.back().checked && tries.back().check_passed;
  }
  bool operator==(const DriverChunk&) const = default;
};

struct Outcome {
  bool livelock = false; // the restart budget ran out: the seed would spin forever
  long ret = 0;          // the return value (meaningless when livelock)
  unsigned walks = 0;    // walk attempts made (1 + internal restarts)
  std::vector<u64> pfns;
  World world;
  // What the party's own code printed, in order (model/kernel_report.h); what the fault model
  // printed is in world.reports.
  std::vector<KernelReport> reports;
  // Set when the party did not return (a kernel party only). ret, walks, pfns and reports are
  // then as the party left them, and world is the world it was given.
  std::optional<PartyFailure> failure;
  // A call made by the driver loop (model/driver.h): its chunks in address order, the ones it
  // reached. Empty for a call made directly.
  std::vector<DriverChunk> chunks;
  // Set when the driver loop met a `during` event it could not apply: the call ended there.
  std::optional<RefusedEvent> refused_event;
  bool operator==(const Outcome&) const = default;
};
// The result in a few words: the failure, "livelock", or the return value ("-EFAULT", "3").
std::string result_text(const Outcome& o);

// How a party is run.
struct RunOptions {
  unsigned restart_budget = 1000; // walk attempts before a livelock is declared
};

// The first difference between two outcomes, in the order failure, ret, pfns, world entries,
// notifier, log; nothing when they are identical. `describe` says what differs and both values.
struct Difference {
  std::string what; // "ret", "pfns[3]", "pte 0x201000", "notifier.seq", "log[2]", ...
  std::string left;
  std::string right;
  std::optional<u64> addr; // the page the difference is about, if any
};
std::optional<Difference> first_difference(const HmmRange& range, const Outcome& a,
                                           const Outcome& b);

} // namespace hmmspec
