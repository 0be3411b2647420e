// SPDX-License-Identifier: GPL-2.0-or-later
// Whether a world's page tables form a tree. The race events of model/race.h are specified for
// such worlds only (docs/spec.md, section 6a: the reference looks every page up afresh from the
// root, the kernel's walker goes on through the pointers it holds), and corrupt tables break
// statements about what a call leaves behind (a fault through one pointer rewrites what another
// one shows; the walker clears a bad PGD/P4D entry in a gap that a hugetlb walk read earlier).
#pragma once

#include "model/world.h"

namespace hmmspec {

// No bad entry above the PTEs (outside hugetlb slots), and every table reached through one
// pointer only.
bool tables_form_a_tree(const World& w);
// Every table reached through one pointer only (bad entries allowed): following table and bad
// words from the root, no table is reached twice.
bool tables_unaliased(const World& w);

} // namespace hmmspec
