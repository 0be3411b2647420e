// SPDX-License-Identifier: GPL-2.0-or-later
// The mm operations applied between the calls of a sequence (model/mm_ops.h): each one's
// effect on the VMAs, the page-table words and the notifier, as docs/spec.md section 9 states
// from the v5.7 kernel, and what the model refuses.
#include <gtest/gtest.h>

#include <csignal>

#include "model/fault.h"
#include "model/mm_ops.h"
#include "tests/unit/scenario_parsing.h"

namespace hmmspec {
namespace {

using namespace x86;

// A tiny world (PTE tables of 4 entries, a PMD per 16 KiB, a PUD per 64 KiB).
World world(const std::string& lines) {
  return parse_ok("geometry tiny\n" + lines + "range 0x10000-0x20000\n").world;
}

MmOp op(MmOpKind k, u64 start, u64 end, Prot p = Prot::Read) {
  return MmOp{k, start, end, p};
}

u64 pte(const World& w, u64 addr) {
  const u64* s = w.find_slot(Level::Pte, addr);
  return s ? *s : 0;
}

TEST(MmOps, MprotectReadSplitsTheVmaAndClearsWrite) {
  World w = world("vma 0x10000-0x20000 read write anon\n"
                  "pte 0x10000 page pfn=0x500 write\n"
                  "pte 0x14000 page pfn=0x504 write\n"
                  "pte 0x18000 page pfn=0x508 write\n");
  const u64 before = pte(w, 0x10000);
  ASSERT_EQ(before, PRESENT | USER | ACCESSED | RW | DIRTY | (0x500ull << 12));
  ASSERT_FALSE(apply_mm_op(w, op(MmOpKind::Mprotect, 0x14000, 0x18000)));
  // three VMAs: the middle one read-only
  ASSERT_EQ(w.vmas.all().size(), 3u);
  EXPECT_EQ(w.vmas.all()[0].end, 0x14000u);
  EXPECT_EQ(w.vmas.all()[1].start, 0x14000u);
  EXPECT_EQ(w.vmas.all()[1].end, 0x18000u);
  EXPECT_EQ(w.vmas.all()[1].flags, vm::READ);
  EXPECT_EQ(w.vmas.all()[2].flags, vm::READ | vm::WRITE);
  // pte_modify to PAGE_READONLY: RW off, NX on, the pfn, ACCESSED and DIRTY kept
  EXPECT_EQ(pte(w, 0x14000), PRESENT | USER | ACCESSED | DIRTY | NX | (0x504ull << 12));
  EXPECT_EQ(pte(w, 0x10000), before);
  EXPECT_EQ(pte(w, 0x18000), PRESENT | USER | ACCESSED | RW | DIRTY | (0x508ull << 12));
  // one invalidation, from the populated PMD to the end of the PUD part
  EXPECT_EQ(w.notifier.seq, 1u);
  EXPECT_EQ(w.notifier.invalidations, 1u);
}

TEST(MmOps, MprotectNoneMakesProtnoneWithTheInvertedPfn) {
  World w = world("vma 0x10000-0x14000 read write anon\n"
                  "pte 0x10000 page pfn=0x500 write\n"
                  "pte 0x11000 zero\n");
  ASSERT_FALSE(apply_mm_op(w, op(MmOpKind::Mprotect, 0x10000, 0x14000, Prot::None)));
  EXPECT_EQ(w.vmas.all().at(0).flags, 0u);
  Entry e = classify(w.geom, Level::Pte, pte(w, 0x10000), w.zero_pfn);
  EXPECT_EQ(e.kind, Kind::Protnone);
  EXPECT_EQ(e.pfn, 0x500u);
  EXPECT_EQ(pte(w, 0x10000), 0xfffffffaff160ull); // PROTNONE|ACCESSED|DIRTY, pfn inverted
  // the zero page's PTE keeps SPECIAL
  EXPECT_EQ(pte(w, 0x11000) & (SPECIAL | PRESENT | PROTNONE), SPECIAL | PROTNONE);
  EXPECT_EQ(pte_pfn(w.geom, pte(w, 0x11000)), w.zero_pfn);
  // and back to PROT_READ: present again, the pfn no longer inverted
  ASSERT_FALSE(apply_mm_op(w, op(MmOpKind::Mprotect, 0x10000, 0x14000, Prot::Read)));
  EXPECT_EQ(pte(w, 0x10000), PRESENT | USER | ACCESSED | DIRTY | NX | (0x500ull << 12));
  EXPECT_EQ(w.notifier.seq, 2u);
}

TEST(MmOps, MprotectRwOfAPrivateVmaLeavesPtesReadOnly) {
  World w = world("vma 0x10000-0x14000 read anon\n"
                  "pte 0x10000 page pfn=0x500\n");
  ASSERT_FALSE(apply_mm_op(w, op(MmOpKind::Mprotect, 0x10000, 0x14000, Prot::ReadWrite)));
  EXPECT_EQ(w.vmas.all().at(0).flags, vm::READ | vm::WRITE);
  EXPECT_EQ(pte(w, 0x10000), PRESENT | USER | ACCESSED | NX | (0x500ull << 12)); // PAGE_COPY
}

TEST(MmOps, MprotectToTheSameFlagsChangesNothing) {
  World w = world("vma 0x10000-0x20000 read anon\n"
                  "pte 0x14000 page pfn=0x504\n");
  const World before = w;
  ASSERT_FALSE(apply_mm_op(w, op(MmOpKind::Mprotect, 0x14000, 0x18000, Prot::Read)));
  EXPECT_EQ(w, before); // no split, no PTE change, no invalidation (mm/mprotect.c:410)
}

TEST(MmOps, MprotectOfUnpopulatedPmdsDoesNotInvalidate) {
  World w = world("vma 0x10000-0x20000 read write anon\n");
  ASSERT_FALSE(apply_mm_op(w, op(MmOpKind::Mprotect, 0x10000, 0x20000, Prot::Read)));
  EXPECT_EQ(w.notifier.invalidations, 0u);
  EXPECT_EQ(w.vmas.all().at(0).flags, vm::READ);
}

TEST(MmOps, MprotectMakesWriteSwapEntriesRead) {
  World w = world("vma 0x10000-0x14000 read write anon\n"
                  "pte 0x10000 migration pfn=0x500 write\n"
                  "pte 0x11000 device pfn=0x501 write\n"
                  "pte 0x12000 swap type=3 offset=0x55\n");
  const u64 swap = pte(w, 0x12000);
  ASSERT_FALSE(apply_mm_op(w, op(MmOpKind::Mprotect, 0x10000, 0x14000, Prot::Read)));
  Entry m = classify(w.geom, Level::Pte, pte(w, 0x10000), w.zero_pfn);
  EXPECT_EQ(m.kind, Kind::Migration);
  EXPECT_FALSE(m.write);
  EXPECT_EQ(m.pfn, 0x500u);
  Entry d = classify(w.geom, Level::Pte, pte(w, 0x11000), w.zero_pfn);
  EXPECT_EQ(d.kind, Kind::Device);
  EXPECT_FALSE(d.write);
  EXPECT_EQ(pte(w, 0x12000), swap);
}

TEST(MmOps, MunmapRemovesTheVmaPartAndItsPtes) {
  World w = world("vma 0x10000-0x18000 read write anon\n"
                  "vma 0x1c000-0x20000 read anon\n"
                  "pte 0x10000 page pfn=0x500\n"
                  "pte 0x14000 page pfn=0x504\n"
                  "pte 0x15000 swap type=1 offset=2\n"
                  "pte 0x1c000 page pfn=0x50c\n");
  ASSERT_FALSE(apply_mm_op(w, op(MmOpKind::Munmap, 0x14000, 0x1d000)));
  ASSERT_EQ(w.vmas.all().size(), 2u);
  EXPECT_EQ(w.vmas.all()[0].start, 0x10000u);
  EXPECT_EQ(w.vmas.all()[0].end, 0x14000u);
  EXPECT_EQ(w.vmas.all()[1].start, 0x1d000u);
  EXPECT_EQ(w.vmas.all()[1].end, 0x20000u);
  EXPECT_NE(pte(w, 0x10000), 0u);
  EXPECT_EQ(pte(w, 0x14000), 0u);
  EXPECT_EQ(pte(w, 0x15000), 0u);
  EXPECT_EQ(pte(w, 0x1c000), 0u);
  EXPECT_EQ(w.notifier.invalidations, 1u); // one for the whole range (unmap_vmas)
}

TEST(MmOps, MadviseDontneedZapsAndKeepsTheVmas) {
  World w = world("vma 0x10000-0x14000 read write anon\n"
                  "vma 0x14000-0x18000 read anon\n"
                  "pte 0x11000 page pfn=0x501 write\n"
                  "pte 0x12000 zero\n"
                  "pte 0x14000 page pfn=0x504\n"
                  "pte 0x17000 page pfn=0x507\n");
  const VmaList vmas = w.vmas;
  ASSERT_FALSE(apply_mm_op(w, op(MmOpKind::MadviseDontneed, 0x11000, 0x17000)));
  EXPECT_EQ(w.vmas, vmas);
  EXPECT_EQ(pte(w, 0x11000), 0u);
  EXPECT_EQ(pte(w, 0x12000), 0u);
  EXPECT_EQ(pte(w, 0x14000), 0u);
  EXPECT_NE(pte(w, 0x17000), 0u);
  EXPECT_EQ(w.notifier.invalidations, 2u); // one zap_page_range per VMA
}

TEST(MmOps, InvalidationsOutsideTheNotifierDoNotMoveIt) {
  World w = parse_ok("geometry tiny\nvma 0x10000-0x20000 read write anon\n"
                     "pte 0x18000 page pfn=0x508\nrange 0x10000-0x14000\n")
                .world;
  ASSERT_FALSE(apply_mm_op(w, op(MmOpKind::MadviseDontneed, 0x18000, 0x1c000)));
  EXPECT_EQ(w.notifier.seq, 0u);
  EXPECT_EQ(pte(w, 0x18000), 0u);
}

TEST(MmOps, WhatTheModelRefuses) {
  World w = world("vma 0x10000-0x14000 read write anon\n"
                  "vma 0x18000-0x1c000 read write anon hugepage\n"
                  "vma 0x1c000-0x20000 read write pfnmap file\n");
  const World before = w;
  auto why = [&](const MmOp& o) { return apply_mm_op(w, o).value_or(""); };
  EXPECT_NE(why(op(MmOpKind::Mprotect, 0x10000, 0x18000)).find("-ENOMEM"), std::string::npos);
  EXPECT_NE(why(op(MmOpKind::MadviseDontneed, 0x13000, 0x15000)).find("-ENOMEM"),
            std::string::npos);
  EXPECT_NE(why(op(MmOpKind::Munmap, 0x14000, 0x18000)).find("meets no VMA"), std::string::npos);
  EXPECT_NE(why(op(MmOpKind::Munmap, 0x18000, 0x19000)).find("VM_HUGEPAGE"), std::string::npos);
  EXPECT_NE(why(op(MmOpKind::MadviseDontneed, 0x1c000, 0x1d000)).find("VM_PFNMAP"),
            std::string::npos);
  EXPECT_EQ(w, before); // nothing applied
  World h = world("vma 0x10000-0x20000 read write anon\npmd 0x14000 huge pfn=0x800 write\n");
  EXPECT_NE(apply_mm_op(h, op(MmOpKind::Munmap, 0x15000, 0x16000)).value_or("").find("huge"),
            std::string::npos);
}

TEST(MmOps, NamesRoundTrip) {
  for (MmOpKind k : {MmOpKind::Mprotect, MmOpKind::Munmap, MmOpKind::MadviseDontneed,
                     MmOpKind::Fork, MmOpKind::MigrateToDevice, MmOpKind::MigrateToRam,
                     MmOpKind::Reclaim, MmOpKind::ThpSplit, MmOpKind::ThpCollapse, MmOpKind::Mmap,
                     MmOpKind::CpuRead, MmOpKind::CpuWrite, MmOpKind::ForkChild})
    EXPECT_EQ(mm_op_from_name(mm_op_name(k)), k);
  EXPECT_EQ(mm_op_from_name("fork child"), std::nullopt);
  EXPECT_EQ(describe(MmOp{.kind = MmOpKind::Fork}), "fork");
  EXPECT_EQ(describe(MmOp{
                .kind = MmOpKind::MigrateToDevice, .start = 0x10000, .end = 0x12000, .owner = 1}),
            "migrate-to-device 0x10000+0x2000");
  for (Prot p : {Prot::None, Prot::Read, Prot::ReadWrite})
    EXPECT_EQ(prot_from_name(prot_name(p)), p);
  EXPECT_EQ(describe(op(MmOpKind::Mprotect, 0x10000, 0x12000, Prot::ReadWrite)),
            "mprotect 0x10000+0x2000 rw");
  EXPECT_EQ(describe(op(MmOpKind::Munmap, 0x10000, 0x11000)), "munmap 0x10000+0x1000");
}

MmOp fork_op() {
  return MmOp{.kind = MmOpKind::Fork};
}
MmOp migrate(MmOpKind k, u64 start, u64 end, u64 owner = 1) {
  return MmOp{.kind = k, .start = start, .end = end, .owner = owner};
}

TEST(MmOpsFork, WriteProtectsPrivatePagesAndSharesThem) {
  World w = world("vma 0x10000-0x14000 read write anon\n"
                  "vma 0x14000-0x18000 read write shared file\n"
                  "owner 0x400 1\n"
                  "pte 0x10000 page pfn=0x500 write\n"
                  "pte 0x11000 page pfn=0x501\n"
                  "pte 0x12000 device pfn=0x400 write\n"
                  "pte 0x13000 migration pfn=0x503 write\n"
                  "pte 0x14000 page pfn=0x600 write\n");
  const u64 shared_before = pte(w, 0x14000);
  ASSERT_FALSE(apply_mm_op(w, fork_op()));
  // RW off, and RW only: DIRTY stays (ptep_set_wrprotect)
  EXPECT_EQ(pte(w, 0x10000), PRESENT | USER | ACCESSED | DIRTY | (0x500ull << 12));
  EXPECT_EQ(pte(w, 0x11000), PRESENT | USER | ACCESSED | (0x501ull << 12));
  Entry d = classify(w.geom, Level::Pte, pte(w, 0x12000), w.zero_pfn);
  EXPECT_EQ(d.kind, Kind::Device);
  EXPECT_FALSE(d.write);
  EXPECT_EQ(d.pfn, 0x400u);
  Entry m = classify(w.geom, Level::Pte, pte(w, 0x13000), w.zero_pfn);
  EXPECT_EQ(m.kind, Kind::Migration);
  EXPECT_FALSE(m.write);
  // the shared file VMA has no anon_vma: not copied, its PTE left writable, no page shared
  EXPECT_EQ(pte(w, 0x14000), shared_before);
  EXPECT_EQ(w.shared_pfns, (std::set<u64>{0x400, 0x500, 0x501, 0x503}));
  // one invalidation: the private VMA's (the notifier is the range, 0x10000-0x20000)
  EXPECT_EQ(w.notifier.invalidations, 1u);
}

TEST(MmOpsFork, ALaterWriteFaultCopiesThePage) {
  World w = world("vma 0x10000-0x14000 read write anon\n"
                  "pte 0x10000 page pfn=0x500 write\n");
  ASSERT_FALSE(apply_mm_op(w, fork_op()));
  EXPECT_EQ(handle_mm_fault(w, w.vmas.all().at(0), 0x10000, fault::FLAG_WRITE), 0u);
  Entry e = classify(w.geom, Level::Pte, pte(w, 0x10000), w.zero_pfn);
  EXPECT_EQ(e.kind, Kind::Page);
  EXPECT_TRUE(e.write);
  EXPECT_NE(e.pfn, 0x500u); // copied, not reused
  EXPECT_EQ(w.notifier.invalidations, 2u);
}

TEST(MmOpsFork, VmasWithoutAnonVmaAreNotCopied) {
  World w = world("vma 0x10000-0x14000 read write anon\n"
                  "pte 0x10000 zero\n");
  const World before = w;
  ASSERT_FALSE(apply_mm_op(w, fork_op()));
  EXPECT_EQ(w, before); // no invalidation, nothing shared
}

TEST(MmOpsFork, WhatTheModelRefuses) {
  auto why = [](const std::string& lines) {
    World w = world(lines);
    return apply_mm_op(w, fork_op()).value_or("");
  };
  EXPECT_NE(
      why("vma 0x10000-0x14000 read write anon\npte 0x10000 swap type=0 offset=0x5\n").find("swap"),
      std::string::npos);
  EXPECT_NE(
      why("vma 0x10000-0x14000 read write file\npte 0x10000 page pfn=0x500\n").find("anon_vma"),
      std::string::npos);
  EXPECT_NE(why("vma 0x10000-0x20000 read write anon\npte 0x10000 page pfn=0x500 write\n"
                "pmd 0x14000 huge pfn=0x800 write\n")
                .find("huge"),
            std::string::npos);
  EXPECT_EQ(why("vma 0x10000-0x14000 read write file\npte 0x10000 page pfn=0x500 write\n"), "");
}

TEST(MmOpsMigrate, ToDeviceAndBack) {
  World w = world("vma 0x10000-0x14000 read write anon\n"
                  "next_pfn 0x9000\n"
                  "pte 0x10000 page pfn=0x500 write\n"
                  "pte 0x11000 page pfn=0x501\n"
                  "pte 0x12000 swap type=1 offset=0x7\n");
  w.shared_pfns.insert(0x501);
  const u64 swap = pte(w, 0x12000);
  ASSERT_FALSE(apply_mm_op(w, migrate(MmOpKind::MigrateToDevice, 0x10000, 0x13000, 7)));
  Entry a = classify(w.geom, Level::Pte, pte(w, 0x10000), w.zero_pfn);
  Entry b = classify(w.geom, Level::Pte, pte(w, 0x11000), w.zero_pfn);
  EXPECT_EQ(a.kind, Kind::Device);
  EXPECT_EQ(a.pfn, 0x9000u);
  EXPECT_TRUE(a.write);
  EXPECT_EQ(b.kind, Kind::Device);
  EXPECT_EQ(b.pfn, 0x9001u);
  EXPECT_FALSE(b.write);
  EXPECT_EQ(w.owner_of(0x9000), 7u);
  EXPECT_EQ(w.owner_of(0x9001), 7u);
  EXPECT_EQ(pte(w, 0x12000), swap); // not collected
  EXPECT_TRUE(w.shared_pfns.contains(0x9001));
  EXPECT_FALSE(w.shared_pfns.contains(0x9000));
  EXPECT_EQ(w.notifier.invalidations, 1u);
  // another owner's migration back leaves them; the device's brings them back
  ASSERT_FALSE(apply_mm_op(w, migrate(MmOpKind::MigrateToRam, 0x10000, 0x14000, 8)));
  EXPECT_EQ(classify(w.geom, Level::Pte, pte(w, 0x10000), w.zero_pfn).kind, Kind::Device);
  ASSERT_FALSE(apply_mm_op(w, migrate(MmOpKind::MigrateToRam, 0x10000, 0x14000, 7)));
  // pte_mkold(mk_pte(page, PAGE_COPY)), maybe_mkwrite for the write entry; bits 11 and 10 of
  // the device words' inverted offsets (0x9000: both set; 0x9001 too) come along
  const u64 sd = 1ull << 11, uw = 1ull << 10;
  EXPECT_EQ(pte(w, 0x10000), PRESENT | USER | NX | RW | sd | (0x9002ull << 12));
  EXPECT_EQ(pte(w, 0x11000), PRESENT | USER | NX | sd | uw | (0x9003ull << 12));
  EXPECT_TRUE(w.shared_pfns.contains(0x9003));
  EXPECT_EQ(w.notifier.invalidations, 3u);
}

TEST(MmOpsMigrate, WhatTheModelRefuses) {
  World w = world("vma 0x10000-0x14000 read write anon\n"
                  "vma 0x14000-0x18000 read write file\n"
                  "vma 0x18000-0x1c000 read write pfnmap file\n"
                  "pte 0x10000 page pfn=0x500 write\n"
                  "pte 0x11000 zero\n"
                  "pte 0x12000 page pfn=0x502 write\n");
  const World before = w;
  auto why = [&](const MmOp& o) { return apply_mm_op(w, o).value_or(""); };
  using K = MmOpKind;
  EXPECT_NE(why(migrate(K::MigrateToDevice, 0x10000, 0x11000, 0)).find("NULL"), std::string::npos);
  EXPECT_NE(why(migrate(K::MigrateToDevice, 0x13000, 0x15000)).find("-EINVAL"), std::string::npos);
  EXPECT_NE(why(migrate(K::MigrateToRam, 0x18000, 0x19000)).find("VM_SPECIAL"), std::string::npos);
  EXPECT_NE(why(migrate(K::MigrateToDevice, 0x14000, 0x15000)).find("private anonymous"),
            std::string::npos);
  EXPECT_NE(why(migrate(K::MigrateToDevice, 0x10000, 0x12000)).find("zero page"),
            std::string::npos);
  EXPECT_NE(why(migrate(K::MigrateToDevice, 0x12000, 0x14000)).find("none PTE"), std::string::npos);
  EXPECT_EQ(w, before);
  // holes are no matter on the way back
  EXPECT_EQ(why(migrate(K::MigrateToRam, 0x10000, 0x14000)), "");
}

TEST(MmOpsReclaim, AnonymousPagesBecomeSwapEntriesFilePagesNone) {
  World w = world("vma 0x10000-0x14000 read write anon\n"
                  "vma 0x14000-0x18000 read write shared file\n"
                  "pte 0x10000 page pfn=0x500 write\n"
                  "pte 0x11000 page pfn=0x501\n"
                  "pte 0x12000 zero\n"
                  "pte 0x13000 swap type=0 offset=0x1\n"
                  "pte 0x14000 page pfn=0x600 write\n"
                  "pte 0x15000 page pfn=0x601\n");
  w.shared_pfns.insert(0x601); // mapped elsewhere too: left alone
  const u64 zero = pte(w, 0x12000), shared = pte(w, 0x15000);
  ASSERT_FALSE(apply_mm_op(w, op(MmOpKind::Reclaim, 0x10000, 0x18000)));
  Entry a = classify(w.geom, Level::Pte, pte(w, 0x10000), w.zero_pfn);
  Entry b = classify(w.geom, Level::Pte, pte(w, 0x11000), w.zero_pfn);
  EXPECT_EQ(a.kind, Kind::Swap);
  EXPECT_EQ(a.swap_type, 0u);
  EXPECT_EQ(a.offset, 2u); // offset 1 is taken by 0x13000's entry
  EXPECT_EQ(b.kind, Kind::Swap);
  EXPECT_EQ(b.offset, 3u);
  EXPECT_EQ(pte(w, 0x12000), zero); // the zero page has no struct page to reclaim
  EXPECT_EQ(pte(w, 0x14000), 0u);   // a page-cache page is unmapped
  EXPECT_EQ(pte(w, 0x15000), shared);
  EXPECT_EQ(w.notifier.invalidations, 3u); // one per page unmapped
  // a later read fault swaps the page in, read-only
  EXPECT_EQ(handle_mm_fault(w, w.vmas.all().at(0), 0x10000, 0), 0u);
  Entry c = classify(w.geom, Level::Pte, pte(w, 0x10000), w.zero_pfn);
  EXPECT_EQ(c.kind, Kind::Page);
  EXPECT_FALSE(c.write);
}

TEST(MmOpsReclaim, WhatTheModelRefuses) {
  World w = world("vma 0x10000-0x14000 read write file\n"
                  "vma 0x18000-0x1c000 read write pfnmap file\n"
                  "pte 0x10000 page pfn=0x500\n");
  const World before = w;
  auto why = [&](const MmOp& o) { return apply_mm_op(w, o).value_or(""); };
  EXPECT_NE(why(op(MmOpKind::Reclaim, 0x13000, 0x15000)).find("-ENOMEM"), std::string::npos);
  EXPECT_NE(why(op(MmOpKind::Reclaim, 0x18000, 0x19000)).find("-EINVAL"), std::string::npos);
  EXPECT_NE(why(op(MmOpKind::Reclaim, 0x10000, 0x11000)).find("page-cache"), std::string::npos);
  EXPECT_EQ(w, before);
}

// ---- M-THP-SPLIT -----------------------------------------------------------------------

TEST(MmOpsThpSplit, AnAnonymousThpBecomesPtesAFileOneIsCleared) {
  World w = world("vma 0x10000-0x18000 read write anon\n"
                  "vma 0x18000-0x20000 read write shared file\n"
                  "pmd 0x14000 huge pfn=0x800 write\n"
                  "pmd 0x18000 huge pfn=0x900\n");
  ASSERT_FALSE(apply_mm_op(w, op(MmOpKind::ThpSplit, 0x15000, 0x19000)));
  EXPECT_EQ(w.entry_at(Level::Pmd, 0x14000).kind, Kind::Table);
  for (u64 i = 0; i < 4; ++i) {
    const Entry e = w.entry_at(Level::Pte, 0x14000 + i * 0x1000);
    EXPECT_EQ(e.kind, Kind::Page);
    EXPECT_EQ(e.pfn, 0x800 + i);
    EXPECT_TRUE(e.write);
  }
  EXPECT_EQ(w.entry_at(Level::Pmd, 0x18000).kind, Kind::None); // F-THP-ZAP
  EXPECT_EQ(w.notifier.invalidations, 2u);                     // one per PMD split
  EXPECT_EQ(describe(op(MmOpKind::ThpSplit, 0x14000, 0x18000)), "thp-split 0x14000+0x4000");
}

TEST(MmOpsThpSplit, WhatTheModelRefuses) {
  World w = world("vma 0x10000-0x18000 read write anon\n"
                  "vma 0x1c000-0x20000 read write hugetlb=16K\n"
                  "pmd 0x14000 huge pfn=0x800 write\n"
                  "pte 0x10000 page pfn=0x500\n");
  const World before = w;
  auto why = [&](const MmOp& o) { return apply_mm_op(w, o).value_or(""); };
  EXPECT_NE(why(op(MmOpKind::ThpSplit, 0x10000, 0x14000)).find("meets no huge PMD"),
            std::string::npos);
  EXPECT_NE(why(op(MmOpKind::ThpSplit, 0x14000, 0x19000)).find("in no VMA"), std::string::npos);
  EXPECT_NE(why(op(MmOpKind::ThpSplit, 0x1c000, 0x20000)).find("hugetlb"), std::string::npos);
  EXPECT_EQ(w, before);
}

// ---- M-THP-COLLAPSE --------------------------------------------------------------------

TEST(MmOpsThpCollapse, YoungPtesWithAWritableOneBecomeANewWritableThp) {
  World w = world("vma 0x10000-0x20000 read write hugepage anon\n"
                  "pte 0x14000 page pfn=0x500 write\n"
                  "pte 0x15000 page pfn=0x503\n"
                  "pte 0x16000 zero\n");
  const u64 next = w.next_pfn;
  ASSERT_FALSE(apply_mm_op(w, op(MmOpKind::ThpCollapse, 0x14000, 0x18000)));
  const Entry e = w.entry_at(Level::Pmd, 0x14000);
  ASSERT_EQ(e.kind, Kind::Huge);
  EXPECT_TRUE(e.write);     // maybe_pmd_mkwrite: the VMA is writable
  EXPECT_GE(e.pfn, next);   // a new huge page, not one of the old pages
  EXPECT_EQ(e.pfn % 4, 0u); // aligned to its size (4 pages here)
  EXPECT_EQ(w.notifier.invalidations, 1u);
  EXPECT_EQ(describe(op(MmOpKind::ThpCollapse, 0x14000, 0x18000)), "thp-collapse 0x14000+0x4000");
}

TEST(MmOpsThpCollapse, AReadOnlyVmaGetsAReadOnlyThp) {
  World w = world("vma 0x10000-0x20000 read hugepage anon\n"
                  "pte 0x14000 page pfn=0x500 write\n" // written before an mprotect, say
                  "pte 0x15000 page pfn=0x501\n");
  ASSERT_FALSE(apply_mm_op(w, op(MmOpKind::ThpCollapse, 0x14000, 0x18000)));
  EXPECT_EQ(w.entry_at(Level::Pmd, 0x14000).kind, Kind::Huge);
  EXPECT_FALSE(w.entry_at(Level::Pmd, 0x14000).write);
}

TEST(MmOpsThpCollapse, WhatKhugepagedWouldNotCollapse) {
  const std::string vma = "vma 0x10000-0x20000 read write hugepage anon\n";
  auto why = [](const std::string& lines, u64 start = 0x14000, u64 end = 0x18000) {
    World w = world(lines);
    const World before = w;
    std::string r = apply_mm_op(w, op(MmOpKind::ThpCollapse, start, end)).value_or("");
    if (!r.empty()) {
      EXPECT_EQ(w, before) << r; // a refused operation changes nothing
    }
    return r;
  };
  auto has = [](const std::string& r, const char* what) {
    return r.find(what) != std::string::npos;
  };
  const std::string two = "pte 0x14000 page pfn=0x500 write\npte 0x15000 page pfn=0x501\n";
  EXPECT_TRUE(has(why(vma + two, 0x15000, 0x18000), "PMD-aligned"));
  EXPECT_TRUE(has(why("vma 0x10000-0x20000 read write anon\n" + two), "VM_HUGEPAGE"));
  EXPECT_TRUE(
      has(why("vma 0x10000-0x20000 read write shared hugepage\n" + two), "private anonymous"));
  EXPECT_TRUE(has(why("vma 0x10000-0x16000 read write hugepage anon\n" + two), "no one VMA"));
  EXPECT_TRUE(has(why(vma), "a PTE table"));
  EXPECT_TRUE(has(why(vma + "pmd 0x14000 huge pfn=0x800 write\n"), "a PTE table"));
  EXPECT_TRUE(has(why(vma + "pte 0x14000 zero\npte 0x15000 zero\n"), "none or the zero page"));
  EXPECT_TRUE(
      has(why(vma + "pte 0x14000 page pfn=0x500\npte 0x15000 page pfn=0x501\n"), "writable"));
  EXPECT_TRUE(has(why(vma + two + "pte 0x16000 swap type=0 offset=7\n"), "swaps pages in"));
  EXPECT_TRUE(has(why(vma + two + "shared_pfn 0x501\n"), "page_count"));
  EXPECT_TRUE(has(why(vma + two + "pte 0x16000 page pfn=0x502 special\n"), "no normal page"));
  // one young page of four: fewer than half (PRESENT|USER|RW|DIRTY without ACCESSED)
  EXPECT_TRUE(has(why(vma + "pte 0x14000 raw 0x500047\npte 0x15000 page pfn=0x501\n"
                            "pte 0x16000 raw 0x502047\n"),
                  "fewer than half"));
  // two young of four is half: enough
  EXPECT_EQ(why(vma + "pte 0x14000 raw 0x500047\npte 0x15000 page pfn=0x501\n"
                      "pte 0x16000 page pfn=0x502\n")
                .find("young"),
            std::string::npos);
}

TEST(MmOpsThpCollapse, AThpSplitIntoPtesIsCompoundAndStaysSo) {
  World w = world("vma 0x10000-0x20000 read write hugepage anon\n"
                  "pmd 0x14000 huge pfn=0x800 write\n");
  ASSERT_FALSE(apply_mm_op(w, op(MmOpKind::ThpSplit, 0x14000, 0x18000)));
  EXPECT_EQ(w.pte_mapped_thps, std::set<u64>{0x800});
  auto why = apply_mm_op(w, op(MmOpKind::ThpCollapse, 0x14000, 0x18000));
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("PageCompound"), std::string::npos) << *why;
}

TEST(MmOpsMmap, MapsAnEmptyPrivateAnonymousVmaWithoutAnInvalidation) {
  World w = world("vma 0x10000-0x14000 read write anon\n");
  ASSERT_FALSE(apply_mm_op(w, op(MmOpKind::Mmap, 0x14000, 0x18000, Prot::Read)));
  ASSERT_EQ(w.vmas.all().size(), 2u);
  const Vma& v = w.vmas.all()[1];
  EXPECT_EQ(v.start, 0x14000u);
  EXPECT_EQ(v.end, 0x18000u);
  EXPECT_EQ(v.flags, vm::READ);
  EXPECT_TRUE(v.anonymous);
  EXPECT_EQ(w.notifier.seq, 0u);
  EXPECT_EQ(describe(op(MmOpKind::Mmap, 0x14000, 0x18000, Prot::ReadWrite)),
            "mmap 0x14000+0x4000 rw");
  ASSERT_FALSE(apply_mm_op(w, op(MmOpKind::Mmap, 0x18000, 0x19000, Prot::None)));
  EXPECT_EQ(w.vmas.all()[2].flags, 0u);
}

TEST(MmOpsMmap, RefusesAMappedRangeAndEntriesOutsideVmas) {
  const World w = world("vma 0x10000-0x14000 read write anon\n"
                        "pte 0x18000 page pfn=0x500\n");
  auto why = mm_op_unsupported(w, op(MmOpKind::Mmap, 0x13000, 0x15000, Prot::ReadWrite));
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("-EEXIST"), std::string::npos) << *why;
  why = mm_op_unsupported(w, op(MmOpKind::Mmap, 0x18000, 0x19000, Prot::ReadWrite));
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("not none"), std::string::npos) << *why;
  // after a munmap the zapped PTEs are none: the range may be mapped again
  World u = world("vma 0x10000-0x14000 read write anon\npte 0x10000 page pfn=0x500 write\n");
  ASSERT_FALSE(apply_mm_op(u, op(MmOpKind::Munmap, 0x10000, 0x14000)));
  EXPECT_FALSE(apply_mm_op(u, op(MmOpKind::Mmap, 0x10000, 0x14000, Prot::ReadWrite)));
}

