// SPDX-License-Identifier: GPL-2.0-or-later
// A generated world and hmm_range_fault call as plain data. The property tests generate and
// shrink these descriptions, never worlds: any description, however shrunk, builds to a valid
// scenario, because build_scenario() goes through the world's own builders (VmaList::insert,
// World::ensure_slot, encode) and leaves out whatever they refuse (an overlapping VMA, an
// entry below a huge leaf, a kind that cannot exist at its level). The scenario it builds is
// what a failure prints, so the counterexample is a scenario file that `hmmspec run` replays.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/entry.h"
#include "model/scenario.h"

namespace hmmspec::props {

// One page-table word to place. `page` is a page index in the address space; the entry
// covers the `level` slot holding that page. A logical entry is encoded in the context the
// world gives that slot (a hugetlb slot inside a hugetlb VMA); a raw one is stored as is.
struct EntryDesc {
  Level level = Level::Pte;
  u64 page = 0;
  Kind kind = Kind::None; // logical kind (Table: allocate a table when the slot is none)
  unsigned pfn_sel = 0;   // which pfn of the pools (pfn_pool_for) the entry names
  bool write = false;
  bool special = false;
  bool devmap = false;
  bool protnone = false;  // Huge only
  unsigned swap_type = 0; // Swap only (below 27)
  bool raw = false;       // store `word` as is (for Kind::Bad: the bad word to store)
  u64 word = 0;
  bool operator==(const EntryDesc&) const = default;
};

// One VMA over pages [first_page, first_page + pages). A hugetlb VMA (huge_level Pmd or Pud)
// has its bounds widened to its huge page size.
struct VmaDesc {
  u64 first_page = 0;
  u64 pages = 1;
  u64 flags = 0; // vm::* bits
  bool anonymous = true;
  Level huge_level = Level::Pte; // Pte: not hugetlb
  bool operator==(const VmaDesc&) const = default;
};

struct InjectionDesc {
  u64 page = 0;
  unsigned error = 0;
  bool invalidate = false;
  unsigned no_progress = 0;
  bool operator==(const InjectionDesc&) const = default;
};

// An event at an interleaving point (model/race.h) at the entry of the point's level holding
// `page`; left out of the scenario when no VMA but a hugetlb one meets that entry, or when an
// earlier event has the same point and entry (the parser would refuse it).
struct RaceDesc {
  u64 page = 0;
  RacePoint point = RacePoint::PmdSeen;
  RaceOp op = RaceOp::Zap; // Split not at pud-locked
  unsigned at = 1;         // the reach it fires at
  bool operator==(const RaceDesc&) const = default;
};

// An mm operation of a later call or driver event (model/mm_ops.h) over pages
// [first_page, first_page + pages) (fork: none); left out when the parser would refuse it
// (apply_mm_op_line) on the world the operations before it leave, its call kept.
struct MmOpDesc {
  MmOpKind kind = MmOpKind::Munmap;
  u64 first_page = 0;
  u64 pages = 1;
  Prot prot = Prot::Read; // Mprotect only
  bool operator==(const MmOpDesc&) const = default;
};

// A call after the first (Scenario::calls): its operations, then the range again.
struct CallDesc {
  std::vector<MmOpDesc> ops;
  bool operator==(const CallDesc&) const = default;
};

// A `during` event of the driver loop (World::driver_events); left out when the parser would
// refuse its operation on the first world.
struct DriverEventDesc {
  DriverPoint point = DriverPoint::AfterCall;
  MmOpDesc op;
  unsigned at = 1;
  bool operator==(const DriverEventDesc&) const = default;
};

// The driver loop (Scenario::driver_loop) and its events.
struct DriverDesc {
  u64 chunk_pages = 64;
  unsigned tries = 8;
  std::vector<DriverEventDesc> events;
  bool operator==(const DriverDesc&) const = default;
};

// The interval notifier relative to the range.
enum class NotifierMode : std::uint8_t {
  Range,    // covers the range (what drivers do)
  Disjoint, // covers one page past the range: invalidations of the range go unnoticed
  FirstPage // covers the first page of the range only
};

struct RangeDesc {
  u64 first_page = 0;
  u64 pages = 1;
  std::array<u64, 2> flags{1, 2};
  std::array<u64, 3> values{~1ull, 0, ~3ull};
  u64 default_flags = 0;
  u64 pfn_flags_mask = ~0ull;
  std::uint8_t pfn_shift = 12;
  u64 dev_private_owner = 0;
  NotifierMode notifier = NotifierMode::Range;
  u64 notifier_seq = 0;      // the subscription's sequence
  bool stale = false;        // the caller's notifier_seq is one behind
  std::vector<u64> requests; // per page of the range (missing pages request 0)
  bool operator==(const RangeDesc&) const = default;
};

struct WorldDesc {
  std::string geometry = "tiny"; // a built-in geometry
  std::vector<VmaDesc> vmas;
  std::vector<EntryDesc> entries;
  std::vector<std::pair<u64, u64>> owners; // ZONE_DEVICE pfn -> pgmap->owner
  std::vector<u64> shared_pfns;
  std::vector<InjectionDesc> injections;
  std::vector<RaceDesc> races; // only gen_world_desc_with_races (and _with_calls) make any
  RangeDesc range;
  std::vector<CallDesc> calls;      // only gen_world_desc_with_calls makes any
  std::optional<DriverDesc> driver; // likewise
  bool operator==(const WorldDesc&) const = default;
};

// The pfns descriptions draw from, so that entries, owners and shared pages meet:
// ordinary pages, device pages (registered as ZONE_DEVICE with an owner) and huge pages
// aligned to the level (the huge zero page among them).
inline constexpr u64 kPagePfnBase = 0x200;
inline constexpr u64 kDevicePfnBase = 0x300;
inline constexpr unsigned kDevicePfns = 4;
u64 page_pfn(unsigned sel);   // 0x200.. (sel 0: the zero page's pfn)
u64 device_pfn(unsigned sel); // 0x300..0x303
u64 huge_pfn_for(const World& w, Level l, unsigned sel);

// Builds the scenario a description stands for (see the file comment). Never fails.
Scenario build_scenario(const WorldDesc& d);

// The scenario as a file, with a comment saying it is a property counterexample.
std::string scenario_text(const WorldDesc& d);

} // namespace hmmspec::props
