// SPDX-License-Identifier: GPL-2.0-or-later
// Exhaustive small-scope checking (docs/checking.md, "Exhaustive small scope"): every world of
// a tiny geometry around a range of N pages, over a palette of entry kinds at every level and a
// set of VMA layouts, with every request pattern, run on every built party and compared. Where
// the fuzzers sample, this leaves no gap below its bound. `hmmspec exhaustive` runs it
// (tools/cmd_exhaustive.cpp).
//
// The space. The range straddles the first PGD boundary B (so it crosses a PGD, PUD and PMD
// boundary at once): [B - floor(N/2), B + ceil(N/2)) pages. Each side of B is one of
//   - an upper-level shape: PGD none, PGD bad, PUD none, PUD trans-huge, PUD devmap (rw, ro);
//   - or tables down to the PMDs, each PMD the range touches being one of the PMD palette
//     (none, huge ro/rw/protnone/devmap, PMD migration, non-present, pmd_bad), or a PTE table
//     with every PTE of the range from the PTE palette (none, page ro/rw, zero page, special,
//     protnone, swap, migration, own device-private, foreign device-private, hwpoison, a page
//     mapped twice). In a hugetlb layout the PMDs are hugetlb slots from the slot palette.
// The VMA layouts are in exhaustive.cpp (anonymous, read-only, shared file, THP, a gap, an
// unsupported VMA, hugetlb, a VMA boundary inside a PMD, no VMA). The request patterns are
// every per-page choice of nothing/V/VW, every W/nothing choice under default_flags V with
// mask W, and the whole-range patterns (defaults V or VW with mask 0; nothing at all). The
// fault injections are none, SIGBUS at the first or the last page, an invalidation or one
// call without progress at the first page. The encoding is amdgpu's (flags 1/2, values ~1, 0,
// ~3, pfn_shift 12), dev_private_owner 1.
// The geometry's kernel version (Geometry::kernel) is the worlds': a 6.1 or 6.12 geometry makes
// the same logical worlds in that version's words (its swap types and DEVMAP bit), with the
// fixed request bits of the 6.x API (HMM_PFN_REQ_FAULT for V, HMM_PFN_REQ_WRITE for W) instead
// of a driver encoding, to be run on that version's parties; its PTE palette has five more
// kinds only 6.x words and worlds hold: a writable device-exclusive entry, a read-exclusive
// migration entry, a uffd-wp PTE marker, a swapin-error entry (6.1) or poisoned PTE marker
// (6.12), and a writable page of device-coherent memory of the caller's owner.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/check.h"
#include "harness/party.h"
#include "model/scenario.h"

namespace hmmspec {

// The cases of one bound, numbered 0 .. count()-1.
class ExhaustiveSpace {
public:
  // Fails (returns nothing, with a message) for geometries too small or pages out of 1..8.
  static std::optional<ExhaustiveSpace> make(const Geometry& g, unsigned pages, std::string* error);

  std::uint64_t count() const;
  // The scenario of case `index`, its description in the scenario's comment.
  Scenario scenario(std::uint64_t index) const;
  unsigned pages() const { return pages_; }
  const Geometry& geometry() const { return geom_; }

  // Runs the cases first .. end-1 (end at most count()) in order on `parties`, calling
  // `visit(index, scenario, run)` for each case whose run diverges; visit returns false to
  // stop. `tick(done)` is called every 256 cases. Returns the number of cases run: the cases
  // run are first .. first+done-1.
  std::uint64_t
  run(const std::vector<Party>& parties, std::uint64_t first, std::uint64_t end,
      const std::function<bool(std::uint64_t, const Scenario&, const ScenarioRun&)>& visit,
      const std::function<void(std::uint64_t)>& tick) const;

  struct Region {
    u64 pmd = 0;            // the PMD-aligned address
    std::vector<u64> pages; // pages of the range in it
  };
  struct Side {
    u64 addr = 0; // an address of the range on this side
    std::vector<Region> regions;
  };
  struct Layout;

private:
  ExhaustiveSpace() = default;
  std::uint64_t side_count(const Layout& l, const Side& s) const;
  std::uint64_t layout_count(const Layout& l) const;
  std::uint64_t request_count() const;
  // Builds the world of (layout, injection, left, right) into s and describes it.
  void build_world(Scenario& s, const Layout& l, unsigned injection, std::uint64_t left,
                   std::uint64_t right) const;
  std::string apply_side(World& w, const Layout& l, const Side& side, std::uint64_t choice) const;
  // The range of every case: amdgpu's encoding, dev_private_owner 1, requests still to set.
  HmmRange base_range() const;
  // Sets the requests, default_flags and mask of pattern `req`; returns its description.
  std::string apply_requests(HmmRange& r, std::uint64_t req) const;

  Geometry geom_;
  unsigned pages_ = 0;
  u64 boundary_ = 0;
  u64 start_ = 0;
  u64 end_ = 0;
  Side left_, right_;
};

} // namespace hmmspec
