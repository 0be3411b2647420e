// SPDX-License-Identifier: GPL-2.0-or-later
// TRUSTED: part of the specification. Page-table geometry chosen at run time: the page
// shift, the index bits of every level, and 4- or 5-level paging (P4D folded on 4-level).
// The chunk arithmetic is that of the kernel's p?d_addr_end (include/asm-generic/pgtable.h at
// v5.7).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/kernel_version.h"
#include "model/x86_bits.h"

namespace hmmspec {

// The five levels, leaf first. On 4-level paging P4D has 0 index bits (folded).
enum class Level : std::uint8_t { Pte = 0, Pmd = 1, Pud = 2, P4d = 3, Pgd = 4 };
inline constexpr std::array<Level, 5> kAllLevels{Level::Pte, Level::Pmd, Level::Pud, Level::P4d,
                                                 Level::Pgd};
std::string_view level_name(Level l); // "pte", "pmd", "pud", "p4d", "pgd"
std::optional<Level> level_from_name(std::string_view s);
constexpr unsigned idx(Level l) {
  return static_cast<unsigned>(l);
}
constexpr Level below(Level l) {
  return static_cast<Level>(idx(l) - 1);
}

struct Geometry {
  std::string name = "x86_64";
  unsigned page_shift = 12;
  unsigned levels = 4;                         // 4 or 5
  std::array<unsigned, 5> bits{9, 9, 9, 0, 9}; // index bits per level (P4d 0 on 4-level)
  // The kernel whose encoding of words the tables follow: the swap-type numbering, PTE
  // markers and device-exclusive entries differ between versions (docs/versions.md). Words of
  // worlds of different versions are never compared with each other.
  KernelVersion kernel = KernelVersion::V5_7;

  // Checks the invariants (page shift 12..16, 1..9 bits per level, P4D folded iff 4-level,
  // address space of at most 57 bits); returns an error message or nothing.
  std::optional<std::string> validate() const;

  // *_SHIFT: log2 of the bytes one entry of `l` covers. PGD = P4D when P4D is folded.
  unsigned shift(Level l) const;
  u64 size(Level l) const { return 1ull << shift(l); }
  u64 mask(Level l) const { return ~(size(l) - 1); }             // PMD_MASK, PUD_MASK, ...
  unsigned entries(Level l) const { return 1u << bits[idx(l)]; } // PTRS_PER_*
  unsigned max_entries() const; // the largest table: every table is allocated this big
  unsigned va_bits() const { return shift(Level::Pgd) + bits[idx(Level::Pgd)]; }
  u64 va_limit() const { return 1ull << va_bits(); } // first address past the address space
  u64 page_size() const { return 1ull << page_shift; }
  bool p4d_folded() const { return levels == 4; }
  // The level whose table is the root: PGD (its entries obey the p4d rules on 4-level).
  unsigned index(Level l, u64 addr) const {
    return unsigned((addr >> shift(l)) & (entries(l) - 1));
  }

  // p?d_addr_end(addr, end): the next `l` boundary after addr, or end if that comes first,
  // compared as boundary-1 < end-1 so a boundary that wraps to 0 is safe.
  // p4d_addr_end is `end` itself when P4D is folded.
  u64 addr_end(Level l, u64 addr, u64 end) const;

  bool operator==(const Geometry&) const = default;
};

// Built-in geometries: x86_64 (12/9/9/9/9, 4-level), x86_64-la57 (5-level), tiny (12, 2 bits
// per level, 4-level: 1 MiB address space), tiny-la57 (5-level: 4 MiB), tiny3 (3 bits per level).
const std::vector<Geometry>& builtin_geometries();
std::optional<Geometry> builtin_geometry(std::string_view name);

} // namespace hmmspec
