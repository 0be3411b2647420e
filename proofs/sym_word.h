// SPDX-License-Identifier: GPL-2.0-or-later
// The word type the proofs instantiate the model's request arithmetic (model/range.h) and the
// walker's shortcuts (impl/shortcuts.h) with, so the obligations are about the code that runs
// (model/word_ops.h). A SymWord is a Z3 bit-vector, or a C++ constant that stays a constant
// (folded) until it meets a bit-vector, so the templates' literals (0u, PRESENT, ...) need no
// Z3 context. The operators follow C on unsigned types: the narrower operand is zero-extended
// to the wider one's width (a u64 literal is 64 bits, an unsigned or an enum 32); a shift by
// the width or more gives 0, where C leaves it undefined (the templates guard their shifts).
// SymBool is the matching truth value. Only proofs/ includes this header (it includes z3++.h).
#pragma once

#include <z3++.h>

#include <concepts>
#include <optional>
#include <type_traits>

#include "model/word_ops.h"

namespace hmmspec::proofs {

// A literal a template may write: an unsigned integer, a non-negative int, or an enumerator.
template <class T>
concept WordLiteral = (std::unsigned_integral<T> && !std::same_as<T, bool>) ||
                      std::same_as<T, int> || std::is_enum_v<T>;

class SymBool {
public:
  template <std::same_as<bool> B>
  SymBool(B b) : lit_(b) {} // NOLINT: a C++ truth value is a constant SymBool (bool only)
  explicit SymBool(z3::expr e);

  bool is_constant() const { return !term_; }
  bool constant() const { return lit_; }
  z3::expr to_expr(z3::context& c) const;
  const std::optional<z3::expr>& term() const { return term_; }

  friend SymBool operator!(const SymBool& a);
  friend SymBool operator&&(const SymBool& a, const SymBool& b);
  friend SymBool operator||(const SymBool& a, const SymBool& b);
  friend SymBool operator==(const SymBool& a, const SymBool& b);
  friend SymBool operator!=(const SymBool& a, const SymBool& b) { return !(a == b); }

private:
  std::optional<z3::expr> term_;
  bool lit_ = false;
};

class SymWord {
public:
  explicit SymWord(z3::expr e); // a bit-vector
  template <WordLiteral T>
  SymWord(T v) : lit_(literal_value(v)), width_(8 * sizeof(v)) {} // NOLINT: literals convert
  static SymWord constant(u64 value, unsigned width);

  unsigned width() const { return width_; }
  bool is_constant() const { return !term_; }
  u64 constant() const { return lit_; }
  const std::optional<z3::expr>& term() const { return term_; }
  // The word as a bit-vector of its own width, or zero-extended / truncated to `width`.
  z3::expr to_expr(z3::context& c) const { return to_expr(c, width_); }
  z3::expr to_expr(z3::context& c, unsigned width) const;

  friend SymWord operator&(const SymWord& a, const SymWord& b);
  friend SymWord operator|(const SymWord& a, const SymWord& b);
  friend SymWord operator^(const SymWord& a, const SymWord& b);
  friend SymWord operator+(const SymWord& a, const SymWord& b);
  friend SymWord operator-(const SymWord& a, const SymWord& b);
  friend SymWord operator*(const SymWord& a, const SymWord& b);
  friend SymWord operator<<(const SymWord& a, const SymWord& b);
  friend SymWord operator>>(const SymWord& a, const SymWord& b);
  friend SymWord operator~(const SymWord& a);
  friend SymWord operator-(const SymWord& a) { return SymWord(0u) - a; }
  friend SymBool operator==(const SymWord& a, const SymWord& b);
  friend SymBool operator!=(const SymWord& a, const SymWord& b) { return !(a == b); }
  friend SymBool operator<(const SymWord& a, const SymWord& b);
  friend SymBool operator<=(const SymWord& a, const SymWord& b) { return !(b < a); }
  friend SymBool operator>(const SymWord& a, const SymWord& b) { return b < a; }
  friend SymBool operator>=(const SymWord& a, const SymWord& b) { return !(a < b); }

  SymWord& operator&=(const SymWord& b) { return *this = *this & b; }
  SymWord& operator|=(const SymWord& b) { return *this = *this | b; }
  SymWord& operator^=(const SymWord& b) { return *this = *this ^ b; }
  SymWord& operator+=(const SymWord& b) { return *this = *this + b; }

private:
  template <class T>
  static u64 literal_value(T v) {
    if constexpr (std::is_enum_v<T>)
      return u64(std::underlying_type_t<T>(v));
    else {
      if constexpr (std::is_signed_v<T>) check_non_negative(v);
      return u64(v);
    }
  }
  static void check_non_negative(long long v);
  SymWord(std::optional<z3::expr> term, u64 lit, unsigned width)
      : term_(std::move(term)), lit_(lit), width_(width) {}

  std::optional<z3::expr> term_;
  u64 lit_ = 0;
  unsigned width_ = 64;
};

// model/word_ops.h for SymWord: `c ? a : b` over words or truth values, 1 or 0 as a 64-bit
// word, and whether a truth value is the constant true.
SymWord ite(const SymBool& c, const SymWord& a, const SymWord& b);
SymBool ite(const SymBool& c, const SymBool& a, const SymBool& b);
SymWord bit_of(const SymBool& b);
bool known_true(const SymBool& b);

} // namespace hmmspec::proofs

namespace hmmspec {
template <>
struct WordTraits<proofs::SymWord> {
  using Bool = proofs::SymBool;
  using Need = proofs::SymWord;
};
} // namespace hmmspec