TEST(MmOpsCpuAccess, AWriteFaultsInWritablePagesAndAReadTheZeroPage) {
  World w = world("vma 0x10000-0x18000 read write anon\n");
  ASSERT_FALSE(apply_mm_op(w, op(MmOpKind::CpuWrite, 0x10000, 0x12000)));
  ASSERT_FALSE(apply_mm_op(w, op(MmOpKind::CpuRead, 0x14000, 0x15000)));
  const Entry a = w.entry_at(Level::Pte, 0x10000), b = w.entry_at(Level::Pte, 0x11000);
  EXPECT_EQ(a.kind, Kind::Page);
  EXPECT_TRUE(a.write);
  EXPECT_EQ(b.pfn, a.pfn + 1);
  EXPECT_EQ(pte(w, 0x10000) & (ACCESSED | DIRTY), ACCESSED | DIRTY);
  EXPECT_EQ(w.entry_at(Level::Pte, 0x14000).kind, Kind::Zero);
  EXPECT_EQ(w.entry_at(Level::Pte, 0x12000).kind, Kind::None);
  // the CPU's faults are not in the log of what the parties asked
  EXPECT_TRUE(w.log.empty());
  EXPECT_EQ(w.notifier.seq, 0u);
}

TEST(MmOpsCpuAccess, TheMmuSetsAccessedAndDirtyOnPagesItReaches) {
  // PRESENT|USER|RW without ACCESSED or DIRTY, and PRESENT|USER read-only
  World w = world("vma 0x10000-0x14000 read write anon\n"
                  "pte 0x10000 raw 0x500007\npte 0x11000 raw 0x501005\n");
  ASSERT_FALSE(apply_mm_op(w, op(MmOpKind::CpuRead, 0x10000, 0x12000)));
  EXPECT_EQ(pte(w, 0x10000), 0x500007u | ACCESSED);
  EXPECT_EQ(pte(w, 0x11000), 0x501005u | ACCESSED);
  ASSERT_FALSE(apply_mm_op(w, op(MmOpKind::CpuWrite, 0x10000, 0x11000)));
  EXPECT_EQ(pte(w, 0x10000), 0x500007u | ACCESSED | DIRTY);
  EXPECT_EQ(w.notifier.seq, 0u);
}

