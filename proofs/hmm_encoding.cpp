// SPDX-License-Identifier: GPL-2.0-or-later
#include "proofs/hmm_encoding.h"

#include "model/range_v6.h"
#include "proofs/x86_kernel.h"

namespace hmmspec::proofs {

namespace {

expr zero64(context& c) {
  return bv64(c, 0);
}

} // namespace

SymRange sym_range(context& c, const Encoding& enc) {
  if (has_v6_api(enc.kernel)) {
    // 6.1 include/linux/hmm.h:36-43: VALID bit 63 (= REQ_FAULT), WRITE bit 62 (= REQ_WRITE),
    // ERROR bit 61; no SPECIAL (ERROR stands in, never written), no pfn_shift.
    const u64 valid = 1ull << 63, write = 1ull << 62, error = 1ull << 61;
    return SymRange{bv64(c, valid),
                    bv64(c, write),
                    bv64(c, error),
                    bv64(c, 0),
                    bv64(c, error),
                    c.bv_const("default_flags", 64),
                    c.bv_const("pfn_flags_mask", 64),
                    bv64(c, 0),
                    bv64(c, enc.pfn_bits),
                    false,
                    enc.kernel};
  }
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
                    true,
                    enc.kernel};
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
                  false,
                  enc.kernel};
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
  if (has_v6_api(r.kernel)) chk.var("api_v6", bv64(r.V.ctx(), 1));
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
  return get("api_v6", 0) ? hmm6::range_as_read(r) : r;
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

SeedLoop range_need_loop_start(context& c) {
  return {need_none(c), c.bool_val(false)};
}

SeedLoop range_need_loop_step(const SymRange& r, const SeedLoop& s, const expr& request,
                              const expr& cpu) {
  expr required = s.required | pte_need_fault(r, request, cpu);
  return {z3::ite(s.returned, s.required, required), s.returned || required == need_all(r.V.ctx())};
}

expr range_need_fault(const SymRange& r, const std::vector<expr>& requests, const expr& cpu) {
  context& c = r.V.ctx();
  SeedLoop s = range_need_loop_start(c);
  for (const expr& p : requests) s = range_need_loop_step(r, s, p, cpu);
  return z3::ite(short_circuit(r), need_none(c), s.required);
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

SeedPte handle_pte(const SymRange& r, const expr& w, const expr& req, const expr& zero_pfn) {
  using namespace kx86;
  context& c = w.ctx();
  expr need0 = pte_need_fault(r, req, zero64(c)) != need_none(c); // orig_pfn, cpu_flags 0
  expr not_mapped = pte_none(w) || !pte_present(w);               // hmm.c:247, 255
  expr device = !pte_none(w) && !pte_present(w) &&                // hmm.c:262
                is_device_private_type(swp_type_of_pte(w));
  expr cpu = pte_cpu_flags(r, w);                                   // hmm.c:292
  expr need_cpu = pte_need_fault(r, req, cpu) != need_none(c);      // hmm.c:293-295
  expr special_not_zero = pte_special(w) && pte_pfn(w) != zero_pfn; // hmm.c:301
  expr stops = z3::ite(not_mapped, need0, need_cpu || (special_not_zero && need0));
  expr out = z3::ite(not_mapped, r.N, z3::ite(special_not_zero, r.S, present_pte_output(r, w)));
  return {device, stops, out};
}

expr present_pte_output(const SymRange& r, const expr& w) {
  return device_entry_from_pfn(r, kx86::pte_pfn(w)) | pte_cpu_flags(r, w);
}

expr output_has_page(const SymRange& r, const expr& out) {
  return out != r.N && out != r.E && out != r.S && any(out, r.V);
}

expr output_pfn(const SymRange& r, const expr& out) {
  return z3::lshr(out, r.shift);
}

} // namespace hmmspec::proofs
