// SPDX-License-Identifier: GPL-2.0-or-later
#include "model/geometry.h"

#include <algorithm>

namespace hmmspec {

std::string_view level_name(Level l) {
  static constexpr std::array<std::string_view, 5> names{"pte", "pmd", "pud", "p4d", "pgd"};
  return names[idx(l)];
}

std::optional<Level> level_from_name(std::string_view s) {
  for (Level l : kAllLevels)
    if (level_name(l) == s) return l;
  return std::nullopt;
}

std::optional<std::string> Geometry::validate() const {
  if (page_shift < 12 || page_shift > 16) return "page_shift must be between 12 and 16";
  if (levels != 4 && levels != 5) return "levels must be 4 or 5";
  for (Level l : kAllLevels) {
    unsigned b = bits[idx(l)];
    if (l == Level::P4d && levels == 4) {
      if (b != 0) return "a 4-level geometry folds P4D: it has 0 index bits";
      continue;
    }
    if (b < 1 || b > 9) return "index bits per level must be between 1 and 9";
  }
  if (va_bits() > 57) return "the address space is limited to 57 bits";
  return std::nullopt;
}

unsigned Geometry::shift(Level l) const {
  unsigned s = page_shift;
  for (unsigned i = 0; i < idx(l); ++i) s += bits[i];
  return s;
}

unsigned Geometry::max_entries() const {
  unsigned m = 1;
  for (Level l : kAllLevels) m = std::max(m, entries(l));
  return m;
}

u64 Geometry::addr_end(Level l, u64 addr, u64 end) const {
  if (l == Level::P4d && p4d_folded()) return end;
  u64 boundary = (addr + size(l)) & mask(l);
  return (boundary - 1 < end - 1) ? boundary : end;
}

const std::vector<Geometry>& builtin_geometries() {
  static const std::vector<Geometry> all = {
      Geometry{"x86_64", 12, 4, {9, 9, 9, 0, 9}}, Geometry{"x86_64-la57", 12, 5, {9, 9, 9, 9, 9}},
      Geometry{"tiny", 12, 4, {2, 2, 2, 0, 2}},   Geometry{"tiny-la57", 12, 5, {2, 2, 2, 2, 2}},
      Geometry{"tiny3", 12, 4, {3, 3, 3, 0, 3}},
  };
  return all;
}

std::optional<Geometry> builtin_geometry(std::string_view name) {
  for (const Geometry& g : builtin_geometries())
    if (g.name == name) return g;
  return std::nullopt;
}

} // namespace hmmspec
