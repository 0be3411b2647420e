// SPDX-License-Identifier: GPL-2.0-or-later
// TRUSTED: part of the specification. The mm operations a process makes between two
// hmm_range_fault calls of a scenario (docs/scenario-format.md, "Sequences of calls"):
// mprotect, munmap, madvise(MADV_DONTNEED), fork, a driver's migrations of pages to its
// device and back, reclaim (MADV_PAGEOUT), THP splits and collapses, mmap of a new anonymous
// range and the CPU's reads and writes, applied to the world the
// previous call left, as the v5.7 kernel changes the VMAs and the page tables (docs/spec.md,
// section 12). They are implemented once, here and in model/mm_fork.cpp, mm_migrate.cpp,
// mm_reclaim.cpp, mm_thp.cpp and mm_cpu.cpp: every party is given the world they leave
// (harness/check.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/mm_op.h"
#include "model/world.h"

namespace hmmspec {

// "mprotect", "munmap", "madvise-dontneed", "fork", "migrate-to-device", "migrate-to-ram",
// "reclaim", "thp-split", "thp-collapse", "mmap", "cpu-read", "cpu-write", "fork-child"
std::string_view mm_op_name(MmOpKind k);
std::optional<MmOpKind> mm_op_from_name(std::string_view s);
std::string mm_op_names(); // all of them, for a message: "mprotect, munmap, ... or thp-split"
std::string_view prot_name(Prot p); // "none", "r", "rw"
std::optional<Prot> prot_from_name(std::string_view s);
// Whether the operation's line has ADDR+LEN (all but fork and fork-child).
bool mm_op_has_range(MmOpKind k);
// Whether it has a PROT after ADDR+LEN (mprotect, mmap).
bool mm_op_has_prot(MmOpKind k);
// The line that writes it: "mprotect 0x10000+0x2000 r", "fork".
std::string describe(const MmOp& op);

// Why the model cannot apply `op` to `w` (nothing when it can): the kernel would fail the
// operation (mprotect or madvise over a hole: -ENOMEM; madvise on a VM_PFNMAP VMA: -EINVAL),
// the operation changes nothing (a munmap that meets no VMA), or it touches what this model
// leaves out (hugetlb and VM_HUGEPAGE VMAs, huge or bad upper entries, mprotect(rw) of a
// shared VMA, whose PTEs depend on dirty accounting; for fork and the migrations, the cases
// docs/spec.md section 12 lists under M-FORK, M-MIGRATE-TO-DEVICE, M-MIGRATE-TO-RAM and
// M-RECLAIM).
std::optional<std::string> mm_op_unsupported(const World& w, const MmOp& op);

// Applies `op` to `w` (the M-... rules of docs/spec.md section 12), with the
// invalidations the kernel makes; returns mm_op_unsupported's reason, with `w` unchanged,
// when it cannot.
std::optional<std::string> apply_mm_op(World& w, const MmOp& op);

// What the scenario parser reports for an operation line, trying it on the world the lines
// before it leave (without the calls' faults): apply_mm_op's refusal, but for thp-collapse
// only its checks of the VMAs. What it collapses are pages the calls before it fault in, so
// its checks of the page tables wait for the run (a refusal there fails the run at its line).
std::optional<std::string> apply_mm_op_line(World& w, const MmOp& op);

// The same for a driver event (`during`, D-EVENT), which may be any operation but fork-child:
// the loop is the parent's.
std::optional<std::string> apply_mm_op_event(World& w, const MmOp& op);

} // namespace hmmspec
