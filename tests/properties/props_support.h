// SPDX-License-Identifier: GPL-2.0-or-later
// Small helpers the properties share: running parties, reading outputs, printing outcomes.
#pragma once

#include <string>
#include <vector>

#include "harness/party.h"
#include "model/scenario.h"

namespace hmmspec::props {

Outcome run_party(const Party& p, const Scenario& s);
Outcome run_party(const Party& p, const World& w, const HmmRange& r, const RunOptions& o);

// Whether flags[VALID] and flags[WRITE] are two different single bits.
bool distinct_single_bits(const HmmRange& r);
// Whether a word equals one of values[] (such outputs are not pfn outputs).
bool is_sentinel(const HmmRange& r, u64 word);
// The number of pages of the range, and the address of page i.
std::size_t page_count(const HmmRange& r, const Geometry& g);
u64 page_addr(const HmmRange& r, const Geometry& g, std::size_t i);

// The range of a second call on the world the first left: the same requests and
// parameters, and the notifier sequence read afresh (mmu_interval_read_begin).
HmmRange second_call_range(const HmmRange& r, const Outcome& first);

// One outcome for messages: party, return, walks, pfns decoded and the log.
std::string outcome_text(const std::string& party, const HmmRange& r, const Outcome& o);

} // namespace hmmspec::props