TEST(MmOpsCpuAccess, AWriteToASharedPageCopiesItUnderAnInvalidation) {
  World w = world("vma 0x10000-0x14000 read write anon\n"
                  "pte 0x10000 page pfn=0x500\nshared_pfn 0x500\n");
  ASSERT_FALSE(apply_mm_op(w, op(MmOpKind::CpuWrite, 0x10000, 0x11000)));
  const Entry e = w.entry_at(Level::Pte, 0x10000);
  EXPECT_EQ(e.kind, Kind::Page);
  EXPECT_NE(e.pfn, 0x500u);
  EXPECT_TRUE(e.write);
  EXPECT_EQ(w.notifier.seq, 1u);
}

TEST(MmOpsCpuAccess, RefusesWhatWouldSignalTheProcessAndLeavesTheWorld) {
  const World w = world("vma 0x10000-0x14000 read anon\n"
                        "vma 0x14000-0x18000 read write anon\n"
                        "pte 0x11000 page pfn=0x700 write\n"
                        "inject 0x15000 error=sigbus\n");
  auto why = [&](MmOp o) {
    World c = w;
    auto r = apply_mm_op(c, o);
    if (r) {
      EXPECT_EQ(c, w) << "a refused access changed the world";
    }
    return r.value_or("");
  };
  EXPECT_NE(why(op(MmOpKind::CpuWrite, 0x10000, 0x11000)).find("SIGSEGV"), std::string::npos);
  EXPECT_NE(why(op(MmOpKind::CpuRead, 0x18000, 0x19000)).find("SIGSEGV"), std::string::npos);
  // the page before the injected one is faulted in the copy, then the whole access refused
  EXPECT_NE(why(op(MmOpKind::CpuWrite, 0x14000, 0x16000)).find("signal"), std::string::npos);
  EXPECT_EQ(why(op(MmOpKind::CpuRead, 0x10000, 0x11000)), "");
  // the MMU comes first: a PTE that allows the write completes it, whatever the VMA says
  EXPECT_EQ(why(op(MmOpKind::CpuWrite, 0x11000, 0x12000)), "");
}

