// SPDX-License-Identifier: GPL-2.0-or-later
#include "model/table_tree.h"

#include <set>

#include "model/entry.h"

namespace hmmspec {

namespace {

// Follows table pointers (and bad words, as lookups do) from table `table` of level l; false
// when a table is reached twice, or (with no_bad) when a bad entry is met.
bool subtree_is_tree(const World& w, Level l, u64 table, u64 base, bool no_bad,
                     std::set<u64>& seen) {
  const Geometry& g = w.geom;
  if (l == Level::P4d && g.p4d_folded()) l = Level::Pud;
  if (!w.tables().contains(table)) return true; // memory without a table reads as zeros
  if (!seen.insert(table).second) return false;
  const u64* words = w.table_words(table);
  for (unsigned i = 0; i < g.entries(l); ++i) {
    const u64 addr = base + (u64(i) << g.shift(l));
    if (l == Level::Pte || words[i] == 0 || w.context_at(l, addr) == Context::HugetlbSlot) continue;
    Kind k = classify(g, l, words[i], w.zero_pfn).kind;
    if (k == Kind::Bad && no_bad) return false;
    if ((k == Kind::Table || k == Kind::Bad) &&
        !subtree_is_tree(w, below(l), table_pfn(g, words[i]), addr, no_bad, seen))
      return false;
  }
  return true;
}

} // namespace

bool tables_form_a_tree(const World& w) {
  std::set<u64> seen;
  return subtree_is_tree(w, Level::Pgd, w.root_pfn(), 0, true, seen);
}

bool tables_unaliased(const World& w) {
  std::set<u64> seen;
  return subtree_is_tree(w, Level::Pgd, w.root_pfn(), 0, false, seen);
}

} // namespace hmmspec
