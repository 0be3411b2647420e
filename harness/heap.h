// SPDX-License-Identifier: GPL-2.0-or-later
// The heap of a process that runs scenario after scenario. Each run builds worlds, copies them
// and frees them; glibc hands the top of the heap back to the OS whenever more than 128 KiB of it
// is free, and the next run faults those pages in again. A campaign of small v5.7 scenarios spent
// a quarter of its time in those page faults (docs/performance.md, "The v5.7 path"). The drivers
// (the CLI, the fuzzers, the benchmarks) keep 4 MiB at the top for the next run instead: at most
// that much memory more, whatever the scenario's size.
#pragma once

#include <malloc.h>

namespace hmmspec {

inline void keep_heap_top_for_next_run() {
  mallopt(M_TOP_PAD, 4 << 20);
}

} // namespace hmmspec
