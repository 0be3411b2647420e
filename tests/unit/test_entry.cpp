// SPDX-License-Identifier: GPL-2.0-or-later
// The encoder and the classifier of model/entry.h against the x86-64 rules of Linux v5.7:
// arch/x86/include/asm/pgtable.h (pte_none 755, pte_present 766, pmd_present 791,
// pte_protnone 807, pmd_none 820, pmd_bad 878, pud_none 889, pud_bad 923, p4d_none 941,
// p4d_bad 968, pgd_bad 1011, pgd_none 1024, pte_pfn/pmd_pfn/pud_pfn 213-232,
// pmd_trans_huge 261, pmd_devmap 280, pud_devmap 286), pgtable_types.h (bit numbers, 77
// the A/D erratum mask, 193-195 _KERNPG_TABLE/_PAGE_TABLE, 419-453 the huge pfn masks),
// pgtable_64.h 215-242 (swap words), pgtable-invert.h (L1TF inversion), swap.h 48-94
// (reserved swap types). Expected words are computed here with formulas written
// independently of model/entry.cpp, or written out as literals.
#include <gtest/gtest.h>

#include <initializer_list>
#include <set>
#include <string>
#include <vector>

#include "model/entry.h"

namespace hmmspec {
namespace {

using namespace x86;

constexpr u64 kZero = 0x100; // the zero pfn used throughout

const Geometry& g4() {
  static const Geometry g = *builtin_geometry("x86_64");
  return g;
}
const Geometry& g5() {
  static const Geometry g = *builtin_geometry("x86_64-la57");
  return g;
}
const Geometry& tiny() {
  static const Geometry g = *builtin_geometry("tiny");
  return g;
}

// Bits 12..51 of a 4 KiB-page word; bits 21..51 and 30..51 for 2 MiB and 1 GiB leaves.
constexpr u64 kPfnMask4k = 0x000ffffffffff000ull;
constexpr u64 kPfnMask2m = 0x000fffffffe00000ull;
constexpr u64 kPfnMask1g = 0x000fffffc0000000ull;

// The swap word of (type, offset) written as a bit layout: type in 59..63, the inverted
// offset in 9..58, nothing below.
constexpr u64 swap_layout(u64 type, u64 offset) {
  return (type << 59) | ((~offset & ((1ull << 50) - 1)) << 9);
}

u64 enc_ok(const Geometry& g, Level l, const Entry& e, Context ctx = Context::Normal) {
  Encoded r = encode(g, l, e, ctx);
  EXPECT_FALSE(r.error.has_value())
      << level_name(l) << " " << describe(e) << ": " << r.error.value_or("");
  return r.word;
}

std::string enc_err(const Geometry& g, Level l, const Entry& e, Context ctx = Context::Normal) {
  Encoded r = encode(g, l, e, ctx);
  EXPECT_TRUE(r.error.has_value())
      << level_name(l) << " " << describe(e) << " encoded to " << std::hex << r.word;
  return r.error.value_or("");
}

Entry cls(const Geometry& g, Level l, u64 w, Context ctx = Context::Normal) {
  return classify(g, l, w, kZero, ctx);
}

// --- the bit layout itself -------------------------------------------------------------

TEST(EntryBits, KernelBitNumbers) {
  // pgtable_types.h: _PAGE_BIT_PRESENT 0 ... _PAGE_BIT_SOFTW1 9, _PAGE_BIT_SOFTW4 58, NX 63.
  EXPECT_EQ(PRESENT, 0x1u);
  EXPECT_EQ(RW, 0x2u);
  EXPECT_EQ(USER, 0x4u);
  EXPECT_EQ(ACCESSED, 0x20u);
  EXPECT_EQ(DIRTY, 0x40u);
  EXPECT_EQ(PSE, 0x80u);
  EXPECT_EQ(PROTNONE, 0x100u);
  EXPECT_EQ(SPECIAL, 0x200u);
  EXPECT_EQ(DEVMAP, 0x0400000000000000ull);
  EXPECT_EQ(NX, 0x8000000000000000ull);
  EXPECT_EQ(KERNPG_TABLE, 0x63u);
  EXPECT_EQ(PAGE_TABLE, 0x67u);
  EXPECT_EQ(pfn_mask(12), kPfnMask4k);
  EXPECT_EQ(huge_pfn_mask(21), kPfnMask2m);
  EXPECT_EQ(huge_pfn_mask(30), kPfnMask1g);
  // swap.h with DEVICE_PRIVATE, MIGRATION and MEMORY_FAILURE: 32 - 2 - 2 - 1 = 27.
  EXPECT_EQ(MAX_SWAPFILES, 27u);
  EXPECT_EQ(SWP_HWPOISON, 27u);
  EXPECT_EQ(SWP_MIGRATION_READ, 28u);
  EXPECT_EQ(SWP_MIGRATION_WRITE, 29u);
  EXPECT_EQ(SWP_DEVICE_WRITE, 30u);
  EXPECT_EQ(SWP_DEVICE_READ, 31u);
}

TEST(EntryBits, SwapWordLayout) {
  // Literals computed from the __swp_entry formula (pgtable_64.h:235-237) by hand.
  EXPECT_EQ(swp_word(3, 0x55), 0x1fffffffffff5400ull);
  EXPECT_EQ(swp_word(28, 0x1234), 0xe7ffffffffdb9600ull);
  EXPECT_EQ(swp_word(0, 0), 0x07fffffffffffe00ull);
  for (unsigned type : {0u, 1u, 26u, 27u, 28u, 29u, 30u, 31u})
    for (u64 off : std::initializer_list<u64>{0, 1, 0x1234, 0xdeadbeef, SWP_OFFSET_MAX}) {
      u64 w = swp_word(type, off);
      EXPECT_EQ(w, swap_layout(type, off));
      EXPECT_EQ(swp_type(w), type);
      EXPECT_EQ(swp_offset(w), off);
      EXPECT_EQ(w & 0x1ffu, 0u) << "bits 0..8 stay clear";
    }
  // An offset wider than 50 bits is truncated by the shifts.
  EXPECT_EQ(swp_offset(swp_word(5, (1ull << 50) | 7)), 7u);
}

// --- none, by level ---------------------------------------------------------------------

TEST(EntryNone, OnlyAccessedDirtyIsNoneBelowThe5LevelPgd) {
  for (u64 w : std::initializer_list<u64>{0, ACCESSED, DIRTY, ACCESSED | DIRTY}) {
    for (Level l : {Level::Pte, Level::Pmd, Level::Pud, Level::P4d, Level::Pgd})
      EXPECT_TRUE(word_none(l, 4, w)) << level_name(l) << " " << w;
    for (Level l : {Level::Pte, Level::Pmd, Level::Pud, Level::P4d})
      EXPECT_TRUE(word_none(l, 5, w)) << level_name(l) << " " << w;
    EXPECT_EQ(word_none(Level::Pgd, 5, w), w == 0) << "pgd_none is exact zero: " << w;
    EXPECT_EQ(cls(g4(), Level::Pte, w).kind, Kind::None);
    EXPECT_EQ(cls(g4(), Level::Pmd, w).kind, Kind::None);
    EXPECT_EQ(cls(g4(), Level::Pud, w).kind, Kind::None);
    EXPECT_EQ(cls(g4(), Level::Pgd, w).kind, Kind::None); // the root obeys p4d_none
    EXPECT_EQ(cls(g5(), Level::P4d, w).kind, Kind::None);
    EXPECT_EQ(cls(g4(), Level::Pmd, w, Context::HugetlbSlot).kind, Kind::None);
    EXPECT_EQ(cls(g4(), Level::Pte, w).word, w);
  }
  // On a 5-level PGD a word of A/D bits alone is not none, and not a valid pointer: bad.
  EXPECT_EQ(cls(g5(), Level::Pgd, ACCESSED).kind, Kind::Bad);
  EXPECT_EQ(cls(g5(), Level::Pgd, ACCESSED | DIRTY).kind, Kind::Bad);
  EXPECT_EQ(cls(g5(), Level::Pgd, 0).kind, Kind::None);
  // Any other bit makes a word not none.
  for (unsigned bit = 0; bit < 64; ++bit) {
    u64 w = 1ull << bit;
    if (w & KNL_ERRATUM_MASK) continue;
    for (Level l : kAllLevels) EXPECT_FALSE(word_none(l, 4, w)) << level_name(l) << " bit " << bit;
  }
}

// --- every kind at every level: entry -> word -> kind -> word ---------------------------

struct Case {
  const Geometry* g;
  Level level;
  Context ctx;
  Entry entry; // canonical: what classify returns, apart from .word
};

std::vector<Case> all_cases() {
  std::vector<Case> cs;
  auto add = [&](const Geometry& g, Level l, Entry e, Context ctx = Context::Normal) {
    cs.push_back(Case{&g, l, ctx, e});
  };
  for (const Geometry* gp : {&g4(), &g5(), &tiny()}) {
    const Geometry& g = *gp;
    const u64 pmd_pages = g.size(Level::Pmd) >> g.page_shift;
    const u64 pud_pages = g.size(Level::Pud) >> g.page_shift;
    // None everywhere.
    for (Level l : kAllLevels)
      if (!(l == Level::P4d && g.p4d_folded())) add(g, l, Entry{});
    // Table pointers at every upper level.
    for (Level l : {Level::Pmd, Level::Pud, Level::P4d, Level::Pgd})
      if (!(l == Level::P4d && g.p4d_folded()))
        add(g, l, Entry{.kind = Kind::Table, .pfn = 0x8000123});
    // PTE mappings: present +- write +- special +- devmap (devmap implies special).
    for (bool write : {false, true}) {
      for (bool special : {false, true})
        add(g, Level::Pte,
            Entry{.kind = Kind::Page, .pfn = 0x1234, .write = write, .special = special});
      add(g, Level::Pte,
          Entry{
              .kind = Kind::Page, .pfn = 0x2345, .write = write, .special = true, .devmap = true});
      add(g, Level::Pte, Entry{.kind = Kind::Protnone, .pfn = 0x3456, .write = write});
      add(g, Level::Pte, Entry{.kind = Kind::Migration, .pfn = 0x4567, .write = write});
      add(g, Level::Pte, Entry{.kind = Kind::Device, .pfn = 0x5678, .write = write});
      add(g, Level::Pmd, Entry{.kind = Kind::Migration, .pfn = 3 * pmd_pages, .write = write});
    }
    add(g, Level::Pte, Entry{.kind = Kind::Zero, .pfn = kZero, .special = true});
    add(g, Level::Pte, Entry{.kind = Kind::Zero, .pfn = kZero, .write = true, .special = true});
    add(g, Level::Pte, Entry{.kind = Kind::Page, .pfn = 0}); // pfn 0 is a page too
    for (unsigned type : {0u, 1u, 26u})
      add(g, Level::Pte, Entry{.kind = Kind::Swap, .swap_type = type, .offset = 0x55});
    add(g, Level::Pte, Entry{.kind = Kind::Swap, .swap_type = 0, .offset = 0});
    add(g, Level::Pte, Entry{.kind = Kind::Swap, .swap_type = 5, .offset = SWP_OFFSET_MAX});
    add(g, Level::Pte, Entry{.kind = Kind::Hwpoison, .pfn = 0x6789});
    // PMD and PUD leaves: trans-huge and devmap, +- write, +- protnone.
    for (Level l : {Level::Pmd, Level::Pud}) {
      u64 pages = l == Level::Pmd ? pmd_pages : pud_pages;
      for (bool write : {false, true})
        for (bool devmap : {false, true})
          for (bool protnone : {false, true})
            add(g, l,
                Entry{.kind = Kind::Huge,
                      .pfn = 5 * pages,
                      .write = write,
                      .devmap = devmap,
                      .protnone = protnone});
      add(g, l, Entry{.kind = Kind::Huge, .pfn = 0});
    }
    // Non-present PMD words other than migration: read as !pmd_present.
    add(g, Level::Pmd, Entry{.kind = Kind::Swap, .swap_type = 2, .offset = 0x77});
    add(g, Level::Pmd, Entry{.kind = Kind::Device, .pfn = 0x88, .write = true});
    add(g, Level::Pmd, Entry{.kind = Kind::Hwpoison, .pfn = 0x99});
    // Hugetlb slots, read with the PTE predicates, at both huge levels.
    for (Level l : {Level::Pmd, Level::Pud}) {
      u64 pages = l == Level::Pmd ? pmd_pages : pud_pages;
      const Context h = Context::HugetlbSlot;
      add(g, l, Entry{}, h);
      for (bool write : {false, true}) {
        add(g, l, Entry{.kind = Kind::Huge, .pfn = 7 * pages, .write = write}, h);
        add(g, l, Entry{.kind = Kind::Protnone, .pfn = 7 * pages, .write = write}, h);
        add(g, l, Entry{.kind = Kind::Migration, .pfn = 7 * pages, .write = write}, h);
        add(g, l, Entry{.kind = Kind::Device, .pfn = 0x321, .write = write}, h);
      }
      add(g, l, Entry{.kind = Kind::Hwpoison, .pfn = 7 * pages}, h);
      add(g, l, Entry{.kind = Kind::Swap, .swap_type = 4, .offset = 0x1000}, h);
    }
    // Bad words the level's *_bad test rejects (and that no earlier test claims).
    add(g, Level::Pmd, Entry{.kind = Kind::Bad, .word = PAGE_TABLE | NX | 0x1000});
    add(g, Level::Pmd, Entry{.kind = Kind::Bad, .word = PRESENT | RW | USER | 0x1000}); // no A/D
    add(g, Level::Pud, Entry{.kind = Kind::Bad, .word = PAGE_TABLE | NX | 0x1000});
    add(g, Level::Pud, Entry{.kind = Kind::Bad, .word = PAGE_TABLE | SPECIAL | 0x1000});
    add(g, Level::Pgd, Entry{.kind = Kind::Bad, .word = PAGE_TABLE | PSE | 0x1000});
    if (!g.p4d_folded()) {
      add(g, Level::P4d, Entry{.kind = Kind::Bad, .word = PAGE_TABLE | PSE | 0x1000});
      add(g, Level::P4d, Entry{.kind = Kind::Bad, .word = PAGE_TABLE | PROTNONE | 0x1000});
      add(g, Level::Pgd, Entry{.kind = Kind::Bad, .word = ACCESSED});
      add(g, Level::Pgd, Entry{.kind = Kind::Bad, .word = PRESENT | RW | USER | 0x1000});
    } else {
      add(g, Level::Pgd, Entry{.kind = Kind::Bad, .word = PAGE_TABLE | GLOBAL | 0x1000});
    }
  }
  return cs;
}

std::string fmt_case(const Case& c) {
  return c.g->name + " " + std::string(level_name(c.level)) +
         (c.ctx == Context::HugetlbSlot ? " hugetlb-slot " : " ") + describe(c.entry);
}

TEST(EntryRoundTrip, EveryKindAtEveryLevel) {
  std::vector<Case> cs = all_cases();
  // Every kind occurs, every level occurs, both contexts occur.
  std::set<Kind> kinds;
  std::set<Level> levels;
  for (const Case& c : cs) {
    kinds.insert(c.entry.kind);
    levels.insert(c.level);
  }
  EXPECT_EQ(kinds.size(), 11u);
  EXPECT_EQ(levels.size(), 5u);
  for (const Case& c : cs) {
    SCOPED_TRACE(fmt_case(c));
    u64 w = enc_ok(*c.g, c.level, c.entry, c.ctx);
    Entry back = cls(*c.g, c.level, w, c.ctx);
    Entry expect = c.entry;
    expect.word = w;
    EXPECT_EQ(back, expect) << describe(back) << " != " << describe(expect);
    // word -> kind -> word
    EXPECT_EQ(enc_ok(*c.g, c.level, back, c.ctx), w);
    EXPECT_EQ(kind_from_name(kind_name(back.kind)), back.kind);
  }
}

// --- exact words written by the encoder --------------------------------------------------

TEST(EntryEncode, ExactWords) {
  const Geometry& g = g4();
  // Table pointers are written as _PAGE_TABLE | pfn (pgtable_types.h:195).
  EXPECT_EQ(enc_ok(g, Level::Pmd, Entry{.kind = Kind::Table, .pfn = 0x8000001}), 0x8000001067ull);
  // A present PTE: PRESENT | USER | ACCESSED, + RW | DIRTY when writable, + SPECIAL,
  // + DEVMAP | SPECIAL for devmap (pte_mkdevmap, pgtable.h:395-398).
  EXPECT_EQ(enc_ok(g, Level::Pte, Entry{.kind = Kind::Page, .pfn = 0x1234}), 0x1234025ull);
  EXPECT_EQ(enc_ok(g, Level::Pte, Entry{.kind = Kind::Page, .pfn = 0x1234, .write = true}),
            0x1234067ull);
  EXPECT_EQ(enc_ok(g, Level::Pte, Entry{.kind = Kind::Page, .pfn = 0x1234, .special = true}),
            0x1234225ull);
  EXPECT_EQ(enc_ok(g, Level::Pte, Entry{.kind = Kind::Page, .pfn = 0x1234, .devmap = true}),
            0x0400000001234225ull);
  EXPECT_EQ(enc_ok(g, Level::Pte, Entry{.kind = Kind::Zero, .pfn = kZero}), 0x100225ull);
  // Protnone: PROTNONE | ACCESSED with the pfn bits inverted (pgtable-invert.h).
  EXPECT_EQ(enc_ok(g, Level::Pte, Entry{.kind = Kind::Protnone, .pfn = 0x1234}),
            0xffffffedcb120ull);
  EXPECT_EQ(enc_ok(g, Level::Pte, Entry{.kind = Kind::Protnone, .pfn = 0x1234, .write = true}),
            0xffffffedcb122ull);
  // Swap-type words (pgtable_64.h:235-237).
  EXPECT_EQ(enc_ok(g, Level::Pte, Entry{.kind = Kind::Swap, .swap_type = 3, .offset = 0x55}),
            0x1fffffffffff5400ull);
  EXPECT_EQ(enc_ok(g, Level::Pte, Entry{.kind = Kind::Migration, .pfn = 0x1234}),
            0xe7ffffffffdb9600ull);
  EXPECT_EQ(enc_ok(g, Level::Pte, Entry{.kind = Kind::Migration, .pfn = 0x1234, .write = true}),
            0xefffffffffdb9600ull);
  EXPECT_EQ(enc_ok(g, Level::Pte, Entry{.kind = Kind::Device, .pfn = 0x4321, .write = true}),
            0xf7ffffffff79bc00ull);
  EXPECT_EQ(enc_ok(g, Level::Pte, Entry{.kind = Kind::Device, .pfn = 0x4321}),
            0xffffffffff79bc00ull);
  EXPECT_EQ(enc_ok(g, Level::Pte, Entry{.kind = Kind::Hwpoison, .pfn = 0x99}),
            0xdffffffffffecc00ull);
  EXPECT_EQ(enc_ok(g, Level::Pmd, Entry{.kind = Kind::Migration, .pfn = 0x1234}),
            0xe7ffffffffdb9600ull);
  // A THP: PSE | USER | ACCESSED | PRESENT | pfn; a protnone THP inverts the 2 MiB pfn bits.
  EXPECT_EQ(enc_ok(g, Level::Pmd, Entry{.kind = Kind::Huge, .pfn = 0x400}), 0x4000a5ull);
  EXPECT_EQ(enc_ok(g, Level::Pmd, Entry{.kind = Kind::Huge, .pfn = 0x400, .write = true}),
            0x4000e7ull);
  EXPECT_EQ(enc_ok(g, Level::Pmd, Entry{.kind = Kind::Huge, .pfn = 0x400, .devmap = true}),
            0x04000000004000a5ull);
  EXPECT_EQ(enc_ok(g, Level::Pmd, Entry{.kind = Kind::Huge, .pfn = 0x400, .protnone = true}),
            0xfffffffa001a4ull);
  EXPECT_EQ(enc_ok(g, Level::Pud, Entry{.kind = Kind::Huge, .pfn = 0x40000}), 0x400000a5ull);
  EXPECT_EQ(enc_ok(g, Level::Pmd, Entry{.kind = Kind::Huge, .pfn = 0x400}, Context::HugetlbSlot),
            0x4000a5ull);
  EXPECT_EQ(enc_ok(g, Level::Pmd, Entry{.kind = Kind::None}), 0u);
  EXPECT_EQ(enc_ok(g, Level::Pgd, Entry{.kind = Kind::Bad, .word = 0x1000e7}), 0x1000e7ull);
}

// --- raw words at the edges of the x86 rules --------------------------------------------

TEST(EntryClassify, PteEdges) {
  const Geometry& g = g4();
  // PRESENT alone is a page (no A bit needed); the zero pfn without SPECIAL is still the
  // zero page (is_zero_pfn looks at the pfn only).
  EXPECT_EQ(cls(g, Level::Pte, PRESENT | 0x5000).kind, Kind::Page);
  EXPECT_EQ(cls(g, Level::Pte, PRESENT | (kZero << 12)).kind, Kind::Zero);
  EXPECT_EQ(cls(g, Level::Pte, PRESENT | SPECIAL | (kZero << 12)).kind, Kind::Zero);
  EXPECT_EQ(cls(g, Level::Pte, PRESENT | SPECIAL | 0x5000).kind, Kind::Page);
  // PRESENT with the GLOBAL (= PROTNONE) bit is an ordinary present page.
  EXPECT_EQ(cls(g, Level::Pte, PRESENT | GLOBAL | 0x5000).kind, Kind::Page);
  EXPECT_EQ(cls(g, Level::Pte, PRESENT | GLOBAL | 0x5000).pfn, 0x5u);
  // PROTNONE without PRESENT: protnone; its pfn is read inverted.
  Entry p = cls(g, Level::Pte, PROTNONE | ((~(0x42ull << 12)) & kPfnMask4k));
  EXPECT_EQ(p.kind, Kind::Protnone);
  EXPECT_EQ(p.pfn, 0x42u);
  // A non-present, non-none word is a swap-type word whatever its low bits: RW (the swap
  // soft-dirty bit) alone is swap type 0 with the largest offset.
  Entry s = cls(g, Level::Pte, RW);
  EXPECT_EQ(s.kind, Kind::Swap);
  EXPECT_EQ(s.swap_type, 0u);
  EXPECT_EQ(s.offset, SWP_OFFSET_MAX);
  // The soft-dirty (RW) and uffd-wp (USER) bits of swap words are ignored.
  u64 mig = swap_layout(SWP_MIGRATION_WRITE, 0x777);
  for (u64 extra : std::initializer_list<u64>{0, RW, USER, RW | USER, ACCESSED}) {
    Entry m = cls(g, Level::Pte, mig | extra);
    EXPECT_EQ(m.kind, Kind::Migration);
    EXPECT_TRUE(m.write);
    EXPECT_EQ(m.pfn, 0x777u);
  }
  // Each reserved swap type, and the last real one.
  EXPECT_EQ(cls(g, Level::Pte, swap_layout(26, 9)).kind, Kind::Swap);
  EXPECT_EQ(cls(g, Level::Pte, swap_layout(26, 9)).swap_type, 26u);
  EXPECT_EQ(cls(g, Level::Pte, swap_layout(26, 9)).offset, 9u);
  EXPECT_EQ(cls(g, Level::Pte, swap_layout(27, 9)).kind, Kind::Hwpoison);
  EXPECT_EQ(cls(g, Level::Pte, swap_layout(28, 9)).kind, Kind::Migration);
  EXPECT_FALSE(cls(g, Level::Pte, swap_layout(28, 9)).write);
  EXPECT_TRUE(cls(g, Level::Pte, swap_layout(29, 9)).write);
  EXPECT_EQ(cls(g, Level::Pte, swap_layout(30, 9)).kind, Kind::Device);
  EXPECT_TRUE(cls(g, Level::Pte, swap_layout(30, 9)).write);
  EXPECT_EQ(cls(g, Level::Pte, swap_layout(31, 9)).kind, Kind::Device);
  EXPECT_FALSE(cls(g, Level::Pte, swap_layout(31, 9)).write);
  EXPECT_EQ(cls(g, Level::Pte, swap_layout(31, 9)).pfn, 9u);
  // Classify keeps the word it was given.
  EXPECT_EQ(cls(g, Level::Pte, swap_layout(31, 9)).word, swap_layout(31, 9));
}

TEST(EntryClassify, PmdEdges) {
  const Geometry& g = g4();
  const u64 inv = (~(0x400ull << 12)) & kPfnMask2m; // pfn 0x400, inverted in the 2 MiB bits
  // PSE without PRESENT is pmd_present (a THP being split): a huge entry, not protnone,
  // and its pfn is read inverted because PRESENT is clear.
  Entry splitting = cls(g, Level::Pmd, PSE | ACCESSED | inv);
  EXPECT_EQ(splitting.kind, Kind::Huge);
  EXPECT_FALSE(splitting.protnone);
  EXPECT_EQ(splitting.pfn, 0x400u);
  // PROTNONE | PSE: a protnone THP.
  Entry pn = cls(g, Level::Pmd, PSE | PROTNONE | RW | inv);
  EXPECT_EQ(pn.kind, Kind::Huge);
  EXPECT_TRUE(pn.protnone);
  EXPECT_TRUE(pn.write);
  EXPECT_EQ(pn.pfn, 0x400u);
  // DEVMAP without PSE is pmd_devmap: huge for hmm (hmm.c:351), with the 4 KiB pfn mask,
  // so an unaligned pfn is read as it is.
  Entry dm = cls(g, Level::Pmd, DEVMAP | PRESENT | USER | ACCESSED | (0x1234ull << 12));
  EXPECT_EQ(dm.kind, Kind::Huge);
  EXPECT_TRUE(dm.devmap);
  EXPECT_EQ(dm.pfn, 0x1234u);
  // With PSE the pfn is masked to 2 MiB: low pfn bits are flags (PAT_LARGE, ...).
  EXPECT_EQ(cls(g, Level::Pmd, PSE | PRESENT | (0x401ull << 12)).pfn, 0x400u);
  // PROTNONE without PSE or DEVMAP: present, not huge, and pmd_bad.
  EXPECT_EQ(cls(g, Level::Pmd, PROTNONE | ACCESSED | 0x5000).kind, Kind::Bad);
  // pmd_bad wants exactly _KERNPG_TABLE apart from USER.
  EXPECT_EQ(cls(g, Level::Pmd, KERNPG_TABLE | 0x5000).kind, Kind::Table);
  EXPECT_EQ(cls(g, Level::Pmd, PAGE_TABLE | 0x5000).kind, Kind::Table);
  EXPECT_EQ(cls(g, Level::Pmd, PAGE_TABLE | 0x5000).pfn, 0x5u);
  EXPECT_EQ(cls(g, Level::Pmd, (PAGE_TABLE & ~DIRTY) | 0x5000).kind, Kind::Bad);
  EXPECT_EQ(cls(g, Level::Pmd, PAGE_TABLE | NX | 0x5000).kind, Kind::Bad);
  EXPECT_EQ(cls(g, Level::Pmd, PAGE_TABLE | SPECIAL | 0x5000).kind, Kind::Bad);
  // Without PRESENT, PROTNONE and PSE: !pmd_present, read by swap type.
  EXPECT_EQ(cls(g, Level::Pmd, swap_layout(28, 0x400)).kind, Kind::Migration);
  EXPECT_EQ(cls(g, Level::Pmd, swap_layout(28, 0x400)).pfn, 0x400u);
  EXPECT_EQ(cls(g, Level::Pmd, swap_layout(3, 0x400)).kind, Kind::Swap);
  EXPECT_EQ(cls(g, Level::Pmd, RW | USER).kind, Kind::Swap);
}

TEST(EntryClassify, PudEdges) {
  const Geometry& g = g4();
  // pud_trans_huge (PSE without DEVMAP), pud_devmap (DEVMAP, PSE or not): huge.
  EXPECT_EQ(cls(g, Level::Pud, PSE | PRESENT | (0x40000ull << 12)).kind, Kind::Huge);
  Entry dm = cls(g, Level::Pud, DEVMAP | PRESENT | (0x1234ull << 12));
  EXPECT_EQ(dm.kind, Kind::Huge);
  EXPECT_TRUE(dm.devmap);
  EXPECT_EQ(dm.pfn, 0x1234u); // no PSE: the 4 KiB mask (pud_pfn_mask)
  EXPECT_EQ(cls(g, Level::Pud, PSE | DEVMAP | PRESENT | (0x40001ull << 12)).pfn, 0x40000u);
  // PUD leaves need no PRESENT bit: PSE alone (non-present) is still trans-huge.
  Entry np = cls(g, Level::Pud, PSE | ACCESSED | ((~(0x40000ull << 12)) & kPfnMask1g));
  EXPECT_EQ(np.kind, Kind::Huge);
  EXPECT_EQ(np.pfn, 0x40000u);
  EXPECT_FALSE(np.protnone);
  // pud_bad only rejects flags outside _KERNPG_TABLE | USER: fewer flags are fine.
  EXPECT_EQ(cls(g, Level::Pud, PRESENT | 0x5000).kind, Kind::Table);
  EXPECT_EQ(cls(g, Level::Pud, USER | 0x5000).kind, Kind::Table);
  EXPECT_EQ(cls(g, Level::Pud, PAGE_TABLE | 0x5000).kind, Kind::Table);
  EXPECT_EQ(cls(g, Level::Pud, PAGE_TABLE | NX | 0x5000).kind, Kind::Bad);
  EXPECT_EQ(cls(g, Level::Pud, PAGE_TABLE | GLOBAL | 0x5000).kind, Kind::Bad);
}

TEST(EntryClassify, UpperLevelEdges) {
  // NX on a table pointer: bad at PMD and PUD, but ignored at P4D and PGD (page-table
  // isolation sets NX on user top-level entries, pgtable.h:968-976 and 1011-1022).
  for (const Geometry* g : {&g4(), &g5()}) {
    EXPECT_EQ(cls(*g, Level::Pmd, PAGE_TABLE | NX | 0x5000).kind, Kind::Bad);
    EXPECT_EQ(cls(*g, Level::Pud, PAGE_TABLE | NX | 0x5000).kind, Kind::Bad);
    EXPECT_EQ(cls(*g, Level::Pgd, PAGE_TABLE | NX | 0x5000).kind, Kind::Table);
    EXPECT_EQ(cls(*g, Level::Pgd, PAGE_TABLE | NX | 0x5000).pfn, 0x5u);
  }
  EXPECT_EQ(cls(g5(), Level::P4d, PAGE_TABLE | NX | 0x5000).kind, Kind::Table);
  // p4d_bad (and the 4-level root) rejects only extra flags; the 5-level pgd_bad wants
  // exactly _KERNPG_TABLE apart from USER and NX.
  EXPECT_EQ(cls(g5(), Level::P4d, PRESENT | 0x5000).kind, Kind::Table);
  EXPECT_EQ(cls(g4(), Level::Pgd, PRESENT | 0x5000).kind, Kind::Table);
  EXPECT_EQ(cls(g5(), Level::Pgd, PRESENT | 0x5000).kind, Kind::Bad);
  EXPECT_EQ(cls(g5(), Level::Pgd, KERNPG_TABLE | 0x5000).kind, Kind::Table);
  EXPECT_EQ(cls(g5(), Level::P4d, PAGE_TABLE | PSE | 0x5000).kind, Kind::Bad);
  EXPECT_EQ(cls(g4(), Level::Pgd, PAGE_TABLE | DEVMAP | 0x5000).kind, Kind::Bad);
  EXPECT_EQ(cls(g5(), Level::Pgd, PAGE_TABLE | DEVMAP | 0x5000).kind, Kind::Bad);
  // Table pointers are followed through their raw pfn bits, never inverted.
  EXPECT_EQ(table_pfn(g4(), USER | 0x5000), 0x5u);
  EXPECT_EQ(cls(g4(), Level::Pud, USER | 0x5000).pfn, 0x5u);
}

TEST(EntryPfn, InversionAndMasks) {
  const Geometry& g = g4();
  // pte_pfn: present words are read as they are; non-present, non-zero words inverted.
  EXPECT_EQ(pte_pfn(g, PRESENT | 0xabcdef000ull), 0xabcdefu);
  EXPECT_EQ(pte_pfn(g, 0xabcdef000ull), (~0xabcdef000ull & kPfnMask4k) >> 12);
  EXPECT_EQ(pte_pfn(g, 0), 0u);                   // zero is never inverted
  EXPECT_EQ(pte_pfn(g, ACCESSED), 0xffffffffffu); // but A alone is
  EXPECT_EQ(pte_pfn(g, PRESENT | NX | DEVMAP | 0xfff | (0x12ull << 12)), 0x12u);
  // A swap word's pfn bits are the inverted offset: pte_pfn gives the offset back as
  // long as it fits in the pfn bits (the offset starts at bit 9, the pfn at 12).
  EXPECT_EQ(pte_pfn(g, swap_layout(28, 0x1234ull << 3)), 0x1234u);
  // pmd_pfn / pud_pfn: the huge mask with PSE, the 4 KiB mask without.
  EXPECT_EQ(huge_pfn(g, Level::Pmd, PSE | PRESENT | (0x5ffull << 12)), 0x400u);
  EXPECT_EQ(huge_pfn(g, Level::Pmd, PRESENT | (0x5ffull << 12)), 0x5ffu);
  EXPECT_EQ(huge_pfn(g, Level::Pud, PSE | PRESENT | (0x7ffffull << 12)), 0x40000u);
  EXPECT_EQ(huge_pfn(g, Level::Pud, DEVMAP | PRESENT | (0x7ffffull << 12)), 0x7ffffu);
  EXPECT_EQ(huge_pfn(g, Level::Pmd, PSE | PROTNONE | ((~(0x600ull << 12)) & kPfnMask2m)), 0x600u);
  // Tiny geometry: a PMD covers 4 pages, so the huge mask keeps pfn bits from 2 up.
  EXPECT_EQ(huge_pfn(tiny(), Level::Pmd, PSE | PRESENT | (0x7ull << 12)), 0x4u);
  EXPECT_EQ(huge_pfn(tiny(), Level::Pud, PSE | PRESENT | (0x1full << 12)), 0x10u);
  // A 64 KiB page shift moves the pfn field up.
  Geometry g16{"g16", 16, 4, {9, 9, 9, 0, 9}};
  ASSERT_FALSE(g16.validate());
  EXPECT_EQ(pte_pfn(g16, PRESENT | (0x123ull << 16) | 0xf000), 0x123u);
  EXPECT_EQ(enc_ok(g16, Level::Pte, Entry{.kind = Kind::Page, .pfn = 0x123}), 0x1230025ull);
  EXPECT_EQ(cls(g16, Level::Pte, 0x1230025ull).pfn, 0x123u);
}

// --- what the encoder refuses -------------------------------------------------------------

TEST(EntryEncode, Errors) {
  const Geometry& g = g4();
  const Context h = Context::HugetlbSlot;
  // Misaligned huge pfns.
  EXPECT_NE(enc_err(g, Level::Pmd, Entry{.kind = Kind::Huge, .pfn = 0x401}).find("aligned"),
            std::string::npos);
  enc_err(g, Level::Pud, Entry{.kind = Kind::Huge, .pfn = 0x200});
  enc_err(tiny(), Level::Pmd, Entry{.kind = Kind::Huge, .pfn = 2});
  enc_ok(tiny(), Level::Pmd, Entry{.kind = Kind::Huge, .pfn = 4});
  enc_err(g, Level::Pmd, Entry{.kind = Kind::Huge, .pfn = 0x401}, h);
  // pfns wider than the 52-bit physical address space.
  const u64 max_pfn = (1ull << 40) - 1;
  enc_ok(g, Level::Pte, Entry{.kind = Kind::Page, .pfn = max_pfn});
  EXPECT_NE(enc_err(g, Level::Pte, Entry{.kind = Kind::Page, .pfn = max_pfn + 1}).find("52"),
            std::string::npos);
  enc_err(g, Level::Pte, Entry{.kind = Kind::Protnone, .pfn = max_pfn + 1});
  enc_err(g, Level::Pmd, Entry{.kind = Kind::Table, .pfn = max_pfn + 1});
  enc_err(g, Level::Pmd, Entry{.kind = Kind::Huge, .pfn = 1ull << 41});
  // Swap types 27..31 are reserved; offsets have 50 bits.
  enc_ok(g, Level::Pte, Entry{.kind = Kind::Swap, .swap_type = 26});
  EXPECT_NE(enc_err(g, Level::Pte, Entry{.kind = Kind::Swap, .swap_type = 27}).find("27"),
            std::string::npos);
  enc_err(g, Level::Pte, Entry{.kind = Kind::Swap, .swap_type = 31});
  enc_err(g, Level::Pte, Entry{.kind = Kind::Swap, .offset = SWP_OFFSET_MAX + 1});
  enc_err(g, Level::Pte, Entry{.kind = Kind::Migration, .pfn = SWP_OFFSET_MAX + 1});
  // Kinds that cannot exist at a level.
  enc_err(g, Level::Pte, Entry{.kind = Kind::Table, .pfn = 1});
  enc_err(g, Level::Pmd, Entry{.kind = Kind::Table, .pfn = 1}, h);
  for (Level l : {Level::Pmd, Level::Pud, Level::Pgd}) {
    enc_err(g, l, Entry{.kind = Kind::Page, .pfn = 0x400});
    enc_err(g, l, Entry{.kind = Kind::Zero, .pfn = kZero});
    enc_err(g, l, Entry{.kind = Kind::Protnone, .pfn = 0x400});
  }
  enc_err(g, Level::Pmd, Entry{.kind = Kind::Page, .pfn = 0x400}, h);
  for (Level l : {Level::Pud, Level::Pgd})
    for (Kind k : {Kind::Swap, Kind::Migration, Kind::Device, Kind::Hwpoison})
      enc_err(g, l, Entry{.kind = k});
  enc_err(g5(), Level::P4d, Entry{.kind = Kind::Migration});
  for (Level l : {Level::Pte, Level::Pgd}) enc_err(g, l, Entry{.kind = Kind::Huge});
  enc_err(g5(), Level::P4d, Entry{.kind = Kind::Huge});
  enc_err(g, Level::Pmd, Entry{.kind = Kind::Huge, .pfn = 0x400, .protnone = true}, h);
  // Bad entries: never in leaves, and only with a word the level really reads as bad.
  enc_err(g, Level::Pte, Entry{.kind = Kind::Bad, .word = PAGE_TABLE | NX});
  enc_err(g, Level::Pmd, Entry{.kind = Kind::Bad, .word = PAGE_TABLE | NX}, h);
  enc_err(g, Level::Pmd, Entry{.kind = Kind::Bad, .word = PAGE_TABLE | 0x5000}); // a table
  enc_err(g, Level::Pmd, Entry{.kind = Kind::Bad, .word = ACCESSED});            // none
  enc_err(g, Level::Pmd, Entry{.kind = Kind::Bad, .word = 0});
  enc_err(g, Level::Pgd, Entry{.kind = Kind::Bad, .word = PAGE_TABLE | NX | 0x5000});
  enc_ok(g5(), Level::Pgd, Entry{.kind = Kind::Bad, .word = ACCESSED});
  // Words that *_bad rejects but that an earlier test of the walk claims are not bad:
  // a PSE or DEVMAP word is huge at PMD and PUD, a non-present PMD word is a swap entry.
  enc_err(g, Level::Pmd, Entry{.kind = Kind::Bad, .word = PSE | PRESENT | RW | 0x400000});
  enc_err(g, Level::Pmd, Entry{.kind = Kind::Bad, .word = DEVMAP | PAGE_TABLE | 0x5000});
  enc_err(g, Level::Pmd, Entry{.kind = Kind::Bad, .word = swap_layout(3, 7)});
  enc_err(g, Level::Pud, Entry{.kind = Kind::Bad, .word = PSE | PRESENT | 0x40000000});
  enc_err(g, Level::Pud, Entry{.kind = Kind::Bad, .word = DEVMAP | PAGE_TABLE | 0x5000});
}

TEST(EntryNames, KindNamesRoundTrip) {
  for (unsigned i = 0; i < 11; ++i) {
    Kind k = static_cast<Kind>(i);
    EXPECT_EQ(kind_from_name(kind_name(k)), k);
  }
  EXPECT_EQ(kind_name(Kind::Huge), "huge");
  EXPECT_FALSE(kind_from_name("thp"));
  EXPECT_EQ(describe(Entry{.kind = Kind::Swap, .swap_type = 3, .offset = 0x55}),
            "swap type=3 offset=0x55");
  EXPECT_EQ(describe(Entry{.kind = Kind::Page, .pfn = 0x1000, .write = true, .special = true}),
            "page pfn=0x1000 write special");
}

} // namespace
} // namespace hmmspec
