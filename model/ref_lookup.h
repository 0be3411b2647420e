// SPDX-License-Identifier: GPL-2.0-or-later
// TRUSTED: part of the specification. The reference's per-page view of the world: for one
// page, which region it lies in (a gap or a VMA portion) and what the walker finds for it,
// read afresh from the root through the raw words (rules R-REGIONS, R-CHUNK and the
// classification rules of every level), the way the walker of the world's kernel version
// (World::geom.kernel) finds it. Nothing here changes the world.
#pragma once

#include <cstdint>
#include <optional>

#include "model/entry.h"
#include "model/rules.h"
#include "model/vma.h"
#include "model/world.h"

namespace hmmspec {

// R-REGIONS (pagewalk.c:400-430): the piece of [walk start, range end) the walker hands to
// one __walk_page_range call: a gap between VMAs or the part of one VMA, clipped.
struct Portion {
  u64 start = 0;
  u64 end = 0;
  std::optional<Vma> vma; // nothing: a gap
};
Portion portion_of(const World& w, u64 addr, u64 walk_start, u64 range_end);

// hmm_vma_walk_test's acceptance test (hmm.c:518-520; 6.1 mm/hmm.c:518-520 and 6.12
// mm/hmm.c:527-529 no longer reject VM_MIXEDMAP).
bool vma_supported(const Vma& v, KernelVersion k);

// R-CHUNK: the chunk of a callback at level `l` covering addr: the level entry holding addr,
// clipped to the portion (the first chunk may start late, the last may end early).
struct Chunk {
  u64 start = 0;
  u64 end = 0;
};
Chunk chunk_at(const Geometry& g, Level l, u64 addr, const Portion& p);

// What the walker calls for a page, and why.
enum class SiteKind : std::uint8_t {
  Unsupported,   // the VMA portion is rejected by test_walk
  Hole,          // pte_hole over the chunk (the cause says which level found nothing, or that
                 // the chunk is a 6.x gap, or a PUD hmm reports as a hole)
  BadTop,        // a bad PGD or P4D entry: cleared, then pte_hole over the chunk
  PudDevmap,     // a present devmap huge PUD (hmm.c:432-459)
  PudSplit,      // another trans-huge or devmap PUD: split (cleared), then a hole
  PudLivelock,   // 6.12: a PUD walk_pmd_range asks to look at again, for ever
  PmdMigration,  // a PMD migration entry (hmm.c:337-344)
  PmdNotPresent, // another non-present PMD (hmm.c:346-350)
  PmdHuge,       // a devmap or trans-huge PMD (hmm.c:352-368)
  PmdBad,        // pmd_bad (hmm.c:376-380)
  Pte,           // a PTE under a PMD table (hmm.c:382-392)
  HugetlbSlot,   // a hugetlb slot found by huge_pte_offset (hmm.c:474-506)
};

struct Site {
  SiteKind kind = SiteKind::Hole;
  RuleId cause = RuleId::Count; // the rule that classified the page at its deciding level
  Chunk chunk;                  // the callback's [start, end)
  Level level = Level::Pte;     // the level of the deciding word
  u64 table = 0;                // the physical table (pfn) holding the deciding word
  unsigned index = 0;           // its index in that table
  u64 word = 0;                 // the deciding word
  Entry entry;                  // classify() of the word at its level
  u64 hmask = 0;                // hugetlb: huge_page_mask
};

// The site of the page at addr in portion p, read from the root (a fresh lookup).
Site look_up(const World& w, u64 addr, const Portion& p);

// huge_pte_offset(mm, addr & hmask, sz), the generic version x86 uses: the slot a hugetlb page
// is read from, or nothing. It tests presence only (no *_bad test) and never changes the world.
// v5.7 (hugetlb.c:5369-5401 at v5.7.14): a none slot of the VMA's own level is a slot; a huge
// or non-present PUD is the slot even for a PMD-size page; a PMD table pointer is no slot.
// 6.1 and 6.12 (6.1 mm/hugetlb.c:7269-7295, 6.12 mm/hugetlb.c:7471-7497; 6.12 reaches it
// through hugetlb_walk): the PUD for a PUD-size page, and for a PMD-size page the PMD below a
// present PUD, whatever either holds.
struct HugeSlot {
  Level level = Level::Pmd;
  u64 table = 0;
  unsigned index = 0;
  u64 word = 0;
};
std::optional<HugeSlot> huge_pte_offset(const World& w, u64 addr, u64 size);

} // namespace hmmspec
