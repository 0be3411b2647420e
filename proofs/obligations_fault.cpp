// SPDX-License-Identifier: GPL-2.0-or-later
// P0-P4: the fault decision. P0: the model's hmm_pte_need_fault (hmm.c:98-128),
// hmm_range_need_fault (hmm.c:130-155), CPU flags and output encoding (model/range.h, the
// templates the reference runs) equal the hand encoding of the seed. P1-P4: the model's
// functions are sound, over every request word, every CPU-flags word and every encoding.
#include <fmt/format.h>

#include <stdexcept>

#include "model/range_v6.h"
#include "proofs/model_encoding.h"
#include "proofs/obligations.h"
#include "proofs/replay.h"

namespace hmmspec::proofs {

namespace {

constexpr const char* kPteCite = "hmm.c:98-128";
constexpr const char* kRangeCite = "hmm.c:130-155";
constexpr const char* kShortCite = "hmm.c:144-146";
constexpr const char* kRequestShortCite = "hmm.c:113-117,144-146";

// The lines of a v5.7 citation in the family under proof: 6.1 and 6.12 have the same lines
// for the request arithmetic (mm/hmm.c:86-145 in both).
std::string cite_in(const SymRange& r, const char* v57) {
  if (!has_v6_api(r.kernel)) return v57;
  const std::string_view c = v57;
  const char* lines = c == kPteCite            ? "86-118"
                      : c == kRangeCite        ? "120-145"
                      : c == kShortCite        ? "134-136"
                      : c == kRequestShortCite ? "102-107,134-136"
                                               : nullptr;
  if (!lines) throw std::logic_error(std::string("no 6.x lines for ") + v57);
  return fmt::format("{} mm/hmm.c:{}", version_name(r.kernel), lines);
}

// The CPU flags the reference gives an entry (accessible, writable): model/range.h
// cpu_flags_for for v5.7, hmm6::pte_cpu_flags for a 6.x family (api_v6 in the assignment).
u64 cpu_flags_replay(const HmmRange& rr, const Assignment& a, bool accessible, bool writable) {
  auto it = a.find("api_v6");
  if (it != a.end() && it->second) return hmm6::pte_cpu_flags(accessible, writable);
  return cpu_flags_for(rr, accessible, writable);
}

expr bit_set(const expr& need, unsigned b) {
  return (need & bv32(need.ctx(), b)) != bv32(need.ctx(), 0);
}
// Write implies valid for a NEED_* answer.
expr write_implies_valid(const expr& need) {
  return z3::implies(bit_set(need, HMM_NEED_WRITE_FAULT), bit_set(need, HMM_NEED_FAULT));
}
bool cpp_write_implies_valid(unsigned n) {
  return !(n & HMM_NEED_WRITE_FAULT) || (n & HMM_NEED_FAULT);
}

expr met(const SymRange& r, const expr& p, const expr& acc, const expr& wr) {
  return z3::implies(asks_read(r, p), acc) && z3::implies(asks_write(r, p), acc && wr);
}

std::string pages_text(const std::vector<u64>& p) {
  std::string s;
  for (u64 v : p) s += (s.empty() ? "" : ",") + hex(v);
  return "[" + s + "]";
}

// Replays a claim over 1..kMaxPages pages; `fails(r, pages, a)` says whether the C++ model
// violates the claim for that page count.
Replayer
replay_pages(std::function<std::optional<std::string>(const HmmRange&, std::span<const u64>,
                                                      const Assignment&)>
                 fails) {
  return [fails](const Assignment& a) {
    HmmRange r = range_of(a);
    std::vector<u64> all = pages_of(a, kMaxPages);
    for (unsigned n = 1; n <= kMaxPages; ++n) {
      std::span<const u64> pages(all.data(), n);
      if (auto why = fails(r, pages, a))
        return Replay{true, fmt::format("with {} page(s) {}: {}", n,
                                        pages_text({all.begin(), all.begin() + n}), *why)};
    }
    return Replay{false, "the C++ model satisfies the claim for every page count 1.." +
                             std::to_string(kMaxPages)};
  };
}

void common(Check& k, const SymRange& r) {
  add_range_domain(k, r);
  add_range_vars(k, r);
}

// The plain OR of the model's pte_need_fault over the pages (no short-circuit, no early exit).
expr model_full_or(const SymRange& r, const std::vector<expr>& pages, const expr& cpu) {
  expr acc = need_none(cpu.ctx());
  for (const expr& p : pages) acc = acc | model_pte_need_fault(r, p, cpu);
  return acc;
}

} // namespace

// P0: the model's code (model/range.h) is the seed's arithmetic (hmm_encoding.h).
std::vector<Check> model_obligations(context& c, const Encoding& enc) {
  std::vector<Check> out;
  SymRange r = sym_range(c, enc);
  expr p = c.bv_const("p0", 64), cpu = c.bv_const("cpu_flags", 64);
  std::vector<expr> pages = page_vars(c, kMaxPages);
  // Replays evaluate the seed's term at the counterexample and run the model's C++.
  auto seed_vs_model = [](expr seed, std::vector<std::pair<std::string, expr>> vars,
                          std::function<u64(const HmmRange&, const Assignment&)> model) {
    return [seed, vars, model](const Assignment& a) {
      u64 s = value_at(seed, vars, a), m = model(range_of(a), a);
      return Replay{s != m, fmt::format("seed {} but model {}", hex(s), hex(m))};
    };
  };
  {
    expr seed = pte_need_fault(r, p, cpu);
    Check k("P0.pte_need_fault", "the model's pte_need_fault is the seed's, for every input",
            cite_in(r, kPteCite), model_pte_need_fault(r, p, cpu) == seed);
    common(k, r);
    k.var("p0", p).var("cpu_flags", cpu);
    k.replay = seed_vs_model(seed, k.vars, [](const HmmRange& rr, const Assignment& a) {
      return u64(pte_need_fault(rr, a.at("p0"), a.at("cpu_flags")));
    });
    out.push_back(k);
  }
  {
    expr claim = c.bool_val(true);
    for (unsigned n = 1; n <= kMaxPages; ++n) {
      std::vector<expr> ps(pages.begin(), pages.begin() + n);
      claim = claim && model_range_need_fault(r, ps, cpu) == range_need_fault(r, ps, cpu);
    }
    Check k("P0.range_need_fault.unrolled",
            "the model's range_need_fault is the seed's, 1..8 pages", cite_in(r, kRangeCite),
            claim);
    common(k, r);
    for (unsigned i = 0; i < kMaxPages; ++i) k.var(fmt::format("p{}", i), pages[i]);
    k.var("cpu_flags", cpu);
    std::vector<std::pair<std::string, expr>> vars = k.vars;
    k.replay = [vars, r, pages, cpu](const Assignment& a) {
      HmmRange rr = range_of(a);
      std::vector<u64> all = pages_of(a, kMaxPages);
      for (unsigned n = 1; n <= kMaxPages; ++n) {
        u64 s = value_at(range_need_fault(r, {pages.begin(), pages.begin() + n}, cpu), vars, a);
        u64 m = range_need_fault(rr, std::span<const u64>(all.data(), n), a.at("cpu_flags"));
        if (s != m) return Replay{true, fmt::format("{} page(s): seed {} but model {}", n, s, m)};
      }
      return Replay{false, "the model agrees with the seed for every page count"};
    };
    out.push_back(k);
  }
  {
    // The model's loop state (required, returned) against the seed's (required, returned)
    // after its short-circuit.
    expr m_req = c.bv_const("model_required", 32), m_ret = c.bool_const("model_returned");
    expr s_req = c.bv_const("seed_required", 32), s_ret = c.bool_const("seed_returned");
    ModelLoop m0 = model_range_need_start(r);
    SeedLoop s0 = range_need_loop_start(c);
    ModelLoop m1 = model_range_need_step(r, {m_req, m_ret}, p, cpu);
    SeedLoop s1 = range_need_loop_step(r, {s_req, s_ret}, p, cpu);
    expr sc = short_circuit(r);
    Induction ind{
        "P0.range_need_fault.induction",
        "the model's range_need_fault is the seed's, any number of pages",
        cite_in(r, kRangeCite),
        {m_req, m_ret, s_req, s_ret},
        {m0.required, m0.returned, s0.required, s0.returned},
        {m1.required, m1.returned, s1.required, s1.returned},
        [&](const std::vector<expr>& st) {
          return z3::implies(!sc, st[0] == st[2] && st[1] == st[3]) &&
                 z3::implies(sc, st[0] == need_none(c));
        },
        [&](const std::vector<expr>& st) { return st[0] == z3::ite(sc, need_none(c), st[2]); }};
    for (Check& k : induction_checks(ind, [&](Check& k) {
           common(k, r);
           k.var("p0", p).var("cpu_flags", cpu);
         }))
      out.push_back(k);
  }
  // 6.x: the CPU flags and the pfn outputs are the 6.x templates of model/range_v6.h, proved
  // by v6_obligations (obligations_v6.cpp); hmm_device_entry_from_pfn does not exist there.
  if (has_v6_api(r.kernel)) return out;
  {
    expr acc = c.bool_const("accessible"), wr = c.bool_const("writable");
    expr seed = cpu_flags_for(r, acc, wr);
    Check k("P0.cpu_flags_for", "the model's cpu_flags_for is the seed's 0, V or V|W",
            "hmm.c:181-188, 227-234, 401-408", model_cpu_flags_for(r, acc, wr) == seed);
    common(k, r);
    k.var("accessible", acc).var("writable", wr);
    k.replay = seed_vs_model(seed, k.vars, [](const HmmRange& rr, const Assignment& a) {
      return cpu_flags_for(rr, a.at("accessible") != 0, a.at("writable") != 0);
    });
    out.push_back(k);
  }
  {
    expr pfn = c.bv_const("pfn", 64);
    expr seed = device_entry_from_pfn(r, pfn);
    Check k("P0.device_entry_from_pfn", "the model's device_entry_from_pfn is the seed's",
            "hmm.c:46-50", model_device_entry_from_pfn(r, pfn) == seed);
    common(k, r);
    k.var("pfn", pfn);
    k.replay = seed_vs_model(seed, k.vars, [](const HmmRange& rr, const Assignment& a) {
      return device_entry_from_pfn(rr, a.at("pfn"));
    });
    out.push_back(k);
  }
  return out;
}

// P1-P4 about the model's code (model/range.h instantiated with Z3 words).
std::vector<Check> fault_obligations(context& c, const Encoding& enc) {
  std::vector<Check> out;
  SymRange r = sym_range(c, enc);
  expr p = c.bv_const("p0", 64), cpu = c.bv_const("cpu_flags", 64);
  expr acc = c.bool_const("accessible"), wr = c.bool_const("writable");
  std::vector<expr> pages = page_vars(c, kMaxPages);
  auto unrolled = [&](const std::function<expr(const std::vector<expr>&)>& claim_n) {
    expr all = c.bool_val(true);
    for (unsigned n = 1; n <= kMaxPages; ++n)
      all = all && claim_n({pages.begin(), pages.begin() + n});
    return all;
  };
  auto with_pages = [&](Check& k) {
    common(k, r);
    for (unsigned i = 0; i < kMaxPages; ++i) k.var(fmt::format("p{}", i), pages[i]);
  };
  expr need_p = model_pte_need_fault(r, p, cpu);
  expr zero = need_none(c), all3 = need_all(c);
  expr sc = short_circuit(r);

  // ---- P1: write implies valid ------------------------------------------------------------
  {
    Check k("P1.pte", "a NEED_WRITE_FAULT answer has NEED_FAULT, for every request and CPU flags",
            cite_in(r, kPteCite), write_implies_valid(need_p));
    common(k, r);
    k.var("p0", p).var("cpu_flags", cpu);
    k.replay = [](const Assignment& a) {
      unsigned n = pte_need_fault(range_of(a), a.at("p0"), a.at("cpu_flags"));
      return Replay{!cpp_write_implies_valid(n), fmt::format("pte_need_fault = {}", n)};
    };
    out.push_back(k);
  }
  {
    Check k("P1.range.unrolled", "the same for hmm_range_need_fault over 1..8 pages",
            cite_in(r, kRangeCite), unrolled([&](const std::vector<expr>& ps) {
              return write_implies_valid(model_range_need_fault(r, ps, cpu));
            }));
    with_pages(k);
    k.var("cpu_flags", cpu);
    k.replay = replay_pages([](const HmmRange& rr, std::span<const u64> ps,
                               const Assignment& a) -> std::optional<std::string> {
      unsigned n = range_need_fault(rr, ps, a.at("cpu_flags"));
      if (cpp_write_implies_valid(n)) return std::nullopt;
      return fmt::format("range_need_fault = {}", n);
    });
    out.push_back(k);
  }
  {
    expr a_acc = c.bv_const("loop_required", 32);
    expr a_done = c.bool_const("loop_returned");
    ModelLoop start = model_range_need_start(r);
    ModelLoop next = model_range_need_step(r, {a_acc, a_done}, p, cpu);
    Induction ind{"P1.range.induction",
                  "write implies valid for hmm_range_need_fault over any number of pages",
                  cite_in(r, kRangeCite),
                  {a_acc, a_done},
                  {start.required, start.returned},
                  {next.required, next.returned},
                  [&](const std::vector<expr>& s) {
                    return (s[0] & bv32(c, ~3u)) == zero && write_implies_valid(s[0]);
                  },
                  [&](const std::vector<expr>& s) { return write_implies_valid(s[0]); }};
    for (Check& k : induction_checks(ind, [&](Check& k) {
           common(k, r);
           k.var("p0", p).var("cpu_flags", cpu);
         }))
      out.push_back(k);
  }

  // ---- P2: no fault means satisfied --------------------------------------------------------
  expr cpu_aw = model_cpu_flags_for(r, acc, wr);
  auto vw_disjoint = (r.V & r.W) == bv64(c, 0);
  {
    Check k("P2.pte", "answer 0 means the request is met by the CPU entry (accessible, writable)",
            cite_in(r, kPteCite),
            z3::implies(model_pte_need_fault(r, p, cpu_aw) == zero, met(r, p, acc, wr)));
    common(k, r);
    encoding_pre(k, r, "vw_disjoint", vw_disjoint);
    k.var("p0", p).var("accessible", acc).var("writable", wr);
    k.necessity = true;
    k.replay = [](const Assignment& a) {
      HmmRange rr = range_of(a);
      bool ac = a.at("accessible"), w = a.at("writable");
      unsigned n = pte_need_fault(rr, a.at("p0"), cpu_flags_replay(rr, a, ac, w));
      bool m = request_met(rr, a.at("p0"), ac, w);
      return Replay{
          n == 0 && !m,
          fmt::format("cpu_flags = {}, pte_need_fault = {}, request {} (asks {})",
                      hex(cpu_flags_replay(rr, a, ac, w)), n, m ? "met" : "NOT met",
                      describe_request(rr, (a.at("p0") & rr.pfn_flags_mask) | rr.default_flags))};
    };
    out.push_back(k);
  }
  if (r.symbolic) {
    // The weakest precondition: whenever V and W share a bit, one request and one CPU entry
    // break P2 (mask all ones, no defaults, request V|W, entry read-only).
    SymRange w = r;
    w.D = bv64(c, 0);
    w.M = bv64(c, ~0ull);
    expr req = r.V | r.W;
    expr t = c.bool_val(true), f = c.bool_val(false);
    Check k("P2.weakest",
            "vw_disjoint is the weakest precondition: any V, W sharing a bit have a counterexample",
            kPteCite,
            model_pte_need_fault(w, req, model_cpu_flags_for(w, t, f)) == zero &&
                !met(w, req, t, f));
    common(k, r);
    k.pre("vw_overlap", (r.V & r.W) != bv64(c, 0));
    k.replay = [](const Assignment& a) {
      HmmRange rr = range_of(a);
      rr.default_flags = 0;
      rr.pfn_flags_mask = ~0ull;
      u64 req = rr.flags[0] | rr.flags[1];
      unsigned n = pte_need_fault(rr, req, cpu_flags_for(rr, true, false));
      bool ok = n == 0 && !request_met(rr, req, true, false);
      return Replay{!ok, fmt::format("witness request {} on a read-only entry: pte_need_fault = {}",
                                     hex(req), n)};
    };
    out.push_back(k);
  }
  {
    Check k("P2.write_without_valid",
            "a request with W but no V is not met on a read-only entry (hmm.c:116-117)",
            cite_in(r, kPteCite),
            z3::implies(model_pte_need_fault(r, p, cpu_aw) == zero,
                        z3::implies(any(effective_request(r, p), r.W), wr)));
    common(k, r);
    k.kind = RowKind::Finding;
    k.expected = Verdict::Refuted;
    encoding_pre(k, r, "vw_disjoint", vw_disjoint);
    k.var("p0", p).var("accessible", acc).var("writable", wr);
    k.replay = [](const Assignment& a) {
      HmmRange rr = range_of(a);
      bool ac = a.at("accessible"), w = a.at("writable");
      u64 req = (a.at("p0") & rr.pfn_flags_mask) | rr.default_flags;
      unsigned n = pte_need_fault(rr, a.at("p0"), cpu_flags_replay(rr, a, ac, w));
      return Replay{n == 0 && (req & rr.flags[1]) && !w,
                    fmt::format("request {} (asks {}), entry {}: pte_need_fault = {}", hex(req),
                                describe_request(rr, req), w ? "writable" : "not writable", n)};
    };
    out.push_back(k);
  }
  {
    Check k("P2.range.unrolled", "range answer 0 means every page's request is met (1..8 pages)",
            cite_in(r, kRangeCite), unrolled([&](const std::vector<expr>& ps) {
              expr all_met = c.bool_val(true);
              for (const expr& q : ps) all_met = all_met && met(r, q, acc, wr);
              return z3::implies(model_range_need_fault(r, ps, cpu_aw) == zero, all_met);
            }));
    with_pages(k);
    encoding_pre(k, r, "vw_disjoint", vw_disjoint);
    k.var("accessible", acc).var("writable", wr);
    k.necessity = true;
    k.replay = replay_pages([](const HmmRange& rr, std::span<const u64> ps,
                               const Assignment& a) -> std::optional<std::string> {
      bool ac = a.at("accessible"), w = a.at("writable");
      unsigned n = range_need_fault(rr, ps, cpu_flags_replay(rr, a, ac, w));
      if (n != 0) return std::nullopt;
      for (size_t i = 0; i < ps.size(); ++i)
        if (!request_met(rr, ps[i], ac, w))
          return fmt::format("range_need_fault = 0 but page {} is not met", i);
      return std::nullopt;
    });
    out.push_back(k);
  }
  {
    expr s_acc = c.bv_const("loop_required", 32);
    expr s_done = c.bool_const("loop_returned");
    expr s_met = c.bool_const("all_met_so_far");
    ModelLoop start = model_range_need_start(r);
    ModelLoop next = model_range_need_step(r, {s_acc, s_done}, p, cpu_aw);
    Induction ind{"P2.range.induction",
                  "range answer 0 means every page is met, any number of pages",
                  cite_in(r, kRangeCite),
                  {s_acc, s_done, s_met},
                  {start.required, start.returned, c.bool_val(true)},
                  {next.required, next.returned, s_met && met(r, p, acc, wr)},
                  [&](const std::vector<expr>& s) {
                    return z3::implies(s[1] && !sc, s[0] == all3) &&
                           z3::implies(sc, s[0] == zero && s[1]) &&
                           z3::implies(sc || (s[0] == zero && !s[1]), s[2]);
                  },
                  [&](const std::vector<expr>& s) { return z3::implies(s[0] == zero, s[2]); }};
    for (Check& k : induction_checks(ind, [&](Check& k) {
           common(k, r);
           encoding_pre(k, r, "vw_disjoint", vw_disjoint);
           k.var("p0", p).var("accessible", acc).var("writable", wr);
         }))
      out.push_back(k);
  }

  // ---- P3: the short-circuit (hmm.c:144-146) is sound ----------------------------------
  {
    Check k("P3.pte",
            "when neither default_flags nor pfn_flags_mask carries V, no page needs a fault",
            cite_in(r, kRequestShortCite), z3::implies(sc, need_p == zero));
    common(k, r);
    k.var("p0", p).var("cpu_flags", cpu);
    k.replay = [](const Assignment& a) {
      HmmRange rr = range_of(a);
      bool sc = !((rr.default_flags | rr.pfn_flags_mask) & rr.flags[0]);
      unsigned n = pte_need_fault(rr, a.at("p0"), a.at("cpu_flags"));
      return Replay{sc && n != 0, fmt::format("short-circuit {}, pte_need_fault = {}", sc, n)};
    };
    out.push_back(k);
  }
  {
    Check k("P3.range.unrolled",
            "under the short-circuit the OR over 1..8 pages is 0 for every pfns[]",
            cite_in(r, kShortCite), unrolled([&](const std::vector<expr>& ps) {
              return z3::implies(sc, model_full_or(r, ps, cpu) == zero);
            }));
    with_pages(k);
    k.var("cpu_flags", cpu);
    k.replay = replay_pages([](const HmmRange& rr, std::span<const u64> ps,
                               const Assignment& a) -> std::optional<std::string> {
      bool sc = !((rr.default_flags | rr.pfn_flags_mask) & rr.flags[0]);
      unsigned n = full_or_need_fault(rr, ps, a.at("cpu_flags"));
      if (!sc || n == 0) return std::nullopt;
      return fmt::format("short-circuit applies but the OR is {}", n);
    });
    out.push_back(k);
  }
  {
    expr s_acc = c.bv_const("loop_required", 32);
    Induction ind{"P3.range.induction",
                  "under the short-circuit the OR over any number of pages is 0",
                  cite_in(r, kShortCite),
                  {s_acc},
                  {zero},
                  {s_acc | need_p},
                  [&](const std::vector<expr>& s) { return z3::implies(sc, s[0] == zero); },
                  [&](const std::vector<expr>& s) { return z3::implies(sc, s[0] == zero); }};
    for (Check& k : induction_checks(ind, [&](Check& k) {
           common(k, r);
           k.var("p0", p).var("cpu_flags", cpu);
         }))
      out.push_back(k);
  }

  // ---- P4: the early exit (hmm.c:151-152) equals the full OR ------------------------------
  {
    Check k("P4.unrolled",
            "hmm_range_need_fault (short-circuit, early exit) equals the plain OR, 1..8 pages",
            cite_in(r, kRangeCite), unrolled([&](const std::vector<expr>& ps) {
              return model_range_need_fault(r, ps, cpu) == model_full_or(r, ps, cpu);
            }));
    with_pages(k);
    k.var("cpu_flags", cpu);
    k.replay = replay_pages([](const HmmRange& rr, std::span<const u64> ps,
                               const Assignment& a) -> std::optional<std::string> {
      unsigned x = range_need_fault(rr, ps, a.at("cpu_flags")),
               y = full_or_need_fault(rr, ps, a.at("cpu_flags"));
      if (x == y) return std::nullopt;
      return fmt::format("range_need_fault = {}, plain OR = {}", x, y);
    });
    out.push_back(k);
  }
  {
    expr e_acc = c.bv_const("loop_required", 32), e_done = c.bool_const("loop_returned");
    expr f_acc = c.bv_const("full_or", 32);
    ModelLoop start = model_range_need_start(r);
    ModelLoop next = model_range_need_step(r, {e_acc, e_done}, p, cpu);
    Induction ind{"P4.induction",
                  "the early exit equals the plain OR over any number of pages",
                  cite_in(r, kRangeCite),
                  {e_acc, e_done, f_acc},
                  {start.required, start.returned, zero},
                  {next.required, next.returned, f_acc | need_p},
                  [&](const std::vector<expr>& s) {
                    return z3::implies(s[1] && !sc, s[0] == all3 && s[2] == all3) &&
                           z3::implies(!s[1], s[0] == s[2]) &&
                           z3::implies(sc, s[1] && s[0] == zero && s[2] == zero);
                  },
                  [&](const std::vector<expr>& s) { return s[0] == s[2]; }};
    for (Check& k : induction_checks(ind, [&](Check& k) {
           common(k, r);
           k.var("p0", p).var("cpu_flags", cpu);
         }))
      out.push_back(k);
  }
  return out;
}

} // namespace hmmspec::proofs
