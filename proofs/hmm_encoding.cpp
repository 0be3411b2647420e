// SPDX-License-Identifier: GPL-2.0-or-later
#include "proofs/hmm_encoding.h"

#include "proofs/x86_kernel.h"

namespace hmmspec::proofs {

namespace {

expr zero64(context& c) {
  return bv64(c, 0);
}

} // namespace

SymRange sym_range(context& c, const Encoding& enc) {
  if (enc.symbolic)
    return SymRange{c.bv_const("V", 64),
                    c.bv_const("W", 64),
                    c.bv_const("ERROR", 64),
                    c.bv_const("NONE", 64),
                    c.bv_const("SPECIAL", 64),
                    c.bv_const("default_flags", 64),
                    c.bv_const("pfn_flags_mask", 64),
                    c.bv_const("pfn_shift", 64),
                    c.bv_const("pfn_bits", 64),
                    true};
  const HmmRange& r = enc.range;
  return SymRange{bv64(c, r.flags[HMM_PFN_VALID]),
                  bv64(c, r.flags[HMM_PFN_WRITE]),
                  bv64(c, r.values[HMM_PFN_ERROR]),
                  bv64(c, r.values[HMM_PFN_NONE]),
                  bv64(c, r.values[HMM_PFN_SPECIAL]),
                  bv64(c, r.default_flags),
                  bv64(c, r.pfn_flags_mask),
                  bv64(c, r.pfn_shift),
                  bv64(c, enc.pfn_bits),
                  false};
}

void add_range_domain(Check& chk, const SymRange& r) {
  if (!r.symbolic) return;
  // pfn_shift is a uint8_t, and a shift of a 64-bit pfn by 64 or more is undefined in C.
  chk.domain("pfn_shift_below_64", z3::ult(r.shift, bv64(r.V.ctx(), 64)));
  chk.domain("pfn_bits_1_to_64",
             z3::uge(r.pfn_bits, bv64(r.V.ctx(), 1)) && z3::ule(r.pfn_bits, bv64(r.V.ctx(), 64)));
}

void add_range_vars(Check& chk, const SymRange& r) {
  chk.var("V", r.V).var("W", r.W).var("ERROR", r.E).var("NONE", r.N).var("SPECIAL", r.S);
  chk.var("default_flags", r.D).var("pfn_flags_mask", r.M).var("pfn_shift", r.shift);
  chk.var("pfn_bits", r.pfn_bits);
}

void encoding_pre(Check& chk, const SymRange& r, std::string name, const expr& e) {
  if (r.symbolic) chk.pre(std::move(name), e);
}

HmmRange range_of(const Assignment& a) {
  HmmRange r;
  auto get = [&](const char* k, u64 dflt) {
    auto it = a.find(k);
    return it == a.end() ? dflt : it->second;
  };
  r.flags = {get("V", r.flags[0]), get("W", r.flags[1])};
  r.values = {get("ERROR", r.values[0]), get("NONE", r.values[1]), get("SPECIAL", r.values[2])};
  r.default_flags = get("default_flags", r.default_flags);
  r.pfn_flags_mask = get("pfn_flags_mask", r.pfn_flags_mask);
  r.pfn_shift = std::uint8_t(get("pfn_shift", r.pfn_shift));
  return r;
}

expr need_none(context& c) {
  return bv32(c, 0);
}
expr need_all(context& c) {
  return bv32(c, HMM_NEED_ALL_BITS);
}

expr any(const expr& x, const expr& mask) {
  return (x & mask) != zero64(x.ctx());
}

expr effective_request(const SymRange& r, const expr& p) {
  return (p & r.M) | r.D;
}
expr asks_read(const SymRange& r, const expr& p) {
  return any(effective_request(r, p), r.V);
}
expr asks_write(const SymRange& r, const expr& p) {
  return asks_read(r, p) && any(effective_request(r, p), r.W);
}

expr pte_need_fault(const SymRange& r, const expr& request, const expr& cpu) {
  context& c = request.ctx();
  expr req = effective_request(r, request);
  return z3::ite(!any(req, r.V), bv32(c, 0),
                 z3::ite(any(req, r.W) && !any(cpu, r.W),
                         bv32(c, HMM_NEED_FAULT | HMM_NEED_WRITE_FAULT),
                         z3::ite(!any(cpu, r.V), bv32(c, HMM_NEED_FAULT), bv32(c, 0))));
}

expr short_circuit(const SymRange& r) {
  return !any(r.D | r.M, r.V);
}

expr range_need_fault(const SymRange& r, const std::vector<expr>& requests, const expr& cpu) {
  context& c = r.V.ctx();
  // Built from the last page backwards: after page i the loop either stops at ALL or goes on.
  // loop(i, acc) = let acc' = acc | need(p_i) in (acc' == ALL ? ALL : loop(i+1, acc')).
  std::vector<expr> acc{need_none(c)};
  for (const expr& p : requests) acc.push_back(acc.back() | pte_need_fault(r, p, cpu));
  expr result = acc.back();
  for (size_t i = requests.size(); i-- > 0;)
    result = z3::ite(acc[i + 1] == need_all(c), need_all(c), result);
  return z3::ite(short_circuit(r), need_none(c), result);
}

expr full_or_need_fault(const SymRange& r, const std::vector<expr>& requests, const expr& cpu) {
  expr acc = need_none(r.V.ctx());
  for (const expr& p : requests) acc = acc | pte_need_fault(r, p, cpu);
  return acc;
}

expr cpu_flags_for(const SymRange& r, const expr& accessible, const expr& writable) {
  return z3::ite(!accessible, zero64(r.V.ctx()), z3::ite(writable, r.V | r.W, r.V));
}

expr pte_cpu_flags(const SymRange& r, const expr& w) {
  using namespace kx86;
  return cpu_flags_for(r, !(pte_none(w) || !pte_present(w) || pte_protnone(w)), pte_write(w));
}
expr pmd_cpu_flags(const SymRange& r, const expr& w) {
  return cpu_flags_for(r, !kx86::pmd_protnone(w), kx86::pmd_write(w));
}
expr pud_cpu_flags(const SymRange& r, const expr& w) {
  return cpu_flags_for(r, kx86::pud_present(w), kx86::pud_write(w));
}

expr device_entry_from_pfn(const SymRange& r, const expr& pfn) {
  return z3::shl(pfn, r.shift) | r.V;
}

expr output_has_page(const SymRange& r, const expr& out) {
  return out != r.N && out != r.E && out != r.S && any(out, r.V);
}

expr output_pfn(const SymRange& r, const expr& out) {
  return z3::lshr(out, r.shift);
}

} // namespace hmmspec::proofs
