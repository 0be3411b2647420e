// SPDX-License-Identifier: GPL-2.0-or-later
// The 6.x obligations of docs/proofs.md about the output word and the CPU-flag derivations,
// proved about the model's own templates (model/range_v6.h) on Z3 words, against the hand
// encoding of the 6.x trees (hmm6_encoding.h):
//   P0.<d>.output  the model's derivation and pfn output equal the tree's, for every word
//   P0.decode      the model's pfn_of and order_bits are hmm_pfn_to_page's pfn and
//                  hmm_pfn_to_map_order
//   P5.<d>         the model's CPU flags carry VALID whenever they carry WRITE
//   P9.<d>.*       every output the 6.x code writes: WRITE implies VALID, the ERROR bit is
//                  clear, and the decoders give back the pfn, the order written and the flags
// (<d>: pte, pmd, pud, hugetlb, and device for the device-private output.) The request
// arithmetic of 6.x (P0-P4) is obligations_fault.cpp's, run on the 6.x family.
#include <fmt/format.h>

#include <functional>
#include <optional>

#include "model/range_v6.h"
#include "proofs/hmm6_encoding.h"
#include "proofs/obligations.h"
#include "proofs/replay.h"
#include "proofs/sym_word.h"
#include "proofs/x86_kernel.h"

namespace hmmspec::proofs {

namespace {

using Vars = std::vector<std::pair<std::string, expr>>;

expr bv(context& c, u64 v) {
  return bv64(c, v);
}
expr has(const expr& x, u64 bit) {
  return (x & bv(x.ctx(), bit)) != bv(x.ctx(), 0);
}
// The model's order field, pfn and flags of an output word (model/range_v6.h decoders).
expr model_order(const expr& out) {
  return hmm6::order_bits(SymWord(out)).to_expr(out.ctx(), 64);
}
expr model_pfn(const expr& out) {
  return hmm6::pfn_of(SymWord(out)).to_expr(out.ctx(), 64);
}

// One derivation: the entry facts the model's template is given (as the kernel predicates
// compute them; what the model reads from a word is P8's matter), the order the model is
// given, the tree's CPU flags and pfn, and the model's CPU flags on Z3 words and on u64.
struct Derivation {
  std::string name, cite_flags, cite_out;
  expr acc, wr, order; // model inputs: accessible (or not protnone, or present), write
  expr kernel_cpu;     // the tree's flags (hmm6_encoding.h)
  expr pfn;            // the pfn the tree writes
  expr order_written;  // the order the output must decode to
  std::function<SymWord(const SymBool&, const SymBool&, const SymWord&)> sym;
  std::function<u64(bool, bool, u64)> cpp;
  std::function<void(Check&)> domain; // offsets and orders as the tree can have them

