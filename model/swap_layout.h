// SPDX-License-Identifier: GPL-2.0-or-later
// TRUSTED: part of the specification. The reserved swap types of each kernel version, and how
// a pfn and a PTE marker sit in the swap offset. The word layout itself (type in bits 59-63,
// the inverted offset in 9-58) is the same in every version (model/x86_bits.h); what changes
// is which type means what, counted down from 31 as include/linux/swap.h defines them with
// every feature of the x86-64 configuration on (CONFIG_MIGRATION, CONFIG_DEVICE_PRIVATE,
// CONFIG_MEMORY_FAILURE, and in 6.1 CONFIG_PTE_MARKER, which PTE_MARKER_UFFD_WP selects:
// 6.1 mm/Kconfig:1138-1148 with HAVE_ARCH_USERFAULTFD_WP from 6.1 arch/x86/Kconfig:188).
//
//   type   v5.7 (swap.h:48-94 at v5.7)   6.1 (6.1 include/linux/swap.h:50-128)   6.12 (:50-120)
//   22     swap                           hwpoison                                swap
//   23     swap                           migration read                          hwpoison
//   24     swap                           migration read-exclusive                migration read
//   25     swap                           migration write                         mig. read-excl.
//   26     swap                           device-private write                    mig. write
//   27     hwpoison                       device-private read                     device write
//   28     migration read                 device-exclusive write                   device read
//   29     migration write                device-exclusive read                   excl. write
//   30     device-private write           PTE marker                              excl. read
//   31     device-private read            swapin error                            PTE marker
#pragma once

#include <cstdint>

#include "model/geometry.h"
#include "model/kernel_version.h"
#include "model/x86_bits.h"

namespace hmmspec {

// The reserved types of one version; kNoType where the version has no such type.
inline constexpr unsigned kNoType = 0xff;
struct SwapTypes {
  unsigned max_swapfiles; // types below it are real swap entries
  unsigned hwpoison;
  unsigned migration_read;
  unsigned migration_read_exclusive; // 6.x: an anonymous page exclusive to one process
  unsigned migration_write;
  unsigned device_write;
  unsigned device_read;
  unsigned exclusive_write; // 6.x device-exclusive entries (make_device_exclusive_range)
  unsigned exclusive_read;
  unsigned pte_marker;   // 6.x
  unsigned swapin_error; // 6.1 only (6.12 writes a poisoned PTE marker instead)
};

constexpr SwapTypes swap_types(KernelVersion v) {
  switch (v) {
  case KernelVersion::V5_7:
    return {27, 27, 28, kNoType, 29, 30, 31, kNoType, kNoType, kNoType, kNoType};
  case KernelVersion::V6_1:
    return {22, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31};
  case KernelVersion::V6_12:
    return {23, 23, 24, 25, 26, 27, 28, 29, 30, 31, kNoType};
  }
  return swap_types(KernelVersion::V5_7);
}

// PTE marker bits (6.1 include/linux/swapops.h:463-464; 6.12 include/linux/swapops.h:428-435):
// uffd-wp in both, poisoned only in 6.12 (where it replaces 6.1's swapin-error entries).
inline constexpr unsigned kMarkerUffdWp = 1u << 0;
inline constexpr unsigned kMarkerPoisoned = 1u << 1;
// PTE_MARKER_MASK: the bits pte_marker_get keeps (0 in v5.7, which has no markers).
constexpr unsigned pte_marker_mask(KernelVersion v) {
  switch (v) {
  case KernelVersion::V5_7:
    return 0;
  case KernelVersion::V6_1:
    return kMarkerUffdWp;
  case KernelVersion::V6_12:
    return kMarkerUffdWp | kMarkerPoisoned;
  }
  return 0;
}

// SWP_PFN_BITS (6.1 and 6.12 include/linux/swapops.h:35-42): a pfn swap entry (migration,
// device-private, device-exclusive, hwpoison) keeps its pfn in the low MAX_PHYSMEM_BITS -
// PAGE_SHIFT bits of the offset, and swp_offset_pfn masks the rest off. MAX_PHYSMEM_BITS is 46
// with 4-level and 52 with 5-level paging (6.1 arch/x86/include/asm/sparsemem.h:29). A migration
// entry may carry the page's young and dirty bits just above the pfn (swapops.h:44-67) when
// migration_entry_supports_ad(), which swapfile_init decides at boot from the largest swap
// offset the CPU allows (6.1 mm/swapfile.c:3717-3718; x86 limits it under the L1TF mitigation,
// 6.1 arch/x86/mm/init.c:1092-1111). v5.7 reads the whole offset as the pfn.
constexpr unsigned swp_pfn_bits(const Geometry& g) {
  if (!has_v6_api(g.kernel)) return x86::SWP_OFFSET_BITS;
  return (g.levels == 5 ? 52u : 46u) - g.page_shift;
}
constexpr u64 swp_pfn_mask(const Geometry& g) {
  return (1ull << swp_pfn_bits(g)) - 1;
}

} // namespace hmmspec
