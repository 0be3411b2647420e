// SPDX-License-Identifier: GPL-2.0-or-later
#include "model/trace.h"

namespace hmmspec {

void Trace::reset(u64 range_start, unsigned shift, std::size_t npages, KernelVersion k) {
  start = range_start;
  page_shift = shift;
  kernel = k;
  pages.assign(npages, {});
  written.assign(npages, 0);
  walks.clear();
  call.clear();
}

void Trace::page(u64 addr, unsigned walk, RuleId rule) {
  if (addr < start) return;
  u64 i = (addr - start) >> page_shift;
  if (i < pages.size()) pages[i].push_back(RuleHit{walk, rule});
}

void Trace::wrote(u64 addr, unsigned walk) {
  if (addr < start) return;
  u64 i = (addr - start) >> page_shift;
  if (i < written.size()) written[i] = walk;
}

bool Trace::fired(RuleId rule) const {
  for (const RuleHit& h : call)
    if (h.rule == rule) return true;
  return !pages_with(rule).empty();
}

std::vector<std::size_t> Trace::pages_with(RuleId rule) const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < pages.size(); ++i)
    for (const RuleHit& h : pages[i])
      if (h.rule == rule) {
        out.push_back(i);
        break;
      }
  return out;
}

} // namespace hmmspec
