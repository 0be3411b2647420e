// SPDX-License-Identifier: GPL-2.0-or-later
// TRUSTED: part of the specification. The page-table walks the mm operations of a sequence
// make (model/mm_ops.h): the VMA parts of a range, the PTE slots under it, and the upper
// entries the operations leave out (huge or bad ones).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/world.h"

namespace hmmspec::mm_walk {

// The VMAs' parts inside [start, end), in address order.
std::vector<Vma> pieces(const World& w, u64 start, u64 end);

// The levels from the root down to the PMD, in the geometry.
std::vector<Level> upper_levels(const Geometry& g);

// The first address of [start, end) that no VMA of `ps` (pieces(w, start, end)) covers, when
// the VMAs leave a hole there.
std::optional<u64> first_hole(const std::vector<Vma>& ps, u64 start, u64 end);

// Whether an operation may meet huge PMDs (thp-split: they are what it works on).
enum class HugePmds : bool { Refused, Allowed };

// Why an operation `what` cannot run over [start, end): an upper entry there (PMD, PUD, P4D,
// PGD) that is neither none nor a table (a huge, migration, bad... entry; a huge PMD is fine
// when `huge` allows it). Nothing when none is.
std::optional<std::string> upper_unsupported(const World& w, u64 start, u64 end,
                                             std::string_view what,
                                             HugePmds huge = HugePmds::Refused);

// The first address of the next entry of `l` after addr (0 past the top of the address space).
inline u64 next_entry(const Geometry& g, Level l, u64 addr) {
  return (addr & g.mask(l)) + g.size(l);
}

// Calls f(addr) for every page in [start, end) whose upper entries are all tables, skipping
// whole entries of upper levels that are not (upper_unsupported: they are none).
template <typename F>
void for_each_pte_address(const World& w, u64 start, u64 end, F&& f) {
  const Geometry& g = w.geom;
  const std::vector<Level> uppers = upper_levels(g);
  u64 addr = start;
  while (addr < end) {
    u64 next = 0;
    for (Level l : uppers) {
      if (w.entry_at(l, addr).kind != Kind::Table) {
        next = next_entry(g, l, addr);
        break;
      }
    }
    if (next) {
      if (next <= addr) return; // the top of the address space
      addr = next;
      continue;
    }
    f(addr);
    addr += g.page_size();
  }
}

// Calls f(addr, PTE slot) for every PTE slot a table holds in [start, end).
template <typename F>
void for_each_pte(World& w, u64 start, u64 end, F&& f) {
  for_each_pte_address(w, start, end, [&](u64 addr) {
    if (u64* slot = w.find_slot_mut(Level::Pte, addr)) f(addr, slot);
  });
}

// The same, reading: f(addr, word) for every PTE word a table holds in [start, end).
template <typename F>
void for_each_pte_word(const World& w, u64 start, u64 end, F&& f) {
  for_each_pte_address(w, start, end, [&](u64 addr) {
    if (const u64* slot = w.find_slot(Level::Pte, addr)) f(addr, *slot);
  });
}

} // namespace hmmspec::mm_walk
