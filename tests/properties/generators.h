// SPDX-License-Identifier: GPL-2.0-or-later
// RapidCheck generators of world descriptions (world_desc.h): a tiny geometry most of the
// time (so small ranges cross PMD, PUD and PGD boundaries), VMAs mostly covering the range,
// page-table entries near the range at every level (logical entries of every kind and raw
// words), device owners, shared pages, fault injections and the range's parameters, from the
// v5.7 driver encodings to arbitrary bit patterns. Shrinking works on the description, so a
// shrunk counterexample is still a valid world (build_scenario never fails).
//
// A counterexample is shown as the scenario file it builds (showValue below), ready for
// `hmmspec run`.
#pragma once

#include <ostream>
#include <rapidcheck.h>

#include "tests/properties/world_desc.h"

namespace hmmspec::props {

rc::Gen<WorldDesc> gen_world_desc();
// The same worlds with one to three events at interleaving points (model/race.h) at entries
// of the range.
rc::Gen<WorldDesc> gen_world_desc_with_races();
// The same worlds (a third of them with races, at any point and reach) followed by one to three
// later calls, each with up to two mm operations of any kind over pages in or near the range; a
// third of them under the driver loop, with up to two `during` events.
rc::Gen<WorldDesc> gen_world_desc_with_calls();

// Shows a description as its scenario file (RapidCheck prints this for a counterexample).
void showValue(const WorldDesc& d, std::ostream& os);

} // namespace hmmspec::props

namespace rc {
template <>
struct Arbitrary<hmmspec::props::WorldDesc> {
  static Gen<hmmspec::props::WorldDesc> arbitrary() { return hmmspec::props::gen_world_desc(); }
};
} // namespace rc
