// SPDX-License-Identifier: GPL-2.0-or-later
// TRUSTED: part of the specification. The mm operations kept in their own files, called by
// model/mm_ops.cpp (mm_op_unsupported, apply_mm_op), which has checked nothing for them.
#pragma once

#include <optional>
#include <string>

#include "model/mm_ops.h"

namespace hmmspec {

// M-FORK (model/mm_fork.cpp).
std::optional<std::string> fork_unsupported(const World& w);
void apply_fork(World& w);

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

} // namespace hmmspec
