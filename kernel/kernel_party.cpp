// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel/kernel_party.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "kernel/include/hmmspec/hmm.h"
#include "kernel/session.h"

namespace hmmspec {

KernelRun kernel_run(const World& w, const HmmRange& r, const RunOptions& o) {
  KernelRun run;
  Outcome& out = run.outcome;
  out.world = w;
  kernel::Session session(out.world, o);

  // hmm.c indexes pfns[] by (addr - start) >> PAGE_SHIFT for addresses below end; with an
  // unaligned start that reaches one entry past the count, so the buffer has a spare entry.
  u64 npages = r.start < r.end ? (r.end - r.start) >> w.geom.page_shift : 0;
  std::vector<u64> pfns(r.pfns);
  pfns.resize(std::max<u64>(pfns.size(), npages) + 1, 0);

  hmm_range range{};
  range.notifier = session.notifier();
  range.notifier_seq = r.notifier_seq;
  range.start = r.start;
  range.end = r.end;
  range.default_flags = r.default_flags;
  range.pfn_flags_mask = r.pfn_flags_mask;
  range.dev_private_owner =
      reinterpret_cast<void*>(static_cast<std::uintptr_t>(r.dev_private_owner));
#if HMMSPEC_V6
  // 6.x: the fixed bits of 6.1 include/linux/hmm.h:34-46; flags[], values[] and pfn_shift of
  // the range are not read.
  static_assert(sizeof(unsigned long) == sizeof(u64));
  range.hmm_pfns = reinterpret_cast<unsigned long*>(pfns.data());
#else
  const std::array<u64, 2> flags = r.flags;
  const std::array<u64, 3> values = r.values;
  range.pfns = pfns.data();
  range.flags = flags.data();
  range.values = values.data();
  range.pfn_shift = r.pfn_shift;
#endif

  long ret = ::hmm_range_fault(&range);

  out.livelock = session.livelock();
  out.ret = out.livelock ? -err::kEBUSY : ret;
  out.walks = session.walks();
  out.pfns.assign(pfns.begin(), pfns.begin() + static_cast<std::ptrdiff_t>(r.pfns.size()));
  out.reports = session.reports();
  run.locks_held = session.locks_held();
  if (run.locks_held != 0) // lockdep: "lock held when returning to user space"
    out.reports.push_back(
        KernelReport{KernelReport::Kind::Bug,
                     fmt::format("shim: {} lock(s) held at return", run.locks_held), 0});
  return run;
}

Outcome kernel_hmm_range_fault(const World& w, const HmmRange& r, const RunOptions& o) {
  return kernel_run(w, r, o).outcome;
}

} // namespace hmmspec
