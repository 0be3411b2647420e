// SPDX-License-Identifier: GPL-2.0-or-later
// The benchmark tables of docs/performance.md, (a) to (f): each a world and one range, built in the
// x86-64 4-level geometry as v5.7 worlds, and translated to 6.1 and 6.12 (model/translate.h) to
// time those versions' parties. The Google Benchmark binary (hmmspec_bench) and `hmmspec bench`
// both run them; docs/performance.md reports the numbers.
#pragma once

#include <string>
#include <vector>

#include "model/outcome.h"

namespace hmmspec::bench {

struct BenchTable {
  std::string id;    // "a" .. "f"
  std::string title; // one line: what the table holds and what is requested
  std::string bound; // "memset" or "memcpy": the physical bound the walk is held to
  World world;
  HmmRange range;
  RunOptions options;
  u64 pages() const { return range.pfns.size(); }
};

// The table ids in order.
const std::vector<std::string>& table_ids();

// Builds table `id` (see table_ids). `shrink` divides its size by 2^shrink (for quick runs;
// 0 is the size docs/performance.md names), down to one page (one PMD for the THP table (c)),
// and every entry it writes lies in its range. The contents are deterministic (fixed seeds).
// Returns nothing for an unknown id.
std::optional<BenchTable> make_table(const std::string& id, unsigned shrink = 0);

// Table t (a v5.7 table of make_table) in the words of kernel version v: its world and range
// carried over by meaning (translate_world, translate_range). Every table has a reading in
// every version; nothing only if one had not.
std::optional<BenchTable> table_in_version(const BenchTable& t, KernelVersion v);

} // namespace hmmspec::bench
