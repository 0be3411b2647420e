// SPDX-License-Identifier: GPL-2.0-or-later
// The return value of a call that makes no fault and waits for no migration, stated from the
// rules for `last` (hmm.c:575-597; docs/spec.md, R-RESTART, R-RETURN): the notifier check and
// -EINVAL first, then one walk over the VMAs and gaps in which every chunk either fills outputs
// (moving `last` to the chunk's end, or to a hole's start, or leaving it) or fails with -EFAULT.
// When the walk would need a fault or a migration wait somewhere, the answer says so instead.
//
// This is a second statement of the `last` rule, independent of the parties: the property
// "the return value equals the spec's `last` rule" compares each party's return with it.
#pragma once

#include <string>

#include "model/range.h"
#include "model/world.h"

namespace hmmspec::props {

struct LastRule {
  bool fault_free = true; // false: the call needs a fault or a wait at `where`
  long ret = 0;           // the return value when fault_free
  u64 where = 0;
  std::string why; // which rule decided (for messages)
};

LastRule fault_free_return(const World& w, const HmmRange& r);

} // namespace hmmspec::props
