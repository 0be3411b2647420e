// SPDX-License-Identifier: GPL-2.0-or-later
// The words of each kernel version (model/swap_layout.h, model/entry.h): the reserved swap
// types of 6.1 include/linux/swap.h:50-128 and 6.12 include/linux/swap.h:50-120, the pfn field
// of 6.x pfn swap entries (SWP_PFN_BITS, 6.1 include/linux/swapops.h:35-42), PTE markers
// (6.1 swapops.h:461-480, 6.12 swapops.h:426-470), and the kinds a version cannot hold. The
// type numbers are written out here as literals, counted from the kernel's definitions.
#include <gtest/gtest.h>

#include <string>

#include "model/entry.h"
#include "model/swap_layout.h"

namespace hmmspec {
namespace {

using namespace x86;

Geometry geom(KernelVersion k, const char* name = "x86_64") {
  Geometry g = *builtin_geometry(name);
  g.kernel = k;
  return g;
}

constexpr KernelVersion V57 = KernelVersion::V5_7, V61 = KernelVersion::V6_1,
                        V612 = KernelVersion::V6_12;

Entry cls(KernelVersion k, u64 word, Level l = Level::Pte) {
  return classify(geom(k), l, word, 0x100);
}

// The swap word of (type, offset): type in 59..63, the inverted offset in 9..58.
constexpr u64 swap_word_of(u64 type, u64 offset) {
  return (type << 59) | ((~offset & ((1ull << 50) - 1)) << 9);
}

TEST(EntryVersions, ReservedTypesCountDownFrom31) {
  SwapTypes t = swap_types(V57);
  EXPECT_EQ(t.max_swapfiles, 27u);
  EXPECT_EQ(t.hwpoison, 27u);
  EXPECT_EQ(t.migration_read, 28u);
  EXPECT_EQ(t.migration_write, 29u);
  EXPECT_EQ(t.device_write, 30u);
  EXPECT_EQ(t.device_read, 31u);
  EXPECT_EQ(t.exclusive_write, kNoType);
  EXPECT_EQ(t.pte_marker, kNoType);
  // 6.1: 32 - 4 device - 3 migration - 1 hwpoison - 1 marker - 1 swapin error = 22.
  t = swap_types(V61);
  EXPECT_EQ(t.max_swapfiles, 22u);
  EXPECT_EQ(t.hwpoison, 22u);
  EXPECT_EQ(t.migration_read, 23u);
  EXPECT_EQ(t.migration_read_exclusive, 24u);
  EXPECT_EQ(t.migration_write, 25u);
  EXPECT_EQ(t.device_write, 26u);
  EXPECT_EQ(t.device_read, 27u);
  EXPECT_EQ(t.exclusive_write, 28u);
  EXPECT_EQ(t.exclusive_read, 29u);
  EXPECT_EQ(t.pte_marker, 30u);
  EXPECT_EQ(t.swapin_error, 31u);
  // 6.12: no swapin-error type, so everything moves up by one.
  t = swap_types(V612);
  EXPECT_EQ(t.max_swapfiles, 23u);
  EXPECT_EQ(t.hwpoison, 23u);
  EXPECT_EQ(t.migration_read, 24u);
  EXPECT_EQ(t.migration_read_exclusive, 25u);
  EXPECT_EQ(t.migration_write, 26u);
  EXPECT_EQ(t.device_write, 27u);
  EXPECT_EQ(t.device_read, 28u);
  EXPECT_EQ(t.exclusive_write, 29u);
  EXPECT_EQ(t.exclusive_read, 30u);
  EXPECT_EQ(t.pte_marker, 31u);
  EXPECT_EQ(t.swapin_error, kNoType);
}

TEST(EntryVersions, OneWordReadsDifferentlyPerVersion) {
  // Type 22: a swap file in v5.7 and 6.12, hwpoison in 6.1.
  u64 w = swap_word_of(22, 0x55);
  EXPECT_EQ(cls(V57, w).kind, Kind::Swap);
  EXPECT_EQ(cls(V57, w).swap_type, 22u);
  EXPECT_EQ(cls(V61, w).kind, Kind::Hwpoison);
  EXPECT_EQ(cls(V61, w).pfn, 0x55u);
  EXPECT_EQ(cls(V612, w).kind, Kind::Swap);
  // Type 28: migration read in v5.7, device-exclusive write in 6.1, device read in 6.12.
  w = swap_word_of(28, 0x77);
  EXPECT_EQ(cls(V57, w).kind, Kind::Migration);
  EXPECT_FALSE(cls(V57, w).write);
  EXPECT_EQ(cls(V61, w).kind, Kind::Exclusive);
  EXPECT_TRUE(cls(V61, w).write);
  EXPECT_EQ(cls(V612, w).kind, Kind::Device);
  EXPECT_FALSE(cls(V612, w).write);
  // Type 31: device read in v5.7, swapin error in 6.1, PTE marker in 6.12.
  w = swap_word_of(31, 1);
  EXPECT_EQ(cls(V57, w).kind, Kind::Device);
  EXPECT_EQ(cls(V61, w).kind, Kind::SwapinError);
  EXPECT_EQ(cls(V61, w).pfn, 1u);
  EXPECT_EQ(cls(V612, w).kind, Kind::Marker);
  EXPECT_EQ(cls(V612, w).marker, kMarkerUffdWp);
  // The read-exclusive migration types.
  EXPECT_TRUE(cls(V61, swap_word_of(24, 9)).exclusive);
  EXPECT_EQ(cls(V61, swap_word_of(24, 9)).kind, Kind::Migration);
  EXPECT_TRUE(cls(V612, swap_word_of(25, 9)).exclusive);
  EXPECT_FALSE(cls(V612, swap_word_of(26, 9)).exclusive);
  EXPECT_TRUE(cls(V612, swap_word_of(26, 9)).write);
  // At a PMD the same numbering applies (a non-present PMD is a swap-type word).
  EXPECT_EQ(cls(V61, swap_word_of(23, 0x200), Level::Pmd).kind, Kind::Migration);
  EXPECT_EQ(cls(V57, swap_word_of(23, 0x200), Level::Pmd).kind, Kind::Swap);
}

TEST(EntryVersions, EveryKindRoundTripsInTheVersionsThatHoldIt) {
  struct C {
    KernelVersion k;
    Entry e;
    u64 type;
    u64 offset;
  };
  const C cases[] = {
      {V61, Entry{.kind = Kind::Exclusive, .pfn = 0x42, .write = true}, 28, 0x42},
      {V61, Entry{.kind = Kind::Exclusive, .pfn = 0x42}, 29, 0x42},
      {V612, Entry{.kind = Kind::Exclusive, .pfn = 0x42, .write = true}, 29, 0x42},
      {V612, Entry{.kind = Kind::Exclusive, .pfn = 0x42}, 30, 0x42},
      {V61, Entry{.kind = Kind::Marker, .marker = kMarkerUffdWp}, 30, 1},
      {V612, Entry{.kind = Kind::Marker, .marker = kMarkerUffdWp}, 31, 1},
      {V612, Entry{.kind = Kind::Marker, .marker = kMarkerPoisoned}, 31, 2},
      {V612, Entry{.kind = Kind::Marker, .marker = kMarkerPoisoned | kMarkerUffdWp}, 31, 3},
      {V61, Entry{.kind = Kind::SwapinError, .pfn = 0x99}, 31, 0x99},
      {V61, Entry{.kind = Kind::Migration, .pfn = 0x5, .exclusive = true}, 24, 5},
      {V612, Entry{.kind = Kind::Migration, .pfn = 0x5, .exclusive = true}, 25, 5},
      {V61, Entry{.kind = Kind::Migration, .pfn = 0x5, .write = true}, 25, 5},
      {V61, Entry{.kind = Kind::Device, .pfn = 0x5, .write = true}, 26, 5},
      {V612, Entry{.kind = Kind::Device, .pfn = 0x5}, 28, 5},
      {V61, Entry{.kind = Kind::Hwpoison, .pfn = 0x5}, 22, 5},
      {V612, Entry{.kind = Kind::Hwpoison, .pfn = 0x5}, 23, 5},
      {V61, Entry{.kind = Kind::Swap, .swap_type = 21, .offset = 0x1234}, 21, 0x1234},
      {V612, Entry{.kind = Kind::Swap, .swap_type = 22, .offset = 0x1234}, 22, 0x1234},
  };
  for (const C& c : cases) {
    SCOPED_TRACE(std::string(version_name(c.k)) + " " + describe(c.e));
    Encoded enc = encode(geom(c.k), Level::Pte, c.e);
    ASSERT_FALSE(enc.error) << *enc.error;
    EXPECT_EQ(enc.word, swap_word_of(c.type, c.offset));
    Entry back = cls(c.k, enc.word);
    back.word = 0;
    EXPECT_EQ(back, c.e);
  }
}

TEST(EntryVersions, KindsAVersionCannotHoldAreEncodeErrors) {
  auto err = [](KernelVersion k, Level l, const Entry& e, Context ctx = Context::Normal) {
    Encoded enc = encode(geom(k), l, e, ctx);
    EXPECT_TRUE(enc.error) << version_name(k) << " " << describe(e);
    return enc.error.value_or("");
  };
  EXPECT_EQ(err(V57, Level::Pte, Entry{.kind = Kind::Exclusive, .pfn = 1}),
            "device-exclusive entries do not exist in v5.7");
  EXPECT_EQ(err(V57, Level::Pte, Entry{.kind = Kind::Marker, .marker = kMarkerUffdWp}),
            "PTE markers do not exist in v5.7");
  EXPECT_EQ(err(V57, Level::Pte, Entry{.kind = Kind::Migration, .pfn = 1, .exclusive = true}),
            "read-exclusive migration entries do not exist in v5.7");
  EXPECT_NE(err(V612, Level::Pte, Entry{.kind = Kind::SwapinError}).find("only in 6.1"),
            std::string::npos);
  EXPECT_NE(err(V61, Level::Pte, Entry{.kind = Kind::Marker, .marker = kMarkerPoisoned})
                .find("only in 6.12"),
            std::string::npos);
  EXPECT_NE(err(V61, Level::Pte, Entry{.kind = Kind::Marker}).find("needs uffd-wp"),
            std::string::npos);
  EXPECT_NE(err(V61, Level::Pte, Entry{.kind = Kind::Swap, .swap_type = 22}).find("below 22"),
            std::string::npos);
  EXPECT_NE(err(V61, Level::Pte,
                Entry{.kind = Kind::Migration, .pfn = 1, .write = true, .exclusive = true})
                .find("not both"),
            std::string::npos);
  // Levels: device-exclusive and swapin-error entries only in PTEs; markers in PTEs and
  // hugetlb slots.
  EXPECT_NE(err(V61, Level::Pmd, Entry{.kind = Kind::Exclusive, .pfn = 0x200}).find("only in PTEs"),
            std::string::npos);
  err(V61, Level::Pmd, Entry{.kind = Kind::Exclusive, .pfn = 0x200}, Context::HugetlbSlot);
  err(V61, Level::Pmd, Entry{.kind = Kind::SwapinError}, Context::Normal);
  err(V61, Level::Pmd, Entry{.kind = Kind::Marker, .marker = kMarkerUffdWp});
  EXPECT_FALSE(encode(geom(V61), Level::Pmd, Entry{.kind = Kind::Marker, .marker = kMarkerUffdWp},
                      Context::HugetlbSlot)
                   .error);
}

TEST(EntryVersions, PfnSwapEntriesKeepThePfnBelowSwpPfnBits) {
  // 4-level: MAX_PHYSMEM_BITS 46 - PAGE_SHIFT 12 = 34 bits; 5-level: 52 - 12 = 40.
  EXPECT_EQ(swp_pfn_bits(geom(V61)), 34u);
  EXPECT_EQ(swp_pfn_bits(geom(V612, "x86_64-la57")), 40u);
  EXPECT_EQ(swp_pfn_bits(geom(V57)), 50u);
  const u64 top = (1ull << 34) - 1;
  EXPECT_FALSE(encode(geom(V61), Level::Pte, Entry{.kind = Kind::Device, .pfn = top}).error);
  EXPECT_TRUE(encode(geom(V61), Level::Pte, Entry{.kind = Kind::Device, .pfn = top + 1}).error);
  EXPECT_FALSE(
      encode(geom(V61, "x86_64-la57"), Level::Pte, Entry{.kind = Kind::Device, .pfn = top + 1})
          .error);
  EXPECT_FALSE(encode(geom(V57), Level::Pte, Entry{.kind = Kind::Device, .pfn = top + 1}).error);
  // A migration entry's young and dirty bits sit just above the pfn (SWP_MIG_YOUNG_BIT =
  // SWP_PFN_BITS): swp_offset_pfn leaves them out, v5.7 reads the whole offset.
  const u64 young = 1ull << 34;
  u64 w = swap_word_of(23, young | 0x42); // 6.1 migration read
  EXPECT_EQ(cls(V61, w).kind, Kind::Migration);
  EXPECT_EQ(cls(V61, w).pfn, 0x42u);
  EXPECT_EQ(cls(V57, swap_word_of(28, young | 0x42)).pfn, young | 0x42); // v5.7 migration read
  Entry e = cls(V61, w);
  EXPECT_NE(encode(geom(V61), Level::Pte, e).word, w) << "the bits above the pfn are not logical";
  // The swapin-error offset is not a pfn swap entry's: it is kept whole.
  EXPECT_EQ(cls(V61, swap_word_of(31, young | 3)).pfn, young | 3);
}

TEST(EntryVersions, MarkerBitsAreWhatPteMarkerGetKeeps) {
  // 6.1 PTE_MARKER_MASK is uffd-wp only; 6.12 adds poisoned.
  EXPECT_EQ(pte_marker_mask(V57), 0u);
  EXPECT_EQ(pte_marker_mask(V61), 1u);
  EXPECT_EQ(pte_marker_mask(V612), 3u);
  EXPECT_EQ(cls(V61, swap_word_of(30, 2)).marker, 0u);
  EXPECT_EQ(cls(V61, swap_word_of(30, 3)).marker, kMarkerUffdWp);
  EXPECT_EQ(cls(V612, swap_word_of(31, 0x6)).marker, kMarkerPoisoned);
  EXPECT_EQ(describe(cls(V612, swap_word_of(31, 3))), "marker uffd-wp poisoned");
  EXPECT_EQ(describe(cls(V61, swap_word_of(30, 0))), "marker empty");
  EXPECT_EQ(describe(Entry{.kind = Kind::Migration, .pfn = 5, .exclusive = true}),
            "migration pfn=0x5 exclusive");
  EXPECT_EQ(describe(Entry{.kind = Kind::Exclusive, .pfn = 5, .write = true}),
            "exclusive pfn=0x5 write");
  EXPECT_EQ(describe(Entry{.kind = Kind::SwapinError, .pfn = 5}), "swapin-error pfn=0x5");
}

TEST(EntryVersions, V5_7WordsNeverClassifyAs6xKinds) {
  for (u64 type = 0; type < 32; ++type)
    for (u64 off : {0ull, 1ull, 0x42ull, (1ull << 50) - 1}) {
      Entry e = cls(V57, swap_word_of(type, off));
      EXPECT_NE(e.kind, Kind::Exclusive);
      EXPECT_NE(e.kind, Kind::Marker);
      EXPECT_NE(e.kind, Kind::SwapinError);
      EXPECT_FALSE(e.exclusive);
    }
}

TEST(EntryVersions, NewKindNamesRoundTrip) {
  for (Kind k : {Kind::Exclusive, Kind::Marker, Kind::SwapinError})
    EXPECT_EQ(kind_from_name(kind_name(k)), k);
  EXPECT_EQ(kind_name(Kind::SwapinError), "swapin-error");
}

} // namespace
} // namespace hmmspec
