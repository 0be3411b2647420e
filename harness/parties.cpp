// SPDX-License-Identifier: GPL-2.0-or-later
#include "harness/parties.h"

#include <algorithm>

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
  // The reference states every kernel version's rules (model/rules.h).
  parties.push_back(
      Party{{PartyKind::Reference, "reference", "",
             std::vector<KernelVersion>(kAllKernelVersions.begin(), kAllKernelVersions.end())},
            [](const World& w, const HmmRange& r, const RunOptions& o) {
              return reference_hmm_range_fault(w, r, o);
            }});
#ifdef HMMSPEC_HAVE_WALKER
  parties.push_back(Party{{PartyKind::Walker, "walker", ""},
                          [](const World& w, const HmmRange& r, const RunOptions& o) {
                            return walker_hmm_range_fault(w, r, o);
                          }});
#endif
#ifdef HMMSPEC_HAVE_KERNEL
  parties.push_back(Party{{PartyKind::Kernel, "kernel", ""},
                          [](const World& w, const HmmRange& r, const RunOptions& o) {
                            return kernel_hmm_range_fault(w, r, o);
                          }});
#endif
  return parties;
}

std::optional<Party> built_party(PartyKind kind) {
  for (Party& p : built_parties())
    if (p.id.kind == kind) return p;
  return std::nullopt;
}

std::optional<PartyId> parse_party(std::string_view name) {
  for (const Party& p : built_parties())
    if (p.id.name == name) return p.id;
  return std::nullopt;
}

std::vector<Party> ground_truth_first(std::vector<Party> parties) {
  auto rank = [](const Party& p) {
    switch (p.id.kind) {
    case PartyKind::Kernel:
      return 0;
    case PartyKind::Reference:
      return 1;
    case PartyKind::Walker:
      return 2;
    }
    return 3;
  };
  std::stable_sort(parties.begin(), parties.end(),
                   [&](const Party& a, const Party& b) { return rank(a) < rank(b); });
  return parties;
}

std::string party_names(const std::vector<Party>& parties) {
  std::string s;
  for (const Party& p : parties) s += (s.empty() ? "" : " ") + p.id.name;
  return s;
}

} // namespace hmmspec
