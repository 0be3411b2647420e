// SPDX-License-Identifier: GPL-2.0-or-later
// P8's common ground: what the seed and the generic walker DO with a word at a level (the
// path taken and the facts read on it), so the kernel's predicates and the model's classifier
// can be compared. The model side is a projection of the classifier's Entry, reading only its
// typed fields (kind, pfn, write, special, devmap, protnone; the raw word only for a Bad
// entry, whose word the model keeps on purpose). Z3-free.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/entry.h"
#include "model/geometry.h"

namespace hmmspec::proofs {

enum class Path : std::uint8_t {
  Hole,            // reported as a hole: pte_none and friends, a none or non-present devmap PUD
  ClearedHole,     // a bad PGD/P4D: the walker clears it, then reports a hole (pagewalk.c)
  Descend,         // a table pointer: the walk goes on in the table at `pfn`
  Swap,            // PTE: a real swap entry (faulted in when requested)
  Hwpoison,        // PTE: hardware poison (-EFAULT when requested)
  Migration,       // PTE or PMD: a migration entry (wait when requested)
  Device,          // PTE: device private, `pfn` and `writable` (reported or -EFAULT by owner)
  NonPresentError, // PMD: a non-present, non-migration entry (ERROR or -EFAULT)
  Present,         // PTE: present; accessible (not protnone), writable, pfn, special && !zero
  Huge,            // PMD: trans-huge or devmap; accessible (not protnone), writable, pfn
  DevmapFill,      // PUD: huge, devmap and present; filled from pfn (hmm.c:432-460)
  Split,           // PUD: any other huge PUD, cleared by the walker and then a hole
  Bad,             // PMD: pmd_bad (ERROR or -EFAULT, hmm.c:376-380)
  HugetlbEntry,    // hugetlb slot: accessible (present, not protnone), writable, pte_pfn
  Invalid,         // the classifier gave a kind that cannot occur at this level
};
std::string_view path_name(Path p);

// A level as P8 reads it: PTE, PMD, PUD, the hugetlb slots, and the top levels of 4-level
// (PGD read with the P4D rules) and 5-level paging.
struct Slot {
  std::string name;
  Level level;
  Context ctx;
  unsigned levels; // 4 or 5
  std::string cite;
};
const std::vector<Slot>& classifier_slots();
Geometry slot_geometry(const Slot& s); // the built-in x86_64 (4-level) or x86_64-la57 geometry

struct View {
  Path path = Path::Invalid;
  bool accessible = false;
  bool writable = false;
  bool special = false; // Present: pte_special and not the zero pfn
  u64 pfn = 0;
  bool operator==(const View&) const = default;
};
// Clears the fields a path does not read.
View normalize(View v);
// The model's view: the classifier's Entry read as the seed would need it.
View model_view(const Slot& s, const Entry& e, const Geometry& g, u64 zero_pfn);
std::string describe_view(const View& v);

} // namespace hmmspec::proofs
