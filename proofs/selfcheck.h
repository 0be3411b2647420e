// SPDX-License-Identifier: GPL-2.0-or-later
// Guards the Z3 encodings against drift from the C++ they transcribe: evaluates them on
// concrete inputs (random, biased towards the flag bits and swap types that matter) and
// compares with model/range.h, model/entry.cpp classify and views.cpp model_view. Z3-free.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hmmspec::proofs {

// Every disagreement found, one line each ("pte_need_fault: ..."); empty when none.
std::vector<std::string> transcription_mismatches(unsigned samples, std::uint64_t seed);

} // namespace hmmspec::proofs
