// SPDX-License-Identifier: GPL-2.0-or-later
// A made-up party for the harness's tests: the reference with its outcome changed.
#pragma once

#include <string>

#include "harness/party.h"
#include "model/reference.h"

namespace hmmspec {

// A party of `kind` that runs the reference and then applies `change` to its outcome.
inline Party stub(PartyKind kind, const std::string& name, void (*change)(Outcome&) = nullptr) {
  return Party{{kind, name, ""}, [change](const World& w, const HmmRange& r, const RunOptions& o) {
                 Outcome out = reference_hmm_range_fault(w, r, o);
                 if (change) change(out);
                 return out;
               }};
}

} // namespace hmmspec
