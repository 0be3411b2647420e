// SPDX-License-Identifier: GPL-2.0-or-later
// The reference's trace of one call (model/trace.h) told for humans: what `hmmspec explain`
// prints for a scenario.
#pragma once

#include <string>

#include "model/outcome.h"
#include "model/scenario.h"
#include "model/trace.h"

namespace hmmspec {

// The explanation of one call, for humans: the walks with their events, the result, then one
// line per page (runs of alike pages folded) with its request, its output decoded
// (describe_output) and, per walk, the rules that fired.
std::string explain_text(const Scenario& s, const Outcome& o, const Trace& t);

} // namespace hmmspec
