// SPDX-License-Identifier: GPL-2.0-or-later
#include "proofs/sym_word.h"

#include <algorithm>
#include <stdexcept>

namespace hmmspec::proofs {

namespace {

u64 cut(u64 v, unsigned width) {
  return width >= 64 ? v : v & ((u64(1) << width) - 1);
}

z3::context& context_of(const std::optional<z3::expr>& a, const std::optional<z3::expr>& b) {
  return a ? a->ctx() : b->ctx();
}

// A binary operation at the wider operand's width: folded when both are constants.
template <class Lit, class Term>
SymWord binary(const SymWord& a, const SymWord& b, Lit lit, Term term) {
  unsigned w = std::max(a.width(), b.width());
  if (a.is_constant() && b.is_constant())
    return SymWord::constant(cut(lit(a.constant(), b.constant()), w), w);
  z3::context& c = context_of(a.term(), b.term());
  return SymWord(term(a.to_expr(c, w), b.to_expr(c, w)));
}

// A shift of `a` by `b` at a's width; 0 when b is the width or more.
template <class Lit, class Term>
SymWord shift(const SymWord& a, const SymWord& b, Lit lit, Term term) {
  unsigned w = a.width();
  if (a.is_constant() && b.is_constant())
    return SymWord::constant(b.constant() >= w ? 0 : cut(lit(a.constant(), b.constant()), w), w);
  z3::context& c = context_of(a.term(), b.term());
  unsigned wide = std::max(w, b.width()); // shift in the wider width, keep a's low bits
  z3::expr r = term(a.to_expr(c, wide), b.to_expr(c, wide));
  return SymWord(wide == w ? r : r.extract(w - 1, 0));
}

} // namespace

SymBool::SymBool(z3::expr e) : term_(std::move(e)) {
  if (!term_->is_bool()) throw std::logic_error("SymBool of a non-boolean term");
}

z3::expr SymBool::to_expr(z3::context& c) const {
  return term_ ? *term_ : c.bool_val(lit_);
}

SymBool operator!(const SymBool& a) {
  if (a.is_constant()) return SymBool(!a.constant());
  return SymBool(!*a.term());
}

SymBool operator&&(const SymBool& a, const SymBool& b) {
  if (a.is_constant()) return a.constant() ? b : SymBool(false);
  if (b.is_constant()) return b.constant() ? a : SymBool(false);
  return SymBool(*a.term() && *b.term());
}

SymBool operator||(const SymBool& a, const SymBool& b) {
  if (a.is_constant()) return a.constant() ? SymBool(true) : b;
  if (b.is_constant()) return b.constant() ? SymBool(true) : a;
  return SymBool(*a.term() || *b.term());
}

SymBool operator==(const SymBool& a, const SymBool& b) {
  if (a.is_constant() && b.is_constant()) return SymBool(a.constant() == b.constant());
  z3::context& c = context_of(a.term(), b.term());
  return SymBool(a.to_expr(c) == b.to_expr(c));
}

SymWord::SymWord(z3::expr e) : term_(std::move(e)) {
  if (!term_->is_bv()) throw std::logic_error("SymWord of a term that is not a bit-vector");
  width_ = term_->get_sort().bv_size();
}

SymWord SymWord::constant(u64 value, unsigned width) {
  return SymWord(std::nullopt, cut(value, width), width);
}

void SymWord::check_non_negative(long long v) {
  if (v < 0) throw std::logic_error("a negative literal in a word template");
}

z3::expr SymWord::to_expr(z3::context& c, unsigned width) const {
  if (!term_) return c.bv_val(static_cast<uint64_t>(cut(lit_, width)), width);
  if (width == width_) return *term_;
  if (width > width_) return z3::zext(*term_, width - width_);
  return term_->extract(width - 1, 0);
}

SymWord operator&(const SymWord& a, const SymWord& b) {
  return binary(
      a, b, [](u64 x, u64 y) { return x & y; },
      [](const z3::expr& x, const z3::expr& y) { return x & y; });
}
SymWord operator|(const SymWord& a, const SymWord& b) {
  return binary(
      a, b, [](u64 x, u64 y) { return x | y; },
      [](const z3::expr& x, const z3::expr& y) { return x | y; });
}
SymWord operator^(const SymWord& a, const SymWord& b) {
  return binary(
      a, b, [](u64 x, u64 y) { return x ^ y; },
      [](const z3::expr& x, const z3::expr& y) { return x ^ y; });
}
SymWord operator+(const SymWord& a, const SymWord& b) {
  return binary(
      a, b, [](u64 x, u64 y) { return x + y; },
      [](const z3::expr& x, const z3::expr& y) { return x + y; });
}
SymWord operator-(const SymWord& a, const SymWord& b) {
  return binary(
      a, b, [](u64 x, u64 y) { return x - y; },
      [](const z3::expr& x, const z3::expr& y) { return x - y; });
}
SymWord operator*(const SymWord& a, const SymWord& b) {
  return binary(
      a, b, [](u64 x, u64 y) { return x * y; },
      [](const z3::expr& x, const z3::expr& y) { return x * y; });
}
SymWord operator<<(const SymWord& a, const SymWord& b) {
  return shift(
      a, b, [](u64 x, u64 y) { return x << y; },
      [](const z3::expr& x, const z3::expr& y) { return z3::shl(x, y); });
}
SymWord operator>>(const SymWord& a, const SymWord& b) {
  return shift(
      a, b, [](u64 x, u64 y) { return x >> y; },
      [](const z3::expr& x, const z3::expr& y) { return z3::lshr(x, y); });
}
SymWord operator~(const SymWord& a) {
  if (a.is_constant()) return SymWord::constant(~a.constant(), a.width());
  return SymWord(~*a.term());
}

SymBool operator==(const SymWord& a, const SymWord& b) {
  unsigned w = std::max(a.width(), b.width());
  if (a.is_constant() && b.is_constant())
    return SymBool(cut(a.constant(), w) == cut(b.constant(), w));
  z3::context& c = context_of(a.term(), b.term());
  return SymBool(a.to_expr(c, w) == b.to_expr(c, w));
}

SymBool operator<(const SymWord& a, const SymWord& b) {
  unsigned w = std::max(a.width(), b.width());
  if (a.is_constant() && b.is_constant()) return SymBool(a.constant() < b.constant());
  z3::context& c = context_of(a.term(), b.term());
  return SymBool(z3::ult(a.to_expr(c, w), b.to_expr(c, w)));
}

SymWord ite(const SymBool& c, const SymWord& a, const SymWord& b) {
  unsigned w = std::max(a.width(), b.width());
  if (c.is_constant()) {
    const SymWord& pick = c.constant() ? a : b;
    if (pick.is_constant()) return SymWord::constant(pick.constant(), w);
    return SymWord(pick.to_expr(pick.term()->ctx(), w));
  }
  z3::context& ctx = c.term()->ctx();
  return SymWord(z3::ite(*c.term(), a.to_expr(ctx, w), b.to_expr(ctx, w)));
}

SymBool ite(const SymBool& c, const SymBool& a, const SymBool& b) {
  if (c.is_constant()) return c.constant() ? a : b;
  z3::context& ctx = c.term()->ctx();
  return SymBool(z3::ite(*c.term(), a.to_expr(ctx), b.to_expr(ctx)));
}

SymWord bit_of(const SymBool& b) {
  return ite(b, u64(1), u64(0));
}

bool known_true(const SymBool& b) {
  return b.is_constant() && b.constant();
}

} // namespace hmmspec::proofs