// M-FORK-CHILD: the world becomes the child's mm.
TEST(MmOpsForkChild, TheChildHasThePagesWriteProtectedOldAndSharedAndNoInvalidation) {
  World w = world("vma 0x10000-0x14000 read write anon\n"
                  "vma 0x14000-0x18000 read write shared file\n"
                  "owner 0x400 1\n"
                  "pte 0x10000 page pfn=0x500 write\n"
                  "pte 0x11000 page pfn=0x501\n"
                  "pte 0x12000 device pfn=0x400 write\n"
                  "pte 0x13000 raw 0x502427\n" // PRESENT|RW|USER|ACCESSED|UFFD_WP (bit 10)
                  "pte 0x14000 page pfn=0x600 write\n");
  ASSERT_FALSE(apply_mm_op(w, MmOp{.kind = MmOpKind::ForkChild}));
  // write-protected as the parent's, and old (pte_mkold); DIRTY stays in a private VMA
  EXPECT_EQ(pte(w, 0x10000), PRESENT | USER | DIRTY | (0x500ull << 12));
  EXPECT_EQ(pte(w, 0x11000), PRESENT | USER | (0x501ull << 12));
  // uffd-wp cleared: no VMA has VM_UFFD_WP
  EXPECT_EQ(pte(w, 0x13000), PRESENT | USER | (0x502ull << 12));
  const Entry d = w.entry_at(Level::Pte, 0x12000);
  EXPECT_EQ(d.kind, Kind::Device);
  EXPECT_FALSE(d.write);
  // the shared file VMA is not copied: the child has nothing mapped there
  EXPECT_EQ(w.entry_at(Level::Pte, 0x14000).kind, Kind::None);
  EXPECT_EQ(w.vmas.all().size(), 2u);
  EXPECT_EQ(w.shared_pfns, (std::set<u64>{0x400, 0x500, 0x501, 0x502}));
  // the child's driver registers its notifier after the fork
  EXPECT_EQ(w.notifier.invalidations, 0u);
  // and the child's write copies the page the parent maps too
  EXPECT_EQ(handle_mm_fault(w, w.vmas.all().at(0), 0x10000, fault::FLAG_WRITE), 0u);
  const Entry e = w.entry_at(Level::Pte, 0x10000);
  EXPECT_TRUE(e.write);
  EXPECT_NE(e.pfn, 0x500u);
  EXPECT_EQ(w.notifier.invalidations, 1u);
}

TEST(MmOpsForkChild, RefusesWhatForkRefusesAndIsNoDriverEvent) {
  const World w = world("vma 0x10000-0x14000 read write anon\n"
                        "pte 0x10000 swap type=0 offset=7\n");
  auto why = mm_op_unsupported(w, MmOp{.kind = MmOpKind::ForkChild});
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("swap entry"), std::string::npos) << *why;
  World e = world("vma 0x10000-0x14000 read write anon\n");
  why = apply_mm_op_event(e, MmOp{.kind = MmOpKind::ForkChild});
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("between calls"), std::string::npos) << *why;
  EXPECT_FALSE(apply_mm_op_event(e, MmOp{.kind = MmOpKind::Fork}));
  EXPECT_EQ(describe(MmOp{.kind = MmOpKind::ForkChild}), "fork-child");
}

} // namespace
} // namespace hmmspec
