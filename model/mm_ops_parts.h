// SPDX-License-Identifier: GPL-2.0-or-later
// TRUSTED: part of the specification. The mm operations kept in their own files, called by
// model/mm_ops.cpp (mm_op_unsupported, apply_mm_op), which has checked nothing for them.
#pragma once

#include <optional>
#include <string>

#include "model/mm_ops.h"

namespace hmmspec {

// M-FORK and M-FORK-CHILD (model/mm_fork.cpp).
std::optional<std::string> fork_unsupported(const World& w);
void apply_fork(World& w);
std::optional<std::string> fork_child_unsupported(const World& w);
void apply_fork_child(World& w);

// M-MIGRATE-TO-DEVICE and M-MIGRATE-TO-RAM (model/mm_migrate.cpp).
std::optional<std::string> migrate_unsupported(const World& w, const MmOp& op);
void apply_migrate(World& w, const MmOp& op);

// M-RECLAIM (model/mm_reclaim.cpp).
std::optional<std::string> reclaim_unsupported(const World& w, const MmOp& op);
void apply_reclaim(World& w, const MmOp& op);

// M-THP-SPLIT (model/mm_thp.cpp).
std::optional<std::string> thp_split_unsupported(const World& w, const MmOp& op);
void apply_thp_split(World& w, const MmOp& op);

// M-THP-COLLAPSE (model/mm_thp.cpp); with `tables` false, the checks of the VMAs only.
std::optional<std::string> thp_collapse_unsupported(const World& w, const MmOp& op,
                                                    bool tables = true);
void apply_thp_collapse(World& w, const MmOp& op);

// M-MMAP and M-CPU-ACCESS (model/mm_cpu.cpp). cpu_access makes the accesses and says why the
// process would not get past one (the world is then part-way); cpu_access_unsupported tries
// them on a copy.
std::optional<std::string> mmap_unsupported(const World& w, const MmOp& op);
void apply_mmap(World& w, const MmOp& op);
std::optional<std::string> cpu_access(World& w, const MmOp& op);
std::optional<std::string> cpu_access_unsupported(const World& w, const MmOp& op);

} // namespace hmmspec
