// SPDX-License-Identifier: GPL-2.0-or-later
// The world's tables, slots, VMAs and services (model/world.h, model/vma.h): table
// allocation, ensure_slot/find_slot through 4 and 5 levels, memory without a table reading
// as zeros (W-ZERO-MEMORY), find_vma (mm/mmap.c: the first VMA ending above the address),
// owners of device pages, and the hugetlb context of a slot.
#include <gtest/gtest.h>

#include <csignal>
#include <utility>

#include "model/world.h"

namespace hmmspec {
namespace {

using namespace x86;

World make(const char* geometry) {
  return World(*builtin_geometry(geometry));
}

TEST(WorldTables, FreshWorldHasOnlyAZeroRoot) {
  World w = make("x86_64");
  ASSERT_EQ(w.tables().size(), 1u);
  EXPECT_EQ(w.root_pfn(), World::kTablePfnBase);
  const Table& root = w.tables().at(w.root_pfn());
  EXPECT_EQ(root.level, Level::Pgd);
  EXPECT_EQ(root.words.size(), 512u);
  for (u64 word : root.words) EXPECT_EQ(word, 0u);
  EXPECT_EQ(w.next_table_pfn(), World::kTablePfnBase + 1);
  EXPECT_TRUE(w.log.empty());
  EXPECT_TRUE(w.vmas.all().empty());
  // Tiny geometries allocate tables of their largest level.
  World t = make("tiny3");
  EXPECT_EQ(t.tables().at(t.root_pfn()).words.size(), 8u);
}

TEST(WorldTables, MemoryWithoutATableReadsAsZeros) {
  World w = make("x86_64");
  const u64* z = w.table_words(0x1234);
  ASSERT_NE(z, nullptr);
  for (unsigned i = 0; i < w.geom.max_entries(); ++i) EXPECT_EQ(z[i], 0u);
  EXPECT_EQ(w.table_words_mut(0x1234), nullptr); // never written
  EXPECT_EQ(w.table_words_mut(w.root_pfn()), w.table_words(w.root_pfn()));
  // A table's words are its own, not the shared zeros.
  EXPECT_NE(w.table_words(w.root_pfn()), z);
}

TEST(WorldTables, AllocTableExplicitPfnRules) {
  World w = make("x86_64");
  u64 next = w.next_table_pfn();
  // Default: the next table pfn, then one more.
  EXPECT_EQ(w.alloc_table(Level::Pmd), next);
  EXPECT_EQ(w.tables().at(next).level, Level::Pmd);
  EXPECT_EQ(w.next_table_pfn(), next + 1);
  // Explicit and free, below the cursor: taken; the cursor does not move.
  EXPECT_EQ(w.alloc_table(Level::Pte, 0x500), 0x500u);
  EXPECT_EQ(w.next_table_pfn(), next + 1);
  EXPECT_EQ(w.tables().at(0x500).level, Level::Pte);
  // Explicit and taken: refused, nothing changes.
  EXPECT_FALSE(w.alloc_table(Level::Pud, 0x500));
  EXPECT_EQ(w.tables().at(0x500).level, Level::Pte);
  EXPECT_FALSE(w.alloc_table(Level::Pud, w.root_pfn()));
  // Explicit above the cursor: the cursor moves past it, so defaults never collide.
  EXPECT_EQ(w.alloc_table(Level::Pud, next + 10), next + 10);
  EXPECT_EQ(w.next_table_pfn(), next + 11);
  EXPECT_EQ(w.alloc_table(Level::Pud), next + 11);
  // The largest pfn of 52-bit physical memory is allowed, one more is not.
  const u64 max_pfn = PHYSICAL_MASK >> 12;
  EXPECT_FALSE(w.alloc_table(Level::Pte, max_pfn + 1));
  EXPECT_EQ(w.alloc_table(Level::Pte, max_pfn), max_pfn);
  EXPECT_EQ(w.tables().size(), 6u);
}

TEST(WorldSlots, EnsureSlotCreatesTablesFourLevel) {
  World w = make("x86_64");
  const u64 addr = 0x7f1234567000;
  EXPECT_EQ(w.find_slot(Level::Pte, addr), nullptr);
  EXPECT_NE(w.find_slot(Level::Pgd, addr), nullptr); // the root always exists
  u64* pte = w.ensure_slot(Level::Pte, addr);
  ASSERT_NE(pte, nullptr);
  EXPECT_EQ(*pte, 0u);
  EXPECT_EQ(w.tables().size(), 4u); // root + PUD + PMD + PTE tables (P4D folded)
  EXPECT_EQ(w.find_slot(Level::Pte, addr), pte);
  // Each upper slot holds a table pointer (_PAGE_TABLE | pfn) to a table of the level below
  // (below the root: the PUD table, P4D being folded).
  const std::pair<Level, Level> steps[] = {
      {Level::Pgd, Level::Pud}, {Level::Pud, Level::Pmd}, {Level::Pmd, Level::Pte}};
  for (auto [l, want] : steps) {
    const u64* s = w.find_slot(l, addr);
    ASSERT_NE(s, nullptr) << level_name(l);
    EXPECT_EQ(*s & ~pfn_mask(12), PAGE_TABLE) << level_name(l);
    Entry e = classify(w.geom, l, *s, w.zero_pfn);
    EXPECT_EQ(e.kind, Kind::Table);
    EXPECT_EQ(w.tables().at(e.pfn).level, want) << level_name(l);
  }
  // The slot is the right word: the PTE index of addr in the PTE table.
  u64 pte_table = table_pfn(w.geom, *w.find_slot(Level::Pmd, addr));
  EXPECT_EQ(pte, w.table_words_mut(pte_table) + 0x167);
  // Again, or a neighbour in the same PTE table: no new tables.
  EXPECT_EQ(w.ensure_slot(Level::Pte, addr), pte);
  EXPECT_EQ(w.ensure_slot(Level::Pte, addr + 0x1000), pte + 1);
  EXPECT_EQ(w.tables().size(), 4u);
  // Another PMD entry in the same PMD table: one new PTE table.
  EXPECT_NE(w.ensure_slot(Level::Pte, addr + 0x200000), nullptr);
  EXPECT_EQ(w.tables().size(), 5u);
  // Slot of a higher level: only the tables above it.
  EXPECT_NE(w.ensure_slot(Level::Pmd, 0x40000000), nullptr);
  EXPECT_EQ(w.tables().size(), 7u); // PGD entry 0 was none: a PUD table and a PMD table
  EXPECT_EQ(w.ensure_slot(Level::Pgd, addr), w.find_slot(Level::Pgd, addr));
  // There is no P4D slot when P4D is folded.
  EXPECT_EQ(w.find_slot(Level::P4d, addr), nullptr);
  EXPECT_EQ(w.ensure_slot(Level::P4d, addr), nullptr);
}

TEST(WorldSlots, PutEntryEncodesAndStoresOrSaysWhyNot) {
  World w = make("x86_64");
  const u64 addr = 0x7f1234567000;
  const Entry page{.kind = Kind::Page, .pfn = 0x1234, .write = true};
  EXPECT_EQ(w.put_entry(Level::Pte, addr, page, Context::Normal), std::nullopt);
  const u64* pte = w.find_slot(Level::Pte, addr);
  ASSERT_NE(pte, nullptr);
  EXPECT_EQ(*pte, encode(w.geom, Level::Pte, page).word);
  EXPECT_EQ(classify(w.geom, Level::Pte, *pte, w.zero_pfn).pfn, 0x1234u);
  // A huge PMD entry blocks the way to its PTEs: nothing is stored below it.
  const u64 huge_at = 0x40000000;
  EXPECT_EQ(
      w.put_entry(Level::Pmd, huge_at, Entry{.kind = Kind::Huge, .pfn = 0x200}, Context::Normal),
      std::nullopt);
  EXPECT_EQ(w.put_entry(Level::Pte, huge_at, page, Context::Normal), "blocked");
  EXPECT_EQ(w.find_slot(Level::Pte, huge_at), nullptr);
  // The encoder's refusal comes back as is, and the slot keeps its word.
  const Entry misaligned{.kind = Kind::Huge, .pfn = 0x201};
  auto err = w.put_entry(Level::Pmd, huge_at, misaligned, Context::Normal);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err, encode(w.geom, Level::Pmd, misaligned).error);
  EXPECT_EQ(classify(w.geom, Level::Pmd, *w.find_slot(Level::Pmd, huge_at), w.zero_pfn).pfn,
            0x200u);
}

TEST(WorldSlots, EnsureSlotCreatesTablesFiveLevel) {
  World w = make("x86_64-la57");
  const u64 addr = 0x00ff123456789000;
  u64* pte = w.ensure_slot(Level::Pte, addr);
  ASSERT_NE(pte, nullptr);
  EXPECT_EQ(w.tables().size(), 5u); // root + P4D + PUD + PMD + PTE
  const u64* p4d = w.find_slot(Level::P4d, addr);
  ASSERT_NE(p4d, nullptr);
  Entry e = classify(w.geom, Level::P4d, *p4d, w.zero_pfn);
  EXPECT_EQ(e.kind, Kind::Table);
  EXPECT_EQ(w.tables().at(e.pfn).level, Level::Pud);
  Entry top = classify(w.geom, Level::Pgd, *w.find_slot(Level::Pgd, addr), w.zero_pfn);
  EXPECT_EQ(w.tables().at(top.pfn).level, Level::P4d);
  EXPECT_EQ(w.find_slot(Level::Pte, addr), pte);
}

TEST(WorldSlots, BlockedByNonTableUpperEntries) {
  World w = make("x86_64");
  const u64 addr = 0x40000000; // 1 GiB
  // A huge PMD blocks the PTE slot below it.
  u64* pmd = w.ensure_slot(Level::Pmd, addr);
  ASSERT_NE(pmd, nullptr);
  *pmd = encode(w.geom, Level::Pmd, Entry{.kind = Kind::Huge, .pfn = 0x400}).word;
  size_t tables = w.tables().size();
  Level blocked = Level::Pte;
  EXPECT_EQ(w.ensure_slot(Level::Pte, addr + 0x3000, &blocked), nullptr);
  EXPECT_EQ(blocked, Level::Pmd);
  EXPECT_EQ(w.find_slot(Level::Pte, addr + 0x3000), nullptr);
  EXPECT_EQ(w.tables().size(), tables);
  EXPECT_EQ(w.entry_at(Level::Pte, addr).kind, Kind::None); // no path: none
  EXPECT_EQ(w.entry_at(Level::Pmd, addr).kind, Kind::Huge);
  // So does a PMD migration entry.
  *pmd = encode(w.geom, Level::Pmd, Entry{.kind = Kind::Migration, .pfn = 0x400}).word;
  EXPECT_EQ(w.ensure_slot(Level::Pte, addr, &blocked), nullptr);
  EXPECT_EQ(blocked, Level::Pmd);
  // A huge PUD blocks everything below it.
  u64* pud = w.ensure_slot(Level::Pud, 2 * addr);
  ASSERT_NE(pud, nullptr);
  *pud = encode(w.geom, Level::Pud, Entry{.kind = Kind::Huge, .pfn = 0x80000}).word;
  blocked = Level::Pte;
  EXPECT_EQ(w.ensure_slot(Level::Pmd, 2 * addr, &blocked), nullptr);
  EXPECT_EQ(blocked, Level::Pud);
  EXPECT_EQ(w.ensure_slot(Level::Pte, 2 * addr + 0x5000, &blocked), nullptr);
  EXPECT_EQ(blocked, Level::Pud);
  // Upper words that are none by the x86 rules (A/D only) are replaced by tables.
  u64* pmd2 = w.ensure_slot(Level::Pmd, 3 * addr);
  *pmd2 = ACCESSED | DIRTY;
  u64* pte = w.ensure_slot(Level::Pte, 3 * addr);
  ASSERT_NE(pte, nullptr);
  EXPECT_EQ(classify(w.geom, Level::Pmd, *pmd2, w.zero_pfn).kind, Kind::Table);
  // A table pointer to memory without a table: find_slot finds nothing, ensure_slot
  // does not write into it.
  *pmd2 = encode(w.geom, Level::Pmd, Entry{.kind = Kind::Table, .pfn = 0x777}).word;
  EXPECT_EQ(w.find_slot(Level::Pte, 3 * addr), nullptr);
  EXPECT_EQ(w.ensure_slot(Level::Pte, 3 * addr), nullptr);
  EXPECT_FALSE(w.tables().contains(0x777));
}

TEST(WorldSlots, BadPudsAreDescendedLikeTheWalkerDoes) {
  // Neither the walker nor the fault path checks pud_bad: a bad PUD word still leads to
  // the table its pfn bits name.
  World w = make("x86_64");
  u64* pud = w.ensure_slot(Level::Pud, 0);
  ASSERT_NE(pud, nullptr);
  u64 pmd_table = *w.alloc_table(Level::Pmd);
  *pud = PAGE_TABLE | NX | (pmd_table << 12);
  ASSERT_EQ(classify(w.geom, Level::Pud, *pud, w.zero_pfn).kind, Kind::Bad);
  const u64* pmd = w.find_slot(Level::Pmd, 0x200000);
  EXPECT_EQ(pmd, w.table_words(pmd_table) + 1);
  // A bad PUD naming memory without a table leads nowhere.
  *pud = PAGE_TABLE | NX | (0x999ull << 12);
  EXPECT_EQ(w.find_slot(Level::Pmd, 0), nullptr);
  EXPECT_EQ(w.ensure_slot(Level::Pte, 0), nullptr);
}

TEST(WorldSlots, EntryAtClassifiesInContext) {
  World w = make("x86_64");
  u64* pte = w.ensure_slot(Level::Pte, 0x5000);
  *pte = encode(w.geom, Level::Pte, Entry{.kind = Kind::Zero, .pfn = w.zero_pfn}).word;
  EXPECT_EQ(w.entry_at(Level::Pte, 0x5000).kind, Kind::Zero);
  EXPECT_EQ(w.entry_at(Level::Pte, 0x6000).kind, Kind::None);
  u64* pmd = w.ensure_slot(Level::Pmd, 0x40000000);
  *pmd =
      encode(w.geom, Level::Pmd, Entry{.kind = Kind::Protnone, .pfn = 0x400}, Context::HugetlbSlot)
          .word;
  EXPECT_EQ(w.entry_at(Level::Pmd, 0x40000000, Context::HugetlbSlot).kind, Kind::Protnone);
  EXPECT_EQ(w.entry_at(Level::Pmd, 0x40000000).kind, Kind::Huge); // PSE | PROTNONE at a PMD
}

TEST(WorldVmas, InsertErrors) {
  VmaList v;
  const u64 ps = 0x1000;
  EXPECT_TRUE(v.insert(Vma{.start = 0x2000, .end = 0x2000}, ps)); // empty
  EXPECT_TRUE(v.insert(Vma{.start = 0x3000, .end = 0x2000}, ps)); // inverted
  EXPECT_TRUE(v.insert(Vma{.start = 0x2100, .end = 0x3000}, ps)); // unaligned start
  EXPECT_TRUE(v.insert(Vma{.start = 0x2000, .end = 0x3001}, ps)); // unaligned end
  EXPECT_TRUE(v.insert(Vma{.start = 0, .end = 0x400000, .flags = vm::READ | vm::HUGETLB}, ps));
  EXPECT_TRUE(v.insert(Vma{.start = 0x200000,
                           .end = 0x500000,
                           .flags = vm::READ | vm::HUGETLB,
                           .hugetlb_size = 0x200000},
                       ps)); // not huge-page aligned
  EXPECT_TRUE(v.insert(Vma{.start = 0, .end = 0x200000, .hugetlb_size = 0x200000}, ps));
  EXPECT_TRUE(v.all().empty());
  EXPECT_FALSE(v.insert(Vma{.start = 0x10000, .end = 0x20000}, ps));
  // Overlaps with the VMA after, the VMA before, or one inside / around.
  auto err = v.insert(Vma{.start = 0x8000, .end = 0x11000}, ps);
  ASSERT_TRUE(err);
  EXPECT_NE(err->find("overlaps"), std::string::npos);
  EXPECT_TRUE(v.insert(Vma{.start = 0x1f000, .end = 0x30000}, ps));
  EXPECT_TRUE(v.insert(Vma{.start = 0x12000, .end = 0x13000}, ps));
  EXPECT_TRUE(v.insert(Vma{.start = 0x0, .end = 0x40000}, ps));
  EXPECT_EQ(v.all().size(), 1u);
  // Adjacent VMAs are fine, and the list stays sorted whatever the insertion order.
  EXPECT_FALSE(v.insert(Vma{.start = 0x20000, .end = 0x30000}, ps));
  EXPECT_FALSE(v.insert(Vma{.start = 0x0, .end = 0x10000}, ps));
  EXPECT_FALSE(v.insert(Vma{.start = 0x400000,
                            .end = 0x800000,
                            .flags = vm::READ | vm::HUGETLB,
                            .hugetlb_size = 0x200000},
                        ps));
  ASSERT_EQ(v.all().size(), 4u);
  for (size_t i = 1; i < v.all().size(); ++i) EXPECT_LE(v.all()[i - 1].end, v.all()[i].start);
  EXPECT_EQ(v.all()[0].start, 0u);
  EXPECT_TRUE(v.all()[3].hugetlb());
}

TEST(WorldVmas, FindVmaSemantics) {
  VmaList v;
  ASSERT_FALSE(v.insert(Vma{.start = 0x10000, .end = 0x20000}, 0x1000));
  ASSERT_FALSE(
      v.insert(Vma{.start = 0x40000, .end = 0x50000, .flags = vm::READ | vm::WRITE}, 0x1000));
  const Vma& a = v.all()[0];
  const Vma& b = v.all()[1];
  EXPECT_EQ(v.find_vma(0), &a);       // below the first VMA: the first one
  EXPECT_EQ(v.find_vma(0x10000), &a); // its start
  EXPECT_EQ(v.find_vma(0x1ffff), &a); // its last byte
  EXPECT_EQ(v.find_vma(0x20000), &b); // vm_end is exclusive: the next VMA
  EXPECT_EQ(v.find_vma(0x30000), &b); // in the gap
  EXPECT_EQ(v.find_vma(0x4ffff), &b);
  EXPECT_EQ(v.find_vma(0x50000), nullptr); // past the last
  EXPECT_EQ(v.find_vma(~0ull), nullptr);
  EXPECT_EQ(v.containing(0x0), nullptr);
  EXPECT_EQ(v.containing(0x10000), &a);
  EXPECT_EQ(v.containing(0x1ffff), &a);
  EXPECT_EQ(v.containing(0x20000), nullptr);
  EXPECT_EQ(v.containing(0x30000), nullptr);
  EXPECT_EQ(v.containing(0x40000), &b);
  EXPECT_EQ(VmaList{}.find_vma(0), nullptr);
}

TEST(WorldServices, OwnerOfDefaultsToNull) {
  World w = make("x86_64");
  EXPECT_EQ(w.owner_of(0x1234), 0u);
  w.device_owner[0x1234] = 0xd00d;
  EXPECT_EQ(w.owner_of(0x1234), 0xd00du);
  EXPECT_EQ(w.owner_of(0x1235), 0u);
  w.device_owner[0x1236] = 0; // registered with the NULL owner
  EXPECT_EQ(w.owner_of(0x1236), 0u);
}

TEST(WorldServices, ContextAtHugetlb) {
  World w = make("x86_64");
  ASSERT_FALSE(w.vmas.insert(Vma{.start = 0x40000000,
                                 .end = 0x40400000,
                                 .flags = vm::READ | vm::HUGETLB,
                                 .hugetlb_size = 0x200000},
                             w.geom.page_size()));
  ASSERT_FALSE(w.vmas.insert(Vma{.start = 0x80000000,
                                 .end = 0xc0000000,
                                 .flags = vm::READ | vm::HUGETLB,
                                 .hugetlb_size = 0x40000000},
                             w.geom.page_size()));
  ASSERT_FALSE(w.vmas.insert(Vma{.start = 0x1000, .end = 0x400000}, w.geom.page_size()));
  // 2 MiB hugetlb: the PMD slot is a hugetlb slot; PTE and PUD are read normally.
  EXPECT_EQ(w.context_at(Level::Pmd, 0x40000000), Context::HugetlbSlot);
  EXPECT_EQ(w.context_at(Level::Pmd, 0x403ff000), Context::HugetlbSlot);
  EXPECT_EQ(w.context_at(Level::Pte, 0x40000000), Context::Normal);
  EXPECT_EQ(w.context_at(Level::Pud, 0x40000000), Context::Normal);
  EXPECT_EQ(w.context_at(Level::Pmd, 0x40400000), Context::Normal); // past its end
  // 1 GiB hugetlb: the PUD slot.
  EXPECT_EQ(w.context_at(Level::Pud, 0x80000000), Context::HugetlbSlot);
  EXPECT_EQ(w.context_at(Level::Pud, 0xbfffffff), Context::HugetlbSlot);
  EXPECT_EQ(w.context_at(Level::Pmd, 0x80000000), Context::Normal);
  // Not hugetlb, or no VMA.
  EXPECT_EQ(w.context_at(Level::Pmd, 0x1000), Context::Normal);
  EXPECT_EQ(w.context_at(Level::Pmd, 0x10000000), Context::Normal);
}

TEST(WorldState, CopiesCompareEqualUntilOneWordChanges) {
  World a = make("tiny");
  ASSERT_NE(a.ensure_slot(Level::Pte, 0x5000), nullptr);
  World b = a;
  EXPECT_EQ(a, b);
  *b.find_slot_mut(Level::Pte, 0x5000) = PRESENT | 0x9000;
  EXPECT_NE(a, b);
  b = a;
  b.notifier.seq += 1;
  EXPECT_NE(a, b);
  b = a;
  b.log.push_back(Event{});
  EXPECT_NE(a, b);
}

} // namespace
} // namespace hmmspec
