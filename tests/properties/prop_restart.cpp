// SPDX-License-Identifier: GPL-2.0-or-later
// Property: the restart invariant (docs/spec.md, R-RESTART; hmm.c:586-593). Whenever a walk attempt
// ends in -EBUSY, every entry below `last` holds its output and every entry at or above `last`
// still holds the caller's request, so the next attempt, which starts at `last`, reads requests.
//
// Two forms:
//   - the reference, driven walk by walk through model/ref_walk.h (reference_walk with a
//     RefCall, as reference_hmm_range_fault does): at every -EBUSY, with `last` known, the
//     entries below it equal the call's final outputs (nothing rewrites them) and the entries
//     at or above it equal the requests; `last` never decreases and stays in [start, end];
//   - every party, seen from outside: a run cut off after k walk attempts (restart budget k,
//     for each k below the number of attempts the full run makes) leaves pfns[] as a prefix of
//     the full run's outputs followed by a suffix of the requests.
#include "harness/parties.h"
#include "model/ref_walk.h"
#include "model/reference.h"
#include "tests/properties/generators.h"
#include "tests/properties/props_support.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace hmmspec::props {
namespace {

// pfns[] after a walk attempt that ended in -EBUSY, and `last` then.
struct Busy {
  unsigned walk = 0;
  u64 last = 0;
  std::vector<u64> pfns;
};

// hmm_range_fault's loop (hmm.c:586-593) over reference_walk, recording every -EBUSY.
std::vector<Busy> reference_restarts(const Scenario& s, std::vector<u64>& pfns) {
  World w = s.world;
  pfns = s.range.pfns;
  std::vector<KernelReport> reports;
  RefCall call{w, s.range, pfns, reports, s.range.start, 0, nullptr};
  std::vector<Busy> busy;
  for (unsigned walk = 1; walk <= s.options.restart_budget; ++walk) {
    if (w.notifier.seq != s.range.notifier_seq) break;
    call.walk = walk;
    if (reference_walk(call) != -err::kEBUSY) break;
    busy.push_back(Busy{walk, call.last, pfns});
  }
  return busy;
}

// The strong form on the reference: `last` known at every -EBUSY.
void check_reference(const Scenario& s) {
  const HmmRange& r = s.range;
  const Geometry& g = s.world.geom;
  std::vector<u64> final_pfns;
  const std::vector<Busy> busy = reference_restarts(s, final_pfns);
  const Outcome o = reference_hmm_range_fault(s.world, r, s.options);
  RC_ASSERT(o.pfns == final_pfns); // the loop above is the reference's own
  if (!busy.empty()) RC_TAG("reference restarted");
  u64 prev = r.start;
  for (const Busy& b : busy) {
    if (b.last < prev || b.last > r.end || (b.last & (g.page_size() - 1)))
      RC_FAIL(fmt::format("reference: walk {} ended -EBUSY with last={:#x} (previous {:#x}, range "
                          "[{:#x}, {:#x}))",
                          b.walk, b.last, prev, r.start, r.end));
    prev = b.last;
    const std::size_t cut = (b.last - r.start) >> g.page_shift;
    for (std::size_t i = 0; i < b.pfns.size(); ++i) {
      const u64 want = i < cut ? o.pfns[i] : r.pfns[i];
      if (b.pfns[i] == want) continue;
      RC_LOG() << outcome_text("reference", r, o);
      RC_FAIL(fmt::format("reference: after walk {} (-EBUSY, last={:#x}) pfns[{}] = {:#x}, "
                          "expected the {} {:#x}",
                          b.walk, b.last, i, b.pfns[i], i < cut ? "final output" : "request",
                          want));
    }
  }
}

// The weak form on any party: cut the run after k attempts.
void check_party(const Party& p, const Scenario& s) {
  const HmmRange& r = s.range;
  const Outcome full = run_party(p, s);
  const std::size_t n = full.pfns.size();
  for (unsigned k = 1; k < full.walks && k < 64; ++k) {
    RunOptions cut = s.options;
    cut.restart_budget = k;
    const Outcome o = run_party(p, s.world, r, cut);
    if (!(o.ret == -err::kEBUSY && o.walks == k))
      RC_FAIL(fmt::format("{}: a run cut after {} walk attempt(s) returned {} after {} walk(s), "
                          "but the full run made {} attempts",
                          p.id.name, k, errno_name(o.ret), o.walks, full.walks));
    std::size_t prefix = 0, suffix = n;
    while (prefix < n && o.pfns[prefix] == full.pfns[prefix]) ++prefix;
    while (suffix > 0 && o.pfns[suffix - 1] == r.pfns[suffix - 1]) --suffix;
    if (suffix <= prefix) continue;
    RC_LOG() << outcome_text(p.id.name + " (full run)", r, full)
             << outcome_text(p.id.name + fmt::format(" (cut after {} walks)", k), r, o);
    RC_FAIL(fmt::format("{}: after walk {} ended -EBUSY, pfns[{}] = {:#x} is neither the final "
                        "output of a prefix nor the request of a suffix",
                        p.id.name, k, prefix, o.pfns[prefix]));
  }
}

void restart_invariant(const WorldDesc& d) {
  const Scenario s = build_scenario(d);
  check_reference(s);
  for (const Party& p : built_parties()) check_party(p, s);
}

} // namespace

TEST(Property, RestartInvariant) {
  rc::detail::checkGTest(&restart_invariant);
}

} // namespace hmmspec::props
