// SPDX-License-Identifier: GPL-2.0-or-later
#include <fmt/format.h>

#include "proofs/obligations.h"

namespace hmmspec::proofs {

std::vector<Check> induction_checks(const Induction& ind,
                                    const std::function<void(Check&)>& common) {
  std::vector<Check> out;
  Check base(ind.id + ".base", ind.title + " (induction base: before any page)", ind.cite,
             ind.invariant(ind.init));
  common(base);
  out.push_back(base);

  Check step(ind.id + ".step", ind.title + " (induction step: one more page, any request)",
             ind.cite, ind.invariant(ind.next));
  common(step);
  step.hypothesis("invariant", ind.invariant(ind.state));
  out.push_back(step);

  Check exit(ind.id + ".exit", ind.title + " (induction exit: the invariant gives the claim)",
             ind.cite, ind.exit_claim(ind.state));
  common(exit);
  exit.hypothesis("invariant", ind.invariant(ind.state));
  out.push_back(exit);
  return out;
}

std::vector<expr> page_vars(context& c, unsigned n) {
  std::vector<expr> p;
  for (unsigned i = 0; i < n; ++i) p.push_back(c.bv_const(fmt::format("p{}", i).c_str(), 64));
  return p;
}

std::vector<u64> pages_of(const Assignment& a, unsigned n) {
  std::vector<u64> p;
  for (unsigned i = 0; i < n; ++i) {
    auto it = a.find(fmt::format("p{}", i));
    p.push_back(it == a.end() ? 0 : it->second);
  }
  return p;
}

} // namespace hmmspec::proofs
