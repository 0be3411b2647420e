// SPDX-License-Identifier: GPL-2.0-or-later
// TRUSTED: part of the specification. What bit arithmetic written once for two word types
// needs beyond C's operators. The request arithmetic of model/range.h and the walker's
// shortcuts (impl/shortcuts.h) are function templates over the word type: the parties
// instantiate them with u64, the proofs (proofs/sym_word.h) with Z3 bit-vectors, so what is
// proved is the code that runs. Such a template uses the operators (& | ^ ~ + - * << >>
// == != <), the truth values && || !, and the three names below; proofs/ gives its word type
// its own WordTraits and overloads of ite and bit_of (found by argument-dependent lookup).
// No `if` or `?:` on a word: a solver's word has no value to branch on.
#pragma once

#include <type_traits>

#include "model/x86_bits.h"

namespace hmmspec {

// The types that go with a word type: its truth values, and the NEED_* answers of hmm.c
// (`unsigned int`, 32 bits).
template <class Word>
struct WordTraits;
template <>
struct WordTraits<u64> {
  using Bool = bool;
  using Need = unsigned;
};
template <class Word>
using BoolOf = typename WordTraits<Word>::Bool;
template <class Word>
using NeedOf = typename WordTraits<Word>::Need;

// `c ? a : b`.
template <class T, class U>
constexpr std::common_type_t<T, U> ite(bool c, T a, U b) {
  return c ? a : b;
}

// 1 when b holds, else 0, as a 64-bit word.
constexpr u64 bit_of(bool b) {
  return u64(b);
}

// Whether b is known to hold: b itself for a C++ bool (the solver's overload answers only for
// constants). Lets a loop stop early where the rest of it can change nothing.
constexpr bool known_true(bool b) {
  return b;
}

} // namespace hmmspec
