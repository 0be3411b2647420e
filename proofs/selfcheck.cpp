// SPDX-License-Identifier: GPL-2.0-or-later
#include "proofs/selfcheck.h"

#include <fmt/format.h>

#include "proofs/model_classifier.h"
#include "proofs/obligations.h"
#include "proofs/replay.h"

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

} // namespace

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
