// SPDX-License-Identifier: GPL-2.0-or-later
#include "proofs/model_encoding.h"

#include "model/range.h"
#include "model/range_v6.h"

namespace hmmspec::proofs {

namespace {

RangeNeedLoop<SymWord> loop_of(const ModelLoop& s) {
  return {SymWord(s.required), SymBool(s.returned)};
}
ModelLoop terms_of(context& c, const RangeNeedLoop<SymWord>& s) {
  return {s.required.to_expr(c, 32), s.returned.to_expr(c)};
}

} // namespace

SymHmmRange sym_hmm_range(const SymRange& r) {
  SymHmmRange h{{SymWord(r.V), SymWord(r.W)},
                {SymWord(r.E), SymWord(r.N), SymWord(r.S)},
                SymWord(r.D),
                SymWord(r.M),
                SymWord(r.shift)};
  // 6.x: the reference reads the caller's range through hmm6::range_as_read (its own bits).
  return has_v6_api(r.kernel) ? hmm6::range_as_read(h) : h;
}

expr model_pte_need_fault(const SymRange& r, const expr& request, const expr& cpu_flags) {
  return hmmspec::pte_need_fault(sym_hmm_range(r), SymWord(request), SymWord(cpu_flags))
      .to_expr(request.ctx(), 32);
}

expr model_range_need_fault(const SymRange& r, const std::vector<expr>& requests,
                            const expr& cpu_flags) {
  std::vector<SymWord> words;
  for (const expr& p : requests) words.emplace_back(p);
  return hmmspec::range_need_fault(sym_hmm_range(r), std::span<const SymWord>(words),
                                   SymWord(cpu_flags))
      .to_expr(cpu_flags.ctx(), 32);
}

expr model_cpu_flags_for(const SymRange& r, const expr& accessible, const expr& writable) {
  if (has_v6_api(r.kernel)) // 6.x: the reference's pte_to_hmm_pfn_flags (model/range_v6.h)
    return SymWord(hmm6::pte_cpu_flags(SymBool(accessible), SymBool(writable)))
        .to_expr(accessible.ctx(), 64);
  return hmmspec::cpu_flags_for(sym_hmm_range(r), SymBool(accessible), SymBool(writable))
      .to_expr(accessible.ctx(), 64);
}

expr model_device_entry_from_pfn(const SymRange& r, const expr& pfn) {
  return hmmspec::device_entry_from_pfn(sym_hmm_range(r), SymWord(pfn)).to_expr(pfn.ctx(), 64);
}

ModelLoop model_range_need_start(const SymRange& r) {
  return terms_of(r.V.ctx(), hmmspec::range_need_start<SymWord>(sym_hmm_range(r)));
}

ModelLoop model_range_need_step(const SymRange& r, const ModelLoop& s, const expr& request,
                                const expr& cpu_flags) {
  return terms_of(request.ctx(), hmmspec::range_need_step(sym_hmm_range(r), loop_of(s),
                                                          SymWord(request), SymWord(cpu_flags)));
}

} // namespace hmmspec::proofs
