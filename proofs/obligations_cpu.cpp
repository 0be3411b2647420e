// SPDX-License-Identifier: GPL-2.0-or-later
// P5: the CPU flags of every PTE, PMD and PUD word (pte_to_hmm_pfn_flags hmm.c:227-234,
// pmd_to_hmm_pfn_flags hmm.c:181-188, pud_to_hmm_pfn_flags hmm.c:401-408) never carry W
// without V. Hugetlb slots use the PTE derivation (hmm.c:492).
#include <fmt/format.h>

#include "proofs/obligations.h"
#include "proofs/replay.h"

namespace hmmspec::proofs {

std::vector<Check> cpu_flag_obligations(context& c, const Encoding& enc) {
  std::vector<Check> out;
  SymRange r = sym_range(c, enc);
  expr word = c.bv_const("word", 64);
  struct Derivation {
    const char* name;
    Level level;
    const char* cite;
    expr (*flags)(const SymRange&, const expr&);
  };
  const Derivation ds[] = {{"pte", Level::Pte, "hmm.c:227-234", pte_cpu_flags},
                           {"pmd", Level::Pmd, "hmm.c:181-188", pmd_cpu_flags},
                           {"pud", Level::Pud, "hmm.c:401-408", pud_cpu_flags}};
  for (const Derivation& d : ds) {
    expr cpu = d.flags(r, word);
    Check k(fmt::format("P5.{}", d.name),
            fmt::format("the CPU flags of every {} word carry V whenever they carry W", d.name),
            d.cite, z3::implies(any(cpu, r.W), any(cpu, r.V)));
    add_range_domain(k, r);
    add_range_vars(k, r);
    encoding_pre(k, r, "v_nonzero", r.V != bv64(c, 0));
    k.var("word", word);
    k.necessity = true;
    Level l = d.level;
    k.replay = [l](const Assignment& a) {
      HmmRange rr = range_of(a);
      u64 f = cpu_flags_of_word(rr, l, a.at("word"));
      bool bad = (f & rr.flags[HMM_PFN_WRITE]) && !(f & rr.flags[HMM_PFN_VALID]);
      return Replay{bad, fmt::format("cpu flags of {} = {}", hex(a.at("word")), hex(f))};
    };
    out.push_back(k);
  }
  return out;
}

} // namespace hmmspec::proofs
