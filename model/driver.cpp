// SPDX-License-Identifier: GPL-2.0-or-later
#include "model/driver.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "model/mm_ops.h"
#include "model/name_table.h"

namespace hmmspec {

namespace {

constexpr std::array<std::pair<DriverPoint, std::string_view>, 2> kDriverPoints{{
    {DriverPoint::BeforeCall, "before-call"},
    {DriverPoint::AfterCall, "after-call"},
}};

// The range of chunk [first, first+count) of `range`'s pages, with its requests.
HmmRange chunk_range(const HmmRange& range, unsigned page_shift, u64 first, u64 count) {
  HmmRange c = range;
  c.start = range.start + (first << page_shift);
  c.end = c.start + (count << page_shift);
  c.pfns.assign(range.pfns.begin() + std::ptrdiff_t(first),
                range.pfns.begin() + std::ptrdiff_t(first + count));
  return c;
}

} // namespace

std::string_view driver_point_name(DriverPoint p) {
  return name_in(kDriverPoints, p);
}

std::optional<DriverPoint> driver_point_from_name(std::string_view s) {
  return value_in(kDriverPoints, s);
}

std::string driver_point_names() {
  return names_in(kDriverPoints);
}

std::string describe(const DriverEvent& e) {
  return fmt::format("during {} {}{}", driver_point_name(e.point), describe(e.op),
                     e.at > 1 ? fmt::format(" at={}", e.at) : "");
}

std::optional<RefusedEvent> fire_driver_events(World& w, DriverPoint point,
                                               std::vector<std::string>& fired) {
  for (std::size_t i = 0; i < w.driver_events.size(); ++i) {
    DriverEvent& e = w.driver_events[i];
    if (e.fired || e.point != point || ++e.reached < e.at) continue;
    e.fired = true;
    const DriverEvent event = e; // apply_mm_op may not be handed a part of the world it changes
    if (auto why = apply_mm_op(w, event.op)) return RefusedEvent{i, *why};
    fired.push_back(describe(event));
  }
  return std::nullopt;
}

Outcome driver_hmm_range_fault(const DriverLoop& loop, const World& w, const HmmRange& range,
                               const RunOptions& options, const HmmRangeFaultCall& call,
                               const DriverChunkDone& done) {
  Outcome out;
  out.world = w;
  out.pfns = range.pfns;
  const unsigned ps = w.geom.page_shift;
  const u64 pages = range.pfns.size();
  // The call ends inside a try: the try and its chunk kept as they stand, nothing after them.
  auto end_in_try = [&out](DriverChunk& chunk, DriverTry& t) {
    chunk.tries.push_back(std::move(t));
    out.chunks.push_back(std::move(chunk));
    return std::move(out);
  };
  // D-CHUNKS (lib/test_hmm.c:396-403 at 6.1): [start, end) in chunks of chunk_pages pages, the
  // last one shorter; one chunk's failure ends the call.
  for (u64 first = 0; first < pages; first += loop.chunk_pages) {
    const u64 count = std::min(loop.chunk_pages, pages - first);
    const HmmRange requests = chunk_range(range, ps, first, count);
    DriverChunk chunk{requests.start, requests.end, {}};
    HmmRange last = requests;
    bool ended = false; // the loop broke out (success) or went to out (an error)
    // D-TRIES (lib/test_hmm.c:344-348): at most `tries` tries; then -EBUSY.
    while (chunk.tries.size() < loop.tries) {
      // D-TRY (lib/test_hmm.c:350-353): the sequence read afresh, then the call; the requests
      // are the chunk's own every time (test_hmm's pfn_flags_mask is 0, lib/test_hmm.c:385-387,
      // so the words an earlier try left in its array do not matter to it).
      HmmRange r = requests;
      r.notifier_seq = out.world.notifier.seq; // mmu_interval_read_begin
      DriverTry t;
      // D-EVENT: before mmap_read_lock (lib/test_hmm.c:350-351)
      if (auto refused = fire_driver_events(out.world, DriverPoint::BeforeCall, t.events_before)) {
        out.refused_event = std::move(refused);
        out.ret = -err::kEBUSY;
        return end_in_try(chunk, t);
      }
      Outcome o = call(out.world, r, options);
      t.notifier_seq = r.notifier_seq;
      t.livelock = o.livelock;
      t.ret = o.ret;
      t.walks = o.walks;
      t.pfns = o.pfns;
      out.walks += o.walks;
      out.reports.insert(out.reports.end(), o.reports.begin(), o.reports.end());
      if (o.failure) { // the party did not return: nothing after this try
        out.failure = o.failure;
        out.ret = o.ret;
        return end_in_try(chunk, t);
      }
      out.world = std::move(o.world);
      last.pfns = o.pfns;
      // D-EVENT: after mmap_read_unlock, before the driver lock (lib/test_hmm.c:353-360)
      if (!o.livelock)
        if (auto refused = fire_driver_events(out.world, DriverPoint::AfterCall, t.events_after)) {
          out.refused_event = std::move(refused);
          out.ret = o.ret;
          return end_in_try(chunk, t);
        }
      if (o.livelock) { // the call never returns: neither does the driver
        out.livelock = true;
        chunk.tries.push_back(std::move(t));
        ended = true;
        break;
      }
      if (o.ret < 0) {
        chunk.tries.push_back(std::move(t));
        // D-EBUSY (lib/test_hmm.c:354-356): try again; D-ERROR (lib/test_hmm.c:357): give up
        if (o.ret == -err::kEBUSY) continue;
        out.ret = o.ret;
        ended = true;
        break;
      }
      // D-CHECK (lib/test_hmm.c:360-366): under the driver lock, mmu_interval_read_retry
      t.checked = true;
      t.check_passed = out.world.notifier.seq == t.notifier_seq;
      const bool passed = t.check_passed;
      chunk.tries.push_back(std::move(t));
      if (!passed) continue;
      ended = true;
      break;
    }
    if (!ended) out.ret = -err::kEBUSY; // D-TRIES: the timeout (lib/test_hmm.c:345-347)
    std::copy(last.pfns.begin(), last.pfns.end(), out.pfns.begin() + std::ptrdiff_t(first));
    if (done) done(out.world, requests, chunk);
    const bool ok = chunk.succeeded();
    out.chunks.push_back(std::move(chunk));
    if (!ok) return out; // D-RESULT (lib/test_hmm.c:400-402): the first failure ends the call
  }
  out.ret = 0; // D-RESULT: every chunk succeeded
  return out;
}

} // namespace hmmspec
