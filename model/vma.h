// SPDX-License-Identifier: GPL-2.0-or-later
// TRUSTED: part of the specification. Virtual memory areas and find_vma (mm/mmap.c).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/x86_bits.h"

namespace hmmspec {

// vm_flags bits with their kernel values (include/linux/mm.h, v5.7).
namespace vm {
inline constexpr u64 READ = 0x1;
inline constexpr u64 WRITE = 0x2;
inline constexpr u64 EXEC = 0x4;
inline constexpr u64 SHARED = 0x8;
inline constexpr u64 PFNMAP = 0x400;
inline constexpr u64 IO = 0x4000;
inline constexpr u64 HUGETLB = 0x400000;
inline constexpr u64 MIXEDMAP = 0x10000000;
inline constexpr u64 HUGEPAGE = 0x20000000; // MADV_HUGEPAGE: the fault model may allocate THPs
} // namespace vm

struct Vma {
  u64 start = 0;         // vm_start, inclusive
  u64 end = 0;           // vm_end, exclusive
  u64 flags = vm::READ;  // vm_flags
  bool anonymous = true; // anonymous memory, or file-backed (page cache)
  u64 hugetlb_size = 0;  // huge page size when flags has HUGETLB, else 0

  bool hugetlb() const { return flags & vm::HUGETLB; }
  bool operator==(const Vma&) const = default;
};

// The VMAs of one mm, sorted by address and never overlapping.
class VmaList {
public:
  // Inserts a VMA; returns an error message if it is empty, unaligned or overlaps another.
  std::optional<std::string> insert(const Vma& v, u64 page_size);
  // find_vma: the first VMA with vm_end > addr (it may start above addr), or nothing.
  const Vma* find_vma(u64 addr) const;
  // The VMA containing addr, or nothing.
  const Vma* containing(u64 addr) const;
  const std::vector<Vma>& all() const { return vmas_; }
  // split_vma (mm/mmap.c:2665-2740 at v5.7): the VMA containing addr strictly inside it
  // becomes two, [start, addr) and [addr, end), with the same flags; otherwise nothing.
  void split_at(u64 addr);
  // Removes every VMA inside [start, end) after splitting at both ends (detach_vmas_to_be_
  // unmapped, mm/mmap.c:2624 at v5.7).
  void erase(u64 start, u64 end);
  // Sets the READ, WRITE and EXEC bits of every VMA inside [start, end) to `rwx`, after
  // splitting at both ends the VMAs whose flags change (mprotect_fixup, mm/mprotect.c:467-480 at
  // v5.7). vma_merge is not modelled: the pieces stay separate VMAs.
  void set_protection(u64 start, u64 end, u64 rwx);
  bool operator==(const VmaList&) const = default;

private:
  std::vector<Vma> vmas_;
};

} // namespace hmmspec
