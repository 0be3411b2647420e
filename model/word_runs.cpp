// SPDX-License-Identifier: GPL-2.0-or-later
#include "model/word_runs.h"

#include <algorithm>
#include <bit>

namespace hmmspec {

std::vector<WordRun> word_runs(std::span<const u64> words, u64 step) {
  std::vector<WordRun> runs;
  for (u64 i = 0; i < words.size(); ++i) {
    if (!runs.empty()) {
      WordRun& r = runs.back();
      u64 last = r.at(i - 1);
      if (r.count == 1 && step != 0 && words[i] == last + step && words[i] != last)
        r.step = step; // the second word decides: equal words, or one pfn more each
      if (words[i] == last + r.step) {
        ++r.count;
        continue;
      }
    }
    runs.push_back(WordRun{i, 1, words[i], 0});
  }
  return runs;
}

std::size_t run_at(const std::vector<WordRun>& runs, u64 i) {
  auto it = std::upper_bound(runs.begin(), runs.end(), i,
                             [](u64 v, const WordRun& r) { return v < r.first + r.count; });
  return std::size_t(it - runs.begin());
}

RunMismatch compare_run(const WordRun& run, u64 lo, u64 hi, u64 first, u64 word, u64 step) {
  if (lo >= hi) return {0, hi};
  // run.at(i) - want(i) = c + i * d (mod 2^64)
  const u64 c = (run.word - run.first * run.step) - (word - first * step);
  const u64 d = run.step - step;
  if (d == 0) return c == 0 ? RunMismatch{0, hi} : RunMismatch{hi - lo, lo};
  // c + i * d == 0 with d = +-2^s (the steps are 0 or one value 2^s): i * 2^s == t.
  u64 t = 0 - c, dd = d;
  if (std::has_single_bit(0 - d)) t = c, dd = 0 - d; // d = -2^s: i * 2^s == c
  if (!std::has_single_bit(dd)) { // steps that are not one power of two: page by page
    RunMismatch m{0, hi};
    for (u64 i = hi; i-- > lo;)
      if (c + i * d != 0) ++m.differing, m.first = i;
    return m;
  }
  const unsigned s = unsigned(std::countr_zero(dd));
  if (t & (dd - 1)) return {hi - lo, lo}; // no index solves it
  // i == r (mod 2^(64-s)): the first solution at or above lo, then every 2^(64-s)
  const u64 mask = s == 0 ? ~0ull : (~0ull >> s);
  const u64 i0_off = ((t >> s) - lo) & mask;
  if (i0_off >= hi - lo) return {hi - lo, lo};
  const u64 i0 = lo + i0_off;
  const u64 matches = s == 0 ? 1 : 1 + ((hi - 1 - i0) >> (64 - s));
  return {(hi - lo) - matches, i0 == lo ? lo + 1 : lo}; // two solutions are 2 or more apart
}

} // namespace hmmspec
