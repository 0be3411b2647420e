// SPDX-License-Identifier: GPL-2.0-or-later
// The fixture the kernel-party tests share: a world of a built-in geometry (tiny by default:
// 4 KiB pages, 4 entries per table, so a PMD entry maps 16 KiB, a PUD entry 64 KiB and a root
// entry 256 KiB) that a test fills with VMAs and entries by hand.
#pragma once

#include "model/world.h"

// After the model: <signal.h> (through gtest) defines SIGBUS and SIGSEGV as macros, which
// model/world.h also uses as names inside namespace hmmspec::fault.
#include <gtest/gtest.h>

namespace hmmspec {

class WorldFixture : public ::testing::Test {
protected:
  explicit WorldFixture(const char* geometry = "tiny") : world(*builtin_geometry(geometry)) {}

  // Adds a VMA (anonymous; hugetlb with pages of `hugetlb` bytes when nonzero).
  void vma(u64 start, u64 end, u64 flags = vm::READ | vm::WRITE, u64 hugetlb = 0) {
    if (hugetlb) flags |= vm::HUGETLB;
    auto err = world.vmas.insert(Vma{start, end, flags, true, hugetlb}, world.geom.page_size());
    ASSERT_FALSE(err) << *err;
  }
  // Stores an encoded entry (creating tables on the way) and returns the word.
  u64 put(Level l, u64 addr, Entry e, Context ctx = Context::Normal) {
    auto err = world.put_entry(l, addr, e, ctx);
    EXPECT_FALSE(err) << *err;
    const u64* slot = world.find_slot(l, addr);
    return slot ? *slot : 0;
  }

  World world;
};

} // namespace hmmspec
