// SPDX-License-Identifier: GPL-2.0-or-later
// The model's classifier (model/entry.cpp: classify, word_none, word_bad, pte_pfn, huge_pfn,
// table_pfn) transcribed to Z3 over a symbolic word, field for field, so P8 can compare it
// with the kernel's predicates for every word at once. Drift from the C++ is caught by
// replaying every P8 counterexample through model/entry.cpp and by the sampling test.
#pragma once

#include "proofs/check.h"
#include "proofs/views.h"

namespace hmmspec::proofs {

struct SymEntry {
  expr kind; // 8 bits: the Kind enumerator
  expr pfn;
  expr write, special, devmap, protnone; // Bool
  expr word;
};

SymEntry model_classify(const Geometry& g, Level l, const expr& word, const expr& zero_pfn,
                        Context ctx);

// A View over symbolic values: path (8 bits), pfn (64 bits), the rest Bool.
struct SymView {
  expr path, accessible, writable, special, pfn;
};
SymView normalize(const SymView& v);
// views.cpp model_view, transcribed.
SymView model_view(const Slot& s, const SymEntry& e, const Geometry& g, const expr& zero_pfn);
// The kernel's view of a word in that slot, from x86_kernel.h and the seed's order of tests.
SymView kernel_view(const Slot& s, const expr& word, const expr& zero_pfn);
expr path_val(context& c, Path p);

} // namespace hmmspec::proofs
