// SPDX-License-Identifier: GPL-2.0-or-later
// The obligations of docs/proofs.md, each a list of Checks for one encoding:
//   P0     the model's request arithmetic is the seed's  obligations_fault.cpp
//   P1-P4  the fault decision (hmm.c:98-155)             obligations_fault.cpp
//   P5     CPU flags (hmm.c:181-188, 227-234, 401-408)   obligations_cpu.cpp
//   P6     output unambiguity (hmm.c:46-50, hmm.h:106-118) obligations_output.cpp
//   P7     the walker's bit-level shortcuts S1-S19       shortcuts.cpp
//   P8     the model's classifier vs the x86 predicates  obligations_classifier.cpp
//   6.x families (v6_encoding): P0-P4 as above on the fixed bits, and the CPU-flag
//   derivations, pfn outputs and decoders of model/range_v6.h (P0, P5, P9) obligations_v6.cpp
// P0-P4 and P7 are about the code that runs: model/range.h and impl/shortcuts.h instantiated
// with Z3 words (model_encoding.h, sym_word.h); the other side of P0 and P7 is the hand
// encoding of the seed (hmm_encoding.h, x86_kernel.h).
// Loops over pages are proved by induction (base, step, exit) and also checked unrolled for
// 1 to kMaxPages pages; the unrolled form gives replayable counterexamples.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "proofs/check.h"
#include "proofs/hmm_encoding.h"

namespace hmmspec::proofs {

inline constexpr unsigned kMaxPages = 8;

std::vector<Check> model_obligations(context& c, const Encoding& enc);
std::vector<Check> fault_obligations(context& c, const Encoding& enc);
std::vector<Check> cpu_flag_obligations(context& c, const Encoding& enc);
std::vector<Check> output_obligations(context& c, const Encoding& enc);
std::vector<Check> shortcut_obligations(context& c, const Encoding& enc);
std::vector<Check> classifier_obligations(context& c);
std::vector<Check> v6_obligations(context& c, const Encoding& enc);

// A loop over pages and what it establishes, proved by induction: the invariant holds before
// the first page considered (base), is kept by one more page, whatever its request (step),
// and gives the claim when the loop ends (exit).
struct Induction {
  std::string id, title, cite;
  std::vector<expr> state; // state variables (fresh constants)
  std::vector<expr> init;  // their values before the pages considered
  std::vector<expr> next;  // their values after one more page, over `state` and that page
  std::function<expr(const std::vector<expr>&)> invariant;
  std::function<expr(const std::vector<expr>&)> exit_claim;
};
// The three checks; `common` adds the range's preconditions, domain and variables to each.
std::vector<Check> induction_checks(const Induction& ind,
                                    const std::function<void(Check&)>& common);

// The pages p0..p(n-1) of an unrolled check, and their values in a counterexample.
std::vector<expr> page_vars(context& c, unsigned n);
std::vector<u64> pages_of(const Assignment& a, unsigned n);

} // namespace hmmspec::proofs
