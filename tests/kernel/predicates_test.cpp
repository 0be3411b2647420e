// SPDX-License-Identifier: GPL-2.0-or-later
// The shim's x86-64 predicates on raw words (kernel/include/hmmspec/pgtable.h, swapops.h),
// each checked against the value the x86 rules of arch/x86/include/asm/pgtable.h at v5.7 give by
// hand, on edge words, and cross-checked against the model's predicates (model/entry.h) on many
// words.
#include <random>

#include "kernel/include/hmmspec/swapops.h"
#include "kernel/session.h"
#include "model/entry.h"

// After the model: <signal.h> (through gtest) defines SIGBUS and SIGSEGV as macros, which
// model/world.h also uses as names inside namespace hmmspec::fault.
#include <gtest/gtest.h>

namespace hmmspec {
namespace {

constexpr u64 P = 1ull << 0, RW = 1ull << 1, U = 1ull << 2, A = 1ull << 5, D = 1ull << 6;
constexpr u64 PSE = 1ull << 7, G = 1ull << 8, SP = 1ull << 9, DM = 1ull << 58, NX = 1ull << 63;
constexpr u64 TABLE = P | RW | U | A | D; // a user page-table pointer's flags

// Installs a geometry for the shim's macros (through a session over an empty world).
class Predicates : public ::testing::Test {
protected:
  void use(const char* geometry) {
    session_.reset();
    world_ = std::make_unique<World>(*builtin_geometry(geometry));
    session_ = std::make_unique<kernel::Session>(*world_, RunOptions{});
  }
  void SetUp() override { use("x86_64"); }
  void TearDown() override {
    session_.reset();
    world_.reset();
  }
  std::unique_ptr<World> world_;
  std::unique_ptr<kernel::Session> session_;
};

pte_t pte(u64 v) {
  return pte_t{v};
}
pmd_t pmd(u64 v) {
  return pmd_t{v};
}
pud_t pud(u64 v) {
  return pud_t{v};
}
p4d_t p4d(u64 v) {
  return p4d_t{v};
}
pgd_t pgd(u64 v) {
  return pgd_t{v};
}

TEST_F(Predicates, GeometryFollowsTheWorld) {
  EXPECT_EQ(PAGE_SHIFT, 12u);
  EXPECT_EQ(PAGE_SIZE, 4096ul);
  EXPECT_EQ(PMD_MASK, ~((1ul << 21) - 1));
  EXPECT_EQ(PUD_MASK, ~((1ul << 30) - 1));
  EXPECT_EQ(PGDIR_SHIFT, 39u);
  EXPECT_EQ(PTRS_PER_PTE, 512ul);
  EXPECT_EQ(PTRS_PER_P4D, 1ul);
  EXPECT_FALSE(pgtable_l5_enabled());
  use("x86_64-la57");
  EXPECT_EQ(P4D_SHIFT, 39u);
  EXPECT_EQ(PGDIR_SHIFT, 48u);
  EXPECT_EQ(PTRS_PER_P4D, 512ul);
  EXPECT_TRUE(pgtable_l5_enabled());
  use("tiny");
  EXPECT_EQ(PMD_SHIFT, 14u);
  EXPECT_EQ(PUD_SHIFT, 16u);
  EXPECT_EQ(PGDIR_SHIFT, 18u);
  EXPECT_EQ(PMD_MASK, ~0x3ffful);
  EXPECT_EQ(PTRS_PER_PMD, 4ul);
  EXPECT_EQ(pte_index(0x5000), 1ul);
  EXPECT_EQ(pmd_index(0x5000), 1ul);
  EXPECT_EQ(pud_index(0x34000), 3ul);
  EXPECT_EQ(pgd_index(0xc0000), 3ul);
}

TEST_F(Predicates, PteNoneIgnoresOnlyAccessedAndDirty) {
  EXPECT_TRUE(pte_none(pte(0)));
  EXPECT_TRUE(pte_none(pte(A)));
  EXPECT_TRUE(pte_none(pte(D)));
  EXPECT_TRUE(pte_none(pte(A | D)));
  EXPECT_FALSE(pte_none(pte(P)));
  EXPECT_FALSE(pte_none(pte(U)));
  EXPECT_FALSE(pte_none(pte(NX)));
  EXPECT_FALSE(pte_none(pte(1ull << 12)));
}

TEST_F(Predicates, PtePresentCountsProtnone) {
  EXPECT_TRUE(pte_present(pte(P)));
  EXPECT_TRUE(pte_present(pte(G))); // PROTNONE alone: present, not accessible
  EXPECT_TRUE(pte_protnone(pte(G | A)));
  EXPECT_FALSE(pte_protnone(pte(G | P))); // GLOBAL on a present page is not protnone
  EXPECT_FALSE(pte_present(pte(RW | U | A | D | PSE | SP | DM | NX)));
  EXPECT_FALSE(pte_protnone(pte(P)));
}

TEST_F(Predicates, PteFlags) {
  EXPECT_TRUE(pte_write(pte(P | RW)));
  EXPECT_FALSE(pte_write(pte(P)));
  EXPECT_TRUE(pte_special(pte(P | SP)));
  EXPECT_FALSE(pte_special(pte(P)));
  // pte_mkdevmap sets SPECIAL with DEVMAP, so a devmap PTE built by the kernel is special.
  EXPECT_TRUE(pte_special(pte(P | SP | DM)));
  EXPECT_TRUE(pte_devmap(pte(P | SP | DM)));
}

TEST_F(Predicates, PtePfnInvertsNonPresentWords) {
  EXPECT_EQ(pte_pfn(pte(P | (0x1234ull << 12))), 0x1234ul);
  EXPECT_EQ(pte_pfn(pte(P | NX | DM | (0x1234ull << 12) | 0xfff)), 0x1234ul);
  // A protnone word stores its frame inverted (bits 12..51).
  u64 inverted = ~(0x1234ull << 12) & (((1ull << 52) - 1) & ~0xfffull);
  EXPECT_EQ(pte_pfn(pte(G | A | inverted)), 0x1234ul);
  EXPECT_EQ(pte_pfn(pte(0)), 0ul); // zero is never inverted
  // A non-present word without any frame bits decodes to the all-ones frame.
  EXPECT_EQ(pte_pfn(pte(A)), (1ul << 40) - 1);
  use("tiny");
  EXPECT_EQ(pte_pfn(pte(P | (0x77ull << 12))), 0x77ul);
}

TEST_F(Predicates, ZeroPfnIsTheWorlds) {
  EXPECT_TRUE(is_zero_pfn(world_->zero_pfn));
  EXPECT_FALSE(is_zero_pfn(world_->zero_pfn + 1));
}

TEST_F(Predicates, PmdPresentCountsPseAndProtnone) {
  EXPECT_TRUE(pmd_present(pmd(P)));
  EXPECT_TRUE(pmd_present(pmd(G)));
  EXPECT_TRUE(pmd_present(pmd(PSE))); // a THP mid-split: PRESENT clear, PSE kept
  EXPECT_FALSE(pmd_present(pmd(RW | U | A | D | DM)));
  EXPECT_TRUE(pmd_none(pmd(A | D)));
  EXPECT_FALSE(pmd_none(pmd(PSE)));
  EXPECT_TRUE(pmd_protnone(pmd(G | PSE)));
  EXPECT_FALSE(pmd_protnone(pmd(G | P | PSE)));
}

TEST_F(Predicates, PmdHugeKinds) {
  EXPECT_TRUE(pmd_trans_huge(pmd(PSE | P)));
  EXPECT_TRUE(pmd_trans_huge(pmd(PSE))); // PRESENT is not looked at
  EXPECT_FALSE(pmd_trans_huge(pmd(PSE | P | DM)));
  EXPECT_TRUE(pmd_devmap(pmd(DM))); // DEVMAP without PSE still counts
  EXPECT_TRUE(pmd_devmap(pmd(PSE | P | DM)));
  EXPECT_FALSE(pmd_devmap(pmd(PSE | P)));
  EXPECT_TRUE(pmd_write(pmd(PSE | P | RW)));
}

TEST_F(Predicates, PmdBadAcceptsOnlyTablePointers) {
  const u64 frame = 0x8000000ull << 12;
  EXPECT_FALSE(pmd_bad(pmd(TABLE | frame)));
  EXPECT_FALSE(pmd_bad(pmd((TABLE & ~U) | frame))); // USER is ignored
  EXPECT_TRUE(pmd_bad(pmd((TABLE & ~A) | frame)));  // A and D are required
  EXPECT_TRUE(pmd_bad(pmd((TABLE & ~D) | frame)));
  EXPECT_TRUE(pmd_bad(pmd(TABLE | NX | frame)));  // NX is a flag like any other
  EXPECT_TRUE(pmd_bad(pmd(TABLE | PSE | frame))); // every huge entry is "bad"
  EXPECT_TRUE(pmd_bad(pmd(TABLE | G | frame)));
}

TEST_F(Predicates, PmdPfnUsesTheHugeMaskUnderPse) {
  // With PSE the frame bits below the PMD size (bit 12 is PAT there) are flags.
  EXPECT_EQ(pmd_pfn(pmd(P | PSE | (0x203ull << 12))), 0x200ul);
  EXPECT_EQ(pmd_pfn(pmd(P | (0x203ull << 12))), 0x203ul);
  u64 huge_frame_bits = ((1ull << 52) - 1) & ~((1ull << 21) - 1);
  EXPECT_EQ(pmd_pfn(pmd(G | PSE | (~(0x400ull << 12) & huge_frame_bits))), 0x400ul);
}

TEST_F(Predicates, PmdHugeForHugetlb) {
  EXPECT_FALSE(pmd_huge(pmd(0)));
  EXPECT_FALSE(pmd_huge(pmd(A)));                    // none
  EXPECT_FALSE(pmd_huge(pmd(TABLE | (5ull << 12)))); // a present table pointer
  EXPECT_TRUE(pmd_huge(pmd(P | PSE)));
  EXPECT_TRUE(pmd_huge(pmd(PSE)));
  EXPECT_TRUE(pmd_huge(pmd(x86::swp_word(x86::SWP_MIGRATION_READ, 0x200)))); // non-present
}

TEST_F(Predicates, PudPredicates) {
  EXPECT_TRUE(pud_none(pud(A | D)));
  EXPECT_TRUE(pud_present(pud(P)));
  EXPECT_FALSE(pud_present(pud(G))); // PROTNONE does not count at the PUD
  EXPECT_FALSE(pud_present(pud(PSE)));
  EXPECT_TRUE(pud_trans_huge(pud(PSE)));
  EXPECT_FALSE(pud_trans_huge(pud(PSE | DM)));
  EXPECT_TRUE(pud_devmap(pud(DM)));
  EXPECT_TRUE(pud_huge(pud(PSE)));
  EXPECT_TRUE(pud_huge(pud(PSE | DM)));
  EXPECT_FALSE(pud_huge(pud(DM | P)));
  EXPECT_TRUE(pud_leaf(pud(PSE | P)));
  EXPECT_FALSE(pud_leaf(pud(PSE)));
  EXPECT_TRUE(pud_write(pud(P | RW)));
  EXPECT_EQ(pud_pfn(pud(P | PSE | (0x40123ull << 12))), 0x40000ul);
  const u64 frame = 0x8000001ull << 12;
  EXPECT_FALSE(pud_bad(pud(TABLE | frame)));
  EXPECT_FALSE(pud_bad(pud(P | frame))); // a subset of a table's flags is fine
  EXPECT_TRUE(pud_bad(pud(TABLE | NX | frame)));
  EXPECT_TRUE(pud_bad(pud(TABLE | PSE | frame)));
}

TEST_F(Predicates, P4dWithPageTableIsolation) {
  const u64 frame = 0x8000001ull << 12;
  EXPECT_TRUE(p4d_none(p4d(A | D)));
  EXPECT_FALSE(p4d_none(p4d(P)));
  EXPECT_TRUE(p4d_present(p4d(TABLE | frame)));
  EXPECT_FALSE(p4d_bad(p4d(TABLE | frame)));
  EXPECT_FALSE(p4d_bad(p4d(TABLE | NX | frame))); // NX on a table pointer: PTI sets it
  EXPECT_FALSE(p4d_bad(p4d(P | frame)));
  EXPECT_TRUE(p4d_bad(p4d(TABLE | PSE | frame)));
  EXPECT_TRUE(p4d_bad(p4d(TABLE | G | frame)));
  EXPECT_TRUE(p4d_bad(p4d(TABLE | DM | frame)));
}

TEST_F(Predicates, PgdFoldedOnFourLevels) {
  EXPECT_FALSE(pgd_none(pgd(0)));
  EXPECT_FALSE(pgd_bad(pgd(PSE | G)));
  EXPECT_TRUE(pgd_present(pgd(0)));
  // The root's entry is read as the P4D.
  pgd_t root{A};
  EXPECT_EQ(reinterpret_cast<void*>(p4d_offset(&root, 0x12345000)), reinterpret_cast<void*>(&root));
}

TEST_F(Predicates, PgdOnFiveLevels) {
  use("x86_64-la57");
  const u64 frame = 0x8000001ull << 12;
  EXPECT_TRUE(pgd_none(pgd(0)));
  EXPECT_FALSE(pgd_none(pgd(A))); // exact zero: no A/D allowance
  EXPECT_TRUE(pgd_bad(pgd(A)));
  EXPECT_FALSE(pgd_bad(pgd(TABLE | frame)));
  EXPECT_FALSE(pgd_bad(pgd((TABLE & ~U) | NX | frame)));
  EXPECT_TRUE(pgd_bad(pgd(P | frame))); // the flags must be exactly a table's
  EXPECT_TRUE(pgd_bad(pgd(TABLE | PSE | frame)));
  EXPECT_TRUE(pgd_present(pgd(TABLE | frame)));
  EXPECT_FALSE(pgd_present(pgd(A)));
}

TEST_F(Predicates, SwapLayout) {
  EXPECT_EQ(MAX_SWAPFILES, 27);
  EXPECT_EQ(SWP_HWPOISON, 27);
  EXPECT_EQ(SWP_MIGRATION_READ, 28);
  EXPECT_EQ(SWP_MIGRATION_WRITE, 29);
  EXPECT_EQ(SWP_DEVICE_WRITE, 30);
  EXPECT_EQ(SWP_DEVICE_READ, 31);
  // Type 28 in bits 59-63, offset 0x1234 inverted in bits 9-58.
  u64 word = (28ull << 59) | ((~0x1234ull << 14) >> 5);
  swp_entry_t e = pte_to_swp_entry(pte(word));
  EXPECT_EQ(swp_type(e), 28u);
  EXPECT_EQ(swp_offset(e), 0x1234ul);
  EXPECT_TRUE(is_migration_entry(e));
  EXPECT_FALSE(is_write_migration_entry(e));
  EXPECT_TRUE(non_swap_entry(e));
  EXPECT_FALSE(pte_present(pte(word)));
  // Soft-dirty (bit 1) and uffd-wp (bit 2) do not change the entry.
  swp_entry_t marked = pte_to_swp_entry(pte(word | RW | U));
  EXPECT_EQ(marked.val, e.val);
  EXPECT_EQ(pmd_to_swp_entry(pmd(word | RW)).val, e.val);
  EXPECT_TRUE(is_pmd_migration_entry(pmd(word)));
  EXPECT_FALSE(is_pmd_migration_entry(pmd(word | PSE))); // PSE makes it pmd_present
}

TEST_F(Predicates, SwapTypes) {
  auto entry = [](unsigned type, u64 offset) {
    return pte_to_swp_entry(pte(x86::swp_word(type, offset)));
  };
  EXPECT_FALSE(non_swap_entry(entry(26, 5)));
  EXPECT_TRUE(is_hwpoison_entry(entry(27, 5)));
  EXPECT_TRUE(is_write_migration_entry(entry(29, 5)));
  EXPECT_TRUE(is_device_private_entry(entry(30, 5)));
  EXPECT_TRUE(is_write_device_private_entry(entry(30, 5)));
  EXPECT_TRUE(is_device_private_entry(entry(31, 5)));
  EXPECT_FALSE(is_write_device_private_entry(entry(31, 5)));
  EXPECT_EQ(device_private_entry_to_pfn(entry(31, 0x5000)), 0x5000ul);
  EXPECT_EQ(swp_offset(entry(3, x86::SWP_OFFSET_MAX)), x86::SWP_OFFSET_MAX);
}

// Edge words and random words of every shape, at every level of every built-in geometry:
// the shim's predicates and the model's (model/entry.h) must agree word for word.
std::vector<u64> sample_words() {
  std::vector<u64> words = {0,          A,
                            D,          A | D,
                            P,          G,
                            PSE,        DM,
                            NX,         U,
                            RW,         TABLE,
                            TABLE | NX, TABLE | PSE,
                            TABLE | G,  P | PSE,
                            G | PSE,    DM | PSE | P,
                            ~0ull,      TABLE & ~A,
                            TABLE & ~U, (TABLE & ~U) | NX,
                            P | U};
  std::mt19937_64 rng(0x5eed);
  const u64 masks[] = {~0ull, 0x1ffull, 0x80000000000001ffull, 0xfff | (0xfffull << 12),
                       0x84000000000001ffull | (0xffull << 12)};
  for (int i = 0; i < 4000; ++i) words.push_back(rng() & masks[i % 5]);
  for (u64 base : std::vector<u64>(words)) words.push_back((base & 0xfff) | (0x8000000ull << 12));
  return words;
}

TEST_F(Predicates, AgreeWithTheModelOnEveryLevel) {
  const std::vector<u64> words = sample_words();
  for (const char* name : {"x86_64", "x86_64-la57", "tiny", "tiny-la57", "tiny3"}) {
    use(name);
    const Geometry& g = world_->geom;
    for (u64 w : words) {
      SCOPED_TRACE(::testing::Message() << name << " word 0x" << std::hex << w);
      ASSERT_EQ(word_none(Level::Pte, g.levels, w), bool(pte_none(pte(w))));
      ASSERT_EQ(word_none(Level::Pmd, g.levels, w), bool(pmd_none(pmd(w))));
      ASSERT_EQ(word_bad(g, Level::Pmd, w), bool(pmd_bad(pmd(w))));
      ASSERT_EQ(word_none(Level::Pud, g.levels, w), bool(pud_none(pud(w))));
      ASSERT_EQ(word_bad(g, Level::Pud, w), bool(pud_bad(pud(w))));
      if (g.levels == 5) {
        ASSERT_EQ(word_none(Level::P4d, g.levels, w), bool(p4d_none(p4d(w))));
        ASSERT_EQ(word_bad(g, Level::P4d, w), bool(p4d_bad(p4d(w))));
        ASSERT_EQ(word_none(Level::Pgd, g.levels, w), bool(pgd_none(pgd(w))));
        ASSERT_EQ(word_bad(g, Level::Pgd, w), bool(pgd_bad(pgd(w))));
      } else { // the root's entries are P4D entries (pgd_* fold away)
        ASSERT_EQ(word_none(Level::Pgd, g.levels, w), bool(p4d_none(p4d(w))));
        ASSERT_EQ(word_bad(g, Level::Pgd, w), bool(p4d_bad(p4d(w))));
      }
      ASSERT_EQ(hmmspec::pte_pfn(g, w), ::pte_pfn(pte(w)));
      ASSERT_EQ(huge_pfn(g, Level::Pmd, w), ::pmd_pfn(pmd(w)));
      ASSERT_EQ(huge_pfn(g, Level::Pud, w), ::pud_pfn(pud(w)));
      if (!pte_present(pte(w))) {
        swp_entry_t e = pte_to_swp_entry(pte(w));
        ASSERT_EQ(x86::swp_type(w), swp_type(e));
        ASSERT_EQ(x86::swp_offset(w), swp_offset(e));
      }
    }
  }
}

// The model's classifier reads a PTE in the order hmm.c does; each kind must be what the
// shim's predicates say of the word.
TEST_F(Predicates, PteKindsMatchTheModelsClassifier) {
  for (const char* name : {"x86_64", "tiny"}) {
    use(name);
    for (u64 w : sample_words()) {
      SCOPED_TRACE(::testing::Message() << name << " word 0x" << std::hex << w);
      Entry e = classify(world_->geom, Level::Pte, w, world_->zero_pfn);
      pte_t p = pte(w);
      swp_entry_t s = pte_to_swp_entry(p);
      bool swapish = !pte_none(p) && !pte_present(p);
      ASSERT_EQ(e.kind == Kind::None, bool(pte_none(p)));
      ASSERT_EQ(e.kind == Kind::Protnone, !pte_none(p) && pte_protnone(p));
      ASSERT_EQ(e.kind == Kind::Swap, swapish && !non_swap_entry(s));
      ASSERT_EQ(e.kind == Kind::Migration, swapish && is_migration_entry(s));
      ASSERT_EQ(e.kind == Kind::Device, swapish && is_device_private_entry(s));
      ASSERT_EQ(e.kind == Kind::Hwpoison, swapish && is_hwpoison_entry(s));
      ASSERT_EQ(e.kind == Kind::Zero,
                !pte_none(p) && pte_present(p) && !pte_protnone(p) && is_zero_pfn(::pte_pfn(p)));
    }
  }
}

} // namespace
} // namespace hmmspec
