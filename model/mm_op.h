// SPDX-License-Identifier: GPL-2.0-or-later
// TRUSTED: part of the specification. An mm operation of the process, as a value: what a
// sequence's operation line and a driver-point event (`during`) hold. What each does is
// model/mm_ops.h.
#pragma once

#include <cstdint>

namespace hmmspec {

using u64 = std::uint64_t;

enum class MmOpKind : std::uint8_t {
  Mprotect,        // mprotect(ADDR, LEN, PROT): M-MPROTECT
  Munmap,          // munmap(ADDR, LEN): M-MUNMAP
  MadviseDontneed, // madvise(ADDR, LEN, MADV_DONTNEED): M-MADVISE-DONTNEED
  Fork,            // fork(), the calls after it mirroring the parent: M-FORK
  MigrateToDevice, // migrate_vma_setup/pages/finalize to device memory: M-MIGRATE-TO-DEVICE
  MigrateToRam,    // the same from the device back to system memory: M-MIGRATE-TO-RAM
  Reclaim,         // madvise(ADDR, LEN, MADV_PAGEOUT): reclaim of the range now: M-RECLAIM
  ThpSplit,        // split_huge_pmd over the range's huge PMDs: M-THP-SPLIT
  ThpCollapse,     // khugepaged collapsing the range's PMD-sized blocks: M-THP-COLLAPSE
  Mmap,            // mmap(ADDR, LEN, PROT, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE): M-MMAP
  CpuRead,         // the process reads every page of the range: M-CPU-ACCESS
  CpuWrite,        // the process writes every page of the range: M-CPU-ACCESS
  ForkChild,       // fork(), the calls after it mirroring the child: M-FORK-CHILD
};
// The protections of mprotect: PROT_NONE, PROT_READ, PROT_READ|PROT_WRITE.
enum class Prot : std::uint8_t { None, Read, ReadWrite };

struct MmOp {
  MmOpKind kind = MmOpKind::Munmap;
  u64 start = 0;          // ADDR, page aligned (0 for Fork and ForkChild: no range)
  u64 end = 0;            // ADDR+LEN, page aligned, above start (0 for Fork, ForkChild)
  Prot prot = Prot::Read; // Mprotect and Mmap only
  u64 owner = 0;          // MigrateToDevice, MigrateToRam: the device's pgmap->owner (the
                          // scenario's dev_private_owner), not written on the operation's line
  bool operator==(const MmOp&) const = default;
};

} // namespace hmmspec
