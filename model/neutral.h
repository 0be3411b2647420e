// SPDX-License-Identifier: GPL-2.0-or-later
// TRUSTED: part of the specification. The outcome of one hmm_range_fault call in terms every
// kernel version shares, so that calls of two versions on one logical scenario can be
// compared: each page's output by meaning (none, error, special, or a pfn with its flags and
// map order), the return value by class, the final world as logical entries (no raw words,
// tables by where they sit rather than by their pfn), the log, the notifier sequence and the
// reports. Raw outcomes of different versions are never compared (model/outcome.h); their
// neutral views are. The API leaves outputs unspecified when a call fails, so a comparison
// looks at pfns only when both calls succeed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/outcome.h"

namespace hmmspec {

// One page's output word, decoded.
struct NeutralPfn {
  enum class Kind : std::uint8_t { None, Error, Special, Pfn } kind = Kind::None;
  u64 pfn = 0;
  bool valid = false;
  bool write = false;
  unsigned order = 0; // 6.x hmm_pfn_to_map_order; 0 in v5.7
  bool operator==(const NeutralPfn&) const = default;
};
// v5.7 (hmm_device_entry_to_pfn and the sentinel tests of include/linux/hmm.h:106-118 at
// v5.7): values[ERROR], then values[NONE], then values[SPECIAL] (a driver that makes two of
// them equal, as nouveau does with ERROR and SPECIAL, gets the first), else the word shifted
// right by pfn_shift with flags[VALID] and flags[WRITE]. 6.x (6.1 include/linux/hmm.h:34-78):
// 0 is none, HMM_PFN_ERROR is error, else the pfn below bit 56, VALID, WRITE and the order.
NeutralPfn neutral_output(KernelVersion v, const HmmRange& r, u64 word);
std::string describe(const NeutralPfn& p); // "none", "error", "pfn=0x42 V W order=9"

// The class of a return value. v5.7 returns the number of pages on success, 6.x returns 0.
enum class RetClass : std::uint8_t {
  Success,
  Eperm,
  Efault,
  Ebusy,
  Einval,
  Enomem,
  Livelock,
  Failed, // the call did not return (Outcome::failure)
  Other
};
// "success", "-EFAULT", "livelock", "did not return", "other"
std::string_view ret_class_name(RetClass c);
struct NeutralRet {
  RetClass cls = RetClass::Success;
  long raw = 0; // the value returned (0 for a livelock)
  bool operator==(const NeutralRet&) const = default;
};
NeutralRet neutral_ret(const Outcome& o);

// A reachable entry that is not none: where it is and what it is, without raw words. A table
// pointer's pfn is 0 (the entries below it say what it holds); a bad word keeps its flag bits
// only.
struct NeutralEntry {
  Level level = Level::Pte;
  u64 addr = 0;
  Context ctx = Context::Normal;
  Entry entry;
  bool operator==(const NeutralEntry&) const = default;
};
std::string describe(const NeutralEntry& e); // "pte 0x1000: page pfn=0x42 write"
// Every reachable entry of the world, in the order World::visit reaches them, each read by
// the world's own kernel version.
std::vector<NeutralEntry> neutral_entries(const World& w);

// A report by kind and address: the file:line of a WARN names a line of one tree.
struct NeutralReport {
  KernelReport::Kind kind = KernelReport::Kind::Warn;
  u64 addr = 0;
  bool operator==(const NeutralReport&) const = default;
};

struct NeutralOutcome {
  NeutralRet ret;
  std::vector<NeutralPfn> pfns;
  std::vector<NeutralEntry> entries;
  RunLog<Event> log; // the world's log, as runs (model/run_log.h)
  u64 notifier_seq = 0;
  std::vector<NeutralReport> reports; // the party's, then the fault model's
  bool operator==(const NeutralOutcome&) const = default;
};
// The neutral view of an outcome of a call on `r` (in the API of the outcome's world).
NeutralOutcome neutral_outcome(const HmmRange& r, const Outcome& o);

} // namespace hmmspec
