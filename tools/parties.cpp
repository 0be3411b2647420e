// SPDX-License-Identifier: GPL-2.0-or-later
#include "tools/parties.h"

#include "model/reference.h"
#ifdef HMMSPEC_HAVE_WALKER
#include "impl/walker.h"
#endif
#ifdef HMMSPEC_HAVE_KERNEL
#include "kernel/kernel_party.h"
#endif

namespace hmmspec {

std::vector<Party> built_parties() {
  std::vector<Party> parties;
  parties.push_back(Party{"reference", [](const World& w, const HmmRange& r, const RunOptions& o) {
                            return reference_hmm_range_fault(w, r, o);
                          }});
#ifdef HMMSPEC_HAVE_WALKER
  parties.push_back(Party{"walker", [](const World& w, const HmmRange& r, const RunOptions& o) {
                            return walker_hmm_range_fault(w, r, o);
                          }});
#endif
#ifdef HMMSPEC_HAVE_KERNEL
  parties.push_back(Party{"kernel", [](const World& w, const HmmRange& r, const RunOptions& o) {
                            return kernel_hmm_range_fault(w, r, o);
                          }});
#endif
  return parties;
}

} // namespace hmmspec
