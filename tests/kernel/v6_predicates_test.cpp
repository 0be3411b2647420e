// SPDX-License-Identifier: GPL-2.0-or-later
// The 6.x shim's predicates on raw words (kernel/include/hmmspec/pgtable.h, swapops.h,
// services.h), each against the value the 6.1 or 6.12 rules give by hand: the swap-type
// numbering, the pfn of a pfn swap entry, PTE markers, pud_huge (6.1) and pud_leaf, the DEVMAP
// bit, pmd_bad, the 6.12 pte_offset_map and the hugetlb slot. Built once per 6.x family
// (kernel_tests_6_1, kernel_tests_6_12).
#include "kernel/include/hmmspec/hmm.h"
#include "kernel/session.h"
#include "tests/kernel/v6_words.h"

namespace hmmspec {
namespace {

using namespace v6;

class V6Predicates : public Fixture {
protected:
  V6Predicates() : session_(std::make_unique<kernel::Session>(world, RunOptions{})) {}
  void use(const char* geometry) {
    session_.reset();
    world = World(*builtin_geometry(geometry));
    world.geom.kernel = kVersion;
    session_ = std::make_unique<kernel::Session>(world, RunOptions{});
  }
  std::unique_ptr<kernel::Session> session_;
};

swp_entry_t decode(u64 word) {
  return pte_to_swp_entry(pte_t{word});
}

TEST_F(V6Predicates, SwapTypesAreNumberedAsTheVersionsSwapH) {
  EXPECT_EQ(MAX_SWAPFILES, kMaxSwapfiles);
  EXPECT_EQ(SWP_HWPOISON, kHwpoison);
  EXPECT_EQ(SWP_MIGRATION_READ, kMigrationRead);
  EXPECT_EQ(SWP_MIGRATION_READ_EXCLUSIVE, kMigrationReadExclusive);
  EXPECT_EQ(SWP_MIGRATION_WRITE, kMigrationWrite);
  EXPECT_EQ(SWP_DEVICE_WRITE, kDeviceWrite);
  EXPECT_EQ(SWP_DEVICE_READ, kDeviceRead);
  EXPECT_EQ(SWP_DEVICE_EXCLUSIVE_WRITE, kExclusiveWrite);
  EXPECT_EQ(SWP_DEVICE_EXCLUSIVE_READ, kExclusiveRead);
  EXPECT_EQ(SWP_PTE_MARKER, kMarker);
#if HMMSPEC_KERNEL_FAMILY == 601
  EXPECT_EQ(kMaxSwapfiles, 22u); // 6.1 include/linux/swap.h:125-128
  EXPECT_EQ(SWP_PTE_MARKER, 30);
  EXPECT_EQ(SWP_SWAPIN_ERROR, 31);
  EXPECT_TRUE(is_swapin_error_entry(decode(swap(31, 0x1234))));
#else
  EXPECT_EQ(kMaxSwapfiles, 23u); // 6.12 include/linux/swap.h:117-120
  EXPECT_EQ(SWP_PTE_MARKER, 31);
#endif
}

TEST_F(V6Predicates, EachReservedTypeIsWhatItsNumberSays) {
  EXPECT_FALSE(non_swap_entry(decode(swap(kMaxSwapfiles - 1, 7)))) << "the last swap file";
  EXPECT_TRUE(non_swap_entry(decode(swap(kHwpoison, 7))));
  EXPECT_TRUE(is_hwpoison_entry(decode(swap(kHwpoison, 7))));
  for (unsigned t : {kMigrationRead, kMigrationReadExclusive, kMigrationWrite}) {
    EXPECT_TRUE(is_migration_entry(decode(swap(t, 7)))) << t;
    EXPECT_FALSE(is_device_private_entry(decode(swap(t, 7)))) << t;
  }
  EXPECT_TRUE(is_readable_migration_entry(decode(swap(kMigrationRead, 7))));
  EXPECT_TRUE(is_readable_exclusive_migration_entry(decode(swap(kMigrationReadExclusive, 7))));
  EXPECT_TRUE(is_writable_migration_entry(decode(swap(kMigrationWrite, 7))));
  EXPECT_FALSE(is_writable_migration_entry(decode(swap(kMigrationReadExclusive, 7))));
  EXPECT_TRUE(is_device_private_entry(decode(swap(kDeviceWrite, 7))));
  EXPECT_TRUE(is_writable_device_private_entry(decode(swap(kDeviceWrite, 7))));
  EXPECT_TRUE(is_device_private_entry(decode(swap(kDeviceRead, 7))));
  EXPECT_FALSE(is_writable_device_private_entry(decode(swap(kDeviceRead, 7))));
  EXPECT_TRUE(is_device_exclusive_entry(decode(swap(kExclusiveWrite, 7))));
  EXPECT_TRUE(is_writable_device_exclusive_entry(decode(swap(kExclusiveWrite, 7))));
  EXPECT_TRUE(is_device_exclusive_entry(decode(swap(kExclusiveRead, 7))));
  EXPECT_FALSE(is_device_private_entry(decode(swap(kExclusiveRead, 7))));
  EXPECT_TRUE(is_pte_marker_entry(decode(swap(kMarker, 1))));
  EXPECT_FALSE(is_pte_marker_entry(decode(swap(kExclusiveRead, 1))));
}

TEST_F(V6Predicates, SwapWordsDecodeWithTheFlagBitsStripped) {
  // soft-dirty (1), uffd-wp (2) and anon-exclusive (3) lie outside the type and the offset.
  const u64 offset = 0x3'dead'beefull;
  for (u64 flags : {u64{0}, RW, U, PWT, RW | U | PWT}) {
    swp_entry_t e = decode(swap(kDeviceRead, offset, flags));
    EXPECT_EQ(swp_type(e), kDeviceRead) << flags;
    EXPECT_EQ(swp_offset(e), offset) << flags;
  }
}

TEST_F(V6Predicates, ThePfnOfAPfnEntryIsTheLowMaxPhysmemMinusPageShiftBits) {
  // 4-level: MAX_PHYSMEM_BITS 46, so 34 bits of pfn; the bits above are dropped.
  const u64 high = 1ull << 34;
  EXPECT_EQ(SWP_PFN_BITS, 34);
  EXPECT_EQ(swp_offset_pfn(decode(swap(kDeviceWrite, high | 0x5000))), 0x5000u);
  EXPECT_EQ(swp_offset_pfn(decode(swap(kMigrationRead, (high - 1)))), high - 1);
  EXPECT_TRUE(session_->reports().empty());

  use("x86_64-la57"); // 5-level: 52 bits, so 40 bits of pfn
  EXPECT_EQ(SWP_PFN_BITS, 40);
  EXPECT_EQ(swp_offset_pfn(decode(swap(kDeviceWrite, high | 0x5000))), high | 0x5000);
  EXPECT_EQ(swp_offset_pfn(decode(swap(kDeviceWrite, (1ull << 40) | 0x5000))), 0x5000u);
  EXPECT_TRUE(session_->reports().empty());
}

TEST_F(V6Predicates, SwpOffsetPfnOfAnEntryWithoutAPfnIsAVmBug) {
  EXPECT_TRUE(is_pfn_swap_entry(decode(swap(kHwpoison, 1))));
  EXPECT_TRUE(is_pfn_swap_entry(decode(swap(kExclusiveRead, 1))));
  EXPECT_FALSE(is_pfn_swap_entry(decode(swap(kMarker, 1))));
  EXPECT_FALSE(is_pfn_swap_entry(decode(swap(3, 1)))) << "a swap file's slot";
  EXPECT_EQ(swp_offset_pfn(decode(swap(kMarker, 1))), 1u);
  ASSERT_EQ(session_->reports().size(), 1u);
  EXPECT_EQ(session_->reports()[0],
            (KernelReport{KernelReport::Kind::Bug, "include/linux/swapops.h:119", 0}));
}

TEST_F(V6Predicates, PteNoneMostlyIsNoneOrAMarker) {
  EXPECT_TRUE(pte_none_mostly(pte_t{0}));
  EXPECT_TRUE(pte_none_mostly(pte_t{A | D})) << "the KNL erratum bits alone";
  EXPECT_TRUE(pte_none_mostly(pte_t{swap(kMarker, PTE_MARKER_UFFD_WP)}));
  EXPECT_TRUE(pte_none_mostly(pte_t{swap(kMarker, PTE_MARKER_UFFD_WP, U)}));
  EXPECT_FALSE(pte_none_mostly(pte_t{swap(kMarker - 1, 1)}));
  EXPECT_FALSE(pte_none_mostly(pte_t{swap(2, 1)})) << "a swapped-out page";
  EXPECT_FALSE(pte_none_mostly(pte_t{present(0x1000)}));
  // A present word whose top bits happen to read as the marker type is no marker.
  EXPECT_FALSE(is_pte_marker(pte_t{present(0x1000) | (u64(kMarker) << 59)}));
  EXPECT_FALSE(pte_none_mostly(pte_t{G})) << "protnone: present";
#if HMMSPEC_KERNEL_FAMILY == 612
  EXPECT_EQ(PTE_MARKER_MASK, 3ul);
  EXPECT_TRUE(is_poisoned_swp_entry(decode(swap(kMarker, PTE_MARKER_POISONED))));
  EXPECT_FALSE(is_poisoned_swp_entry(decode(swap(kMarker, PTE_MARKER_UFFD_WP))));
#else
  EXPECT_EQ(PTE_MARKER_MASK, 1ul);
#endif
}

TEST_F(V6Predicates, PudHugeAndPudLeaf) {
#if HMMSPEC_KERNEL_FAMILY == 601
  // 6.1 arch/x86/mm/hugetlbpage.c:38-46: not none, and (P|PSE) != P.
  EXPECT_TRUE(pud_huge(pud_t{P | PSE | RW}));
  EXPECT_TRUE(pud_huge(pud_t{PSE})) << "PSE without PRESENT";
  EXPECT_TRUE(pud_huge(pud_t{RW})) << "not none, not present: a non-present hugetlb entry";
  EXPECT_TRUE(pud_huge(pud_t{swap(kMigrationRead, 0x40)}));
  EXPECT_FALSE(pud_huge(pud_t{TABLE})) << "a table pointer";
  EXPECT_FALSE(pud_huge(pud_t{0}));
  EXPECT_FALSE(pud_huge(pud_t{A | D})) << "none";
  // pud_leaf is pud_large: PSE and PRESENT.
  EXPECT_TRUE(pud_leaf(pud_t{P | PSE}));
  EXPECT_FALSE(pud_leaf(pud_t{PSE}));
#else
  // 6.12 arch/x86/include/asm/pgtable.h:1132-1136: PSE alone.
  EXPECT_TRUE(pud_leaf(pud_t{P | PSE}));
  EXPECT_TRUE(pud_leaf(pud_t{PSE}));
  EXPECT_FALSE(pud_leaf(pud_t{RW}));
  EXPECT_FALSE(pud_leaf(pud_t{TABLE}));
  EXPECT_TRUE(pmd_leaf(pmd_t{PSE}));
#endif
}

TEST_F(V6Predicates, DevmapIsSoftwareBit4) {
  const u64 bit57 = 1ull << 57, bit58 = 1ull << 58;
  EXPECT_EQ(_PAGE_DEVMAP, DEVMAP);
  EXPECT_EQ(pte_devmap(pte_t{present(0x10, false, bit57)}), k612);
  EXPECT_EQ(pte_devmap(pte_t{present(0x10, false, bit58)}), !k612);
  EXPECT_EQ(pmd_devmap(pmd_t{P | PSE | bit57}), k612);
  EXPECT_EQ(pud_devmap(pud_t{P | PSE | bit58}), !k612);
  EXPECT_EQ(pmd_trans_huge(pmd_t{P | PSE | bit58}), k612) << "bit 58 is no DEVMAP in 6.12";
}

TEST_F(V6Predicates, PmdBadIgnoresAccessedFrom61On) {
  const u64 frame = 0x9000ull << 12;
  EXPECT_FALSE(pmd_bad(pmd_t{frame | TABLE}));
  EXPECT_FALSE(pmd_bad(pmd_t{frame | (TABLE & ~A)})) << "v5.7 called this bad";
  EXPECT_FALSE(pmd_bad(pmd_t{frame | (TABLE & ~U)}));
  EXPECT_TRUE(pmd_bad(pmd_t{frame | (TABLE & ~D)}));
  EXPECT_TRUE(pmd_bad(pmd_t{frame | TABLE | PSE}));
  EXPECT_TRUE(pmd_bad(pmd_t{frame | TABLE | NX}));
}

TEST_F(V6Predicates, PmdMigrationEntries) {
  EXPECT_TRUE(is_pmd_migration_entry(pmd_t{swap(kMigrationReadExclusive, 0x40)}));
  EXPECT_FALSE(is_pmd_migration_entry(pmd_t{swap(kDeviceRead, 0x40)}));
  EXPECT_FALSE(is_pmd_migration_entry(pmd_t{0}));
  EXPECT_FALSE(is_pmd_migration_entry(pmd_t{P | PSE | (0x40ull << 12)}));
}

TEST_F(V6Predicates, HugePageOrderInBasePages) {
  hstate h{1ul << 21};
  EXPECT_EQ(huge_page_order(&h), 9u);
  h.size = 1ul << 30;
  EXPECT_EQ(huge_page_order(&h), 18u);
}

TEST_F(V6Predicates, HmmPfnFlagsAreTheFixedBits) {
  // (the shim's C names, not the model's v5.7 indexes of the same names in namespace hmmspec)
  EXPECT_EQ(u64(::HMM_PFN_VALID), VALID);
  EXPECT_EQ(u64(::HMM_PFN_WRITE), WRITE);
  EXPECT_EQ(u64(::HMM_PFN_ERROR), ERROR);
  EXPECT_EQ(unsigned(::HMM_PFN_ORDER_SHIFT), 56u);
  EXPECT_EQ(u64(::HMM_PFN_REQ_FAULT), VALID);
  EXPECT_EQ(u64(::HMM_PFN_REQ_WRITE), WRITE);
}

#if HMMSPEC_KERNEL_FAMILY == 612
TEST_F(V6Predicates, PteOffsetMapFailsWhereThereIsNoPteTable) {
  // 6.12 mm/pgtable-generic.c:282-306
  const u64 table_frame = 0x8000123ull;
  pmd_t table{(table_frame << 12) | TABLE};
  pte_t* ptes = pte_offset_map(&table, 0x2000);
  ASSERT_NE(ptes, nullptr);
  EXPECT_EQ(ptes, reinterpret_cast<const pte_t*>(world.table_words(table_frame)) + 2);

  pmd_t none{A};
  EXPECT_EQ(pte_offset_map(&none, 0), nullptr);
  pmd_t migration{swap(kMigrationRead, 0x40)};
  EXPECT_EQ(pte_offset_map(&migration, 0), nullptr);
  pmd_t huge{P | PSE | (0x40ull << 12)};
  EXPECT_EQ(pte_offset_map(&huge, 0), nullptr);
  EXPECT_EQ(huge.pmd, P | PSE | (0x40ull << 12)) << "left as it is";
  pmd_t bad{(table_frame << 12) | TABLE | NX};
  EXPECT_EQ(pte_offset_map(&bad, 0), nullptr);
  EXPECT_EQ(bad.pmd, 0u) << "pmd_clear_bad";
}
#endif

TEST_F(V6Predicates, HugePteOffsetIsThePudOrThePmdUnderAPresentPud) {
  // 6.1 mm/hugetlb.c:7269-7295: PUD-sized pages use the PUD slot whatever it holds.
  const u64 addr = 64 * 1024; // tiny: a PUD entry maps 64 KiB, a PMD entry 16 KiB
  u64* pmd_slot = store(Level::Pmd, addr, 0);
  u64* pud_slot = world.find_slot_mut(Level::Pud, addr);
  ASSERT_TRUE(pmd_slot && pud_slot);
  mm_struct* mm = session_->mm();
  EXPECT_EQ(huge_pte_offset(mm, addr, 64 * 1024), reinterpret_cast<pte_t*>(pud_slot));
  EXPECT_EQ(huge_pte_offset(mm, addr, 16 * 1024), reinterpret_cast<pte_t*>(pmd_slot));
  *pmd_slot = TABLE | (0x8000999ull << 12); // a table pointer: still the slot in 6.x
  EXPECT_EQ(huge_pte_offset(mm, addr, 16 * 1024), reinterpret_cast<pte_t*>(pmd_slot));
  *pud_slot = RW; // not present: no PMD slot
  EXPECT_EQ(huge_pte_offset(mm, addr, 16 * 1024), nullptr);
  EXPECT_EQ(huge_pte_offset(mm, addr, 64 * 1024), reinterpret_cast<pte_t*>(pud_slot));
  EXPECT_EQ(huge_pte_offset(mm, 512 * 1024, 16 * 1024), nullptr) << "no root entry";
}

} // namespace
} // namespace hmmspec
