// SPDX-License-Identifier: GPL-2.0-or-later
#include "model/reference.h"

#include <algorithm>

#include "model/range_v6.h"
#include "model/ref_walk.h"

namespace hmmspec {

namespace {

void note_call(Trace* t, unsigned walk, RuleId r) {
  if (t) t->call_hit(walk, r);
}

// The range as the reference's request arithmetic (model/range.h) reads it. v5.7: the
// caller's own encoding. 6.x: its fixed bits (model/range_v6.h hmm6::range_as_read); the 6.x
// walk builds its pfn outputs with the 6.x templates (no pfn_shift, VALID only from the CPU
// flags: ref_walk.cpp).
HmmRange range_as_read(const HmmRange& r, KernelVersion k) {
  return has_v6_api(k) ? hmm6::range_as_read(r) : r;
}

} // namespace

Outcome reference_hmm_range_fault(const World& w, const HmmRange& r, const RunOptions& o,
                                  Trace* trace) {
  Outcome out{.livelock = false,
              .ret = 0,
              .walks = 0,
              .pfns = r.pfns,
              .world = w,
              .reports = {},
              .failure = {},
              .chunks = {},
              .refused_event = {}};
  const unsigned shift = w.geom.page_shift;
  const KernelVersion k = w.geom.kernel;
  if (trace) { // one entry per page that has a pfns[] entry
    u64 npages = r.end > r.start ? (r.end - r.start) >> shift : 0;
    trace->reset(r.start, shift, std::min<u64>(npages, r.pfns.size()), k);
  }

  const HmmRange range = range_as_read(r, k);
  RefCall call{out.world, range, out.pfns, out.reports, r.start, 0, trace};
  // hmm.c:586-593 (6.1 mm/hmm.c:583-596): check the notifier, walk from `last`, again while
  // the walk says -EBUSY.
  for (;;) {
    if (out.world.notifier.seq != r.notifier_seq) { // R-NOTIFIER-CHECK (hmm.c:588-590)
      note_call(trace, out.walks, RuleId::NotifierCheck);
      out.ret = -err::kEBUSY;
      return out;
    }
    if (out.walks >= o.restart_budget) { // R-LIVELOCK: another attempt would be needed
      note_call(trace, out.walks, RuleId::Livelock);
      out.livelock = true;
      out.ret = -err::kEBUSY;
      return out;
    }
    call.walk = ++out.walks;
    if (trace) trace->begin_walk(call.walk, call.last);
    long ret = reference_walk(call);
    if (trace) trace->end_walk(ret, call.last);
    if (call.livelock) { // R-PUD-AGAIN-LIVELOCK: the walk itself never ends (6.12)
      note_call(trace, call.walk, RuleId::Livelock);
      out.livelock = true;
      out.ret = -err::kEBUSY;
      return out;
    }
    if (ret == -err::kEINVAL && call.last >= r.end) note_call(trace, call.walk, RuleId::Einval);
    if (ret != -err::kEBUSY) {
      if (has_v6_api(k)) {
        // R-RETURN-ZERO (6.1 mm/hmm.c:588-597): the walk's result as is, 0 on success.
        note_call(trace, call.walk, RuleId::ReturnZero);
        out.ret = ret;
        return out;
      }
      // R-RETURN (hmm.c:595-597): an error as is, else the distance of `last` in pages.
      note_call(trace, call.walk, RuleId::Return);
      out.ret = ret ? ret : long((call.last - r.start) >> shift);
      return out;
    }
    note_call(trace, call.walk, RuleId::Restart); // R-RESTART: walk again from `last`
  }
}

} // namespace hmmspec
