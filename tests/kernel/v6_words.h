// SPDX-License-Identifier: GPL-2.0-or-later
// Page-table words of the 6.1 and 6.12 kernels, written by hand for the 6.x shim tests (the
// model's encoder writes v5.7 words): the x86 bits, the swap-type numbers of each version
// (6.1 include/linux/swap.h:50-128, 6.12 :50-120) and the 6.x HMM output bits
// (6.1 include/linux/hmm.h:34-46). Each test executable is built for one family
// (HMMSPEC_KERNEL_FAMILY), and a world of that family's version (World::geom.kernel) with
// tables made by the model and words stored raw.
#pragma once

#include "model/world.h"
#include "tests/kernel/world_fixture.h"

namespace hmmspec::v6 {

#if HMMSPEC_KERNEL_FAMILY == 601
inline constexpr KernelVersion kVersion = KernelVersion::V6_1;
inline constexpr unsigned kMaxSwapfiles = 22;
#elif HMMSPEC_KERNEL_FAMILY == 612
inline constexpr KernelVersion kVersion = KernelVersion::V6_12;
inline constexpr unsigned kMaxSwapfiles = 23;
#else
#error "tests/kernel/v6_*.cpp are for the 6.1 and 6.12 families"
#endif
inline constexpr bool k612 = kVersion == KernelVersion::V6_12;

// The reserved swap types, counting up from MAX_SWAPFILES.
inline constexpr unsigned kHwpoison = kMaxSwapfiles;
inline constexpr unsigned kMigrationRead = kMaxSwapfiles + 1;
inline constexpr unsigned kMigrationReadExclusive = kMaxSwapfiles + 2;
inline constexpr unsigned kMigrationWrite = kMaxSwapfiles + 3;
inline constexpr unsigned kDeviceWrite = kMaxSwapfiles + 4;
inline constexpr unsigned kDeviceRead = kMaxSwapfiles + 5;
inline constexpr unsigned kExclusiveWrite = kMaxSwapfiles + 6;
inline constexpr unsigned kExclusiveRead = kMaxSwapfiles + 7;
inline constexpr unsigned kMarker = kMaxSwapfiles + 8; // 30 in 6.1, 31 in 6.12
inline constexpr unsigned kSwapinError = 31;           // 6.1 only

// x86 bits (arch/x86/include/asm/pgtable_types.h)
inline constexpr u64 P = 1ull << 0, RW = 1ull << 1, U = 1ull << 2, PWT = 1ull << 3;
inline constexpr u64 A = 1ull << 5, D = 1ull << 6, PSE = 1ull << 7, G = 1ull << 8;
inline constexpr u64 SPECIAL = 1ull << 9, NX = 1ull << 63;
inline constexpr u64 DEVMAP = k612 ? 1ull << 57 : 1ull << 58;
inline constexpr u64 TABLE = P | RW | U | A | D;

// The 6.x hmm_pfns[] bits: VALID 63, WRITE 62, ERROR 61, the map order from bit 56.
inline constexpr u64 VALID = 1ull << 63, WRITE = 1ull << 62, ERROR = 1ull << 61;
inline constexpr u64 order(unsigned o) {
  return u64(o) << 56;
}

// A present leaf mapping pfn (4 KiB pages): user, accessed, dirty, writable if asked.
inline constexpr u64 present(u64 pfn, bool write = false, u64 extra = 0) {
  return (pfn << 12) | P | U | A | D | (write ? RW : 0) | extra;
}
// __swp_entry (arch/x86/include/asm/pgtable_64.h): the type in bits 59-63, the offset inverted
// in bits 9-58; `flags` in bits 0-8 (soft-dirty 1, uffd-wp 2, exclusive 3) are ignored on
// decoding.
inline constexpr u64 swap(unsigned type, u64 offset, u64 flags = 0) {
  return ((~offset << 14) >> 5) | (u64(type) << 59) | flags;
}

// A world of this family's version (tiny geometry unless named), filled by hand.
class Fixture : public WorldFixture {
protected:
  explicit Fixture(const char* geometry = "tiny") : WorldFixture(geometry) {
    world.geom.kernel = kVersion;
  }
  // Stores a raw word at (level, addr), creating the tables above it.
  u64* store(Level l, u64 addr, u64 word) {
    u64* slot = world.ensure_slot(l, addr);
    EXPECT_NE(slot, nullptr);
    if (slot) *slot = word;
    return slot;
  }
};

} // namespace hmmspec::v6
