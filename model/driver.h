// SPDX-License-Identifier: GPL-2.0-or-later
// TRUSTED: part of the specification. The loop a device driver wraps around hmm_range_fault,
// as the kernel's test driver makes it (lib/test_hmm.c at 6.1: dmirror_fault, lines 376-407,
// and dmirror_range_fault, lines 336-374), stated once and run identically around every
// party's hmm_range_fault (docs/spec.md, section 6b, rules D-*; docs/scenario-format.md,
// "The driver loop"). The party provides the call only: every try of every party starts from
// the same state, so the parties must agree try by try.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/outcome.h"
#include "model/range.h"
#include "model/world.h"

namespace hmmspec {

// A `driver-loop chunk N tries T` line: chunks of N pages, at most T tries per chunk.
struct DriverLoop {
  u64 chunk_pages = 64; // lib/test_hmm.c:381 at 6.1 (pfns[64])
  unsigned tries = 8;   // stands for the HMM_RANGE_DEFAULT_TIMEOUT of lib/test_hmm.c:340-348
  bool operator==(const DriverLoop&) const = default;
};

// One party's hmm_range_fault: the world and range in, the outcome out (harness/party.h).
using HmmRangeFaultCall = std::function<Outcome(const World&, const HmmRange&, const RunOptions&)>;
// Told of every chunk whose loop ended: the world at that moment, the chunk's range with its
// requests, and its tries (the last try's pfns are the chunk's final outputs).
using DriverChunkDone =
    std::function<void(const World& after, const HmmRange& requests, const DriverChunk& c)>;

std::string_view driver_point_name(DriverPoint p); // "before-call", "after-call"
std::optional<DriverPoint> driver_point_from_name(std::string_view s);
std::string driver_point_names(); // "before-call or after-call"
// The line that writes the event: "during after-call munmap 0x10000+0x4000 at=2".
std::string describe(const DriverEvent& e);

// D-EVENT: the loop reached `point`. Each event of the world waiting there (not fired yet)
// counts the reach, and at its `at`-th it fires: it is marked fired and its operation applied
// to the world with the invalidations the operation makes (model/mm_ops.h); `fired` gets its
// line. Returns the first event the model cannot apply (the world then is as that event found
// it), with why.
std::optional<RefusedEvent> fire_driver_events(World& w, DriverPoint point,
                                               std::vector<std::string>& fired);

// dmirror_fault over `range` (its pfns[] holding the requests): the range cut into chunks
// (D-CHUNKS), each run to its end by the loop of dmirror_range_fault (D-TRY, D-EBUSY, D-CHECK,
// D-TRIES, D-ERROR), stopping at the first chunk that fails (D-RESULT). The outcome's ret is
// the driver's (0, or the failing chunk's error), its pfns the chunks' final outputs in place
// (a chunk not reached keeps its requests), its world the world after the last try, its
// reports every try's in order, its walks the sum, its chunks every try; a party that fails
// (Outcome::failure) ends it there, and so does a `during` event the model cannot apply
// (Outcome::refused_event).
Outcome driver_hmm_range_fault(const DriverLoop& loop, const World& w, const HmmRange& range,
                               const RunOptions& options, const HmmRangeFaultCall& call,
                               const DriverChunkDone& done = {});

} // namespace hmmspec
