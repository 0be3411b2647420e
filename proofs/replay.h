// SPDX-License-Identifier: GPL-2.0-or-later
// The C++ side of counterexample replay: small helpers over the model's own functions
// (model/range.h, model/entry.h) that state what an obligation claims, so a counterexample
// found by Z3 can be checked to fail in the C++ code too. Z3-free.
#pragma once

#include <span>
#include <string>

#include "model/geometry.h"
#include "model/range.h"

namespace hmmspec::proofs {

// The request semantics (docs/spec.md R-REQUEST) on the effective request (p & mask) | default.
bool asks_read(const HmmRange& r, u64 p);
bool asks_write(const HmmRange& r, u64 p);
// The request is met by a CPU entry that is accessible / writable.
bool request_met(const HmmRange& r, u64 p, bool accessible, bool writable);

// The plain OR of pte_need_fault over the pages (model/range.h pte_need_fault).
unsigned full_or_need_fault(const HmmRange& r, std::span<const u64> pages, u64 cpu_flags);

// The CPU flags of a raw word read at a level, by the seed's derivations (hmm.c:227-234 for
// PTEs and hugetlb slots, 181-188 for PMDs, 401-408 for PUDs) over the model's x86 bits, then
// model/range.h cpu_flags_for.
u64 cpu_flags_of_word(const HmmRange& r, Level l, u64 word);

// device_entry_from_pfn(r, pfn) | cpu_flags_for(r, accessible, writable); pfn_shift < 64.
u64 output_of(const HmmRange& r, u64 pfn, bool accessible, bool writable);

std::string hex(u64 v);

} // namespace hmmspec::proofs
