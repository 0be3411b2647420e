// SPDX-License-Identifier: GPL-2.0-or-later
// The exhaustive space of each kernel version (harness/exhaustive.h): a 6.1 or 6.12 geometry
// makes worlds of that version with the 6.x API's request bits, and its PTE palette holds the
// kinds only 6.x words and worlds can (device-exclusive, read-exclusive migration, PTE markers,
// 6.1 swapin errors or 6.12 poisoned markers, device-coherent pages); v5.7's space is as it was.
#include "harness/exhaustive.h"
#include "model/range_v6.h"
#include "model/swap_layout.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <string>

namespace hmmspec {
namespace {

struct Seen {
  std::map<Kind, unsigned> kinds;
  unsigned read_exclusive = 0, poisoned = 0, uffd_wp = 0, coherent_mapped = 0;
};

// Every PTE of the range in every case of the 1-page bound of the geometry's version.
Seen pte_kinds_of(const ExhaustiveSpace& space) {
  Seen seen;
  for (std::uint64_t k = 0; k < space.count(); ++k) {
    const Scenario s = space.scenario(k);
    const World& w = s.world;
    EXPECT_EQ(w.geom.kernel, space.geometry().kernel);
    const u64* slot = w.find_slot(Level::Pte, s.range.start);
    if (!slot) continue;
    Entry e = classify(w.geom, Level::Pte, *slot, w.zero_pfn);
    ++seen.kinds[e.kind];
    seen.read_exclusive += e.kind == Kind::Migration && e.exclusive;
    seen.poisoned += e.kind == Kind::Marker && (e.marker & kMarkerPoisoned);
    seen.uffd_wp += e.kind == Kind::Marker && (e.marker & kMarkerUffdWp);
    seen.coherent_mapped += e.kind == Kind::Page && w.coherent_pfns.contains(e.pfn);
  }
  return seen;
}

TEST(ExhaustiveVersions, TheV57SpaceIsUnchanged) {
  std::string error;
  auto space = ExhaustiveSpace::make(*builtin_geometry("tiny"), 1, &error);
  ASSERT_TRUE(space) << error;
  EXPECT_EQ(space->count(), 8840u);
  const Scenario s = space->scenario(7);
  EXPECT_EQ(s.name, "exhaustive-tiny-1p-case-7");
  EXPECT_EQ(s.range.flags, (std::array<u64, 2>{1, 2})); // amdgpu's encoding
  Seen seen = pte_kinds_of(*space);
  for (Kind k : {Kind::Exclusive, Kind::Marker, Kind::SwapinError}) EXPECT_EQ(seen.kinds[k], 0u);
  EXPECT_EQ(seen.read_exclusive, 0u);
  EXPECT_GT(seen.kinds[Kind::Device], 0u);
}

TEST(ExhaustiveVersions, SixXSpacesHoldTheSixXKindsAndRequestBits) {
  for (KernelVersion v : {KernelVersion::V6_1, KernelVersion::V6_12}) {
    Geometry g = *builtin_geometry("tiny");
    g.kernel = v;
    std::string error;
    auto space = ExhaustiveSpace::make(g, 1, &error);
    ASSERT_TRUE(space) << error;
    // five more PTE kinds than v5.7's twelve, in the PTE-table sides of 1 page
    EXPECT_EQ(space->count(), 10440u) << version_name(v);
    const Scenario s = space->scenario(7);
    EXPECT_EQ(s.name, fmt::format("exhaustive-{}-tiny-1p-case-7", version_name(v)));
    const HmmRange def; // the v5.7 fields keep their defaults; requests are the fixed bits
    EXPECT_EQ(s.range.flags, def.flags);
    EXPECT_EQ(s.range.values, def.values);
    for (u64 r : s.range.pfns)
      EXPECT_EQ(r & ~(hmm6::REQ_FAULT | hmm6::REQ_WRITE), 0u) << version_name(v);
    Seen seen = pte_kinds_of(*space);
    EXPECT_GT(seen.kinds[Kind::Exclusive], 0u) << version_name(v);
    EXPECT_GT(seen.read_exclusive, 0u) << version_name(v);
    EXPECT_GT(seen.uffd_wp, 0u) << version_name(v);
    EXPECT_GT(seen.coherent_mapped, 0u) << version_name(v);
    if (v == KernelVersion::V6_1) {
      EXPECT_GT(seen.kinds[Kind::SwapinError], 0u);
      EXPECT_EQ(seen.poisoned, 0u);
    } else {
      EXPECT_EQ(seen.kinds[Kind::SwapinError], 0u);
      EXPECT_GT(seen.poisoned, 0u);
    }
  }
}

} // namespace
} // namespace hmmspec