  expr model_cpu() const {
    return sym(SymBool(acc), SymBool(wr), SymWord(order)).to_expr(acc.ctx(), 64);
  }
  expr model_out() const {
    return hmm6::pfn_output(SymWord(pfn), SymWord(model_cpu())).to_expr(acc.ctx(), 64);
  }
};

struct Concrete {
  u64 cpu, out, pfn, order_written;
};
Concrete concrete(const Derivation& d, const Vars& vars, const Assignment& a) {
  bool acc = value_at(d.acc, vars, a) != 0, wr = value_at(d.wr, vars, a) != 0;
  u64 order = value_at(d.order, vars, a), pfn = value_at(d.pfn, vars, a);
  u64 cpu = d.cpp(acc, wr, order);
  return {cpu, hmm6::pfn_output(pfn, cpu), pfn, value_at(d.order_written, vars, a)};
}

} // namespace

std::vector<Check> v6_obligations(context& c, const Encoding& enc) {
  using namespace kx86;
  std::vector<Check> out;
  const k6::Cites cite = k6::cites(enc.kernel);
  expr w = c.bv_const("word", 64), off = c.bv_const("offset", 64);
  expr order = c.bv_const("order", 64), pfn = c.bv_const("pfn", 64);
  expr wr = c.bool_const("writable");
  const expr zero = bv(c, 0);
  auto offset_below = [&](u64 limit, const char* name) {
    return [=](Check& k) { k.domain(name, z3::ult(off, bv(off.ctx(), limit))); };
  };
  expr pte_acc = !(pte_none(w) || !pte_present(w) || pte_protnone(w));

  std::vector<Derivation> ds;
  ds.push_back({"pte", cite.pte, cite.pte_out, pte_acc, (w & bv(c, x86::RW)) != zero, zero,
                k6::pte_cpu_flags(w), pte_pfn(w), zero,
                [](const SymBool& a, const SymBool& r, const SymWord&) {
                  return SymWord(hmm6::pte_cpu_flags(a, r));
                },
                [](bool a, bool r, u64) { return u64(hmm6::pte_cpu_flags(a, r)); }, [](Check&) {}});
  ds.push_back({"pmd", cite.pmd, cite.pmd_out, !pmd_protnone(w), (w & bv(c, x86::RW)) != zero,
                bv(c, k6::kPmdOrder), k6::pmd_cpu_flags(w), pmd_pfn(w) + off,
                z3::ite(pmd_protnone(w), zero, bv(c, k6::kPmdOrder)),
                [](const SymBool& a, const SymBool& r, const SymWord& o) {
                  return hmm6::pmd_cpu_flags(!a, r, o);
                },
                [](bool a, bool r, u64 o) { return hmm6::pmd_cpu_flags(!a, r, o); },
                offset_below(1ull << k6::kPmdOrder, "pmd_offset")});
  ds.push_back({"pud", cite.pud, cite.pud_out, pud_present(w), (w & bv(c, x86::RW)) != zero,
                bv(c, k6::kPudOrder), k6::pud_cpu_flags(w), pud_pfn(w) + off,
                z3::ite(pud_present(w), bv(c, k6::kPudOrder), zero),
                [](const SymBool& a, const SymBool& r, const SymWord& o) {
                  return hmm6::pud_cpu_flags(a, r, o);
                },
                [](bool a, bool r, u64 o) { return hmm6::pud_cpu_flags(a, r, o); },
                offset_below(1ull << k6::kPudOrder, "pud_offset")});
  ds.push_back({"hugetlb", cite.hugetlb, cite.hugetlb_out, pte_acc, (w & bv(c, x86::RW)) != zero,
                order, k6::hugetlb_cpu_flags(w, order), pte_pfn(w) + off, order,
                [](const SymBool& a, const SymBool& r, const SymWord& o) {
                  return hmm6::hugetlb_cpu_flags(a, r, o);
                },
                [](bool a, bool r, u64 o) { return hmm6::hugetlb_cpu_flags(a, r, o); },
                [&](Check& k) {
                  // x86 hstates are 2 MB and 1 GB: a page's offset is below 2^(PUD_SHIFT - 12)
                  k.domain("hugetlb_offset", z3::ult(off, bv(c, 1ull << k6::kPudOrder)));
                  k.pre("order_fits_5_bits", z3::ule(order, bv(c, 31)));
                }});

  for (const Derivation& d : ds) {
    auto common = [&](Check& k) {
      k.var("word", w).var("offset", off).var("order", order);
      d.domain(k);
    };
    const expr mcpu = d.model_cpu(), mout = d.model_out();
    {
      Check k(
          fmt::format("P0.{}.output", d.name),
          fmt::format("the model's {} CPU flags and pfn output are the tree's, every word", d.name),
          d.cite_flags + ", " + d.cite_out, mcpu == d.kernel_cpu && mout == (d.pfn | d.kernel_cpu));
      common(k);
      k.necessity = true;
      Vars vars = k.vars;
      k.replay = [d, vars](const Assignment& a) {
        Concrete m = concrete(d, vars, a);
        u64 kc = value_at(d.kernel_cpu, vars, a), ko = m.pfn | kc;
        return Replay{m.cpu != kc || m.out != ko,
                      fmt::format("tree: flags {} output {}; model: flags {} output {}", hex(kc),
                                  hex(ko), hex(m.cpu), hex(m.out))};
      };
      out.push_back(k);
    }
    {
      Check k(
          fmt::format("P5.{}", d.name),
          fmt::format("the model's CPU flags of every {} word carry VALID whenever WRITE", d.name),
          d.cite_flags, z3::implies(has(mcpu, hmm6::WRITE), has(mcpu, hmm6::VALID)));
      common(k);
      k.necessity = true;
      Vars vars = k.vars;
      k.replay = [d, vars](const Assignment& a) {
        Concrete m = concrete(d, vars, a);
        return Replay{(m.cpu & hmm6::WRITE) && !(m.cpu & hmm6::VALID),
                      fmt::format("cpu flags {}", hex(m.cpu))};
      };
      out.push_back(k);
    }
    {
      Check k(fmt::format("P9.{}.write_implies_valid", d.name),
              fmt::format("every {} pfn output with WRITE has VALID", d.name), d.cite_out,
              z3::implies(has(mout, hmm6::WRITE), has(mout, hmm6::VALID)));
      common(k);
      k.necessity = true;
      Vars vars = k.vars;
      k.replay = [d, vars](const Assignment& a) {
        Concrete m = concrete(d, vars, a);
        return Replay{(m.out & hmm6::WRITE) && !(m.out & hmm6::VALID),
                      fmt::format("output {}", hex(m.out))};
      };
      out.push_back(k);
    }
    {
      Check k(fmt::format("P9.{}.not_error", d.name),
              fmt::format("no {} pfn output has the ERROR bit (none equals HMM_PFN_ERROR)", d.name),
              d.cite_out, !has(mout, hmm6::ERROR));
      common(k);
      k.necessity = true;
      Vars vars = k.vars;
      k.replay = [d, vars](const Assignment& a) {
        Concrete m = concrete(d, vars, a);
        return Replay{(m.out & hmm6::ERROR) != 0, fmt::format("output {}", hex(m.out))};
      };
      out.push_back(k);
    }
    {
      Check k(fmt::format("P9.{}.decode", d.name),
              fmt::format("a {} output decodes to its pfn, the order written and the CPU flags' "
                          "VALID and WRITE",
                          d.name),
              d.cite_out + ", " + cite.header,
              model_pfn(mout) == d.pfn && model_order(mout) == d.order_written &&
                  (mout & bv(c, hmm6::VALID | hmm6::WRITE)) ==
                      (mcpu & bv(c, hmm6::VALID | hmm6::WRITE)));
      common(k);
      k.necessity = true;
      Vars vars = k.vars;
      k.replay = [d, vars](const Assignment& a) {
        Concrete m = concrete(d, vars, a);
        const u64 vw = hmm6::VALID | hmm6::WRITE;
        bool bad = hmm6::pfn_of(m.out) != m.pfn || hmm6::order_bits(m.out) != m.order_written ||
                   (m.out & vw) != (m.cpu & vw);
        return Replay{bad, fmt::format("output {}: pfn {} order {} (wrote pfn {} order {})",
                                       hex(m.out), hex(hmm6::pfn_of(m.out)), hmm6::order_of(m.out),
                                       hex(m.pfn), m.order_written)};
      };
      out.push_back(k);
    }
  }

  // 6.x reports VALID only from the CPU flags: a PTE output has VALID exactly when the entry
  // is accessible (v5.7 ORs V in always: P6.valid_means_accessible is refuted there).
  {
    const Derivation& d = ds[0];
    Check k("P9.pte.valid_means_accessible",
            "a PTE output has VALID exactly when the entry is present and not protnone",
            d.cite_flags + ", " + d.cite_out, has(d.model_out(), hmm6::VALID) == d.acc);
    k.var("word", w);
    Vars vars = k.vars;
    k.replay = [d, vars](const Assignment& a) {
      Concrete m = concrete(d, vars, a);
      bool acc = value_at(d.acc, vars, a) != 0;
      return Replay{((m.out & hmm6::VALID) != 0) != acc,
                    fmt::format("output {}, accessible {}", hex(m.out), acc)};
    };
    out.push_back(k);
  }

  // The device-private output (pfn = swp_offset_pfn, below 2^SWP_PFN_BITS: MAX_PHYSMEM_BITS
  // 46 with 4-level paging, 52 with 5-level, 6.1 include/linux/swapops.h:35-36).
  expr dev_out = hmm6::device_private_output(SymWord(pfn), SymBool(wr)).to_expr(c, 64);
  auto dev_replay = [](std::function<std::optional<std::string>(u64 pfn, u64 out)> bad) {
    return [=](const Assignment& a) {
      u64 p = a.at("pfn"), o = hmm6::device_private_output(p, a.at("writable") != 0);
      auto why = bad(p, o);
      return Replay{why.has_value(), why ? *why : fmt::format("output {}", hex(o))};
    };
  };
  {
    Check k("P0.device.output", "the model's device-private output is the tree's, every pfn",
            cite.device, dev_out == k6::device_private_output(pfn, wr));
    k.var("pfn", pfn).var("writable", wr);
    Vars vars = k.vars;
    expr kernel = k6::device_private_output(pfn, wr);
    k.replay = [kernel, vars](const Assignment& a) {
      u64 o = hmm6::device_private_output(a.at("pfn"), a.at("writable") != 0);
      u64 t = value_at(kernel, vars, a);
      return Replay{o != t, fmt::format("tree {} but model {}", hex(t), hex(o))};
    };
    out.push_back(k);
  }
  {
    Check k("P9.device.write_implies_valid", "every device-private output with WRITE has VALID",
            cite.device, z3::implies(has(dev_out, hmm6::WRITE), has(dev_out, hmm6::VALID)));
    k.var("pfn", pfn).var("writable", wr);
    k.replay = dev_replay([](u64, u64 o) -> std::optional<std::string> {
      if ((o & hmm6::WRITE) && !(o & hmm6::VALID)) return fmt::format("output {}", hex(o));
      return std::nullopt;
    });
    out.push_back(k);
  }
  for (unsigned phys : {46u, 52u}) {
    const unsigned bits = phys - 12; // SWP_PFN_BITS = MAX_PHYSMEM_BITS - PAGE_SHIFT
    const std::string pre = fmt::format("pfn_below_2_{}", bits);
    {
      Check k(fmt::format("P9.device.not_error.{}", phys),
              fmt::format("no device-private output has the ERROR bit (MAX_PHYSMEM_BITS {})", phys),
              cite.device, !has(dev_out, hmm6::ERROR));
      k.var("pfn", pfn).var("writable", wr);
      k.pre(pre, z3::ult(pfn, bv(c, 1ull << bits)));
      k.necessity = true;
      k.replay = dev_replay([](u64, u64 o) -> std::optional<std::string> {
        if (o & hmm6::ERROR) return fmt::format("output {} has ERROR", hex(o));
        return std::nullopt;
      });
      out.push_back(k);
    }
    {
      Check k(fmt::format("P9.device.decode.{}", phys),
              fmt::format("a device-private output decodes to its pfn, order 0, VALID and WRITE "
                          "as the entry (MAX_PHYSMEM_BITS {})",
                          phys),
              cite.device + ", " + cite.header,
              model_pfn(dev_out) == pfn && model_order(dev_out) == zero &&
                  has(dev_out, hmm6::VALID) && has(dev_out, hmm6::WRITE) == wr);
      k.var("pfn", pfn).var("writable", wr);
      k.pre(pre, z3::ult(pfn, bv(c, 1ull << bits)));
      k.necessity = true;
      k.replay = dev_replay([](u64 p, u64 o) -> std::optional<std::string> {
        if (hmm6::pfn_of(o) != p || hmm6::order_of(o) != 0 || !(o & hmm6::VALID))
          return fmt::format("output {} decodes to pfn {} order {}", hex(o), hex(hmm6::pfn_of(o)),
                             hmm6::order_of(o));
        return std::nullopt;
      });
      out.push_back(k);
    }
    // Any pfn of that width with any order that fits the field and any flags: the order field
    // never overlaps the pfn, and hmm_pfn_to_map_order gives back the order written.
    {
      expr flags = c.bv_const("flags", 64);
      expr o = hmm6::pfn_output(SymWord(pfn), hmm6::pfn_flags_order(SymWord(order)) |
                                                  (SymWord(flags) & (hmm6::VALID | hmm6::WRITE)))
                   .to_expr(c, 64);
      Check k(fmt::format("P9.order.{}", phys),
              fmt::format("pfn | flags | order << 56 decodes to the pfn and the order, for every "
                          "pfn below 2^{} and order 0..31",
                          bits),
              cite.order + ", " + cite.header,
              model_pfn(o) == pfn && model_order(o) == order && !has(o, hmm6::ERROR));
      k.var("pfn", pfn).var("order", order).var("flags", flags);
      k.pre(pre, z3::ult(pfn, bv(c, 1ull << bits)));
      k.pre("order_fits_5_bits", z3::ule(order, bv(c, 31)));
      k.necessity = true;
      k.replay = [](const Assignment& a) {
        u64 p = a.at("pfn"), ord = a.at("order");
        u64 w = hmm6::pfn_output(p, hmm6::pfn_flags_order(ord) |
                                        (a.at("flags") & (hmm6::VALID | hmm6::WRITE)));
        bool bad = hmm6::pfn_of(w) != p || hmm6::order_bits(w) != ord || (w & hmm6::ERROR);
        return Replay{bad, fmt::format("output {} decodes to pfn {} order {}", hex(w),
                                       hex(hmm6::pfn_of(w)), hmm6::order_of(w))};
      };
      out.push_back(k);
    }
  }
  {
    Check k("P0.decode", "the model's pfn_of and order_bits are the header's decoders", cite.header,
            model_pfn(w) == k6::page_pfn(w) && model_order(w) == k6::map_order(w));
    k.var("word", w);
    Vars vars = k.vars;
    expr tp = k6::page_pfn(w), to = k6::map_order(w);
    k.replay = [tp, to, vars](const Assignment& a) {
      u64 x = a.at("word"), p = value_at(tp, vars, a), od = value_at(to, vars, a);
      return Replay{hmm6::pfn_of(x) != p || hmm6::order_bits(x) != od,
                    fmt::format("header pfn {} order {}; model pfn {} order {}", hex(p), od,
                                hex(hmm6::pfn_of(x)), hmm6::order_of(x))};
    };
    out.push_back(k);
  }
  return out;
}

} // namespace hmmspec::proofs
