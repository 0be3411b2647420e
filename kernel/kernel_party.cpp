// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel/kernel_party.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "kernel/guarded_words.h"
#include "kernel/include/hmmspec/hmm.h"
#include "kernel/isolation.h"
#include "kernel/session.h"

namespace hmmspec {

KernelRun kernel_run(const World& w, const HmmRange& r, const RunOptions& o) {
  KernelRun run;
  Outcome& out = run.outcome;
  // The world the kernel changes. On the heap: after a crash it may be half-changed, and is then
  // left alone (never destroyed) rather than risk a second crash (docs/kernel-party.md).
  auto world = std::make_unique<World>(w);
  auto session = std::make_unique<kernel::Session>(*world, o);

  // hmm.c indexes pfns[] by (addr - start) >> PAGE_SHIFT for addresses below end; with an
  // unaligned start that reaches one entry past the count, so the buffer has a spare entry.
  // The buffer ends at a guard page: the first index past it faults (kernel/guarded_words.h).
  u64 npages = r.start < r.end ? (r.end - r.start) >> w.geom.page_shift : 0;
  kernel::GuardedWords pfns(std::max<u64>(r.pfns.size(), npages) + 1);
  std::copy(r.pfns.begin(), r.pfns.end(), pfns.data());
  session->budget_walks(npages);

  hmm_range range{};
  range.notifier = session->notifier();
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

  kernel::Isolated call =
      kernel::run_isolated([&range] { return ::hmm_range_fault(&range); },
                           [&pfns](std::uintptr_t addr) { return pfns.name_of(addr, "pfns"); });

  out.failure = call.failure;
  out.livelock = !call.failure && session->livelock();
  out.ret = call.failure ? 0 : out.livelock ? -err::kEBUSY : call.ret;
  out.walks = session->walks();
  out.pfns.assign(pfns.data(), pfns.data() + r.pfns.size());
  out.reports = session->reports();
  const int locks_held = session->locks_held();
  if (call.failure && call.failure->kind == PartyFailure::Kind::Crash) {
    // The kernel stopped anywhere, perhaps inside the shim's own code: the thread's shim state
    // is restored, but its world and session are left as they are, never destroyed (a few
    // kilobytes lost per crash); the outcome has the world given.
    session->detach();
    out.world = w;
    static_cast<void>(world.release());
    static_cast<void>(session.release());
    return run;
  }
  session.reset(); // restores the thread's shim state
  out.world = std::move(*world);
  if (call.failure) return run; // no progress: the locks it held are not the point
  run.locks_held = locks_held;
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
