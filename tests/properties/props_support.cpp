// SPDX-License-Identifier: GPL-2.0-or-later
#include "tests/properties/props_support.h"

#include <bit>
#include <fmt/format.h>

namespace hmmspec::props {

Outcome run_party(const Party& p, const Scenario& s) {
  return p.run(s.world, s.range, s.options);
}

Outcome run_party(const Party& p, const World& w, const HmmRange& r, const RunOptions& o) {
  return p.run(w, r, o);
}

bool distinct_single_bits(const HmmRange& r) {
  const u64 v = r.flags[HMM_PFN_VALID], w = r.flags[HMM_PFN_WRITE];
  return std::popcount(v) == 1 && std::popcount(w) == 1 && v != w;
}

bool is_sentinel(const HmmRange& r, u64 word) {
  return word == r.values[HMM_PFN_ERROR] || word == r.values[HMM_PFN_NONE] ||
         word == r.values[HMM_PFN_SPECIAL];
}

std::size_t page_count(const HmmRange& r, const Geometry& g) {
  return r.end > r.start ? std::size_t((r.end - r.start) >> g.page_shift) : 0;
}

u64 page_addr(const HmmRange& r, const Geometry& g, std::size_t i) {
  return r.start + (u64(i) << g.page_shift);
}

HmmRange second_call_range(const HmmRange& r, const Outcome& first) {
  HmmRange again = r;
  again.notifier_seq = first.world.notifier.seq;
  return again;
}

std::string outcome_text(const std::string& party, const HmmRange& r, const Outcome& o) {
  std::string s = fmt::format("{}: ret {}{} after {} walk(s)\n", party,
                              o.livelock ? "livelock " : "", errno_name(o.ret), o.walks);
  for (std::size_t i = 0; i < o.pfns.size(); ++i)
    s += fmt::format("  pfns[{}] = {:#x} ({})\n", i, o.pfns[i], describe_output(r, o.pfns[i]));
  for (const Event& e : o.world.log) s += "  " + describe(e) + "\n";
  return s;
}

} // namespace hmmspec::props
