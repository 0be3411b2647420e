// SPDX-License-Identifier: GPL-2.0-or-later
// P7: the bit-level shortcuts an optimized walker may take (issue 5: runs handled as runs,
// uniform requests when pfn_flags_mask is 0, the short-circuit of hmm.c:144-146), each proved
// equal to the seed's formula under its guard. To add a shortcut, add one entry to
// shortcut_obligations(): its guard(s) as preconditions, the seed's value and the shortcut's
// value; runs over pages get an unrolled check (1..8 pages) and an induction.
//
// Covered: S1 uniform requests (mask 0), S2 the short-circuit (is P3), S3 writable entries
// never fault, S4 a run's answer from two aggregated bits, S5 the OR of the raw requests
// (needs every W request to carry V), S6 consecutive outputs differ by 1 << pfn_shift.
#include <fmt/format.h>

#include "proofs/obligations.h"
#include "proofs/replay.h"

namespace hmmspec::proofs {

namespace {

std::string pages_text(std::span<const u64> p) {
  std::string s;
  for (u64 v : p) s += (s.empty() ? "" : ",") + hex(v);
  return "[" + s + "]";
}

// Replays "seed == shortcut" over 1..kMaxPages pages, honouring a per-run guard.
Replayer replay_run(std::function<bool(const HmmRange&, std::span<const u64>, u64)> guard,
                    std::function<unsigned(const HmmRange&, std::span<const u64>, u64)> shortcut) {
  return [guard, shortcut](const Assignment& a) {
    HmmRange r = range_of(a);
    std::vector<u64> all = pages_of(a, kMaxPages);
    u64 cpu = a.at("cpu_flags");
    for (unsigned n = 1; n <= kMaxPages; ++n) {
      std::span<const u64> ps(all.data(), n);
      if (!guard(r, ps, cpu)) continue;
      unsigned seed = range_need_fault(r, ps, cpu), fast = shortcut(r, ps, cpu);
      if (seed != fast)
        return Replay{true, fmt::format("{} page(s) {}: seed {} but shortcut {}", n, pages_text(ps),
                                        seed, fast)};
    }
    return Replay{false, "the C++ seed formula and the shortcut agree for every page count"};
  };
}

// S4: a run's answer from "some page asks read" (A) and "some page asks write" (B).
expr closed_form(const expr& A, const expr& B, const SymRange& r, const expr& cpu) {
  context& c = cpu.ctx();
  return z3::ite(B && !any(cpu, r.W), bv32(c, 3), bv32(c, 0)) |
         z3::ite(A && !any(cpu, r.V), bv32(c, 1), bv32(c, 0));
}
unsigned closed_form(bool A, bool B, const HmmRange& r, u64 cpu) {
  return ((B && !(cpu & r.flags[1])) ? 3u : 0u) | ((A && !(cpu & r.flags[0])) ? 1u : 0u);
}

} // namespace

std::vector<Check> shortcut_obligations(context& c, const Encoding& enc) {
  std::vector<Check> out;
  SymRange r = sym_range(c, enc);
  expr cpu = c.bv_const("cpu_flags", 64);
  expr p = c.bv_const("p0", 64);
  std::vector<expr> pages = page_vars(c, kMaxPages);
  expr zero = need_none(c), all3 = need_all(c), z64 = bv64(c, 0);
  auto with_pages = [&](Check& k) {
    add_range_domain(k, r);
    add_range_vars(k, r);
    for (unsigned i = 0; i < kMaxPages; ++i) k.var(fmt::format("p{}", i), pages[i]);
    k.var("cpu_flags", cpu);
  };
  auto unrolled = [&](const std::function<expr(const std::vector<expr>&)>& claim_n) {
    expr all = c.bool_val(true);
    for (unsigned n = 1; n <= kMaxPages; ++n)
      all = all && claim_n({pages.begin(), pages.begin() + n});
    return all;
  };
  auto induction_common = [&](Check& k) {
    add_range_domain(k, r);
    add_range_vars(k, r);
    k.var("p0", p).var("cpu_flags", cpu);
  };

  // ---- S1: uniform requests when pfn_flags_mask is 0 ------------------------------------
  {
    expr uniform = pte_need_fault(r, z64, cpu); // any request word gives the same answer
    Check k("P7.S1.uniform_mask_zero.unrolled",
            "mask 0: a run's answer is one evaluation of default_flags, whatever pfns[] holds "
            "(1..8 pages)",
            "hmm.c:113, 130-155", unrolled([&](const std::vector<expr>& ps) {
              return range_need_fault(r, ps, cpu) == uniform;
            }));
    with_pages(k);
    k.pre("mask_zero", r.M == z64);
    k.necessity = true;
    k.replay = replay_run(
        [](const HmmRange&, std::span<const u64>, u64) { return true; },
        [](const HmmRange& rr, std::span<const u64>, u64 f) { return pte_need_fault(rr, 0, f); });
    out.push_back(k);

    expr s_acc = c.bv_const("loop_required", 32), s_done = c.bool_const("loop_returned");
    expr acc2 = s_acc | pte_need_fault(r, p, cpu);
    expr first = pte_need_fault(r, c.bv_const("first_page", 64), cpu);
    Induction ind{"P7.S1.uniform_mask_zero.induction",
                  "mask 0: a run's answer is one evaluation, any run length >= 1",
                  "hmm.c:113, 130-155",
                  {s_acc, s_done},
                  {first, first == all3},
                  {z3::ite(s_done, s_acc, acc2), s_done || acc2 == all3},
                  [&](const std::vector<expr>& s) {
                    return s[0] == uniform && z3::implies(s[1], s[0] == all3);
                  },
                  [&](const std::vector<expr>& s) {
                    return z3::ite(short_circuit(r), zero, s[0]) == uniform;
                  }};
    for (Check& ik : induction_checks(ind, [&](Check& ck) {
           induction_common(ck);
           ck.pre("mask_zero", r.M == z64);
         }))
      out.push_back(ik);
  }

  // ---- S3: a writable CPU entry never needs a fault -------------------------------------
  {
    expr t = c.bool_val(true);
    Check k("P7.S3.writable_never_faults",
            "CPU flags V|W: no request needs a fault (a writable run is filled "
            "without reading pfns[])",
            "hmm.c:98-128", pte_need_fault(r, p, cpu_flags_for(r, t, t)) == zero);
    add_range_domain(k, r);
    add_range_vars(k, r);
    k.var("p0", p);
    k.replay = [](const Assignment& a) {
      HmmRange rr = range_of(a);
      unsigned n = pte_need_fault(rr, a.at("p0"), cpu_flags_for(rr, true, true));
      return Replay{n != 0, fmt::format("pte_need_fault = {}", n)};
    };
    out.push_back(k);
  }

  // ---- S4: a run's answer from two aggregated bits --------------------------------------
  {
    Check k("P7.S4.aggregate.unrolled",
            "a run's answer = (some page asks write and CPU lacks W ? 3) | (some page asks read "
            "and CPU lacks V ? 1)",
            "hmm.c:98-155", unrolled([&](const std::vector<expr>& ps) {
              expr A = c.bool_val(false), B = c.bool_val(false);
              for (const expr& q : ps) {
                A = A || asks_read(r, q);
                B = B || asks_write(r, q);
              }
              return range_need_fault(r, ps, cpu) == closed_form(A, B, r, cpu);
            }));
    with_pages(k);
    k.replay = replay_run([](const HmmRange&, std::span<const u64>, u64) { return true; },
                          [](const HmmRange& rr, std::span<const u64> ps, u64 f) {
                            bool A = false, B = false;
                            for (u64 q : ps) {
                              A = A || asks_read(rr, q);
                              B = B || asks_write(rr, q);
                            }
                            return closed_form(A, B, rr, f);
                          });
    out.push_back(k);

    expr s_acc = c.bv_const("loop_required", 32), s_done = c.bool_const("loop_returned");
    expr sA = c.bool_const("some_asks_read"), sB = c.bool_const("some_asks_write");
    expr acc2 = s_acc | pte_need_fault(r, p, cpu);
    expr sc = short_circuit(r);
    Induction ind{"P7.S4.aggregate.induction",
                  "a run's answer from two aggregated bits, any run length",
                  "hmm.c:98-155",
                  {s_acc, s_done, sA, sB},
                  {zero, c.bool_val(false), c.bool_val(false), c.bool_val(false)},
                  {z3::ite(s_done, s_acc, acc2), s_done || acc2 == all3, sA || asks_read(r, p),
                   sB || asks_write(r, p)},
                  [&](const std::vector<expr>& s) {
                    return s[0] == closed_form(s[2], s[3], r, cpu) &&
                           z3::implies(s[1], s[0] == all3) && z3::implies(sc, !s[2] && !s[3]);
                  },
                  [&](const std::vector<expr>& s) {
                    return z3::ite(sc, zero, s[0]) == closed_form(s[2], s[3], r, cpu);
                  }};
    for (Check& ik : induction_checks(ind, induction_common)) out.push_back(ik);
  }

  // ---- S5: the OR of the raw requests ---------------------------------------------------
  {
    auto wellformed = [&](const expr& q) {
      return z3::implies(any(effective_request(r, q), r.W), any(effective_request(r, q), r.V));
    };
    expr all_wf = c.bool_val(true);
    for (const expr& q : pages) all_wf = all_wf && wellformed(q);
    Check k("P7.S5.raw_or.unrolled",
            "a run's answer = pte_need_fault(OR of the run's requests), when every request with W "
            "has V (1..8 pages)",
            "hmm.c:98-155", unrolled([&](const std::vector<expr>& ps) {
              expr o = z64;
              for (const expr& q : ps) o = o | q;
              return range_need_fault(r, ps, cpu) == pte_need_fault(r, o, cpu);
            }));
    with_pages(k);
    k.pre("every_write_request_asks_read", all_wf);
    k.necessity = true;
    k.replay = replay_run([](const HmmRange&, std::span<const u64>, u64) { return true; },
                          [](const HmmRange& rr, std::span<const u64> ps, u64 f) {
                            u64 o = 0;
                            for (u64 q : ps) o |= q;
                            return pte_need_fault(rr, o, f);
                          });
    out.push_back(k);

    expr s_acc = c.bv_const("loop_required", 32), s_done = c.bool_const("loop_returned");
    expr s_or = c.bv_const("or_of_requests", 64);
    expr first = c.bv_const("first_page", 64);
    expr acc2 = s_acc | pte_need_fault(r, p, cpu);
    Induction ind{"P7.S5.raw_or.induction",
                  "the OR of the raw requests, any run length >= 1",
                  "hmm.c:98-155",
                  {s_acc, s_done, s_or},
                  {pte_need_fault(r, first, cpu), pte_need_fault(r, first, cpu) == all3, first},
                  {z3::ite(s_done, s_acc, acc2), s_done || acc2 == all3, s_or | p},
                  [&](const std::vector<expr>& s) {
                    return s[0] == pte_need_fault(r, s[2], cpu) &&
                           z3::implies(s[1], s[0] == all3) && wellformed(s[2]);
                  },
                  [&](const std::vector<expr>& s) {
                    return z3::ite(short_circuit(r), zero, s[0]) == pte_need_fault(r, s[2], cpu);
                  }};
    for (Check& ik : induction_checks(ind, [&](Check& ck) {
           induction_common(ck);
           ck.pre("first_request_asks_read_if_write", wellformed(first));
           ck.pre("next_request_asks_read_if_write", wellformed(p));
         }))
      out.push_back(ik);
  }

  // ---- S6: consecutive outputs of a huge entry -------------------------------------------
  {
    expr pfn = c.bv_const("pfn", 64);
    expr acc = c.bool_const("accessible"), wr = c.bool_const("writable");
    expr cpuf = cpu_flags_for(r, acc, wr);
    expr o0 = device_entry_from_pfn(r, pfn) | cpuf;
    expr o1 = device_entry_from_pfn(r, pfn + bv64(c, 1)) | cpuf;
    Check k("P7.S6.output_increment",
            "the output of pfn+1 is the output of pfn plus 1 << pfn_shift "
            "(a huge run's fill as an addition)",
            "hmm.c:207-209, 454-457, 499-502", o1 == o0 + z3::shl(bv64(c, 1), r.shift));
    add_range_domain(k, r);
    add_range_vars(k, r);
    k.var("pfn", pfn).var("accessible", acc).var("writable", wr);
    encoding_pre(k, r, "flags_below_pfn_shift", z3::lshr(r.V | r.W, r.shift) == z64);
    k.necessity = true;
    k.replay = [](const Assignment& a) {
      HmmRange rr = range_of(a);
      u64 pf = a.at("pfn");
      bool ac = a.at("accessible"), w = a.at("writable");
      u64 x0 = output_of(rr, pf, ac, w), x1 = output_of(rr, pf + 1, ac, w);
      u64 step = 1ull << rr.pfn_shift;
      return Replay{x1 != x0 + step,
                    fmt::format("output(pfn) = {}, output(pfn+1) = {}, output(pfn) + {} = {}",
                                hex(x0), hex(x1), hex(step), hex(x0 + step))};
    };
    out.push_back(k);
  }
  return out;
}

} // namespace hmmspec::proofs
