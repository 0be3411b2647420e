// SPDX-License-Identifier: GPL-2.0-or-later
#include "proofs/model_classifier.h"

#include "proofs/x86_kernel.h"

namespace hmmspec::proofs {

using namespace x86;

namespace {

expr k64(const expr& w, u64 v) {
  return bv64(w.ctx(), v);
}
expr has(const expr& w, u64 m) {
  return (w & k64(w, m)) != k64(w, 0);
}
expr kind_val(context& c, Kind k) {
  return c.bv_val(static_cast<unsigned>(k), 8);
}
expr f(context& c) {
  return c.bool_val(false);
}

SymEntry ite(const expr& cond, const SymEntry& a, const SymEntry& b) {
  return SymEntry{z3::ite(cond, a.kind, b.kind),
                  z3::ite(cond, a.pfn, b.pfn),
                  z3::ite(cond, a.write, b.write),
                  z3::ite(cond, a.special, b.special),
                  z3::ite(cond, a.devmap, b.devmap),
                  z3::ite(cond, a.protnone, b.protnone),
                  a.word};
}

SymEntry blank(const expr& word, Kind k) {
  context& c = word.ctx();
  return SymEntry{kind_val(c, k), k64(word, 0), f(c), f(c), f(c), f(c), word};
}

// entry.cpp pte_pfn / huge_pfn / table_pfn, word_none, word_bad.
expr m_protnone_mask(const expr& w) {
  return z3::ite(w != k64(w, 0) && !has(w, PRESENT), k64(w, ~0ull), k64(w, 0));
}
expr m_pte_pfn(const Geometry& g, const expr& w) {
  return z3::lshr((w ^ m_protnone_mask(w)) & k64(w, pfn_mask(g.page_shift)), int(g.page_shift));
}
expr m_huge_pfn(const Geometry& g, Level l, const expr& w) {
  expr mask =
      z3::ite(has(w, PSE), k64(w, huge_pfn_mask(g.shift(l))), k64(w, pfn_mask(g.page_shift)));
  return z3::lshr((w ^ m_protnone_mask(w)) & mask, int(g.page_shift));
}
expr m_table_pfn(const Geometry& g, const expr& w) {
  return z3::lshr(w & k64(w, pfn_mask(g.page_shift)), int(g.page_shift));
}
expr m_word_none(Level l, unsigned levels, const expr& w) {
  if (l == Level::Pgd && levels == 5) return w == k64(w, 0);
  return (w & k64(w, ~KNL_ERRATUM_MASK)) == k64(w, 0);
}
expr m_word_bad(const Geometry& g, Level l, const expr& w) {
  u64 ptemask = pfn_mask(g.page_shift);
  switch (l) {
  case Level::Pte:
    return f(w.ctx());
  case Level::Pmd: {
    expr flags = w & ~z3::ite(has(w, PSE), k64(w, huge_pfn_mask(g.shift(l))), k64(w, ptemask));
    return (flags & k64(w, ~USER)) != k64(w, KERNPG_TABLE);
  }
  case Level::Pud: {
    expr flags = w & ~z3::ite(has(w, PSE), k64(w, huge_pfn_mask(g.shift(l))), k64(w, ptemask));
    return (flags & k64(w, ~(KERNPG_TABLE | USER))) != k64(w, 0);
  }
  case Level::P4d:
    return ((w & k64(w, ~ptemask)) & k64(w, ~(KERNPG_TABLE | USER | NX))) != k64(w, 0);
  case Level::Pgd:
    if (g.levels == 4)
      return ((w & k64(w, ~ptemask)) & k64(w, ~(KERNPG_TABLE | USER | NX))) != k64(w, 0);
    return ((w & k64(w, ~ptemask)) & k64(w, ~(USER | NX))) != k64(w, KERNPG_TABLE);
  }
  return f(w.ctx());
}

SymEntry classify_swap(const expr& w) {
  context& c = w.ctx();
  expr type = z3::lshr(w, 64 - int(SWP_TYPE_BITS));
  expr offset = z3::lshr(z3::shl(~w, int(SWP_TYPE_BITS)), int(SWP_OFFSET_SHIFT));
  auto is = [&](unsigned t) { return type == k64(w, t); };
  expr kind = z3::ite(z3::ult(type, k64(w, MAX_SWAPFILES)), kind_val(c, Kind::Swap),
                      z3::ite(is(SWP_HWPOISON), kind_val(c, Kind::Hwpoison),
                              z3::ite(is(SWP_MIGRATION_READ) || is(SWP_MIGRATION_WRITE),
                                      kind_val(c, Kind::Migration), kind_val(c, Kind::Device))));
  expr pfn = z3::ite(z3::ult(type, k64(w, MAX_SWAPFILES)), k64(w, 0), offset);
  expr write = is(SWP_MIGRATION_WRITE) || is(SWP_DEVICE_WRITE);
  return SymEntry{kind, pfn, write, f(c), f(c), f(c), w};
}

SymEntry classify_pte_like(const Geometry& g, Level l, const expr& w, const expr& zero_pfn) {
  context& c = w.ctx();
  expr pfn = m_pte_pfn(g, w);
  expr protnone = (w & k64(w, PROTNONE | PRESENT)) == k64(w, PROTNONE);
  expr kind = z3::ite(
      protnone, kind_val(c, Kind::Protnone),
      l != Level::Pte ? kind_val(c, Kind::Huge)
                      : z3::ite(pfn == zero_pfn, kind_val(c, Kind::Zero), kind_val(c, Kind::Page)));
  SymEntry present{kind, pfn, has(w, RW), has(w, SPECIAL), has(w, DEVMAP), f(c), w};
  return ite(!has(w, PRESENT | PROTNONE), classify_swap(w), present);
}

SymEntry classify_huge(const Geometry& g, Level l, const expr& w) {
  return SymEntry{kind_val(w.ctx(), Kind::Huge),
                  m_huge_pfn(g, l, w),
                  has(w, RW),
                  has(w, SPECIAL),
                  has(w, DEVMAP),
                  (w & k64(w, PROTNONE | PRESENT)) == k64(w, PROTNONE),
                  w};
}

SymEntry classify_table_or_bad(const Geometry& g, Level l, const expr& w) {
  SymEntry table = blank(w, Kind::Table);
  table.pfn = m_table_pfn(g, w);
  return ite(m_word_bad(g, l, w), blank(w, Kind::Bad), table);
}

SymView view(const expr& path, const expr& acc, const expr& wr, const expr& special,
             const expr& pfn) {
  return SymView{path, acc, wr, special, pfn};
}

} // namespace

expr path_val(context& c, Path p) {
  return c.bv_val(static_cast<unsigned>(p), 8);
}

SymEntry model_classify(const Geometry& g, Level l, const expr& w, const expr& zero_pfn,
                        Context ctx) {
  SymEntry none = blank(w, Kind::None);
  SymEntry rest = [&] {
    if (l == Level::Pte || ctx == Context::HugetlbSlot) return classify_pte_like(g, l, w, zero_pfn);
    switch (l) {
    case Level::Pmd:
      return ite(!has(w, PRESENT | PROTNONE | PSE), classify_swap(w),
                 ite(has(w, DEVMAP) || has(w, PSE), classify_huge(g, l, w),
                     classify_table_or_bad(g, l, w)));
    case Level::Pud:
      return ite((w & k64(w, PSE | DEVMAP)) == k64(w, PSE) || has(w, DEVMAP),
                 classify_huge(g, l, w), classify_table_or_bad(g, l, w));
    default:
      return classify_table_or_bad(g, l, w);
    }
  }();
  return ite(m_word_none(l, g.levels, w), none, rest);
}

SymView normalize(const SymView& v) {
  context& c = v.path.ctx();
  auto is = [&](Path p) { return v.path == path_val(c, p); };
  expr leafy =
      is(Path::Present) || is(Path::Huge) || is(Path::DevmapFill) || is(Path::HugetlbEntry);
  expr has_pfn = is(Path::Descend) || is(Path::Device) || leafy;
  expr has_write = is(Path::Device) || (leafy && v.accessible);
  return SymView{v.path, leafy && v.accessible, has_write && v.writable,
                 is(Path::Present) && v.special, z3::ite(has_pfn, v.pfn, bv64(c, 0))};
}

SymView model_view(const Slot& s, const SymEntry& e, const Geometry& g, const expr& zero_pfn) {
  context& c = e.word.ctx();
  auto is = [&](Kind k) { return e.kind == kind_val(c, k); };
  auto P = [&](Path p) { return path_val(c, p); };
  expr t = c.bool_val(true), fl = f(c);
  if (s.ctx == Context::HugetlbSlot) {
    expr notpresent = is(Kind::None) || is(Kind::Swap) || is(Kind::Hwpoison) ||
                      is(Kind::Migration) || is(Kind::Device) || is(Kind::Protnone);
    expr path = z3::ite(is(Kind::Huge) || notpresent, P(Path::HugetlbEntry), P(Path::Invalid));
    return normalize(view(path, is(Kind::Huge), e.write, fl, e.pfn));
  }
  switch (s.level) {
  case Level::Pte: {
    expr path = z3::ite(
        is(Kind::None), P(Path::Hole),
        z3::ite(
            is(Kind::Swap), P(Path::Swap),
            z3::ite(is(Kind::Hwpoison), P(Path::Hwpoison),
                    z3::ite(is(Kind::Migration), P(Path::Migration),
                            z3::ite(is(Kind::Device), P(Path::Device),
                                    z3::ite(is(Kind::Protnone) || is(Kind::Zero) || is(Kind::Page),
                                            P(Path::Present), P(Path::Invalid)))))));
    expr acc = is(Kind::Zero) || is(Kind::Page);
    expr special =
        z3::ite(is(Kind::Protnone), e.special && e.pfn != zero_pfn, is(Kind::Page) && e.special);
    return normalize(view(path, acc, e.write, special, e.pfn));
  }
  case Level::Pmd: {
    expr path = z3::ite(is(Kind::None), P(Path::Hole),
                        z3::ite(is(Kind::Migration), P(Path::Migration),
                                z3::ite(is(Kind::Swap) || is(Kind::Device) || is(Kind::Hwpoison),
                                        P(Path::NonPresentError),
                                        z3::ite(is(Kind::Huge), P(Path::Huge),
                                                z3::ite(is(Kind::Bad), P(Path::Bad),
                                                        z3::ite(is(Kind::Table), P(Path::Descend),
                                                                P(Path::Invalid)))))));
    return normalize(view(path, !e.protnone, e.write, fl, e.pfn));
  }
  case Level::Pud: {
    expr huge_path =
        z3::ite(!e.devmap, P(Path::Split), z3::ite(e.protnone, P(Path::Hole), P(Path::DevmapFill)));
    expr path = z3::ite(
        is(Kind::None), P(Path::Hole),
        z3::ite(is(Kind::Huge), huge_path,
                z3::ite(is(Kind::Table) || is(Kind::Bad), P(Path::Descend), P(Path::Invalid))));
    expr pfn = z3::ite(is(Kind::Bad), m_table_pfn(g, e.word), e.pfn);
    return normalize(view(path, t, e.write, fl, pfn));
  }
  default: {
    expr path = z3::ite(is(Kind::None), P(Path::Hole),
                        z3::ite(is(Kind::Bad), P(Path::ClearedHole),
                                z3::ite(is(Kind::Table), P(Path::Descend), P(Path::Invalid))));
    return normalize(view(path, fl, fl, fl, e.pfn));
  }
  }
}

SymView kernel_view(const Slot& s, const expr& w, const expr& zero_pfn) {
  using namespace kx86;
  context& c = w.ctx();
  auto P = [&](Path p) { return path_val(c, p); };
  expr t = c.bool_val(true), fl = c.bool_val(false), z = bv64(c, 0);
  if (s.ctx == Context::HugetlbSlot) { // hmm.c:488-502: pte_to_hmm_pfn_flags and pte_pfn only
    expr acc = !(pte_none(w) || !pte_present(w) || pte_protnone(w));
    return normalize(view(P(Path::HugetlbEntry), acc, pte_write(w), fl, pte_pfn(w)));
  }
  switch (s.level) {
  case Level::Pte: { // hmm.c:246-310
    expr type = swp_type_of_pte(w);
    auto is_t = [&](unsigned x) { return type == bv64(c, x); };
    expr swap_path =
        z3::ite(z3::ult(type, bv64(c, kMaxSwapfiles)), P(Path::Swap),
                z3::ite(is_device_private_type(type), P(Path::Device),
                        z3::ite(is_migration_type(type), P(Path::Migration), P(Path::Hwpoison))));
    expr present_pfn = pte_pfn(w);
    expr path =
        z3::ite(pte_none(w), P(Path::Hole), z3::ite(!pte_present(w), swap_path, P(Path::Present)));
    expr pfn = z3::ite(!pte_present(w), swp_offset_of_pte(w), present_pfn);
    expr wr = z3::ite(!pte_present(w), is_t(kSwpDeviceWrite), pte_write(w));
    expr special = pte_special(w) && present_pfn != zero_pfn;
    return normalize(view(path, !pte_protnone(w), wr, special, pfn));
  }
  case Level::Pmd: { // pagewalk.c:61-117, hmm.c:333-392
    expr path =
        z3::ite(pmd_none(w), P(Path::Hole),
                z3::ite(is_pmd_migration_entry(w), P(Path::Migration),
                        z3::ite(!pmd_present(w), P(Path::NonPresentError),
                                z3::ite(pmd_devmap(w) || pmd_trans_huge(w), P(Path::Huge),
                                        z3::ite(pmd_bad(w), P(Path::Bad), P(Path::Descend))))));
    expr pfn = z3::ite(path == P(Path::Huge), pmd_pfn(w), pmd_table_pfn(w));
    return normalize(view(path, !pmd_protnone(w), pmd_write(w), fl, pfn));
  }
  case Level::Pud: { // pagewalk.c:119-166, hmm.c:416-467, huge_mm.h pud_trans_huge_lock
    expr locked = pud_trans_huge(w) || pud_devmap(w);
    expr huge_path =
        z3::ite(pud_huge(w) && pud_devmap(w),
                z3::ite(!pud_present(w), P(Path::Hole), P(Path::DevmapFill)), P(Path::Split));
    expr path = z3::ite(pud_none(w), P(Path::Hole), z3::ite(locked, huge_path, P(Path::Descend)));
    expr pfn = z3::ite(path == P(Path::DevmapFill), pud_pfn(w), pud_table_pfn(w));
    return normalize(view(path, pud_present(w), pud_write(w), fl, pfn));
  }
  default: {
    if (s.levels == 5 && s.level == Level::Pgd) // pgd_none_or_clear_bad, 5-level enabled
      return normalize(view(z3::ite(pgd5_none(w), P(Path::Hole),
                                    z3::ite(pgd5_bad(w), P(Path::ClearedHole), P(Path::Descend))),
                            fl, fl, fl, pgd5_table_pfn(w)));
    // p4d_none_or_clear_bad (also the 4-level root: pgd_none and pgd_bad are 0 there and the
    // entry is read as a P4D)
    (void)t;
    (void)z;
    return normalize(view(z3::ite(p4d_none(w), P(Path::Hole),
                                  z3::ite(p4d_bad(w), P(Path::ClearedHole), P(Path::Descend))),
                          fl, fl, fl, p4d_table_pfn(w)));
  }
  }
}

} // namespace hmmspec::proofs
