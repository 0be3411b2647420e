// SPDX-License-Identifier: GPL-2.0-or-later
// Geometry (model/geometry.h): shifts, sizes, masks and entry counts of the built-in
// geometries (docs/scenario-format.md), validate(), and the chunk ends of p?d_addr_end
// (include/asm-generic/pgtable.h at v5.7) including the compare done as
// boundary-1 < end-1, which stays right when the boundary wraps to 0.
#include <gtest/gtest.h>

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "model/geometry.h"

namespace hmmspec {
namespace {

Geometry named(const char* name) {
  auto g = builtin_geometry(name);
  EXPECT_TRUE(g.has_value()) << name;
  return g.value_or(Geometry{});
}

constexpr u64 KiB = 1ull << 10, MiB = 1ull << 20, GiB = 1ull << 30, TiB = 1ull << 40;

TEST(GeometryBuiltins, X86_64) {
  Geometry g = named("x86_64");
  EXPECT_FALSE(g.validate());
  EXPECT_EQ(g.levels, 4u);
  EXPECT_TRUE(g.p4d_folded());
  const std::array<unsigned, 5> shifts{12, 21, 30, 39, 39};
  const std::array<unsigned, 5> entries{512, 512, 512, 1, 512};
  for (Level l : kAllLevels) {
    EXPECT_EQ(g.shift(l), shifts[idx(l)]) << level_name(l);
    EXPECT_EQ(g.entries(l), entries[idx(l)]) << level_name(l);
    EXPECT_EQ(g.size(l), 1ull << shifts[idx(l)]) << level_name(l);
    EXPECT_EQ(g.mask(l), ~((1ull << shifts[idx(l)]) - 1)) << level_name(l);
  }
  EXPECT_EQ(g.size(Level::Pmd), 2 * MiB);
  EXPECT_EQ(g.size(Level::Pud), GiB);
  EXPECT_EQ(g.size(Level::Pgd), 512 * GiB);
  EXPECT_EQ(g.mask(Level::Pmd), 0xffffffffffe00000ull); // PMD_MASK
  EXPECT_EQ(g.mask(Level::Pud), 0xffffffffc0000000ull); // PUD_MASK
  EXPECT_EQ(g.page_size(), 4 * KiB);
  EXPECT_EQ(g.va_bits(), 48u);
  EXPECT_EQ(g.va_limit(), 256 * TiB);
  EXPECT_EQ(g.max_entries(), 512u);
  EXPECT_EQ(g.index(Level::Pte, 0x7f1234567000ull), 0x167u);
  EXPECT_EQ(g.index(Level::Pmd, 0x7f1234567000ull), 0x1a2u);
  EXPECT_EQ(g.index(Level::Pud, 0x7f1234567000ull), 0x48u);
  EXPECT_EQ(g.index(Level::Pgd, 0x7f1234567000ull), 0xfeu);
  EXPECT_EQ(g.index(Level::P4d, 0x7f1234567000ull), 0u); // one entry when folded
}

TEST(GeometryBuiltins, X86_64La57) {
  Geometry g = named("x86_64-la57");
  EXPECT_FALSE(g.validate());
  EXPECT_EQ(g.levels, 5u);
  EXPECT_FALSE(g.p4d_folded());
  const std::array<unsigned, 5> shifts{12, 21, 30, 39, 48};
  for (Level l : kAllLevels) {
    EXPECT_EQ(g.shift(l), shifts[idx(l)]) << level_name(l);
    EXPECT_EQ(g.entries(l), 512u) << level_name(l);
  }
  EXPECT_EQ(g.size(Level::P4d), 512 * GiB);
  EXPECT_EQ(g.size(Level::Pgd), 256 * TiB);
  EXPECT_EQ(g.va_bits(), 57u);
  EXPECT_EQ(g.va_limit(), 1ull << 57);
  EXPECT_EQ(g.index(Level::P4d, 0x00ff123456789000ull), 0x24u);
  EXPECT_EQ(g.index(Level::Pgd, 0x00ff123456789000ull), 0xffu);
}

TEST(GeometryBuiltins, Tiny) {
  struct Want {
    const char* name;
    unsigned levels;
    std::array<unsigned, 5> shifts;
    std::array<unsigned, 5> entries;
    unsigned va_bits;
  };
  for (const Want& w : {Want{"tiny", 4, {12, 14, 16, 18, 18}, {4, 4, 4, 1, 4}, 20},
                        Want{"tiny-la57", 5, {12, 14, 16, 18, 20}, {4, 4, 4, 4, 4}, 22},
                        Want{"tiny3", 4, {12, 15, 18, 21, 21}, {8, 8, 8, 1, 8}, 24}}) {
    SCOPED_TRACE(w.name);
    Geometry g = named(w.name);
    EXPECT_EQ(g.name, w.name);
    EXPECT_FALSE(g.validate());
    EXPECT_EQ(g.levels, w.levels);
    for (Level l : kAllLevels) {
      EXPECT_EQ(g.shift(l), w.shifts[idx(l)]) << level_name(l);
      EXPECT_EQ(g.entries(l), w.entries[idx(l)]) << level_name(l);
    }
    EXPECT_EQ(g.va_bits(), w.va_bits);
    EXPECT_EQ(g.va_limit(), 1ull << w.va_bits);
    EXPECT_EQ(g.max_entries(), w.entries[0]);
  }
  EXPECT_EQ(named("tiny").va_limit(), MiB);
  EXPECT_EQ(named("tiny-la57").va_limit(), 4 * MiB);
}

TEST(GeometryBuiltins, LookupAndNames) {
  EXPECT_EQ(builtin_geometries().size(), 5u);
  for (const Geometry& g : builtin_geometries()) {
    EXPECT_FALSE(g.validate()) << g.name;
    EXPECT_EQ(builtin_geometry(g.name), g);
  }
  EXPECT_FALSE(builtin_geometry("x86_64-la48"));
  EXPECT_FALSE(builtin_geometry(""));
  EXPECT_EQ(Geometry{}, named("x86_64")); // the default is x86_64
  for (Level l : kAllLevels) EXPECT_EQ(level_from_name(level_name(l)), l);
  EXPECT_EQ(level_name(Level::P4d), "p4d");
  EXPECT_FALSE(level_from_name("PMD"));
  EXPECT_EQ(below(Level::Pmd), Level::Pte);
}

TEST(GeometryValidate, Errors) {
  auto error_of = [](Geometry g) { return g.validate().value_or(""); };
  Geometry ok{"g", 12, 4, {9, 9, 9, 0, 9}};
  EXPECT_EQ(error_of(ok), "");
  Geometry g = ok;
  g.page_shift = 11;
  EXPECT_NE(error_of(g).find("page_shift"), std::string::npos);
  g.page_shift = 17;
  EXPECT_NE(error_of(g).find("page_shift"), std::string::npos);
  g.page_shift = 16; // 16 + 27 + 9 = 52 bits: fine
  EXPECT_EQ(error_of(g), "");
  g = ok;
  g.levels = 3;
  EXPECT_NE(error_of(g).find("levels"), std::string::npos);
  g = ok;
  g.bits[idx(Level::P4d)] = 9; // 4-level must fold P4D
  EXPECT_NE(error_of(g).find("P4D"), std::string::npos);
  g = ok;
  g.levels = 5; // 5-level must not: P4D with 0 bits
  EXPECT_NE(error_of(g), "");
  g = ok;
  g.bits[idx(Level::Pmd)] = 0;
  EXPECT_NE(error_of(g).find("index bits"), std::string::npos);
  g = ok;
  g.bits[idx(Level::Pte)] = 10;
  EXPECT_NE(error_of(g).find("index bits"), std::string::npos);
  g = named("x86_64-la57");
  g.page_shift = 13; // 58 bits of address space
  EXPECT_NE(error_of(g).find("57"), std::string::npos);
  g.page_shift = 12;
  EXPECT_EQ(error_of(g), "");
}

// --- p?d_addr_end --------------------------------------------------------------------------

TEST(GeometryAddrEnd, X86_64EveryLevel) {
  Geometry g = named("x86_64");
  // Aligned and unaligned starts: the next boundary, when it comes before end.
  EXPECT_EQ(g.addr_end(Level::Pte, 0x1000, 0x5000), 0x2000u);
  EXPECT_EQ(g.addr_end(Level::Pte, 0x1234, 0x5000), 0x2000u);
  EXPECT_EQ(g.addr_end(Level::Pte, 0x1000, 0x1800), 0x1800u); // end first (unaligned last chunk)
  EXPECT_EQ(g.addr_end(Level::Pmd, 0x1000, GiB), 2 * MiB);
  EXPECT_EQ(g.addr_end(Level::Pmd, 0x1ff000, GiB), 2 * MiB);
  EXPECT_EQ(g.addr_end(Level::Pmd, 2 * MiB, 3 * MiB), 3 * MiB);
  EXPECT_EQ(g.addr_end(Level::Pmd, 2 * MiB, 4 * MiB), 4 * MiB); // boundary == end
  EXPECT_EQ(g.addr_end(Level::Pud, 0x1000, TiB), GiB);
  EXPECT_EQ(g.addr_end(Level::Pud, 5 * GiB + 0x3000, TiB), 6 * GiB);
  EXPECT_EQ(g.addr_end(Level::Pgd, 0x1000, TiB), 512 * GiB);
  EXPECT_EQ(g.addr_end(Level::Pgd, 600 * GiB, 2 * TiB), 1 * TiB);
  // Folded P4D: p4d_addr_end is end itself, even with a 512 GiB boundary before it.
  EXPECT_EQ(g.addr_end(Level::P4d, 0x1000, 2 * TiB), 2 * TiB);
  EXPECT_EQ(g.addr_end(Level::P4d, 0x1000, 0x2000), 0x2000u);
}

TEST(GeometryAddrEnd, La57EveryLevel) {
  Geometry g = named("x86_64-la57");
  EXPECT_EQ(g.addr_end(Level::Pmd, 0x1000, TiB), 2 * MiB);
  EXPECT_EQ(g.addr_end(Level::Pud, 0x1000, TiB), GiB);
  EXPECT_EQ(g.addr_end(Level::P4d, 0x1000, TiB), 512 * GiB); // not folded
  EXPECT_EQ(g.addr_end(Level::P4d, 0x1000, 0x2000), 0x2000u);
  EXPECT_EQ(g.addr_end(Level::Pgd, 0x1000, 1ull << 57), 256 * TiB);
  EXPECT_EQ(g.addr_end(Level::Pgd, 300 * TiB, 1ull << 57), 512 * TiB);
  // The last chunk of the address space ends at va_limit.
  u64 top = g.va_limit();
  for (Level l : kAllLevels) EXPECT_EQ(g.addr_end(l, top - 0x1000, top), top) << level_name(l);
}

TEST(GeometryAddrEnd, TinyEveryLevel) {
  Geometry g = named("tiny");
  EXPECT_EQ(g.addr_end(Level::Pte, 0x1000, MiB), 0x2000u);
  EXPECT_EQ(g.addr_end(Level::Pmd, 0x1000, MiB), 0x4000u);
  EXPECT_EQ(g.addr_end(Level::Pmd, 0x5000, 0x6000), 0x6000u);
  EXPECT_EQ(g.addr_end(Level::Pud, 0x1000, MiB), 0x10000u);
  EXPECT_EQ(g.addr_end(Level::Pud, 0x13000, MiB), 0x20000u);
  EXPECT_EQ(g.addr_end(Level::P4d, 0x1000, MiB), MiB); // folded
  EXPECT_EQ(g.addr_end(Level::Pgd, 0x1000, MiB), 0x40000u);
  EXPECT_EQ(g.addr_end(Level::Pgd, 0xc1000, MiB), MiB); // last PGD entry
  for (Level l : kAllLevels) EXPECT_EQ(g.addr_end(l, MiB - 0x1000, MiB), MiB) << level_name(l);
  Geometry g5 = named("tiny-la57");
  EXPECT_EQ(g5.addr_end(Level::P4d, 0x1000, 4 * MiB), 0x40000u);
  EXPECT_EQ(g5.addr_end(Level::Pgd, 0x1000, 4 * MiB), MiB);
  EXPECT_EQ(g5.addr_end(Level::Pgd, 0x3ff000, 4 * MiB), 4 * MiB);
}

TEST(GeometryAddrEnd, TopOfTheAddressSpaceWrapsSafely) {
  for (const Geometry& g : builtin_geometries()) {
    SCOPED_TRACE(g.name);
    for (Level l : kAllLevels) {
      if (l == Level::P4d && g.p4d_folded()) continue;
      // The last entry of 2^64: the boundary after it wraps to 0. Compared as
      // boundary-1 < end-1 that is "after every end", so end is returned.
      u64 last = ~(g.size(l) - 1); // first address of the top-most entry of this size
      u64 end = ~0ull - 0xfff;     // the last page of 2^64
      ASSERT_EQ((last + g.size(l)) & g.mask(l), 0u);
      EXPECT_EQ(g.addr_end(l, last, end), end) << level_name(l);
      EXPECT_EQ(g.addr_end(l, end, end + 0x800), end + 0x800) << level_name(l);
      // end 0 stands for 2^64: every boundary below the top is taken, the wrapping one is 0.
      EXPECT_EQ(g.addr_end(l, 0x1000, 0), g.size(l) > 0x1000 ? g.size(l) : 0x2000) << level_name(l);
      EXPECT_EQ(g.addr_end(l, last, 0), 0u) << level_name(l);
      // A boundary just below the top is still found.
      u64 below_top = last - g.size(l);
      EXPECT_EQ(g.addr_end(l, below_top + 0x1000, end), last) << level_name(l);
    }
  }
}

// The chunks of [start, end) at one level, as a walker steps through them.
std::vector<std::pair<u64, u64>> chunks(const Geometry& g, Level l, u64 start, u64 end) {
  std::vector<std::pair<u64, u64>> out;
  u64 addr = start;
  do {
    u64 next = g.addr_end(l, addr, end);
    out.emplace_back(addr, next);
    addr = next;
  } while (addr != end && out.size() < 100000);
  return out;
}

TEST(GeometryAddrEnd, ChunksPartitionTheRange) {
  struct R {
    const char* geom;
    u64 start, end;
  };
  const std::vector<R> ranges{
      {"x86_64", 0x1000, 0x2000},
      {"x86_64", 0x1ff000, 0x201000},                   // crosses a PMD boundary
      {"x86_64", 0x3fffff000, 0x400001000},             // crosses a PUD boundary
      {"x86_64", 0x7ffffffff000, 0x800000001000},       // crosses a PGD boundary
      {"x86_64", 0xffffffffffc01000, 0},                // up to 2^64
      {"x86_64-la57", 0x7ffffff000, 0x8000003000},      // crosses a P4D boundary
      {"x86_64-la57", 0xfffffffff000, 0x1000000002000}, // crosses a PGD boundary
      {"x86_64-la57", 0xffffffffffe00000, 0},
      {"tiny", 0x1000, 0x100000},
      {"tiny", 0x3000, 0x45000},
      {"tiny-la57", 0x3f000, 0x101000},
      {"tiny3", 0x7000, 0x209000},
  };
  for (const R& r : ranges) {
    Geometry g = named(r.geom);
    for (Level l : kAllLevels) {
      SCOPED_TRACE(std::string(r.geom) + " " + std::string(level_name(l)) + " " +
                   std::to_string(r.start) + ".." + std::to_string(r.end));
      auto cs = chunks(g, l, r.start, r.end);
      ASSERT_LT(cs.size(), 100000u);
      EXPECT_EQ(cs.front().first, r.start);
      EXPECT_EQ(cs.back().second, r.end);
      for (size_t i = 0; i < cs.size(); ++i) {
        auto [a, b] = cs[i];
        EXPECT_NE(a, b); // never empty
        if (i + 1 < cs.size()) {
          EXPECT_EQ(b, cs[i + 1].first);
        }
        if (l == Level::P4d && g.p4d_folded()) {
          EXPECT_EQ(cs.size(), 1u);
          continue;
        }
        // Inside one entry of the level: same entry index for the first and last byte.
        EXPECT_EQ(a >> g.shift(l), (b - 1) >> g.shift(l));
        // Every chunk but the last ends on a boundary; every chunk but the first starts on one.
        if (i + 1 < cs.size()) {
          EXPECT_EQ(b & ~g.mask(l), 0u);
        }
        if (i > 0) {
          EXPECT_EQ(a & ~g.mask(l), 0u);
        }
      }
    }
  }
}

} // namespace
} // namespace hmmspec
