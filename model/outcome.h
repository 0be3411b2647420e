// SPDX-License-Identifier: GPL-2.0-or-later
// TRUSTED: part of the specification. The observable outcome of one hmm_range_fault call
// (docs/architecture.md): the return value, the whole pfns[] array, the final world (every table
// word, the notifier, the injections left) and the ordered log of faults and waits. Two
// parties agree only when their outcomes are identical.
#pragma once

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

struct Outcome {
  bool livelock = false; // the restart budget ran out: the seed would spin forever
  long ret = 0;          // the return value (meaningless when livelock)
  unsigned walks = 0;    // walk attempts made (1 + internal restarts)
  std::vector<u64> pfns;
  World world;
  // What the party's own code printed, in order (model/kernel_report.h); what the fault model
  // printed is in world.reports.
  std::vector<KernelReport> reports;
  bool operator==(const Outcome&) const = default;
};

// How a party is run.
struct RunOptions {
  unsigned restart_budget = 1000; // walk attempts before a livelock is declared
};

// The first difference between two outcomes, in the order ret, pfns, world entries, notifier,
// log; nothing when they are identical. `describe` says what differs and both values.
struct Difference {
  std::string what; // "ret", "pfns[3]", "pte 0x201000", "notifier.seq", "log[2]", ...
  std::string left;
  std::string right;
  std::optional<u64> addr; // the page the difference is about, if any
};
std::optional<Difference> first_difference(const HmmRange& range, const Outcome& a,
                                           const Outcome& b);

} // namespace hmmspec
