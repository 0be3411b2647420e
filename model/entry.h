// SPDX-License-Identifier: GPL-2.0-or-later
// TRUSTED: part of the specification. Logical page-table entries, the encoder from entries
// to raw x86-64 words and the classifier from words to kinds, at every level.
//
// The classifier reads a word the way v5.7 hmm.c and mm/pagewalk.c read it at that level, in
// the order they test it (hmm.c:191-472, mm/pagewalk.c at v5.7, and the predicates of
// arch/x86/include/asm/pgtable.h at v5.7):
//   PTE  none -> not present (swap-type, by type) -> present (protnone, zero page, page)
//   PMD  none -> not present (swap-type) -> devmap or PSE (huge) -> pmd_bad -> table
//   PUD  none -> trans-huge or devmap (huge) -> pud_bad (bad, but still descended) -> table
//   P4D  none -> p4d_bad -> table           (the root's entries on 4-level paging)
//   PGD  none -> pgd_bad -> table           (5-level only; pgd_none is exact zero there)
// A hugetlb slot (a PMD or PUD entry inside a hugetlb VMA, at its huge-page level) is read
// with the PTE predicates instead (hmm.c:488-492 via huge_ptep_get), so it has its own context.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/geometry.h"

namespace hmmspec {

enum class Kind : std::uint8_t {
  None,      // no entry (only A/D bits at most, or exact zero for a 5-level PGD)
  Table,     // pointer to the next level's table
  Page,      // present PTE mapping a page (± write, ± special, ± devmap)
  Zero,      // present PTE mapping the zero pfn
  Protnone,  // PROTNONE without PRESENT (NUMA hint): pte_present but no access
  Swap,      // real swap entry (type < MAX_SWAPFILES)
  Migration, // migration entry, read or write (at PMD level: a PMD migration entry)
  Device,    // device-private entry, read or write
  Hwpoison,  // hardware-poisoned page
  Huge,      // PMD/PUD leaf: trans-huge or devmap (± write, ± protnone); hugetlb page
  Bad,       // a word the level's *_bad test rejects
  // Kinds only 6.x words hold (model/swap_layout.h); a v5.7 word never classifies as one.
  Exclusive,   // device-exclusive entry, read or write (make_device_exclusive_range)
  Marker,      // PTE marker: uffd-wp, and in 6.12 poisoned
  SwapinError, // 6.1 swapin-error entry (a page that failed to swap in during swapoff)
};
std::string_view kind_name(Kind k);
std::optional<Kind> kind_from_name(std::string_view s);

// How a word is read: by the normal walk at its level, or as a hugetlb slot (PTE rules).
enum class Context : std::uint8_t { Normal, HugetlbSlot };

struct Entry {
  Kind kind = Kind::None;
  u64 pfn = 0;            // Table: table pfn; mapping kinds: pfn as pte_pfn/pmd_pfn/pud_pfn decode
                          // it; Migration/Device/Exclusive/Hwpoison: the pfn of the swap offset
                          // (the whole offset in v5.7, swp_offset_pfn in 6.x); SwapinError: the
                          // swap offset
  bool write = false;     // RW bit; Migration/Device/Exclusive: the write variant
  bool special = false;   // SPECIAL (Page, Zero)
  bool devmap = false;    // DEVMAP (Page, Huge)
  bool protnone = false;  // Huge: PROTNONE instead of PRESENT
  unsigned swap_type = 0; // Swap: the swap type (0..26)
  u64 offset = 0;         // Swap: the swap offset
  u64 word = 0;           // classify(): the word classified; Bad: the word to store
  bool exclusive = false; // Migration (6.x): the read-exclusive variant
  unsigned marker = 0;    // Marker: its bits as pte_marker_get reads them (kMarkerUffdWp, ...)

  bool operator==(const Entry&) const = default;
};

// The pfn decoders of the kernel (pte_pfn, pmd_pfn, pud_pfn): undo the L1TF inversion of
// non-present words, then mask with the level's pfn mask (huge mask when PSE is set).
u64 pte_pfn(const Geometry& g, u64 word);
u64 huge_pfn(const Geometry& g, Level l, u64 word); // pmd_pfn / pud_pfn
// The table a pointer word names: the raw pfn bits, no inversion (p?d_page_vaddr).
u64 table_pfn(const Geometry& g, u64 word);

// The kernel predicates the classifier is built from (x86-64, arch/x86/include/asm/pgtable.h and
// pgtable_types.h at v5.7).
bool word_none(Level l, unsigned levels, u64 word);  // p?d_none at that level
bool word_bad(const Geometry& g, Level l, u64 word); // pmd_bad, pud_bad, p4d_bad, pgd_bad

// Classifies a word at a level. zero_pfn names the zero page. Swap-type words are read with
// the reserved types of g.kernel (model/swap_layout.h).
Entry classify(const Geometry& g, Level l, u64 word, u64 zero_pfn, Context ctx = Context::Normal);

// Encodes a logical entry as the word the kernel would write. Returns an error message when
// the entry cannot exist at that level (wrong kind, pfn too wide or misaligned, ...) or in
// g.kernel (a device-exclusive entry in v5.7, ...).
struct Encoded {
  u64 word = 0;
  std::optional<std::string> error;
};
Encoded encode(const Geometry& g, Level l, const Entry& e, Context ctx = Context::Normal);

// One line for humans: "page pfn=0x1000 write special", "swap type=3 offset=0x55", ...
std::string describe(const Entry& e);

} // namespace hmmspec
