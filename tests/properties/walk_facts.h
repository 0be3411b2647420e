// SPDX-License-Identifier: GPL-2.0-or-later
// What the page tables say about one page, read the way v5.7 hmm.c and the walker read them,
// for the properties to compare outputs and worlds against. These are restatements from the
// kernel sources (hmm.c and mm/pagewalk.c at v5.7), written independently of the parties.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "model/range.h"
#include "model/table_tree.h"
#include "model/world.h"

namespace hmmspec::props {

// huge_pte_offset(mm, addr, size) (mm/hugetlb.c:5369-5401 at v5.7.14): the slot a hugetlb
// walk hands to hugetlb_entry for the huge page at `addr` (aligned), and its level; nothing
// when the walker reports a hole instead. Words are read through `read` (by default as they
// are), so a caller can see words the walk has cleared meanwhile.
struct HugeSlot {
  const u64* word = nullptr;
  Level level = Level::Pmd;
};
using WordReader = std::function<u64(const u64*)>;
std::optional<HugeSlot> huge_slot(const World& w, u64 addr, u64 size,
                                  const WordReader& read = nullptr);

// The CPU flags hmm derives from a PTE-like word, in the range's encoding: 0 for none,
// non-present and protnone words, else V, plus W when writable (hmm.c:227-234).
u64 pte_cpu_flags(const HmmRange& r, u64 word);

// The mapping of one page as hmm reports it when nothing is requested: the pfn it would
// output (when `maps`) and whether it would carry W. `known` is false where the output's pfn
// is not a mapping's (hugetlb slots that are not present).
struct PageView {
  bool maps = false;     // a pfn output: a present page, a huge page, an own device page
  bool writable = false; // the output carries W
  u64 pfn = 0;
  bool own_device = false;  // a device-private entry of the range's owner
  bool device_read = false; // ... that is read-only
  bool hugetlb = false;
  std::string what; // for messages
};
PageView page_view(const World& w, const HmmRange& r, u64 addr);

// tables_form_a_tree and tables_unaliased: model/table_tree.h.

// Whether a VMA is one hmm walks (hmm.c:518-520): readable, and not I/O or pfn-mapped.
bool vma_supported(const Vma& v);

} // namespace hmmspec::props
