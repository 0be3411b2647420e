// SPDX-License-Identifier: GPL-2.0-or-later
// A pfns[] array as runs: consecutive words that are equal, or that grow by one pfn
// (1 << pfn_shift) from each to the next, as the outputs of a mapped range do. Checking an
// expectation, printing an outcome and explaining a range go run by run, so their time and
// output follow the runs, not the pages.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "model/x86_bits.h"

namespace hmmspec {

// Words [first, first + count): word, word + step, word + 2 * step, ... (mod 2^64), step 0 or
// the `step` given to word_runs.
struct WordRun {
  u64 first = 0;
  u64 count = 0;
  u64 word = 0;
  u64 step = 0;
  u64 at(u64 i) const { return word + (i - first) * step; } // the word of index i in the run
  bool operator==(const WordRun&) const = default;
};

// The runs of `words`, greedily from the start: a run of equal words, or of words each `step`
// higher than the one before (a run of one word has step 0). One pass, one run per change.
std::vector<WordRun> word_runs(std::span<const u64> words, u64 step);

// The runs that cover index i onwards: the first run whose end is above i (binary search).
std::size_t run_at(const std::vector<WordRun>& runs, u64 i);

// How the words of indexes [lo, hi) of a run compare with the line want(i) = word + (i - first)
// * step: how many differ, and the first index that does (hi when none does). O(1).
struct RunMismatch {
  u64 differing = 0;
  u64 first = 0;
};
RunMismatch compare_run(const WordRun& run, u64 lo, u64 hi, u64 first, u64 word, u64 step);

} // namespace hmmspec
