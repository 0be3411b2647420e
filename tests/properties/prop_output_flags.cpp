// SPDX-License-Identifier: GPL-2.0-or-later
// Property: whenever the driver's flags[VALID] and flags[WRITE] are two different single
// bits, every pfn output carries V, and W only together with V (hmm.c:46-50 ORs VALID into
// every pfn output; the CPU flags are 0, V or V|W). Outputs equal to one of values[] are
// sentinels, not pfn outputs. An entry is an output when the call succeeded (every entry is
// then written) or when it differs from the request it held.
#include "harness/parties.h"
#include "tests/properties/generators.h"
#include "tests/properties/props_support.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace hmmspec::props {
namespace {

void pfn_outputs_carry_valid(const WorldDesc& d) {
  const Scenario s = build_scenario(d);
  const HmmRange& r = s.range;
  RC_PRE(distinct_single_bits(r));
  const u64 V = r.flags[HMM_PFN_VALID], W = r.flags[HMM_PFN_WRITE];
  for (const Party& p : built_parties()) {
    const Outcome o = run_party(p, s);
    const bool success = !o.livelock && o.ret >= 0;
    for (std::size_t i = 0; i < o.pfns.size(); ++i) {
      const u64 out = o.pfns[i];
      if ((!success && out == r.pfns[i]) || is_sentinel(r, out)) continue;
      if ((out & V) && (!(out & W) || (out & V))) continue;
      RC_LOG() << outcome_text(p.id.name, r, o);
      RC_FAIL(fmt::format("{}: pfns[{}] = {:#x} is a pfn output without V (V={:#x} W={:#x})",
                          p.id.name, i, out, V, W));
    }
  }
}

} // namespace

TEST(Property, PfnOutputsCarryValid) {
  rc::detail::checkGTest(&pfn_outputs_carry_valid);
}

} // namespace hmmspec::props
