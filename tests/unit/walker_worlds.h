// SPDX-License-Identifier: GPL-2.0-or-later
// The seeded random worlds the walker tests run every party on (tests/unit/test_walker.cpp for
// v5.7, test_walker_v6.cpp for 6.1 and 6.12, which translates them): tiny worlds holding every
// entry kind at every level, and larger x86-64 worlds of long PTE runs.
#pragma once

#include <initializer_list>
#include <random>

#include "model/scenario.h"

namespace hmmspec::walker_test {

class Gen {
public:
  explicit Gen(u64 seed) : rng_(seed) {}
  u64 below(u64 n) { return n ? rng_() % n : 0; }
  bool chance(unsigned percent) { return below(100) < percent; }
  u64 bits() { return rng_(); }
  template <typename T>
  T pick(std::initializer_list<T> xs) {
    return *(xs.begin() + below(xs.size()));
  }

private:
  std::mt19937_64 rng_;
};

inline constexpr u64 kDevBase = 0x2000; // device pfns kDevBase.. kDevBase+7; the first 4 registered

// A v5.7 scenario in a tiny geometry (tiny, tiny-la57, tiny3): VMAs of every kind, words of
// every kind at every level (bad and raw ones too), injections, a range with any encoding.
Scenario random_scenario(u64 seed);

// A larger world in the x86-64 geometry: a 64 MiB stretch of PMDs of every kind, most of them
// PTE tables of mixed entries, so runs longer than the walker's blocks are exercised.
Scenario random_large_scenario(u64 seed);

} // namespace hmmspec::walker_test
