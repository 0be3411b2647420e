// SPDX-License-Identifier: GPL-2.0-or-later
// The handle_mm_fault model (model/fault.h; docs/fault-model.md, every rule; the F-... rules
// of model/fault.cpp, described in docs/fault-model.md), the migration waits, split_huge_pud,
// the interval notifier's overlap rule, injections, the fault log and the pfn allocator.
#include <gtest/gtest.h>

#include <csignal>

#include "model/fault.h"

#include <array>
#include <string>
#include <utility>

#include "model/swap_layout.h"

namespace hmmspec {
namespace {

using namespace x86;

constexpr unsigned R = fault::FLAG_REMOTE;                     // what hmm passes for a read
constexpr unsigned W = fault::FLAG_REMOTE | fault::FLAG_WRITE; // ... and for a write

constexpr u64 RW_ = vm::READ | vm::WRITE;
constexpr u64 MiB = 1ull << 20, GiB = 1ull << 30;

// A world with a notifier over the whole user address space, and helpers to build it.
struct Fx {
  World w;
  explicit Fx(const char* geometry = "x86_64", KernelVersion k = KernelVersion::V5_7)
      : w(with_kernel(*builtin_geometry(geometry), k)) {
    w.notifier = Notifier{.start = 0, .end = w.geom.va_limit(), .seq = 7};
  }
  explicit Fx(KernelVersion k) : Fx("x86_64", k) {}
  static Geometry with_kernel(Geometry g, KernelVersion k) {
    g.kernel = k;
    return g;
  }
  void vma(u64 start, u64 end, u64 flags, bool anonymous = true, u64 hugetlb_size = 0) {
    auto err = w.vmas.insert(Vma{start, end, flags, anonymous, hugetlb_size}, w.geom.page_size());
    ASSERT_FALSE(err) << *err;
  }
  void put(Level l, u64 addr, const Entry& e) {
    auto err = w.put_entry(l, addr, e, w.context_at(l, addr));
    ASSERT_FALSE(err) << *err;
  }
  Entry at(Level l, u64 addr) const { return w.entry_at(l, addr, w.context_at(l, addr)); }
  u64 word(Level l, u64 addr) const {
    const u64* s = w.find_slot(l, addr);
    return s ? *s : 0;
  }
  unsigned fault(u64 addr, unsigned flags) {
    const Vma* v = w.vmas.containing(addr);
    EXPECT_NE(v, nullptr);
    if (!v) return ~0u;
    Vma copy = *v;
    return handle_mm_fault(w, copy, addr, flags);
  }
  u64 hits() const { return w.notifier.invalidations; }
};

Entry page(u64 pfn, bool write = false) {
  return Entry{.kind = Kind::Page, .pfn = pfn, .write = write};
}
Entry with_word(Entry e, u64 word) {
  e.word = word;
  return e;
}

// The world without its log, to check that a call changed nothing else.
World without_log(World w) {
  w.log.clear();
  return w;
}

std::string fmt_version(KernelVersion k, bool flag) {
  return std::string(version_name(k)) + (flag ? " (yes)" : " (no)");
}

// --- PTE none -------------------------------------------------------------------------------

TEST(FaultPteNone, AnonReadMapsTheZeroPage) { // F-ANON-ZERO
  Fx f;
  f.vma(0x100000, 0x200000, RW_);
  u64 next = f.w.next_pfn;
  EXPECT_EQ(f.fault(0x100123, R), 0u);
  Entry e = f.at(Level::Pte, 0x100000);
  EXPECT_EQ(e.kind, Kind::Zero);
  EXPECT_EQ(e.pfn, f.w.zero_pfn);
  EXPECT_FALSE(e.write);
  EXPECT_TRUE(e.special);
  EXPECT_EQ(f.w.next_pfn, next);
  EXPECT_EQ(f.hits(), 0u);
  EXPECT_EQ(f.w.notifier.seq, 7u);
  ASSERT_EQ(f.w.log.size(), 1u);
  EXPECT_EQ(f.w.log[0], (Event{Event::Type::Fault, 0x100000, R, 0}));
  EXPECT_EQ(f.w.tables().size(), 4u);                     // PUD, PMD and PTE tables were allocated
  EXPECT_EQ(f.at(Level::Pte, 0x101000).kind, Kind::None); // only that page
}

TEST(FaultPteNone, AnonWriteAllocatesAWritablePage) { // F-ANON-WRITE
  Fx f;
  f.vma(0x100000, 0x200000, RW_);
  u64 next = f.w.next_pfn;
  EXPECT_EQ(f.fault(0x100000, W), 0u);
  Entry e = f.at(Level::Pte, 0x100000);
  EXPECT_EQ(e.kind, Kind::Page);
  EXPECT_EQ(e.pfn, next);
  EXPECT_TRUE(e.write);
  EXPECT_FALSE(e.special);
  EXPECT_TRUE(f.word(Level::Pte, 0x100000) & DIRTY);
  EXPECT_EQ(f.w.next_pfn, next + 1);
  EXPECT_EQ(f.fault(0x105000, W), 0u);
  EXPECT_EQ(f.at(Level::Pte, 0x105000).pfn, next + 1);
  EXPECT_EQ(f.hits(), 0u);
}

TEST(FaultPteNone, FilePagesAreNewAndWritableOnlyForWrites) { // F-FILE-READ, F-FILE-WRITE
  struct C {
    u64 flags;
    bool anonymous;
    unsigned access;
    bool writable;
  };
  const C cases[] = {
      {RW_, false, R, false},              // private file read: page cache, read-only
      {RW_, false, W, true},               // private file write: a private copy
      {RW_ | vm::SHARED, false, R, false}, // shared file read: write-notify keeps it read-only
      {RW_ | vm::SHARED, false, W, true},  // shared file write
      {RW_ | vm::SHARED, true, R, false},  // shared anonymous (shmem) read: no zero page
      {RW_ | vm::SHARED, true, W, true},
  };
  for (const C& c : cases) {
    Fx f;
    f.vma(0x400000, 0x500000, c.flags, c.anonymous);
    u64 next = f.w.next_pfn;
    EXPECT_EQ(f.fault(0x401000, c.access), 0u);
    Entry e = f.at(Level::Pte, 0x401000);
    EXPECT_EQ(e.kind, Kind::Page);
    EXPECT_EQ(e.pfn, next);
    EXPECT_EQ(e.write, c.writable);
    EXPECT_EQ(f.hits(), 0u);
  }
}

TEST(FaultPteNone, FiveLevelFaultCreatesTheP4dTable) {
  Fx f("x86_64-la57");
  const u64 a = 0x00ff000000000000;
  f.vma(a, a + MiB, RW_);
  EXPECT_EQ(f.fault(a, R), 0u);
  EXPECT_EQ(f.w.tables().size(), 5u);
  EXPECT_EQ(f.at(Level::P4d, a).kind, Kind::Table);
  EXPECT_EQ(f.at(Level::Pte, a).kind, Kind::Zero);
}

// --- present PTEs ----------------------------------------------------------------------------

TEST(FaultPteWriteProtect, ZeroPageIsCopied) { // F-COW
  Fx f;
  f.vma(0x100000, 0x200000, RW_);
  f.put(Level::Pte, 0x100000, Entry{.kind = Kind::Zero, .pfn = f.w.zero_pfn});
  u64 next = f.w.next_pfn;
  EXPECT_EQ(f.fault(0x100000, W), 0u);
  EXPECT_EQ(f.at(Level::Pte, 0x100000), with_word(page(next, true), f.word(Level::Pte, 0x100000)));
  EXPECT_EQ(f.hits(), 1u);
  EXPECT_NE(f.w.notifier.seq, 7u);
}

TEST(FaultPteWriteProtect, SharedAnonPageIsCopied) { // F-COW
  Fx f;
  f.vma(0x100000, 0x200000, RW_);
  f.put(Level::Pte, 0x100000, page(0x5000));
  f.w.shared_pfns.insert(0x5000);
  u64 next = f.w.next_pfn;
  EXPECT_EQ(f.fault(0x100000, W), 0u);
  Entry e = f.at(Level::Pte, 0x100000);
  EXPECT_EQ(e.pfn, next);
  EXPECT_TRUE(e.write);
  EXPECT_EQ(f.hits(), 1u);
}

TEST(FaultPteWriteProtect, ExclusiveAnonPageIsReusedWithoutNotifier) { // F-REUSE
  Fx f;
  f.vma(0x100000, 0x200000, RW_);
  f.put(Level::Pte, 0x100000, page(0x5000));
  u64 before = f.word(Level::Pte, 0x100000);
  u64 next = f.w.next_pfn;
  EXPECT_EQ(f.fault(0x100000, W), 0u);
  EXPECT_EQ(f.word(Level::Pte, 0x100000), before | RW | DIRTY);
  EXPECT_EQ(f.w.next_pfn, next);
  EXPECT_EQ(f.hits(), 0u);
}

TEST(FaultPteWriteProtect, SharedFilePageIsMadeWritableInPlace) { // F-MKWRITE
  Fx f;
  f.vma(0x100000, 0x200000, RW_ | vm::SHARED, false);
  f.put(Level::Pte, 0x100000, page(0x5000));
  f.w.shared_pfns.insert(0x5000); // sharing does not matter for a shared mapping
  EXPECT_EQ(f.fault(0x100000, W), 0u);
  EXPECT_EQ(f.at(Level::Pte, 0x100000).pfn, 0x5000u);
  EXPECT_TRUE(f.at(Level::Pte, 0x100000).write);
  EXPECT_EQ(f.hits(), 0u);
}

TEST(FaultPteWriteProtect, PrivateFilePageIsCopied) { // F-COW
  Fx f;
  f.vma(0x100000, 0x200000, RW_, false);
  f.put(Level::Pte, 0x100000, page(0x5000));
  u64 next = f.w.next_pfn;
  EXPECT_EQ(f.fault(0x100000, W), 0u);
  EXPECT_EQ(f.at(Level::Pte, 0x100000).pfn, next);
  EXPECT_TRUE(f.at(Level::Pte, 0x100000).write);
  EXPECT_EQ(f.hits(), 1u);
}

TEST(FaultPteWriteProtect, SpecialPfnMappings) { // F-MKWRITE / F-COW without a struct page
  // Shared and writable: wp_pfn_shared, in place.
  {
    Fx f;
    f.vma(0x100000, 0x200000, RW_ | vm::SHARED, false);
    f.put(Level::Pte, 0x100000, Entry{.kind = Kind::Page, .pfn = 0x5000, .special = true});
    EXPECT_EQ(f.fault(0x100000, W), 0u);
    Entry e = f.at(Level::Pte, 0x100000);
    EXPECT_EQ(e.pfn, 0x5000u);
    EXPECT_TRUE(e.write);
    EXPECT_TRUE(e.special);
    EXPECT_EQ(f.hits(), 0u);
  }
  // Private, or shared without VM_WRITE: copied.
  for (u64 flags : {RW_, vm::READ | vm::SHARED}) {
    Fx f;
    f.vma(0x100000, 0x200000, flags, false);
    f.put(Level::Pte, 0x100000, Entry{.kind = Kind::Page, .pfn = 0x5000, .special = true});
    u64 next = f.w.next_pfn;
    EXPECT_EQ(f.fault(0x100000, W), 0u);
    Entry e = f.at(Level::Pte, 0x100000);
    EXPECT_EQ(e.pfn, next);
    EXPECT_TRUE(e.write);
    EXPECT_FALSE(e.special);
    EXPECT_EQ(f.hits(), 1u);
  }
}

TEST(FaultPtePresent, ReadsAndWritesToWritablePagesChangeNothing) { // F-PRESENT
  for (bool writable : {false, true}) {
    for (unsigned access : {R, W}) {
      if (access == W && !writable) continue; // that is a write-protect fault
      Fx f;
      f.vma(0x100000, 0x200000, RW_);
      f.put(Level::Pte, 0x100000, page(0x5000, writable));
      World before = f.w;
      EXPECT_EQ(f.fault(0x100000, access), 0u);
      EXPECT_EQ(without_log(f.w), before);
    }
  }
  // The zero page, read again.
  Fx f;
  f.vma(0x100000, 0x200000, RW_);
  f.put(Level::Pte, 0x100000, Entry{.kind = Kind::Zero, .pfn = f.w.zero_pfn});
  World before = f.w;
  EXPECT_EQ(f.fault(0x100000, R), 0u);
  EXPECT_EQ(without_log(f.w), before);
}

// --- non-present PTEs ------------------------------------------------------------------------

TEST(FaultPteSwap, SwapInMapsANewPage) { // F-SWAPIN
  for (unsigned access : {R, W}) {
    Fx f;
    f.vma(0x100000, 0x200000, RW_);
    f.put(Level::Pte, 0x100000, Entry{.kind = Kind::Swap, .swap_type = 2, .offset = 0x77});
    u64 next = f.w.next_pfn;
    EXPECT_EQ(f.fault(0x100000, access), 0u);
    Entry e = f.at(Level::Pte, 0x100000);
    EXPECT_EQ(e.kind, Kind::Page);
    EXPECT_EQ(e.pfn, next);
    EXPECT_EQ(e.write, access == W);
    EXPECT_EQ(f.hits(), 0u);
  }
}

TEST(FaultPteMigration, MigrationCompletes) { // F-MIGRATION-FAULT
  for (bool write_entry : {false, true}) {
    Fx f;
    f.vma(0x100000, 0x200000, RW_);
    f.put(Level::Pte, 0x100000,
          Entry{.kind = Kind::Migration, .pfn = 0x4567, .write = write_entry});
    u64 next = f.w.next_pfn;
    EXPECT_EQ(f.fault(0x100000, R), 0u);
    Entry e = f.at(Level::Pte, 0x100000);
    EXPECT_EQ(e.kind, Kind::Page);
    EXPECT_EQ(e.pfn, 0x4567u);
    EXPECT_EQ(e.write, write_entry);
    EXPECT_EQ(f.w.next_pfn, next);
    EXPECT_EQ(f.hits(), 0u);
  }
}

TEST(FaultPteDevice, AnyOwnerIsMigratedToRamWithNotifier) { // F-DEVICE-MIGRATE
  for (u64 owner : {0ull, 0xd00dull}) {
    for (bool write_entry : {false, true}) {
      Fx f;
      f.vma(0x100000, 0x200000, RW_);
      f.w.device_owner[0x321] = owner;
      f.put(Level::Pte, 0x100000, Entry{.kind = Kind::Device, .pfn = 0x321, .write = write_entry});
      u64 next = f.w.next_pfn;
      EXPECT_EQ(f.fault(0x100000, R), 0u);
      Entry e = f.at(Level::Pte, 0x100000);
      EXPECT_EQ(e.kind, Kind::Page);
      EXPECT_EQ(e.pfn, next);
      EXPECT_EQ(e.write, write_entry);
      EXPECT_EQ(f.hits(), 1u);
    }
  }
  // The invalidation covers that page only.
  Fx f;
  f.vma(0x100000, 0x200000, RW_);
  f.w.notifier = Notifier{.start = 0x101000, .end = 0x102000};
  f.put(Level::Pte, 0x100000, Entry{.kind = Kind::Device, .pfn = 0x321});
  EXPECT_EQ(f.fault(0x100000, W), 0u);
  EXPECT_EQ(f.hits(), 0u);
  f.put(Level::Pte, 0x101000, Entry{.kind = Kind::Device, .pfn = 0x322});
  EXPECT_EQ(f.fault(0x101000, W), 0u);
  EXPECT_EQ(f.hits(), 1u);
}

TEST(FaultPteHwpoison, ReturnsHwpoison) { // F-HWPOISON
  Fx f;
  f.vma(0x100000, 0x200000, RW_);
  f.put(Level::Pte, 0x100000, Entry{.kind = Kind::Hwpoison, .pfn = 0x99});
  World before = f.w;
  EXPECT_EQ(f.fault(0x100000, W), fault::HWPOISON);
  EXPECT_EQ(without_log(f.w), before);
  ASSERT_EQ(f.w.log.size(), 1u);
  EXPECT_EQ(f.w.log[0].result, fault::HWPOISON);
  EXPECT_NE(f.w.log[0].result & fault::ERROR, 0u);
}

TEST(FaultPteProtnone, RestoredKeepingTheSavedWriteBit) { // F-NUMA
  for (bool saved_write : {false, true}) {
    for (unsigned access : {R, W}) {
      Fx f;
      f.vma(0x100000, 0x200000, RW_);
      f.put(Level::Pte, 0x100000,
            Entry{.kind = Kind::Protnone, .pfn = 0x5000, .write = saved_write});
      u64 next = f.w.next_pfn;
      EXPECT_EQ(f.fault(0x100000, access), 0u);
      Entry e = f.at(Level::Pte, 0x100000);
      EXPECT_EQ(e.kind, Kind::Page);
      EXPECT_EQ(e.pfn, 0x5000u);
      EXPECT_EQ(e.write, saved_write); // a write fault does not add the write bit
      EXPECT_EQ(f.w.next_pfn, next);
      EXPECT_EQ(f.hits(), 0u);
    }
  }
}

// --- PMD level: THP ----------------------------------------------------------------------------

constexpr u64 kThpVma = 0x40000000; // 1 GiB, PMD aligned

TEST(FaultThp, NonePmdReadMapsTheHugeZeroPage) { // F-THP-ZERO
  Fx f;
  f.vma(kThpVma, kThpVma + 4 * MiB, RW_ | vm::HUGEPAGE);
  u64 next = f.w.next_pfn;
  EXPECT_EQ(f.fault(kThpVma + 0x3000, R), 0u);
  Entry e = f.at(Level::Pmd, kThpVma);
  EXPECT_EQ(e.kind, Kind::Huge);
  EXPECT_EQ(e.pfn, huge_zero_pfn(f.w));
  EXPECT_FALSE(e.write);
  EXPECT_EQ(huge_zero_pfn(f.w) % 512, 0u);
  EXPECT_NE(huge_zero_pfn(f.w), f.w.zero_pfn);
  EXPECT_EQ(f.w.next_pfn, next);
  EXPECT_EQ(f.w.tables().size(), 3u); // PUD and PMD tables, no PTE table
  EXPECT_EQ(f.hits(), 0u);
}

TEST(FaultThp, NonePmdWriteAllocatesAnAlignedThp) { // F-THP-ALLOC
  Fx f;
  f.vma(kThpVma, kThpVma + 4 * MiB, RW_ | vm::HUGEPAGE);
  f.w.next_pfn = 0x10001;
  EXPECT_EQ(f.fault(kThpVma + 2 * MiB + 0x5000, W), 0u);
  Entry e = f.at(Level::Pmd, kThpVma + 2 * MiB);
  EXPECT_EQ(e.kind, Kind::Huge);
  EXPECT_EQ(e.pfn, 0x10200u);
  EXPECT_TRUE(e.write);
  EXPECT_EQ(f.w.next_pfn, 0x10400u);
  EXPECT_EQ(f.hits(), 0u);
}

TEST(FaultThp, FallsBackToPtesWhenNoThpFits) { // F-THP-ZERO / F-THP-ALLOC do not apply
  // The VMA does not cover the whole PMD; the VMA is not MADV_HUGEPAGE; it is shared.
  struct C {
    u64 start, end, flags;
    bool anonymous;
  };
  for (const C& c : {C{kThpVma + 0x1000, kThpVma + 4 * MiB, RW_ | vm::HUGEPAGE, true},
                     C{kThpVma, kThpVma + 0x1ff000, RW_ | vm::HUGEPAGE, true},
                     C{kThpVma, kThpVma + 4 * MiB, RW_, true},
                     C{kThpVma, kThpVma + 4 * MiB, RW_ | vm::HUGEPAGE | vm::SHARED, true},
                     C{kThpVma, kThpVma + 4 * MiB, RW_ | vm::HUGEPAGE, false}}) {
    Fx f;
    f.vma(c.start, c.end, c.flags, c.anonymous);
    EXPECT_EQ(f.fault(kThpVma + 0x100000, R), 0u);
    EXPECT_EQ(f.at(Level::Pmd, kThpVma).kind, Kind::Table);
    Kind k = f.at(Level::Pte, kThpVma + 0x100000).kind;
    EXPECT_TRUE(k == Kind::Zero || k == Kind::Page);
  }
}

TEST(FaultThp, ReadOnlyExclusiveThpIsReusedInPlace) { // F-THP-REUSE
  Fx f;
  f.vma(kThpVma, kThpVma + 4 * MiB, RW_ | vm::HUGEPAGE);
  f.put(Level::Pmd, kThpVma, Entry{.kind = Kind::Huge, .pfn = 0x40000});
  u64 before = f.word(Level::Pmd, kThpVma);
  u64 next = f.w.next_pfn;
  EXPECT_EQ(f.fault(kThpVma + 0x7000, W), 0u);
  EXPECT_EQ(f.word(Level::Pmd, kThpVma), before | RW | DIRTY);
  EXPECT_EQ(f.w.next_pfn, next);
  EXPECT_EQ(f.hits(), 0u);
  // A read on a read-only THP changes nothing.
  f.put(Level::Pmd, kThpVma + 2 * MiB, Entry{.kind = Kind::Huge, .pfn = 0x40200});
  World w0 = f.w;
  EXPECT_EQ(f.fault(kThpVma + 2 * MiB, R), 0u);
  EXPECT_EQ(without_log(f.w), without_log(w0));
}

TEST(FaultThp, DevmapPmdIsMadeWritableInPlace) { // F-THP-REUSE (fsdax)
  Fx f;
  f.vma(kThpVma, kThpVma + 4 * MiB, RW_ | vm::SHARED, false);
  f.put(Level::Pmd, kThpVma, Entry{.kind = Kind::Huge, .pfn = 0x40000, .devmap = true});
  EXPECT_EQ(f.fault(kThpVma, W), 0u);
  Entry e = f.at(Level::Pmd, kThpVma);
  EXPECT_EQ(e.kind, Kind::Huge);
  EXPECT_TRUE(e.write);
  EXPECT_TRUE(e.devmap);
  EXPECT_EQ(e.pfn, 0x40000u);
  EXPECT_EQ(f.hits(), 0u);
}

TEST(FaultThp, SharedFileThpIsMadeWritableInPlace) { // F-MKWRITE on a THP
  Fx f;
  f.vma(kThpVma, kThpVma + 4 * MiB, RW_ | vm::SHARED, false);
  f.put(Level::Pmd, kThpVma, Entry{.kind = Kind::Huge, .pfn = 0x40000});
  EXPECT_EQ(f.fault(kThpVma + 0x1000, W), 0u);
  EXPECT_EQ(f.at(Level::Pmd, kThpVma).kind, Kind::Huge);
  EXPECT_TRUE(f.at(Level::Pmd, kThpVma).write);
  EXPECT_EQ(f.hits(), 0u);
}

// v5.7 copies a shared THP whole when it can allocate a THP (F-THP-COPY); 6.x splits it and
// copies the faulting page only (F-THP-SPLIT, F-COW), which v5.7 does only without a THP.
TEST(FaultThp, SharedAnonThpIsCopiedWholeInV5_7) { // F-THP-COPY
  Fx f;
  f.vma(kThpVma, kThpVma + 4 * MiB, RW_ | vm::HUGEPAGE);
  f.put(Level::Pmd, kThpVma, Entry{.kind = Kind::Huge, .pfn = 0x40000});
  f.w.shared_pfns.insert(0x40000);
  f.w.next_pfn = 0x10001; // the new THP is aligned to its size
  const u64 tables = f.w.tables().size();
  EXPECT_EQ(f.fault(kThpVma + 5 * 0x1000, W), 0u);
  Entry e = f.at(Level::Pmd, kThpVma);
  ASSERT_EQ(e.kind, Kind::Huge);
  EXPECT_EQ(e.pfn, 0x10200u);
  EXPECT_TRUE(e.write);
  EXPECT_FALSE(e.devmap);
  EXPECT_EQ(f.w.next_pfn, 0x10400u);
  EXPECT_EQ(f.w.tables().size(), tables) << "no PTE table: the PMD stays huge";
  EXPECT_EQ(f.hits(), 1u); // one invalidation of the PMD range
}

TEST(FaultThp, HugeZeroPageWriteAllocatesAThpInV5_7) { // F-THP-COPY (clear_huge_page)
  Fx f;
  f.vma(kThpVma, kThpVma + 4 * MiB, RW_ | vm::HUGEPAGE);
  ASSERT_EQ(f.fault(kThpVma, R), 0u);
  ASSERT_EQ(f.at(Level::Pmd, kThpVma).pfn, huge_zero_pfn(f.w));
  f.w.notifier = Notifier{.start = kThpVma + 0x1ff000, .end = kThpVma + 0x200000};
  EXPECT_EQ(f.fault(kThpVma + 3 * 0x1000, W), 0u);
  Entry e = f.at(Level::Pmd, kThpVma);
  ASSERT_EQ(e.kind, Kind::Huge);
  EXPECT_NE(e.pfn, huge_zero_pfn(f.w));
  EXPECT_EQ(e.pfn % 512, 0u);
  EXPECT_TRUE(e.write);
  EXPECT_EQ(f.hits(), 1u) << "the invalidation covers the whole PMD (the notifier's last page)";
}

TEST(FaultThp, SharedThpWithoutThpEnabledIsCopiedPageByPageInV5_7) { // F-THP-COPY-PAGES
  Fx f;
  f.vma(kThpVma, kThpVma + 4 * MiB, RW_); // no VM_HUGEPAGE: no new THP
  f.put(Level::Pmd, kThpVma, Entry{.kind = Kind::Huge, .pfn = 0x40000});
  f.w.shared_pfns.insert(0x40000);
  u64 next = f.w.next_pfn;
  EXPECT_EQ(f.fault(kThpVma + 7 * 0x1000, W), 0u);
  ASSERT_EQ(f.at(Level::Pmd, kThpVma).kind, Kind::Table);
  for (unsigned i = 0; i < 512; ++i) {
    Entry e = f.at(Level::Pte, kThpVma + i * 0x1000ull);
    ASSERT_EQ(e.kind, Kind::Page) << i;
    EXPECT_EQ(e.pfn, next + i) << i;
    EXPECT_TRUE(e.write) << i;
  }
  EXPECT_EQ(f.hits(), 1u);
}

TEST(FaultThp, HugeZeroPageWithoutThpEnabledIsSplitInV5_7) { // F-THP-SPLIT, F-COW
  Fx f;
  f.vma(kThpVma, kThpVma + 4 * MiB, RW_);
  f.put(Level::Pmd, kThpVma, Entry{.kind = Kind::Huge, .pfn = huge_zero_pfn(f.w)});
  u64 next = f.w.next_pfn;
  EXPECT_EQ(f.fault(kThpVma + 0x1000, W), 0u);
  ASSERT_EQ(f.at(Level::Pmd, kThpVma).kind, Kind::Table);
  EXPECT_EQ(f.at(Level::Pte, kThpVma).kind, Kind::Zero);
  EXPECT_EQ(f.at(Level::Pte, kThpVma + 0x1000).pfn, next);
  EXPECT_EQ(f.hits(), 2u);
}

TEST(FaultThp, NoPagesToCopyIntoFallsBackToSplitInV5_7) { // F-OOM of the THP and the copy
  // With fewer than 512 pages left there is neither a THP nor 512 pages to copy into
  // (do_huge_pmd_wp_page_fallback returns VM_FAULT_OOM): the PMD is split and the faulting
  // page alone is copied; the pages the failed copy took are given back.
  Fx g;
  g.vma(kThpVma, kThpVma + 4 * MiB, RW_ | vm::HUGEPAGE);
  g.put(Level::Pmd, kThpVma, Entry{.kind = Kind::Huge, .pfn = 0x40000});
  g.w.shared_pfns.insert(0x40000);
  const u64 max_pfn = PHYSICAL_MASK >> 12;
  g.w.next_pfn = max_pfn - 100;
  EXPECT_EQ(g.fault(kThpVma + 0x1000, W), 0u);
  ASSERT_EQ(g.at(Level::Pmd, kThpVma).kind, Kind::Table);
  EXPECT_EQ(g.at(Level::Pte, kThpVma).pfn, 0x40000u);
  EXPECT_FALSE(g.at(Level::Pte, kThpVma).write);
  EXPECT_EQ(g.at(Level::Pte, kThpVma + 0x1000).pfn, max_pfn - 100);
  EXPECT_EQ(g.w.next_pfn, max_pfn - 99);
  EXPECT_EQ(g.hits(), 2u);
}

void shared_anon_thp_split_in_6x(KernelVersion k) {
  Fx f(k);
  f.vma(kThpVma, kThpVma + 4 * MiB, RW_ | vm::HUGEPAGE);
  f.put(Level::Pmd, kThpVma, Entry{.kind = Kind::Huge, .pfn = 0x40000});
  f.w.shared_pfns.insert(0x40000); // the THP is mapped by another mm too
  u64 next = f.w.next_pfn;
  const unsigned at = 5; // not the head page
  EXPECT_EQ(f.fault(kThpVma + at * 0x1000, W), 0u);
  ASSERT_EQ(f.at(Level::Pmd, kThpVma).kind, Kind::Table);
  for (unsigned i = 0; i < 512; ++i) {
    Entry e = f.at(Level::Pte, kThpVma + i * 0x1000ull);
    ASSERT_EQ(e.kind, Kind::Page) << i;
    if (i == at) {
      EXPECT_EQ(e.pfn, next) << "the faulting page is copied, not written in place";
      EXPECT_TRUE(e.write);
    } else {
      EXPECT_EQ(e.pfn, 0x40000u + i) << i;
      EXPECT_FALSE(e.write) << i;
    }
  }
  EXPECT_EQ(f.hits(), 2u); // the split, then the copy
}

void huge_zero_split_in_6x(KernelVersion k) {
  Fx f(k);
  f.vma(kThpVma, kThpVma + 4 * MiB, RW_ | vm::HUGEPAGE);
  ASSERT_EQ(f.fault(kThpVma, R), 0u);
  ASSERT_EQ(f.at(Level::Pmd, kThpVma).pfn, huge_zero_pfn(f.w));
  u64 next = f.w.next_pfn;
  EXPECT_EQ(f.fault(kThpVma + 3 * 0x1000, W), 0u);
  ASSERT_EQ(f.at(Level::Pmd, kThpVma).kind, Kind::Table);
  for (unsigned i = 0; i < 512; ++i) {
    Entry e = f.at(Level::Pte, kThpVma + i * 0x1000ull);
    if (i == 3) {
      EXPECT_EQ(e.kind, Kind::Page);
      EXPECT_EQ(e.pfn, next);
      EXPECT_TRUE(e.write);
    } else {
      EXPECT_EQ(e.kind, Kind::Zero) << i;
    }
  }
  EXPECT_EQ(f.hits(), 2u);
}

TEST(FaultThp, SharedAnonThpIsSplitAndTheFaultingPageCopiedIn6x) { // F-THP-SPLIT, F-COW
  for (KernelVersion k : {KernelVersion::V6_1, KernelVersion::V6_12}) {
    SCOPED_TRACE(version_name(k));
    shared_anon_thp_split_in_6x(k);
  }
}

TEST(FaultThp, HugeZeroPageWriteIsSplitIntoZeroPtesIn6x) { // F-THP-SPLIT, F-COW
  for (KernelVersion k : {KernelVersion::V6_1, KernelVersion::V6_12}) {
    SCOPED_TRACE(version_name(k));
    huge_zero_split_in_6x(k);
  }
}

TEST(FaultThp, PrivateFileThpIsClearedThenThePageRefaulted) { // F-THP-ZAP
  // __split_huge_pmd_locked on a VMA that is not anonymous clears the PMD instead of
  // splitting it (mm/huge_memory.c:2236-2255); the fault then falls back to the PTE level,
  // where the write to a private file mapping gets a private copy (do_cow_fault).
  Fx f;
  f.vma(kThpVma, kThpVma + 4 * MiB, RW_, false);
  f.put(Level::Pmd, kThpVma, Entry{.kind = Kind::Huge, .pfn = 0x40000});
  u64 next = f.w.next_pfn;
  EXPECT_EQ(f.fault(kThpVma + 5 * 0x1000, W), 0u);
  ASSERT_EQ(f.at(Level::Pmd, kThpVma).kind, Kind::Table);
  for (unsigned i = 0; i < 512; ++i) {
    Entry e = f.at(Level::Pte, kThpVma + i * 0x1000ull);
    if (i == 5) {
      EXPECT_EQ(e.kind, Kind::Page);
      EXPECT_EQ(e.pfn, next);
      EXPECT_TRUE(e.write);
    } else {
      EXPECT_EQ(e.kind, Kind::None) << i;
    }
  }
  EXPECT_EQ(f.hits(), 1u); // the PMD clear; filling a none PTE fires nothing
}

TEST(FaultThp, ProtnoneThpIsRestoredKeepingWrite) { // F-THP-NUMA
  for (bool saved_write : {false, true}) {
    Fx f;
    f.vma(kThpVma, kThpVma + 4 * MiB, RW_ | vm::HUGEPAGE);
    f.put(Level::Pmd, kThpVma,
          Entry{.kind = Kind::Huge, .pfn = 0x40000, .write = saved_write, .protnone = true});
    EXPECT_EQ(f.fault(kThpVma, W), 0u);
    Entry e = f.at(Level::Pmd, kThpVma);
    EXPECT_EQ(e.kind, Kind::Huge);
    EXPECT_FALSE(e.protnone);
    EXPECT_TRUE(f.word(Level::Pmd, kThpVma) & PRESENT);
    EXPECT_EQ(e.pfn, 0x40000u);
    EXPECT_EQ(e.write, saved_write);
    EXPECT_EQ(f.hits(), 0u);
  }
}

TEST(FaultThp, SplittingPmdWithoutPresentIsLeftAlone) { // F-PRESENT
  Fx f;
  f.vma(kThpVma, kThpVma + 4 * MiB, RW_ | vm::HUGEPAGE);
  u64* pmd = f.w.ensure_slot(Level::Pmd, kThpVma);
  *pmd = PSE | USER | ACCESSED | ((~(0x40000ull << 12)) & huge_pfn_mask(21));
  ASSERT_EQ(f.at(Level::Pmd, kThpVma).kind, Kind::Huge);
  World before = f.w;
  EXPECT_EQ(f.fault(kThpVma, W), 0u);
  EXPECT_EQ(without_log(f.w), before);
}

TEST(FaultThp, PmdMigrationCompletes) { // F-PMD-MIGRATION-FAULT
  for (bool write_entry : {false, true}) {
    Fx f;
    f.vma(kThpVma, kThpVma + 4 * MiB, RW_ | vm::HUGEPAGE);
    f.put(Level::Pmd, kThpVma,
          Entry{.kind = Kind::Migration, .pfn = 0x40003, .write = write_entry});
    EXPECT_EQ(f.fault(kThpVma + 0x9000, R), 0u);
    Entry e = f.at(Level::Pmd, kThpVma);
    EXPECT_EQ(e.kind, Kind::Huge);
    EXPECT_EQ(e.pfn, 0x40000u); // the head of the THP
    EXPECT_EQ(e.write, write_entry);
    EXPECT_EQ(f.hits(), 0u);
  }
}

TEST(FaultThp, OtherNonPresentPmdsAreLeftAlone) { // F-PMD-SWAP
  for (Entry e : {Entry{.kind = Kind::Swap, .swap_type = 1, .offset = 0x40},
                  Entry{.kind = Kind::Device, .pfn = 0x40000, .write = true},
                  Entry{.kind = Kind::Hwpoison, .pfn = 0x40000}}) {
    Fx f;
    f.vma(kThpVma, kThpVma + 4 * MiB, RW_ | vm::HUGEPAGE);
    f.put(Level::Pmd, kThpVma, e);
    World before = f.w;
    EXPECT_EQ(f.fault(kThpVma, W), 0u);
    EXPECT_EQ(without_log(f.w), before);
  }
}

TEST(FaultPmdTable, BadPmdIsClearedAndNothingElseDone) { // F-PMD-BAD
  // handle_pte_fault: pmd_devmap_trans_unstable -> pmd_trans_unstable finds pmd_bad and
  // clears the entry (include/asm-generic/pgtable.h:1003-1045), returning 0.
  Fx f;
  f.vma(0x100000, 0x200000, RW_);
  ASSERT_NE(f.w.ensure_slot(Level::Pte, 0x100000), nullptr);
  u64* pmd = f.w.find_slot_mut(Level::Pmd, 0x100000);
  u64 table = table_pfn(f.w.geom, *pmd);
  *pmd |= NX;
  ASSERT_EQ(f.at(Level::Pmd, 0x100000).kind, Kind::Bad);
  u64 next = f.w.next_pfn;
  EXPECT_EQ(f.fault(0x100000, W), 0u);
  EXPECT_EQ(*f.w.find_slot(Level::Pmd, 0x100000), 0u);
  EXPECT_TRUE(f.w.tables().contains(table));
  for (unsigned i = 0; i < 512; ++i) EXPECT_EQ(f.w.table_words(table)[i], 0u);
  EXPECT_EQ(f.w.next_pfn, next);
  EXPECT_EQ(f.hits(), 0u);
  // The next fault at that address fills it normally.
  EXPECT_EQ(f.fault(0x100000, W), 0u);
  EXPECT_EQ(f.at(Level::Pte, 0x100000).kind, Kind::Page);
}

TEST(FaultPmdTable, PointerToMemoryWithoutATableIsSigbus) { // F-NO-TABLE
  Fx f;
  f.vma(0x100000, 0x200000, RW_);
  f.put(Level::Pmd, 0x100000, Entry{.kind = Kind::Table, .pfn = 0x777});
  World before = f.w;
  EXPECT_EQ(f.fault(0x100000, R), fault::VM_SIGBUS);
  EXPECT_EQ(without_log(f.w), before);
  // Also at the root.
  Fx g;
  g.vma(0x100000, 0x200000, RW_);
  g.put(Level::Pgd, 0x100000, Entry{.kind = Kind::Table, .pfn = 0x777});
  EXPECT_EQ(g.fault(0x100000, R), fault::VM_SIGBUS);
}

// --- PUD level --------------------------------------------------------------------------------

TEST(FaultHugePud, ReadAndWritesToWritablePudsChangeNothing) { // F-HUGE-PUD
  for (bool writable : {false, true}) {
    for (unsigned access : {R, W}) {
      if (access == W && !writable) continue;
      Fx f;
      f.vma(GiB, 2 * GiB, RW_ | vm::SHARED, false);
      f.put(Level::Pud, GiB,
            Entry{.kind = Kind::Huge, .pfn = 0x40000, .write = writable, .devmap = true});
      World before = f.w;
      EXPECT_EQ(f.fault(GiB + 0x5000, access), 0u);
      EXPECT_EQ(without_log(f.w), before);
    }
  }
}

TEST(FaultHugePud, WriteToReadOnlyFilePudMakesItWritable) { // F-HUGE-PUD
  Fx f;
  f.vma(GiB, 2 * GiB, RW_ | vm::SHARED, false);
  f.put(Level::Pud, GiB, Entry{.kind = Kind::Huge, .pfn = 0x40000, .devmap = true});
  EXPECT_EQ(f.fault(GiB + 0x5000, W), 0u);
  Entry e = f.at(Level::Pud, GiB);
  EXPECT_EQ(e.kind, Kind::Huge);
  EXPECT_EQ(e.pfn, 0x40000u);
  EXPECT_TRUE(e.write);
  EXPECT_TRUE(e.devmap);
  EXPECT_EQ(f.hits(), 0u);
}

TEST(FaultHugePud, WriteToReadOnlyAnonPudIsSigbus) { // F-HUGE-PUD
  Fx f;
  f.vma(GiB, 2 * GiB, RW_);
  f.put(Level::Pud, GiB, Entry{.kind = Kind::Huge, .pfn = 0x40000});
  World before = f.w;
  EXPECT_EQ(f.fault(GiB, W), fault::VM_SIGBUS);
  EXPECT_EQ(without_log(f.w), before);
}

// --- hugetlb ----------------------------------------------------------------------------------

constexpr u64 kHuge2m = 0x80000000;

TEST(FaultHugetlb, NoneSlotGetsANewHugePage) { // F-HUGETLB-NEW
  struct C {
    u64 flags;
    bool anonymous;
    unsigned access;
    bool writable;
  };
  for (const C& c : {C{RW_ | vm::HUGETLB, true, R, false}, C{RW_ | vm::HUGETLB, true, W, true},
                     C{RW_ | vm::HUGETLB | vm::SHARED, false, R, true},
                     C{vm::READ | vm::HUGETLB | vm::SHARED, false, R, false},
                     C{RW_ | vm::HUGETLB | vm::SHARED, false, W, true}}) {
    Fx f;
    f.vma(kHuge2m, kHuge2m + 4 * MiB, c.flags, c.anonymous, 2 * MiB);
    f.w.next_pfn = 0x10001;
    EXPECT_EQ(f.fault(kHuge2m + 2 * MiB + 0x3456, c.access), 0u);
    Entry e = f.at(Level::Pmd, kHuge2m + 2 * MiB);
    EXPECT_EQ(e.kind, Kind::Huge);
    EXPECT_EQ(e.pfn, 0x10200u);
    EXPECT_EQ(e.write, c.writable);
    EXPECT_EQ(f.w.next_pfn, 0x10400u);
    EXPECT_EQ(f.at(Level::Pmd, kHuge2m).kind, Kind::None); // only that huge page
    EXPECT_EQ(f.hits(), 0u);
    EXPECT_EQ(f.w.log.back().addr, kHuge2m + 2 * MiB + 0x3000);
  }
  // 1 GiB pages live in the PUD slot.
  Fx f;
  f.vma(GiB, 3 * GiB, RW_ | vm::HUGETLB, true, GiB);
  EXPECT_EQ(f.fault(2 * GiB + 0x1234000, W), 0u);
  Entry e = f.at(Level::Pud, 2 * GiB);
  EXPECT_EQ(e.kind, Kind::Huge);
  EXPECT_EQ(e.pfn % (GiB >> 12), 0u);
  EXPECT_TRUE(e.write);
  EXPECT_EQ(f.at(Level::Pud, GiB).kind, Kind::None);
}

TEST(FaultHugetlb, WriteToExclusivePrivateAnonPageReusesIt) { // F-HUGETLB-REUSE
  // hugetlb_cow keeps a page mapped once that is anonymous (mm/hugetlb.c:4030-4033).
  Fx f;
  f.vma(kHuge2m, kHuge2m + 4 * MiB, RW_ | vm::HUGETLB, true, 2 * MiB);
  ASSERT_EQ(f.fault(kHuge2m, R), 0u);
  Entry before = f.at(Level::Pmd, kHuge2m);
  ASSERT_FALSE(before.write);
  u64 next = f.w.next_pfn;
  EXPECT_EQ(f.fault(kHuge2m + 0x5000, W), 0u);
  Entry e = f.at(Level::Pmd, kHuge2m);
  EXPECT_EQ(e.pfn, before.pfn);
  EXPECT_TRUE(e.write);
  EXPECT_EQ(f.w.next_pfn, next);
  EXPECT_EQ(f.hits(), 0u);
}

TEST(FaultHugetlb, WriteToSharedOrFilePrivatePageCopiesIt) { // F-HUGETLB-COW
  // The invalidation covers exactly the huge page: a notifier on its first or its last page
  // sees it, one on the page after it does not.
  struct N {
    u64 start;
    bool hit;
  };
  for (bool anonymous : {true, false}) {
    for (N n :
         {N{kHuge2m, true}, N{kHuge2m + 2 * MiB - 0x1000, true}, N{kHuge2m + 2 * MiB, false}}) {
      Fx f;
      f.vma(kHuge2m, kHuge2m + 4 * MiB, RW_ | vm::HUGETLB, anonymous, 2 * MiB);
      f.put(Level::Pmd, kHuge2m, Entry{.kind = Kind::Huge, .pfn = 0x40000});
      if (anonymous) f.w.shared_pfns.insert(0x40000);
      f.w.notifier = Notifier{.start = n.start, .end = n.start + 0x1000};
      f.w.next_pfn = 0x10000;
      EXPECT_EQ(f.fault(kHuge2m + 0x5000, W), 0u);
      Entry e = f.at(Level::Pmd, kHuge2m);
      EXPECT_EQ(e.pfn, 0x10000u);
      EXPECT_TRUE(e.write);
      EXPECT_EQ(f.hits(), n.hit ? 1u : 0u) << std::hex << n.start;
    }
  }
}

TEST(FaultHugetlb, WriteToSharedMappingMakesItWritable) { // F-MKWRITE
  Fx f;
  f.vma(kHuge2m, kHuge2m + 4 * MiB, RW_ | vm::HUGETLB | vm::SHARED, false, 2 * MiB);
  f.put(Level::Pmd, kHuge2m, Entry{.kind = Kind::Huge, .pfn = 0x40000});
  EXPECT_EQ(f.fault(kHuge2m, W), 0u);
  EXPECT_EQ(f.at(Level::Pmd, kHuge2m).pfn, 0x40000u);
  EXPECT_TRUE(f.at(Level::Pmd, kHuge2m).write);
  EXPECT_EQ(f.hits(), 0u);
}

TEST(FaultHugetlb, PresentSlotsOtherwiseUnchanged) { // F-PRESENT
  struct C {
    Entry e;
    unsigned access;
  };
  for (const C& c : {C{Entry{.kind = Kind::Huge, .pfn = 0x40000}, R},
                     C{Entry{.kind = Kind::Huge, .pfn = 0x40000, .write = true}, R},
                     C{Entry{.kind = Kind::Huge, .pfn = 0x40000, .write = true}, W},
                     C{Entry{.kind = Kind::Protnone, .pfn = 0x40000}, R}}) {
    Fx f;
    f.vma(kHuge2m, kHuge2m + 4 * MiB, RW_ | vm::HUGETLB, true, 2 * MiB);
    f.put(Level::Pmd, kHuge2m, c.e);
    World before = f.w;
    EXPECT_EQ(f.fault(kHuge2m + 0x1000, c.access), 0u);
    EXPECT_EQ(without_log(f.w), before);
  }
}

TEST(FaultHugetlb, MigrationCompletes) { // F-HUGETLB-MIGRATION
  for (bool write_entry : {false, true}) {
    Fx f;
    f.vma(kHuge2m, kHuge2m + 4 * MiB, RW_ | vm::HUGETLB, true, 2 * MiB);
    f.put(Level::Pmd, kHuge2m,
          Entry{.kind = Kind::Migration, .pfn = 0x40000, .write = write_entry});
    EXPECT_EQ(f.fault(kHuge2m + 0x1000, R), 0u);
    Entry e = f.at(Level::Pmd, kHuge2m);
    EXPECT_EQ(e.kind, Kind::Huge);
    EXPECT_EQ(e.pfn, 0x40000u);
    EXPECT_EQ(e.write, write_entry);
    EXPECT_EQ(f.hits(), 0u);
  }
}

TEST(FaultHugetlb, HwpoisonIsLarge) { // F-HUGETLB-HWPOISON
  Fx f;
  f.vma(kHuge2m, kHuge2m + 4 * MiB, RW_ | vm::HUGETLB, true, 2 * MiB);
  f.put(Level::Pmd, kHuge2m, Entry{.kind = Kind::Hwpoison, .pfn = 0x40000});
  World before = f.w;
  EXPECT_EQ(f.fault(kHuge2m, R), fault::HWPOISON_LARGE);
  EXPECT_EQ(without_log(f.w), before);
}

TEST(FaultHugetlb, OtherNonPresentSlotsAreLeftAlone) { // F-HUGETLB-NOTPRESENT
  for (Entry e : {Entry{.kind = Kind::Swap, .swap_type = 1, .offset = 0x40},
                  Entry{.kind = Kind::Device, .pfn = 0x40000, .write = true}}) {
    Fx f;
    f.vma(kHuge2m, kHuge2m + 4 * MiB, RW_ | vm::HUGETLB, true, 2 * MiB);
    f.put(Level::Pmd, kHuge2m, e);
    World before = f.w;
    EXPECT_EQ(f.fault(kHuge2m, W), 0u);
    EXPECT_EQ(without_log(f.w), before);
  }
}

TEST(FaultHugetlb, BlockedSlotIsSigbus) { // F-NO-TABLE
  Fx f;
  f.vma(kHuge2m, kHuge2m + 4 * MiB, RW_ | vm::HUGETLB, true, 2 * MiB);
  f.put(Level::Pud, kHuge2m, Entry{.kind = Kind::Huge, .pfn = 0x80000});
  EXPECT_EQ(f.fault(kHuge2m, R), fault::VM_SIGBUS);
}

// --- injections -----------------------------------------------------------------------------

TEST(FaultInjection, ErrorBitsAreReturnedWithNoChange) { // F-INJECT-ERROR
  Fx f;
  f.vma(0x100000, 0x200000, RW_);
  f.w.injections[0x101000] = Injection{.error = fault::VM_SIGBUS | fault::MAJOR, .no_progress = 3};
  World before = f.w;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(f.fault(0x101234, W), fault::VM_SIGBUS | fault::MAJOR);
  EXPECT_EQ(without_log(f.w), before); // the injection stays, nothing is consumed
  ASSERT_EQ(f.w.log.size(), 3u);
  EXPECT_EQ(f.w.log[2].result, fault::VM_SIGBUS | fault::MAJOR);
  // Another page is not affected.
  EXPECT_EQ(f.fault(0x102000, W), 0u);
  EXPECT_EQ(f.at(Level::Pte, 0x102000).kind, Kind::Page);
}

TEST(FaultInjection, InvalidateFiresOnceThenFaultsNormally) { // F-INJECT-INVALIDATE
  Fx f;
  f.vma(0x100000, 0x200000, RW_);
  f.w.injections[0x101000] = Injection{.invalidate = true};
  EXPECT_EQ(f.fault(0x101000, R), 0u);
  EXPECT_EQ(f.hits(), 1u);
  EXPECT_EQ(f.at(Level::Pte, 0x101000).kind, Kind::Zero);
  EXPECT_FALSE(f.w.injections[0x101000].invalidate);
  EXPECT_EQ(f.fault(0x101000, R), 0u);
  EXPECT_EQ(f.hits(), 1u);
  // The invalidation covers only that page.
  Fx g;
  g.vma(0x100000, 0x200000, RW_);
  g.w.notifier = Notifier{.start = 0x102000, .end = 0x103000};
  g.w.injections[0x101000] = Injection{.invalidate = true};
  EXPECT_EQ(g.fault(0x101000, R), 0u);
  EXPECT_EQ(g.hits(), 0u);
}

TEST(FaultInjection, NoProgressIsBounded) { // F-INJECT-NO-PROGRESS
  Fx f;
  f.vma(0x100000, 0x200000, RW_);
  f.w.injections[0x101000] = Injection{.invalidate = true, .no_progress = 2};
  for (unsigned left : {1u, 0u}) {
    World before = f.w;
    EXPECT_EQ(f.fault(0x101000, W), 0u);
    EXPECT_EQ(f.at(Level::Pte, 0x101000).kind, Kind::None);
    EXPECT_EQ(f.w.injections[0x101000].no_progress, left);
    EXPECT_EQ(f.hits(), 0u);
    World after = without_log(f.w);
    after.injections = before.injections;
    EXPECT_EQ(after, without_log(before));
  }
  EXPECT_EQ(f.fault(0x101000, W), 0u);
  EXPECT_EQ(f.at(Level::Pte, 0x101000).kind, Kind::Page);
  EXPECT_EQ(f.hits(), 1u); // the invalidation comes with the real fault
  EXPECT_EQ(f.w.log.size(), 3u);
}

TEST(FaultInjection, NoProgressForever) { // F-INJECT-NO-PROGRESS
  Fx f;
  f.vma(kHuge2m, kHuge2m + 4 * MiB, RW_ | vm::HUGETLB, true, 2 * MiB);
  f.w.injections[kHuge2m] = Injection{.no_progress = kForever};
  World before = f.w;
  for (int i = 0; i < 50; ++i) EXPECT_EQ(f.fault(kHuge2m + 0x10, W), 0u);
  EXPECT_EQ(without_log(f.w), before);
  EXPECT_EQ(f.w.injections[kHuge2m].no_progress, kForever);
  EXPECT_EQ(f.w.log.size(), 50u);
}

// --- the log -----------------------------------------------------------------------------------

TEST(FaultLog, RecordsPageAddressFlagsAndResult) {
  Fx f;
  f.vma(0x100000, 0x200000, RW_);
  f.put(Level::Pte, 0x103000, Entry{.kind = Kind::Hwpoison, .pfn = 1});
  f.fault(0x100fff, R);
  f.fault(0x102001, fault::FLAG_WRITE); // flags are logged as passed
  f.fault(0x103000, W);
  migration_entry_wait(f.w, 0x104abc);
  pmd_migration_entry_wait(f.w, 0x104abc);
  ASSERT_EQ(f.w.log.size(), 5u);
  EXPECT_EQ(f.w.log[0], (Event{Event::Type::Fault, 0x100000, R, 0}));
  EXPECT_EQ(f.w.log[1], (Event{Event::Type::Fault, 0x102000, fault::FLAG_WRITE, 0}));
  EXPECT_EQ(f.w.log[2], (Event{Event::Type::Fault, 0x103000, W, fault::HWPOISON}));
  EXPECT_EQ(f.w.log[3], (Event{.type = Event::Type::Wait, .addr = 0x104000, .level = Level::Pte}));
  EXPECT_EQ(f.w.log[4], (Event{.type = Event::Type::Wait, .addr = 0, .level = Level::Pmd}));
  EXPECT_EQ(describe(f.w.log[0]), "fault 0x100000 read");
  EXPECT_EQ(describe(f.w.log[2]), "fault 0x103000 write -> 0x10");
  EXPECT_EQ(describe(f.w.log[3]), "wait pte 0x104000");
}

// --- migration waits ----------------------------------------------------------------------------

TEST(FaultMigrationWait, PteWaitLogsAndCompletes) {
  Fx f;
  f.vma(0x100000, 0x200000, RW_);
  f.put(Level::Pte, 0x101000, Entry{.kind = Kind::Migration, .pfn = 0x4567, .write = true});
  f.put(Level::Pte, 0x102000, Entry{.kind = Kind::Migration, .pfn = 0x4568});
  f.put(Level::Pte, 0x103000, page(0x9999));
  u64 next = f.w.next_pfn;
  migration_entry_wait(f.w, 0x101800);
  migration_entry_wait(f.w, 0x102000);
  EXPECT_EQ(f.at(Level::Pte, 0x101000),
            with_word(page(0x4567, true), f.word(Level::Pte, 0x101000)));
  EXPECT_EQ(f.at(Level::Pte, 0x102000), with_word(page(0x4568), f.word(Level::Pte, 0x102000)));
  // Not a migration entry, or no PTE table at all: only the log changes.
  World before = f.w;
  migration_entry_wait(f.w, 0x103000);
  migration_entry_wait(f.w, 0x40000000);
  EXPECT_EQ(without_log(f.w), without_log(before));
  EXPECT_EQ(f.w.log.size(), 4u);
  EXPECT_EQ(f.w.log[3].addr, 0x40000000u);
  EXPECT_EQ(f.w.next_pfn, next);
  EXPECT_EQ(f.hits(), 0u);
}

TEST(FaultMigrationWait, PmdWaitLogsAndCompletes) {
  Fx f;
  f.vma(kThpVma, kThpVma + 4 * MiB, RW_);
  f.put(Level::Pmd, kThpVma, Entry{.kind = Kind::Migration, .pfn = 0x40000, .write = true});
  f.put(Level::Pmd, kThpVma + 2 * MiB, Entry{.kind = Kind::Huge, .pfn = 0x40200});
  pmd_migration_entry_wait(f.w, kThpVma + 0x12345);
  Entry e = f.at(Level::Pmd, kThpVma);
  EXPECT_EQ(e.kind, Kind::Huge);
  EXPECT_EQ(e.pfn, 0x40000u);
  EXPECT_TRUE(e.write);
  World before = f.w;
  pmd_migration_entry_wait(f.w, kThpVma + 2 * MiB);
  EXPECT_EQ(without_log(f.w), without_log(before));
  ASSERT_EQ(f.w.log.size(), 2u);
  EXPECT_EQ(f.w.log[0], (Event{.type = Event::Type::Wait, .addr = kThpVma, .level = Level::Pmd}));
  EXPECT_EQ(f.hits(), 0u);
}

// --- split_huge_pud -----------------------------------------------------------------------------

TEST(FaultSplitHugePud, ClearsTransHugeAndDevmapPuds) {
  const u64 devmap_no_pse = DEVMAP | PRESENT | USER | ACCESSED | (0x40000ull << 12);
  for (int variant = 0; variant < 3; ++variant) {
    Fx f;
    // A notifier over one page in the middle of the PUD still sees the invalidation.
    f.w.notifier = Notifier{.start = GiB + 0x12345000, .end = GiB + 0x12346000};
    u64* pud = f.w.ensure_slot(Level::Pud, GiB);
    ASSERT_NE(pud, nullptr);
    if (variant == 0)
      *pud = encode(f.w.geom, Level::Pud, Entry{.kind = Kind::Huge, .pfn = 0x40000}).word;
    if (variant == 1)
      *pud = encode(f.w.geom, Level::Pud, Entry{.kind = Kind::Huge, .pfn = 0x40000, .devmap = true})
                 .word;
    if (variant == 2) *pud = devmap_no_pse;
    split_huge_pud(f.w, GiB + 0x5000);
    EXPECT_EQ(*pud, 0u) << variant;
    EXPECT_EQ(f.hits(), 1u) << variant;
    EXPECT_TRUE(f.w.log.empty());
  }
  // A notifier outside the PUD is not invalidated.
  Fx f;
  f.w.notifier = Notifier{.start = 2 * GiB, .end = 3 * GiB};
  u64* pud = f.w.ensure_slot(Level::Pud, GiB);
  *pud = encode(f.w.geom, Level::Pud, Entry{.kind = Kind::Huge, .pfn = 0x40000}).word;
  split_huge_pud(f.w, GiB);
  EXPECT_EQ(*pud, 0u);
  EXPECT_EQ(f.hits(), 0u);
}

TEST(FaultSplitHugePud, LeavesTablesNoneAndBadPudsAlone) {
  Fx f;
  ASSERT_NE(f.w.ensure_slot(Level::Pte, GiB), nullptr); // PUD entry 1 is a table now
  f.put(Level::Pud, 2 * GiB, Entry{.kind = Kind::Bad, .word = PAGE_TABLE | NX | 0x5000});
  World before = f.w;
  split_huge_pud(f.w, GiB);
  split_huge_pud(f.w, 2 * GiB);
  split_huge_pud(f.w, 3 * GiB);   // none
  split_huge_pud(f.w, 600 * GiB); // no PUD table there
  EXPECT_EQ(f.w, before);
}

// --- the notifier and the allocator
// ---------------------------------------------------------------

TEST(FaultNotifier, InvalidationsHitOverlappingRangesOnly) {
  World w;
  w.notifier = Notifier{.start = 0x10000, .end = 0x20000, .seq = 41};
  struct C {
    u64 start, end;
    bool hits;
  };
  const C cases[] = {
      {0x20000, 0x30000, false},                          // starts at the exclusive end
      {0x0, 0x10000, false},                              // ends at the start
      {0x30000, 0x40000, false}, {0xf000, 0x11000, true}, // straddles the start
      {0x1f000, 0x20000, true},                           // the last page
      {0x12000, 0x13000, true},                           // inside
      {0x0, ~0ull, true},                                 // around
      {0x10000, 0x10001, true},
  };
  u64 hits = 0, seq = w.notifier.seq;
  for (const C& c : cases) {
    w.invalidate(c.start, c.end);
    if (c.hits) ++hits;
    EXPECT_EQ(w.notifier.invalidations, hits) << c.start << ".." << c.end;
    EXPECT_EQ(w.notifier.seq != seq, c.hits) << c.start << ".." << c.end;
    seq = w.notifier.seq;
  }
}

TEST(FaultAllocator, DeterministicAndAligned) {
  auto run = [](World& w) {
    std::vector<u64> out;
    for (u64 count : {1ull, 1ull, 512ull, 4ull, 1ull, 262144ull, 2ull})
      out.push_back(w.alloc_pfns(count));
    return out;
  };
  World a, b;
  EXPECT_EQ(run(a), run(b));
  World w;
  w.next_pfn = 0x10000;
  EXPECT_EQ(w.alloc_pfns(1), 0x10000u);
  EXPECT_EQ(w.alloc_pfns(1), 0x10001u);
  EXPECT_EQ(w.alloc_pfns(512), 0x10200u); // rounded up to its own size
  EXPECT_EQ(w.next_pfn, 0x10400u);
  EXPECT_EQ(w.alloc_pfns(4), 0x10400u);
  EXPECT_EQ(w.alloc_pfns(1), 0x10404u);
  EXPECT_EQ(w.alloc_pfns(262144), 0x40000u);
  EXPECT_EQ(w.next_pfn, 0x80000u);
  // Allocations never overlap.
  World x;
  u64 prev_end = 0;
  for (u64 count : {1ull, 8ull, 1ull, 512ull, 2ull, 512ull}) {
    u64 p = x.alloc_pfns(count);
    EXPECT_GE(p, prev_end);
    EXPECT_EQ(p % count, 0u);
    prev_end = p + count;
  }
}

// --- a tiny geometry
// ------------------------------------------------------------------------------

TEST(FaultTiny, ThpAndCopyUseTheGeometry) { // F-THP-ALLOC, F-THP-COPY
  Fx f("tiny");
  const u64 pmd = f.w.geom.size(Level::Pmd); // 16 KiB, 4 pages
  f.vma(0x40000, 0x80000, RW_ | vm::HUGEPAGE);
  f.w.next_pfn = 0x10001;
  EXPECT_EQ(f.fault(0x40000 + pmd, W), 0u);
  EXPECT_EQ(f.at(Level::Pmd, 0x40000 + pmd).pfn, 0x10004u);
  f.w.shared_pfns.insert(0x10004);
  f.put(Level::Pmd, 0x40000 + pmd, Entry{.kind = Kind::Huge, .pfn = 0x10004});
  EXPECT_EQ(f.fault(0x40000 + pmd + 0x2000, W), 0u);
  Entry e = f.at(Level::Pmd, 0x40000 + pmd);
  ASSERT_EQ(e.kind, Kind::Huge);
  EXPECT_EQ(e.pfn, 0x10008u); // the next 4-page aligned THP
  EXPECT_TRUE(e.write);
  EXPECT_EQ(f.w.next_pfn, 0x1000cu);
}

TEST(FaultTiny, ThpAndSplitUseTheGeometryIn6x) { // F-THP-ALLOC, F-THP-SPLIT
  Fx f("tiny", KernelVersion::V6_1);
  const u64 pmd = f.w.geom.size(Level::Pmd); // 16 KiB, 4 pages
  f.vma(0x40000, 0x80000, RW_ | vm::HUGEPAGE);
  f.w.next_pfn = 0x10001;
  EXPECT_EQ(f.fault(0x40000 + pmd, W), 0u);
  Entry e = f.at(Level::Pmd, 0x40000 + pmd);
  EXPECT_EQ(e.kind, Kind::Huge);
  EXPECT_EQ(e.pfn, 0x10004u);
  EXPECT_EQ(f.w.next_pfn, 0x10008u);
  EXPECT_EQ(huge_zero_pfn(f.w) % 4, 0u);
  f.w.shared_pfns.insert(0x10004);
  f.put(Level::Pmd, 0x40000 + pmd, Entry{.kind = Kind::Huge, .pfn = 0x10004});
  EXPECT_EQ(f.fault(0x40000 + pmd + 0x2000, W), 0u);
  ASSERT_EQ(f.at(Level::Pmd, 0x40000 + pmd).kind, Kind::Table);
  EXPECT_EQ(f.at(Level::Pte, 0x40000 + pmd).pfn, 0x10004u);
  EXPECT_EQ(f.at(Level::Pte, 0x40000 + pmd + 0x1000).pfn, 0x10005u);
  EXPECT_EQ(f.at(Level::Pte, 0x40000 + pmd + 0x2000).pfn, 0x10008u);
  EXPECT_TRUE(f.at(Level::Pte, 0x40000 + pmd + 0x2000).write);
  EXPECT_EQ(f.at(Level::Pte, 0x40000 + pmd + 0x3000).pfn, 0x10007u);
}

// --- the 6.x kernels: the kinds of their words, and what differs -------------------------

constexpr std::array<KernelVersion, 2> k6x{KernelVersion::V6_1, KernelVersion::V6_12};

TEST(Fault6x, DeviceMigrationIsTheSameInEveryVersion) { // F-DEVICE-MIGRATE
  for (KernelVersion k : kAllKernelVersions) {
    SCOPED_TRACE(version_name(k));
    Fx f(k);
    f.vma(0x100000, 0x200000, RW_);
    f.w.device_owner[0x321] = 0xd00d;
    f.put(Level::Pte, 0x100000, Entry{.kind = Kind::Device, .pfn = 0x321, .write = true});
    u64 next = f.w.next_pfn;
    EXPECT_EQ(f.fault(0x100000, R), 0u);
    EXPECT_EQ(f.at(Level::Pte, 0x100000),
              with_word(page(next, true), f.word(Level::Pte, 0x100000)));
    EXPECT_EQ(f.hits(), 1u);
    EXPECT_TRUE(f.w.reports.empty());
  }
}

TEST(Fault6x, DeviceExclusiveEntryIsRestoredWithNotifier) { // F-DEVICE-EXCLUSIVE
  for (KernelVersion k : k6x) {
    for (bool write_entry : {false, true}) {
      SCOPED_TRACE(fmt_version(k, write_entry));
      Fx f(k);
      f.vma(0x100000, 0x200000, RW_);
      f.w.notifier = Notifier{.start = 0x100000, .end = 0x101000};
      f.put(Level::Pte, 0x100000,
            Entry{.kind = Kind::Exclusive, .pfn = 0x777, .write = write_entry});
      u64 next = f.w.next_pfn;
      EXPECT_EQ(f.fault(0x100000, R), 0u);
      Entry e = f.at(Level::Pte, 0x100000);
      EXPECT_EQ(e.kind, Kind::Page);
      EXPECT_EQ(e.pfn, 0x777u) << "the same page, not a copy";
      EXPECT_EQ(e.write, write_entry);
      EXPECT_EQ(f.w.next_pfn, next);
      EXPECT_EQ(f.hits(), 1u); // MMU_NOTIFY_EXCLUSIVE over the page
    }
  }
}

TEST(Fault6x, UffdWpMarkerIn6_1AnonVmaWarnsAndIsSigbus) { // F-MARKER-ANON
  Fx f(KernelVersion::V6_1);
  f.vma(0x100000, 0x200000, RW_);
  f.put(Level::Pte, 0x100000, Entry{.kind = Kind::Marker, .marker = kMarkerUffdWp});
  f.put(Level::Pte, 0x101000, Entry{.kind = Kind::Marker, .marker = kMarkerUffdWp});
  u64 before = f.word(Level::Pte, 0x100000);
  EXPECT_EQ(f.fault(0x100000, W), fault::VM_SIGBUS);
  EXPECT_EQ(f.word(Level::Pte, 0x100000), before);
  ASSERT_EQ(f.w.reports.size(), 1u);
  EXPECT_EQ(f.w.reports[0], (KernelReport{KernelReport::Kind::Warn, "mm/memory.c:3757", 0x100000}));
  EXPECT_EQ(f.fault(0x101000, R), fault::VM_SIGBUS);
  EXPECT_EQ(f.w.reports.size(), 1u) << "WARN_ON_ONCE";
  EXPECT_EQ(f.hits(), 0u);
}

TEST(Fault6x, UffdWpMarkerOfAnUnregisteredVmaIsCleared) { // F-MARKER-UFFD-WP
  // 6.1: a file VMA (an anonymous one is F-MARKER-ANON); 6.12: any VMA.
  for (KernelVersion k : k6x) {
    for (bool anon : {false, true}) {
      if (anon && k == KernelVersion::V6_1) continue;
      SCOPED_TRACE(fmt_version(k, anon));
      Fx f(k);
      f.vma(0x100000, 0x200000, RW_, anon);
      f.put(Level::Pte, 0x100000, Entry{.kind = Kind::Marker, .marker = kMarkerUffdWp});
      u64 next = f.w.next_pfn;
      EXPECT_EQ(f.fault(0x100000, W), 0u);
      EXPECT_EQ(f.word(Level::Pte, 0x100000), 0u) << "pte_marker_clear";
      EXPECT_EQ(f.w.next_pfn, next);
      EXPECT_EQ(f.hits(), 0u);
      EXPECT_TRUE(f.w.reports.empty());
      EXPECT_EQ(f.fault(0x100000, W), 0u); // the next fault finds a none PTE
      EXPECT_EQ(f.at(Level::Pte, 0x100000).kind, Kind::Page);
    }
  }
}

TEST(Fault6x, PoisonedMarkerIsHwpoisonIn6_12) { // F-MARKER-POISONED
  for (unsigned bits : {kMarkerPoisoned, kMarkerPoisoned | kMarkerUffdWp}) {
    Fx f(KernelVersion::V6_12);
    f.vma(0x100000, 0x200000, RW_);
    f.put(Level::Pte, 0x100000, Entry{.kind = Kind::Marker, .marker = bits});
    World before = f.w;
    EXPECT_EQ(f.fault(0x100000, R), fault::HWPOISON);
    EXPECT_EQ(without_log(f.w), before);
  }
}

TEST(Fault6x, EmptyMarkerWarnsAndIsSigbus) { // F-MARKER-ANON (an empty marker)
  const std::array<std::pair<KernelVersion, const char*>, 2> sites{
      {{KernelVersion::V6_1, "mm/memory.c:3757"}, {KernelVersion::V6_12, "mm/memory.c:4003"}}};
  for (auto [k, where] : sites) {
    SCOPED_TRACE(version_name(k));
    Fx f(k);
    f.vma(0x100000, 0x200000, RW_, false); // a file VMA: only the empty marker warns
    const unsigned marker_type = k == KernelVersion::V6_1 ? 30 : 31;
    ASSERT_FALSE(
        f.w.put_entry(Level::Pte, 0x100000, Entry{.kind = Kind::Page, .pfn = 1}, Context::Normal));
    *f.w.find_slot_mut(Level::Pte, 0x100000) = swp_word(marker_type, 0);
    ASSERT_EQ(f.at(Level::Pte, 0x100000).kind, Kind::Marker);
    EXPECT_EQ(f.fault(0x100000, R), fault::VM_SIGBUS);
    ASSERT_EQ(f.w.reports.size(), 1u);
    EXPECT_EQ(f.w.reports[0].where, where);
  }
}

TEST(Fault6x, SwapinErrorIsSigbusIn6_1) { // F-SWAPIN-ERROR
  Fx f(KernelVersion::V6_1);
  f.vma(0x100000, 0x200000, RW_);
  f.put(Level::Pte, 0x100000, Entry{.kind = Kind::SwapinError, .pfn = 0x55});
  World before = f.w;
  EXPECT_EQ(f.fault(0x100000, W), fault::VM_SIGBUS);
  EXPECT_EQ(without_log(f.w), before);
}

TEST(Fault6x, ReadExclusiveMigrationGivesAReadOnlyPage) { // F-MIGRATION-FAULT
  for (KernelVersion k : k6x) {
    SCOPED_TRACE(version_name(k));
    Fx f(k);
    f.vma(0x100000, 0x200000, RW_);
    f.put(Level::Pte, 0x100000, Entry{.kind = Kind::Migration, .pfn = 0x4567, .exclusive = true});
    f.put(Level::Pte, 0x101000, Entry{.kind = Kind::Migration, .pfn = 0x4568, .exclusive = true});
    EXPECT_EQ(f.fault(0x100000, W), 0u);
    EXPECT_EQ(f.at(Level::Pte, 0x100000), with_word(page(0x4567), f.word(Level::Pte, 0x100000)));
    migration_entry_wait(f.w, 0x101000);
    EXPECT_EQ(f.at(Level::Pte, 0x101000), with_word(page(0x4568), f.word(Level::Pte, 0x101000)));
    EXPECT_EQ(f.hits(), 0u);
  }
}

TEST(Fault6x, SwapTypesAreReadInTheWorldsNumbering) {
  // Type 22 is a swap file in v5.7 and 6.12 but hwpoison in 6.1; type 23 is hwpoison in 6.12.
  const std::array<std::pair<KernelVersion, unsigned>, 3> cases{
      {{KernelVersion::V5_7, 0u},
       {KernelVersion::V6_1, fault::HWPOISON},
       {KernelVersion::V6_12, 0u}}};
  for (auto [k, result] : cases) {
    SCOPED_TRACE(version_name(k));
    Fx f(k);
    f.vma(0x100000, 0x200000, RW_);
    ASSERT_FALSE(
        f.w.put_entry(Level::Pte, 0x100000, Entry{.kind = Kind::Page, .pfn = 1}, Context::Normal));
    *f.w.find_slot_mut(Level::Pte, 0x100000) = swp_word(22, 0x99);
    EXPECT_EQ(f.fault(0x100000, R), result);
  }
}

TEST(Fault6x, HugetlbMarkerSlots) { // F-HUGETLB-MARKER
  for (KernelVersion k : k6x) {
    SCOPED_TRACE(version_name(k));
    Fx f(k);
    f.vma(kHuge2m, kHuge2m + 4 * MiB, RW_ | vm::HUGETLB, true, 2 * MiB);
    f.put(Level::Pmd, kHuge2m, Entry{.kind = Kind::Marker, .marker = kMarkerUffdWp});
    EXPECT_EQ(f.fault(kHuge2m + 0x3000, W), 0u);
    Entry e = f.at(Level::Pmd, kHuge2m);
    EXPECT_EQ(e.kind, Kind::Huge); // hugetlb_no_page, as for a none slot
    EXPECT_TRUE(e.write);
  }
  Fx f(KernelVersion::V6_12);
  f.vma(kHuge2m, kHuge2m + 4 * MiB, RW_ | vm::HUGETLB, true, 2 * MiB);
  f.put(Level::Pmd, kHuge2m, Entry{.kind = Kind::Marker, .marker = kMarkerPoisoned});
  World before = f.w;
  EXPECT_EQ(f.fault(kHuge2m, R), fault::HWPOISON_LARGE);
  EXPECT_EQ(without_log(f.w), before);
}

TEST(Fault6x, V5_7FaultsMakeNoReports) {
  Fx f;
  f.vma(0x100000, 0x200000, RW_);
  f.put(Level::Pte, 0x100000, Entry{.kind = Kind::Hwpoison, .pfn = 0x5});
  EXPECT_EQ(f.fault(0x100000, R), fault::HWPOISON);
  EXPECT_EQ(f.fault(0x101000, W), 0u);
  EXPECT_TRUE(f.w.reports.empty());
}

} // namespace
} // namespace hmmspec
