// SPDX-License-Identifier: GPL-2.0-or-later
#include "model/mm_walk.h"

#include <algorithm>
#include <fmt/format.h>

namespace hmmspec::mm_walk {

std::vector<Vma> pieces(const World& w, u64 start, u64 end) {
  std::vector<Vma> out;
  for (const Vma& v : w.vmas.all()) {
    if (v.end <= start || v.start >= end) continue;
    Vma p = v;
    p.start = std::max(v.start, start);
    p.end = std::min(v.end, end);
    out.push_back(p);
  }
  return out;
}

std::vector<Level> upper_levels(const Geometry& g) {
  std::vector<Level> out{Level::Pgd};
  if (!g.p4d_folded()) out.push_back(Level::P4d);
  out.push_back(Level::Pud);
  out.push_back(Level::Pmd);
  return out;
}

std::optional<u64> first_hole(const std::vector<Vma>& ps, u64 start, u64 end) {
  u64 at = start;
  for (const Vma& p : ps) {
    if (p.start != at) break;
    at = p.end;
  }
  if (at == end) return std::nullopt;
  return at;
}

std::optional<std::string> upper_unsupported(const World& w, u64 start, u64 end,
                                             std::string_view what, HugePmds huge) {
  const Geometry& g = w.geom;
  const std::vector<Level> uppers = upper_levels(g);
  for (u64 a = start; a < end;) {
    u64 next = 0;
    for (Level l : uppers) {
      Entry e = w.entry_at(l, a);
      if (e.kind == Kind::Table) continue;
      const bool fine_huge = l == Level::Pmd && e.kind == Kind::Huge && huge == HugePmds::Allowed;
      if (e.kind != Kind::None && !fine_huge)
        return fmt::format("the {} at {:#x} is {}: {} over huge or bad entries is not modelled",
                           level_name(l), a & g.mask(l), describe(e), what);
      next = next_entry(g, l, a);
      break;
    }
    if (!next) next = next_entry(g, Level::Pmd, a);
    if (next <= a) break;
    a = next;
  }
  return std::nullopt;
}

} // namespace hmmspec::mm_walk
