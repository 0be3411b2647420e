// SPDX-License-Identifier: GPL-2.0-or-later
#include "proofs/selfcheck.h"

#include <fmt/format.h>

#include "impl/shortcuts.h"
#include "proofs/model_classifier.h"
#include "proofs/model_encoding.h"
#include "proofs/obligations.h"
#include "proofs/replay.h"
#include "proofs/sym_word.h"

namespace hmmspec::proofs {

namespace {

using namespace x86;

struct Rng {
  u64 s;
  u64 next() { // splitmix64
    u64 z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  unsigned below(unsigned n) { return unsigned(next() % n); }
  bool coin() { return next() & 1; }
};

u64 value(const expr& e) {
  expr v = e.simplify();
  uint64_t x = 0;
  if (v.is_bool()) return v.is_true() ? 1 : 0;
  v.is_numeral_u64(x);
  return x;
}

u64 pick_pattern(Rng& g) {
  switch (g.below(5)) {
  case 0:
    return 1ull << g.below(64);
  case 1:
    return (1ull << g.below(64)) | (1ull << g.below(64));
  case 2:
    return 0;
  case 3:
    return ~0ull;
  default:
    return g.next();
  }
}

HmmRange random_range(Rng& g) {
  HmmRange r;
  if (g.below(3) == 0) {
    apply_driver_encoding(r, g.coin() ? "nouveau" : "amdgpu");
  } else {
    r.flags = {pick_pattern(g), pick_pattern(g)};
    r.values = {pick_pattern(g), pick_pattern(g), pick_pattern(g)};
    r.pfn_shift = std::uint8_t(g.below(64));
  }
  u64 choices[] = {0, ~0ull, r.flags[0], r.flags[1], r.flags[0] | r.flags[1], g.next()};
  r.default_flags = choices[g.below(6)];
  r.pfn_flags_mask = choices[g.below(6)];
  return r;
}

u64 random_request(Rng& g, const HmmRange& r) {
  u64 choices[] = {0, r.flags[0], r.flags[1], r.flags[0] | r.flags[1], g.next()};
  return choices[g.below(5)];
}

u64 random_word(Rng& g) {
  static const u64 bits[] = {PRESENT,  RW,      USER,   ACCESSED, DIRTY,     PSE,
                             PROTNONE, SPECIAL, DEVMAP, NX,       1ull << 3, 1ull << 4};
  switch (g.below(4)) {
  case 0:
    return swp_word(g.below(32), g.next() & SWP_OFFSET_MAX) | (g.coin() ? RW : 0);
  case 1:
    return g.next();
  case 2:
    return g.coin() ? 0 : (g.coin() ? ACCESSED : DIRTY | ACCESSED);
  default: {
    u64 w = (g.next() & PHYSICAL_MASK) & ~0xfffull;
    for (u64 b : bits)
      if (g.below(3) == 0) w |= b;
    return w;
  }
  }
}

// impl/shortcuts.h on SymWords built from numerals, simplified, against the u64 templates.
template <class Note>
void shortcut_mismatches(context& c, const HmmRange& r, u64 w, u64 req, u64 cpu, u64 zero_pfn,
                         Note note) {
  namespace sc = hmmspec::shortcut;
  const u64 V = r.flags[HMM_PFN_VALID], W = r.flags[HMM_PFN_WRITE], M = r.pfn_flags_mask,
            D = r.default_flags, N = r.values[HMM_PFN_NONE], S = r.values[HMM_PFN_SPECIAL];
  const unsigned s = r.pfn_shift & 63u;
  auto z = [&](u64 x) { return SymWord(bv64(c, x)); };
  auto same = [&](const char* what, const SymWord& sym, u64 cpp) {
    if (value(sym.to_expr(c)) != cpp)
      note(fmt::format("shortcut {} on Z3 words: word {} request {} cpu {}: C++ {}", what, hex(w),
                       hex(req), hex(cpu), hex(cpp)));
  };
  const u64 pm = pfn_mask(12);
  same("pte_cpu_flags", sc::pte_cpu_flags(z(w), z(V), z(W)), sc::pte_cpu_flags(w, V, W));
  same("pte_cpu_index", sc::pte_cpu_index(z(w)), sc::pte_cpu_index(w));
  same("pte_need", sc::pte_need(z(req), z(cpu), z(V), z(W), z(M), z(D)),
       sc::pte_need(req, cpu, V, W, M, D));
  const u64 t = sc::effective_request(req, M, D);
  same("present_needs_fault", sc::present_needs_fault(z(w), z(t), z(V), z(W), z(V & W ? 0 : 1)),
       sc::present_needs_fault(w, t, V, W, u64(V & W ? 0 : 1)));
  same("pte_pfn", sc::pte_pfn(z(w), z(pm), 12), sc::pte_pfn(w, pm, 12));
  same("special_not_zero_page",
       sc::special_not_zero_page(z(w), z(pm), sc::zero_bits(z(zero_pfn), 12)),
       sc::special_not_zero_page(w, pm, sc::zero_bits(zero_pfn, 12)));
  same("plain_output",
       sc::plain_output(z(w), z(pm), sc::output_shift_up(z(s), 12), sc::output_shift_down(z(s), 12),
                        z(V), z(W)),
       sc::plain_output(w, pm, sc::output_shift_up(s, 12), sc::output_shift_down(s, 12), V, W));
  same("swap_type", sc::swap_type(z(w)), sc::swap_type(w));
  same("pfn_run_first", sc::pfn_run_first(z(req), z(V | cpu), z(s)),
       sc::pfn_run_first(req, V | cpu, s));
  const sc::PteDecoder<SymWord, SymWord> kz{
      z(pm), 12u, z(zero_pfn), z(V), z(W), z(N), z(S), sc::disjoint_bit(z(V), z(W)), z(s)};
  const sc::PteDecoder<u64, unsigned> ku{pm, 12u, zero_pfn, V, W, N, S, sc::disjoint_bit(V, W), s};
  auto dz = sc::decode_pte(kz, z(w), z(t));
  auto du = sc::decode_pte(ku, w, t);
  same("decode_pte.out", dz.out, du.out);
  same("decode_pte.stop", dz.stop, du.stop);
  same("decode_pte.dev", dz.dev, du.dev);
}

} // namespace

struct SeedNeedEncoding::Impl {
  context c;
};

SeedNeedEncoding::SeedNeedEncoding() : impl_(std::make_unique<Impl>()) {}
SeedNeedEncoding::~SeedNeedEncoding() = default;

unsigned SeedNeedEncoding::pte_need_fault(const HmmRange& r, u64 request, u64 cpu_flags) {
  context& c = impl_->c;
  Encoding enc;
  enc.symbolic = false;
  enc.range = r;
  return unsigned(
      value(proofs::pte_need_fault(sym_range(c, enc), bv64(c, request), bv64(c, cpu_flags))));
}

unsigned SeedNeedEncoding::range_need_fault(const HmmRange& r, std::span<const u64> requests,
                                            u64 cpu_flags) {
  context& c = impl_->c;
  Encoding enc;
  enc.symbolic = false;
  enc.range = r;
  std::vector<expr> pages;
  for (u64 p : requests) pages.push_back(bv64(c, p));
  return unsigned(value(proofs::range_need_fault(sym_range(c, enc), pages, bv64(c, cpu_flags))));
}

std::vector<std::string> transcription_mismatches(unsigned samples, std::uint64_t seed) {
  std::vector<std::string> bad;
  Rng g{seed};
  context c;
  auto note = [&](const std::string& s) {
    if (bad.size() < 50) bad.push_back(s);
  };
  for (unsigned i = 0; i < samples; ++i) {
    Encoding enc;
    enc.symbolic = false;
    enc.range = random_range(g);
    const HmmRange& r = enc.range;
    SymRange sr = sym_range(c, enc);

    // hmm_pte_need_fault and hmm_range_need_fault.
    u64 cpu_choices[] = {0, r.flags[0], r.flags[0] | r.flags[1], g.next()};
    u64 cpu = cpu_choices[g.below(4)];
    std::vector<u64> pages;
    std::vector<expr> zpages;
    unsigned n = 1 + g.below(kMaxPages);
    for (unsigned k = 0; k < n; ++k) {
      pages.push_back(random_request(g, r));
      zpages.push_back(bv64(c, pages.back()));
    }
    unsigned want = pte_need_fault(r, pages[0], cpu);
    if (value(pte_need_fault(sr, zpages[0], bv64(c, cpu))) != want)
      note(fmt::format("pte_need_fault request {} cpu {}: C++ {}", hex(pages[0]), hex(cpu), want));
    unsigned want_range = range_need_fault(r, pages, cpu);
    if (value(range_need_fault(sr, zpages, bv64(c, cpu))) != want_range)
      note(fmt::format("range_need_fault over {} pages cpu {}: C++ {}", n, hex(cpu), want_range));

    // The model's own templates on Z3 words (P0-P4) against the same templates on u64.
    if (value(model_pte_need_fault(sr, zpages[0], bv64(c, cpu))) != want)
      note(fmt::format("model pte_need_fault on Z3 words, request {} cpu {}", hex(pages[0]),
                       hex(cpu)));
    if (value(model_range_need_fault(sr, zpages, bv64(c, cpu))) != want_range)
      note(fmt::format("model range_need_fault on Z3 words, {} pages cpu {}", n, hex(cpu)));

    // The CPU-flag derivations.
    u64 w = random_word(g);
    expr zw = bv64(c, w);
    if (value(pte_cpu_flags(sr, zw)) != cpu_flags_of_word(r, Level::Pte, w))
      note("pte cpu flags of " + hex(w));
    if (value(pmd_cpu_flags(sr, zw)) != cpu_flags_of_word(r, Level::Pmd, w))
      note("pmd cpu flags of " + hex(w));
    if (value(pud_cpu_flags(sr, zw)) != cpu_flags_of_word(r, Level::Pud, w))
      note("pud cpu flags of " + hex(w));

    // The output encoding and the decoder.
    u64 pfn = g.next() >> g.below(64);
    bool acc = g.coin(), wr = g.coin();
    u64 o = output_of(r, pfn, acc, wr);
    expr zo = device_entry_from_pfn(sr, bv64(c, pfn)) |
              cpu_flags_for(sr, c.bool_val(acc), c.bool_val(wr));
    if (value(zo) != o) note(fmt::format("output of pfn {}: C++ {}", hex(pfn), hex(o)));
    if (value(output_has_page(sr, bv64(c, o))) != u64(output_has_page(r, o)))
      note("output_has_page " + hex(o));
    if (value(output_pfn(sr, bv64(c, o))) != output_pfn(r, o)) note("output_pfn " + hex(o));

    if (value(model_device_entry_from_pfn(sr, bv64(c, pfn))) != device_entry_from_pfn(r, pfn))
      note("model device_entry_from_pfn on Z3 words, pfn " + hex(pfn));
    if (value(model_cpu_flags_for(sr, c.bool_val(acc), c.bool_val(wr))) !=
        cpu_flags_for(r, acc, wr))
      note("model cpu_flags_for on Z3 words");

    // The walker's shortcuts on Z3 words (P7) against the same templates on u64.
    shortcut_mismatches(c, r, w, pages[0], cpu, g.next() & 0xffffffffffull, note);

    // The classifier, at every slot.
    u64 zero = g.coin() ? pte_pfn(*builtin_geometry("x86_64"), w) : (g.next() & 0xffffffffffull);
    for (const Slot& s : classifier_slots()) {
      Geometry geo = slot_geometry(s);
      View cpp = model_view(s, classify(geo, s.level, w, zero, s.ctx), geo, zero);
      SymView zv =
          model_view(s, model_classify(geo, s.level, zw, bv64(c, zero), s.ctx), geo, bv64(c, zero));
      View z;
      z.path = static_cast<Path>(value(zv.path));
      z.accessible = value(zv.accessible);
      z.writable = value(zv.writable);
      z.special = value(zv.special);
      z.pfn = value(zv.pfn);
      if (!(z == cpp))
        note(fmt::format("classifier {} word {} zero {}: C++ {} / Z3 {}", s.name, hex(w), hex(zero),
                         describe_view(cpp), describe_view(z)));
    }
  }
  return bad;
}

} // namespace hmmspec::proofs
