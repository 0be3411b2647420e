// SPDX-License-Identifier: GPL-2.0-or-later
// Property: when a call succeeds, every request the spec honours is satisfied, and every pfn
// output says what the CPU page tables map.
//
// For a page whose effective request (pfns[i] & pfn_flags_mask) | default_flags carries V:
// the output carries V, and W too when W was requested, and the page is mapped in the world
// the call leaves. The spec's exceptions, and only these, are allowed:
//   - a later page of a hugetlb chunk: only the chunk's first page's request is read
//     (R-HUGETLB-FIRST-REQUEST, hmm.c:490-491);
//   - a read-only device-private page of the range's own owner: reported with V but never
//     faulted, so a W request stays unmet (R-PTE-DEVICE-OWNED, hmm.c:262-269).
// For every pfn output: its pfn is the pfn the world maps at that page (hmm.c:209, 263, 310,
// 456, 501), and it carries W exactly when the CPU entry is writable (hmm.c:185-187, 231-233,
// 405-407). The statement needs an unambiguous encoding: V and W distinct single bits below
// pfn_shift, no sentinel carrying V. The comparison with the world needs tables reached
// through one pointer each (walk_facts.h): with aliased tables the walk's own clearing (a
// huge PUD, a bad PGD/P4D entry) can remove, through another pointer, a mapping it reported
// earlier.
#include "harness/parties.h"
#include "tests/properties/generators.h"
#include "tests/properties/props_support.h"
#include "tests/properties/walk_facts.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace hmmspec::props {
namespace {

bool unambiguous(const HmmRange& r) {
  const u64 V = r.flags[HMM_PFN_VALID];
  if (!distinct_single_bits(r)) return false;
  for (u64 v : r.values)
    if (v & V) return false;
  return true;
}

// Whether the page at addr is a later page of a hugetlb chunk (its request is not read).
bool hugetlb_later_page(const World& w, const HmmRange& r, u64 addr) {
  const Vma* v = w.vmas.containing(addr);
  return v && v->hugetlb() && (addr & (v->hugetlb_size - 1)) != 0 && addr != r.start;
}

std::optional<std::string> check_page(const World& w, const HmmRange& r, std::size_t i, u64 out,
                                      bool compare_world) {
  const Geometry& g = w.geom;
  const u64 V = r.flags[HMM_PFN_VALID], W = r.flags[HMM_PFN_WRITE];
  const u64 addr = page_addr(r, g, i);
  const u64 req = (r.pfns[i] & r.pfn_flags_mask) | r.default_flags;
  const PageView pv = page_view(w, r, addr);
  const bool pfn_output = !is_sentinel(r, out) && (out & V);
  if ((req & V) && !hugetlb_later_page(w, r, addr)) {
    if (!pfn_output)
      return fmt::format("V requested, but the output is {}", describe_output(r, out));
    // (whether the page is a read-only device page of the owner is read from the world)
    if ((req & W) && !(out & W) && compare_world && !(pv.own_device && pv.device_read))
      return "W requested, but the output lacks W";
    if (compare_world && !pv.maps)
      return "V requested and given, but the world maps no page there (" + pv.what + ")";
  }
  if (!pfn_output || !compare_world) return std::nullopt;
  // The flag bits must sit below the pfn field for the pfn and W to be read back.
  const unsigned shift = r.pfn_shift;
  if (shift == 0 || V >= (1ull << shift) || W >= (1ull << shift)) return std::nullopt;
  if (bool(out & W) != pv.writable)
    return fmt::format("W in the output is {}, the CPU entry is {} ({})", bool(out & W),
                       pv.writable ? "writable" : "not writable", pv.what);
  if (pv.maps && pv.pfn < (1ull << (64 - shift)) && (out >> shift) != pv.pfn)
    return fmt::format("the output names pfn {:#x}, the world maps pfn {:#x} ({})", out >> shift,
                       pv.pfn, pv.what);
  return std::nullopt;
}

void honoured_requests_are_satisfied(const WorldDesc& d) {
  const Scenario s = build_scenario(d);
  const HmmRange& r = s.range;
  RC_PRE(unambiguous(r));
  const bool unaliased = tables_unaliased(s.world);
  for (const Party& p : built_parties()) {
    const Outcome o = run_party(p, s);
    if (o.livelock || o.ret < 0) continue;
    RC_TAG("a call succeeded");
    for (std::size_t i = 0; i < o.pfns.size(); ++i) {
      auto problem = check_page(o.world, r, i, o.pfns[i], unaliased);
      if (!problem) continue;
      RC_LOG() << outcome_text(p.id.name, r, o);
      RC_FAIL(fmt::format("{}: page {} ({:#x}), request {}: {}", p.id.name, i,
                          page_addr(r, s.world.geom, i), describe_request(r, r.pfns[i]), *problem));
    }
  }
}

} // namespace

TEST(Property, HonouredRequestsAreSatisfied) {
  rc::detail::checkGTest(&honoured_requests_are_satisfied);
}

} // namespace hmmspec::props
