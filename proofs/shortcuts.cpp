// SPDX-License-Identifier: GPL-2.0-or-later
// P7: the walker's bit-level shortcuts (impl/shortcuts.h S1-S19), each proved equal to the
// seed's formula it replaces, under its guard, for every input word. The shortcut side is the
// walker's own code: the templates of impl/shortcuts.h instantiated with Z3 words; the seed
// side is the hand encoding of hmm.c (hmm_encoding.h) over the kernel's x86 predicates
// (x86_kernel.h). Runs over pages are checked unrolled (1..8 pages) and by induction.
// Counterexamples are replayed with the same templates instantiated with u64, against the
// seed's term evaluated at the counterexample. Page-level formulas are proved for x86-64
// (PAGE_SHIFT 12). To add a shortcut: write it in impl/shortcuts.h, give it a row in the
// table there and an obligation here (its guard as `pre`), and list it in docs/proofs.md.
#include <fmt/format.h>

#include "impl/shortcuts.h"
#include "proofs/obligations.h"
#include "proofs/replay.h"
#include "proofs/sym_word.h"
#include "proofs/x86_kernel.h"

namespace hmmspec::proofs {

namespace {

namespace sc = hmmspec::shortcut;
using x86::PRESENT;

constexpr unsigned kPageShift = 12; // x86-64
constexpr u64 kPfnMask = x86::pfn_mask(kPageShift);
constexpr unsigned kRunOutputs = 2; // S16's unrolled check

// The shortcut's value at a counterexample, computed by the walker's C++ (u64) instantiation.
using CppShortcut = std::function<u64(const Assignment&)>;

// Replays "the shortcut's value is the seed's": the seed's term evaluated at the
// counterexample against the shortcut's C++. Call after every variable is added to `k`.
Replayer replay_against_seed(const Check& k, const expr& seed, CppShortcut shortcut) {
  auto vars = k.vars;
  return [vars, seed, shortcut](const Assignment& a) {
    u64 s = value_at(seed, vars, a), f = shortcut(a);
    return Replay{s != f, fmt::format("seed {} but shortcut {}", hex(s), hex(f))};
  };
}

// The fields of the range as the walker holds them, at a counterexample.
struct CppRange {
  u64 V, W, M, D, N, S;
  unsigned shift;
};
CppRange cpp_range(const Assignment& a) {
  HmmRange r = range_of(a);
  return {r.flags[HMM_PFN_VALID], r.flags[HMM_PFN_WRITE],    r.pfn_flags_mask, r.default_flags,
          r.values[HMM_PFN_NONE], r.values[HMM_PFN_SPECIAL], r.pfn_shift & 63u};
}

// The walker's decoder and plain-run constants (impl/walker.cpp decode_run, plain_run).
template <class Word, class Shift>
sc::PteDecoder<Word, Shift> decoder(Word V, Word W, Word N, Word S, Word zero_pfn, Shift s) {
  return {Word(kPfnMask), kPageShift, zero_pfn, V, W, N, S, sc::disjoint_bit(V, W), s};
}
template <class Word, class Shift, class Need>
sc::PlainRunConsts<Word, Shift> plain_consts(Word V, Word W, Word M, Word D, Word zero_pfn, Shift s,
                                             Need need_read_only, Need need_writable) {
  return {Word(kPfnMask),
          sc::zero_bits(zero_pfn, kPageShift),
          V,
          W,
          M,
          D,
          sc::disjoint_bit(V, W),
          Word(sc::plain_bad_clear(need_read_only)),
          Word(sc::plain_bad_set(need_writable)),
          sc::output_shift_up(s, kPageShift),
          sc::output_shift_down(s, kPageShift)};
}

std::string pages_text(std::span<const u64> p) {
  std::string s;
  for (u64 v : p) s += (s.empty() ? "" : ",") + hex(v);
  return "[" + s + "]";
}

class ShortcutObligations {
public:
  ShortcutObligations(context& c, const Encoding& enc)
      : c_(c), r_(sym_range(c, enc)), V_(r_.V), W_(r_.W), M_(r_.M), D_(r_.D), N_(r_.N), S_(r_.S),
        shift_(r_.shift), w_(c.bv_const("word", 64)), req_(c.bv_const("p0", 64)),
        cpu_(c.bv_const("cpu_flags", 64)), zero_pfn_(c.bv_const("zero_pfn", 64)),
        pages_(page_vars(c, kMaxPages)) {}

  std::vector<Check> all() {
    cpu_flags();
    uniform("S2", "never_needs",
            "no page needs a fault when (default_flags | mask) & V == 0: every page, and every "
            "run, needs what request 0 needs (0)",
            "hmm.c:113-117, 144-146", sc::never_needs(D_, M_, V_));
    uniform("S3", "uniform_request",
            "every page needs what request 0 needs when mask & (V|W) == 0, and so does a run",
            "hmm.c:113-128, 130-155", sc::uniform_request(M_, V_, W_));
    aggregate();
    cpu_satisfies_all();
    present_needs_fault();
    special_not_zero_page();
    pte_pfn();
    plain_output();
    level_predicates();
    pfn_run();
    pte_need();
    decode_pte();
    plain_stops();
    return std::move(out_);
  }

private:
  expr E(const SymWord& x, unsigned width = 64) const { return x.to_expr(c_, width); }
  expr B(const SymBool& x) const { return x.to_expr(c_); }
  SymWord w() const { return SymWord(w_); }
  SymWord req() const { return SymWord(req_); }
  SymWord cpu() const { return SymWord(cpu_); }
  SymWord zero_pfn() const { return SymWord(zero_pfn_); }
  expr present() const { return (w_ & bv64(c_, PRESENT)) != bv64(c_, 0); }
  // The walker takes the uniform path (impl/walker.cpp walker_hmm_range_fault_in_place).
  SymBool uniform_requests() const {
    return sc::never_needs(D_, M_, V_) || sc::uniform_request(M_, V_, W_);
  }
  static bool cpp_uniform(const CppRange& k) {
    return sc::never_needs(k.D, k.M, k.V) || sc::uniform_request(k.M, k.V, k.W);
  }
  // The walker's need of a page with uniform requests: S17 on request 0.
  SymWord uniform_need(const SymWord& cpu) const {
    return sc::pte_need(SymWord(u64(0)), cpu, V_, W_, M_, D_);
  }

  Check& add(std::string id, std::string title, std::string cite, const expr& claim) {
    out_.emplace_back("P7." + id, std::move(title), std::move(cite), claim);
    Check& k = out_.back();
    add_range_domain(k, r_);
    add_range_vars(k, r_);
    return k;
  }
  expr unrolled(const std::function<expr(const std::vector<expr>&)>& claim_n) const {
    expr all = c_.bool_val(true);
    for (unsigned n = 1; n <= kMaxPages; ++n)
      all = all && claim_n({pages_.begin(), pages_.begin() + n});
    return all;
  }
  void page_vars_of(Check& k) const {
    for (unsigned i = 0; i < kMaxPages; ++i) k.var(fmt::format("p{}", i), pages_[i]);
    k.var("cpu_flags", cpu_);
  }
  // Replays "for 1..8 pages the seed's run answer is the shortcut's".
  Replayer replay_run(const Check& k,
                      std::function<u64(const CppRange&, std::span<const u64>, u64)> shortcut) {
    auto vars = k.vars;
    SymRange r = r_;
    std::vector<expr> pages = pages_;
    expr cpu = cpu_;
    return [vars, r, pages, cpu, shortcut](const Assignment& a) {
      CppRange kr = cpp_range(a);
      std::vector<u64> all = pages_of(a, kMaxPages);
      for (unsigned n = 1; n <= kMaxPages; ++n) {
        std::span<const u64> ps(all.data(), n);
        u64 seed = value_at(range_need_fault(r, {pages.begin(), pages.begin() + n}, cpu), vars, a);
        u64 fast = shortcut(kr, ps, a.at("cpu_flags"));
        if (seed != fast)
          return Replay{true, fmt::format("{} page(s) {}: seed {} but shortcut {}", n,
                                          pages_text(ps), seed, fast)};
      }
      return Replay{false, "the seed and the shortcut agree for every page count"};
    };
  }
  // The three checks of an induction over the seed's loop, with the range's fields and the
  // page p0 and cpu_flags as variables.
  void induction(const Induction& ind, const std::function<void(Check&)>& more) {
    for (Check& k : induction_checks(ind, [&](Check& ck) {
           add_range_domain(ck, r_);
           add_range_vars(ck, r_);
           ck.var("p0", req_).var("cpu_flags", cpu_);
           more(ck);
         }))
      out_.push_back(k);
  }

  // ---- S1 --------------------------------------------------------------------------------
  void cpu_flags() {
    {
      expr seed = pte_cpu_flags(r_, w_);
      Check& k = add("S1.pte_cpu_flags",
                     "pte_to_hmm_pfn_flags of any word = P ? (RW ? V|W : V) : 0, without a branch",
                     "hmm.c:227-234", E(sc::pte_cpu_flags(w(), V_, W_)) == seed);
      k.var("word", w_);
      k.replay = replay_against_seed(k, seed, [](const Assignment& a) {
        CppRange kr = cpp_range(a);
        return sc::pte_cpu_flags(a.at("word"), kr.V, kr.W);
      });
    }
    {
      SymWord idx = sc::pte_cpu_index(w());
      expr flags = E(ite(idx == 0u, SymWord(u64(0)), ite(idx == 1u, V_, V_ | W_)));
      expr seed = pte_cpu_flags(r_, w_);
      Check& k = add("S1.pte_cpu_index",
                     "the walker's CPU-flags index of any word picks pte_to_hmm_pfn_flags "
                     "from {0, V, V|W}",
                     "hmm.c:227-234", B(idx <= 2u) && flags == seed);
      k.var("word", w_);
      k.replay = replay_against_seed(k, seed, [](const Assignment& a) {
        CppRange kr = cpp_range(a);
        const u64 table[3] = {0, kr.V, kr.V | kr.W};
        u64 i = sc::pte_cpu_index(a.at("word"));
        return i <= 2 ? table[i] : ~0ull;
      });
    }
  }

  // ---- S2, S3: uniform requests -----------------------------------------------------------
  void uniform(const std::string& sid, const std::string& name, const std::string& title,
               const std::string& cite, const SymBool& guard) {
    const std::string id = sid + "." + name;
    {
      expr seed = pte_need_fault(r_, req_, cpu_);
      Check& k = add(id, title + " (one page)", cite, E(uniform_need(cpu()), 32) == seed);
      k.pre(name, B(guard));
      k.var("p0", req_).var("cpu_flags", cpu_);
      k.necessity = true;
      k.replay = replay_against_seed(k, seed, [](const Assignment& a) {
        CppRange kr = cpp_range(a);
        return u64(sc::pte_need(u64(0), a.at("cpu_flags"), kr.V, kr.W, kr.M, kr.D));
      });
    }
    expr u = E(uniform_need(cpu()), 32);
    {
      Check& k = add(id + ".unrolled", title + " (1..8 pages)", cite,
                     unrolled([&](const std::vector<expr>& ps) {
                       return range_need_fault(r_, ps, cpu_) == u;
                     }));
      k.pre(name, B(guard));
      page_vars_of(k);
      k.necessity = true;
      k.replay = replay_run(k, [](const CppRange& kr, std::span<const u64>, u64 cpu) {
        return u64(sc::pte_need(u64(0), cpu, kr.V, kr.W, kr.M, kr.D));
      });
    }
    // After the first page the seed's loop holds the uniform need, and keeps it.
    expr s_req = c_.bv_const("loop_required", 32), s_ret = c_.bool_const("loop_returned");
    expr first = c_.bv_const("first_page", 64);
    SeedLoop s1 = range_need_loop_step(r_, range_need_loop_start(c_), first, cpu_);
    SeedLoop next = range_need_loop_step(r_, {s_req, s_ret}, req_, cpu_);
    expr all3 = need_all(c_);
    Induction ind{
        "P7." + id + ".induction",
        title + " (any run of 1 or more pages)",
        cite,
        {s_req, s_ret},
        {s1.required, s1.returned},
        {next.required, next.returned},
        [&](const std::vector<expr>& s) { return s[0] == u && z3::implies(s[1], s[0] == all3); },
        [&](const std::vector<expr>& s) {
          return z3::ite(short_circuit(r_), need_none(c_), s[0]) == u;
        }};
    induction(ind, [&](Check& k) { k.pre(name, B(guard)); });
  }

  // ---- S4: a run's need from two facts ----------------------------------------------------
  // The claim for a run with facts any_v, any_vw: the seed's answer, and any_vw implies
  // any_v (so the walker may stop reading once any_vw is set).
  expr aggregate_claim(const expr& seed, const SymWord& any_v, const SymWord& any_vw) const {
    return seed == E(sc::range_need_from(any_v != 0u, any_vw != 0u, cpu(), V_, W_), 32) &&
           B(any_vw == 0u || any_v != 0u);
  }
  void aggregate() {
    const std::string title =
        "a run's need = (any_vw && !(cpu&W) ? 3 : 0) | (any_v && !(cpu&V) ? 1 : 0), from "
        "any_v = OR of t & V and any_vw = OR of asks_valid_and_write(t); any_vw implies any_v";
    {
      Check& k = add("S4.aggregate.unrolled", title + " (1..8 pages)", "hmm.c:98-155",
                     unrolled([&](const std::vector<expr>& ps) {
                       SymWord any_v(u64(0)), any_vw(u64(0));
                       for (const expr& q : ps) {
                         SymWord t = sc::effective_request(SymWord(q), M_, D_);
                         any_v |= t & V_;
                         any_vw |= sc::asks_valid_and_write(t, V_, W_);
                       }
                       return aggregate_claim(range_need_fault(r_, ps, cpu_), any_v, any_vw);
                     }));
      page_vars_of(k);
      k.replay = replay_run(k, [](const CppRange& kr, std::span<const u64> ps, u64 cpu) {
        u64 any_v = 0, any_vw = 0; // as impl/walker.cpp range_need does
        for (u64 q : ps) {
          const u64 t = sc::effective_request(q, kr.M, kr.D);
          any_v |= t & kr.V;
          any_vw |= sc::asks_valid_and_write(t, kr.V, kr.W);
        }
        return u64(sc::range_need_from(any_v != 0, any_vw != 0, cpu, kr.V, kr.W));
      });
    }
    expr s_req = c_.bv_const("loop_required", 32), s_ret = c_.bool_const("loop_returned");
    expr s_v = c_.bv_const("any_v", 64), s_vw = c_.bv_const("any_vw", 64);
    SeedLoop s0 = range_need_loop_start(c_);
    SeedLoop next = range_need_loop_step(r_, {s_req, s_ret}, req_, cpu_);
    SymWord t = sc::effective_request(req(), M_, D_);
    expr all3 = need_all(c_);
    Induction ind{"P7.S4.aggregate.induction",
                  title + " (any run)",
                  "hmm.c:98-155",
                  {s_req, s_ret, s_v, s_vw},
                  {s0.required, s0.returned, bv64(c_, 0), bv64(c_, 0)},
                  {next.required, next.returned, E(SymWord(s_v) | (t & V_)),
                   E(SymWord(s_vw) | sc::asks_valid_and_write(t, V_, W_))},
                  [&](const std::vector<expr>& s) {
                    return aggregate_claim(s[0], SymWord(s[2]), SymWord(s[3])) &&
                           z3::implies(s[1], s[0] == all3) &&
                           z3::implies(short_circuit(r_), s[2] == bv64(c_, 0));
                  },
                  [&](const std::vector<expr>& s) {
                    return aggregate_claim(z3::ite(short_circuit(r_), need_none(c_), s[0]),
                                           SymWord(s[2]), SymWord(s[3]));
                  }};
    induction(ind, [](Check&) {});
  }

  // ---- S5: a run needs nothing ------------------------------------------------------------
  void cpu_satisfies_all() {
    const std::string title = "no page needs a fault when cpu&V != 0 and (cpu&W != 0 or W == 0)";
    const SymBool guard = sc::cpu_satisfies_all(cpu(), V_, W_);
    expr zero = need_none(c_);
    {
      expr seed = pte_need_fault(r_, req_, cpu_);
      Check& k = add("S5.cpu_satisfies_all", title + " (one page)", "hmm.c:115-127", seed == zero);
      k.pre("cpu_satisfies_all", B(guard));
      k.var("p0", req_).var("cpu_flags", cpu_);
      k.necessity = true;
      k.replay = replay_against_seed(k, seed, [](const Assignment&) { return u64(0); });
    }
    {
      Check& k = add("S5.cpu_satisfies_all.unrolled", title + " (1..8 pages)", "hmm.c:115-155",
                     unrolled([&](const std::vector<expr>& ps) {
                       return range_need_fault(r_, ps, cpu_) == zero;
                     }));
      k.pre("cpu_satisfies_all", B(guard));
      page_vars_of(k);
      k.necessity = true;
      k.replay = replay_run(k, [](const CppRange&, std::span<const u64>, u64) { return u64(0); });
    }
    expr s_req = c_.bv_const("loop_required", 32), s_ret = c_.bool_const("loop_returned");
    SeedLoop s0 = range_need_loop_start(c_);
    SeedLoop next = range_need_loop_step(r_, {s_req, s_ret}, req_, cpu_);
    Induction ind{
        "P7.S5.cpu_satisfies_all.induction",
        title + " (any run)",
        "hmm.c:115-155",
        {s_req, s_ret},
        {s0.required, s0.returned},
        {next.required, next.returned},
        [&](const std::vector<expr>& s) { return s[0] == zero; },
        [&](const std::vector<expr>& s) { return z3::ite(short_circuit(r_), zero, s[0]) == zero; }};
    induction(ind, [&](Check& k) { k.pre("cpu_satisfies_all", B(guard)); });
  }

  // ---- S6 ---------------------------------------------------------------------------------
  void present_needs_fault() {
    SymWord t = sc::effective_request(req(), M_, D_);
    SymWord bit = sc::present_needs_fault(w(), t, V_, W_, sc::disjoint_bit(V_, W_));
    expr seed = pte_need_fault(r_, req_, pte_cpu_flags(r_, w_)) != need_none(c_);
    Check& k = add("S6.present_needs_fault",
                   "a word with P set needs a fault iff t&V && t&W && !RW && (V&W) == 0",
                   "hmm.c:98-128, 227-234, 292-295", B(bit != 0u) == seed && B(bit <= 1u));
    k.pre("word_present", present());
    k.var("word", w_).var("p0", req_);
    k.necessity = true;
    k.replay = replay_against_seed(k, seed, [](const Assignment& a) {
      CppRange kr = cpp_range(a);
      const u64 t = sc::effective_request(a.at("p0"), kr.M, kr.D);
      return u64(
          sc::present_needs_fault(a.at("word"), t, kr.V, kr.W, sc::disjoint_bit(kr.V, kr.W)) != 0);
    });
  }

  // ---- S7 ---------------------------------------------------------------------------------
  void special_not_zero_page() {
    SymWord term =
        sc::special_not_zero_page(w(), SymWord(kPfnMask), sc::zero_bits(zero_pfn(), kPageShift));
    auto cpp = [](const Assignment& a) {
      return u64(sc::special_not_zero_page(a.at("word"), kPfnMask,
                                           sc::zero_bits(a.at("zero_pfn"), kPageShift)) != 0);
    };
    {
      expr seed = kx86::pte_special(w_) && kx86::pte_pfn(w_) != zero_pfn_;
      Check& k = add("S7.special_not_zero_page",
                     "a word with P set is special and not the zero page iff its S7 word is "
                     "non-zero",
                     "hmm.c:301", B(term != 0u) == seed);
      k.pre("word_present", present());
      k.var("word", w_).var("zero_pfn", zero_pfn_);
      k.necessity = true;
      k.replay = replay_against_seed(k, seed, cpp);
    }
    {
      expr seed = kx86::pte_special(w_);
      Check& k = add("S7.only_with_special",
                     "S7's word is non-zero only when SPECIAL is set (a block of PTEs without "
                     "SPECIAL skips it)",
                     "hmm.c:301", z3::implies(B(term != 0u), seed));
      k.var("word", w_).var("zero_pfn", zero_pfn_);
      auto vars = k.vars;
      k.replay = [vars, seed, cpp](const Assignment& a) {
        bool special = value_at(seed, vars, a) != 0;
        u64 f = cpp(a);
        return Replay{f && !special,
                      fmt::format("S7 word {} with SPECIAL {}", f ? "non-zero" : "zero",
                                  special ? "set" : "clear")};
      };
    }
  }

  // ---- S8 ---------------------------------------------------------------------------------
  void pte_pfn() {
    expr seed = kx86::pte_pfn(w_);
    Check& k = add("S8.pte_pfn", "pte_pfn of any word, the L1TF inversion without a branch",
                   "pgtable-invert.h, hmm.c:301, 310",
                   E(sc::pte_pfn(w(), SymWord(kPfnMask), kPageShift)) == seed);
    k.var("word", w_);
    k.replay = replay_against_seed(k, seed, [](const Assignment& a) {
      return sc::pte_pfn(a.at("word"), kPfnMask, kPageShift);
    });
  }

  // ---- S9 ---------------------------------------------------------------------------------
  void plain_output() {
    expr seed = present_pte_output(r_, w_);
    {
      SymWord out =
          sc::plain_output(w(), SymWord(kPfnMask), sc::output_shift_up(shift_, kPageShift),
                           sc::output_shift_down(shift_, kPageShift), V_, W_);
      Check& k = add("S9.plain_output",
                     "the output of a word with P set: one shift of w & PFN_MASK, | V, | W if RW",
                     "hmm.c:46-50, 310", E(out) == seed);
      k.pre("word_present", present());
      k.var("word", w_);
      k.necessity = true;
      k.replay = replay_against_seed(k, seed, [](const Assignment& a) {
        CppRange kr = cpp_range(a);
        return sc::plain_output(a.at("word"), kPfnMask, sc::output_shift_up(kr.shift, kPageShift),
                                sc::output_shift_down(kr.shift, kPageShift), kr.V, kr.W);
      });
    }
    {
      Check& k = add("S9.simple_output",
                     "when pfn_shift is PAGE_SHIFT and W is RW, the output of a word with P set "
                     "is (w & (PFN_MASK|RW)) | V",
                     "hmm.c:46-50, 310", E(sc::simple_output(w(), SymWord(kPfnMask), V_)) == seed);
      k.pre("word_present", present());
      k.pre("simple_output_applies", B(sc::simple_output_applies(shift_, kPageShift, W_)));
      k.var("word", w_);
      k.necessity = true;
      k.replay = replay_against_seed(k, seed, [](const Assignment& a) {
        return sc::simple_output(a.at("word"), kPfnMask, cpp_range(a).V);
      });
    }
  }

  // ---- S10-S15 ----------------------------------------------------------------------------
  void predicate(const std::string& id, const std::string& title, const std::string& cite,
                 const expr& shortcut, const expr& seed, CppShortcut cpp) {
    Check& k = add(id, title, cite, shortcut == seed);
    k.var("word", w_);
    k.replay = replay_against_seed(k, seed, std::move(cpp));
  }
  void level_predicates() {
    using namespace kx86;
    predicate("S10.pud_huge_or_devmap", "pud_trans_huge || pud_devmap = w & (PSE|DEVMAP) != 0",
              "hmm.c:418", B(sc::pud_huge_or_devmap(w())), pud_trans_huge(w_) || pud_devmap(w_),
              [](const Assignment& a) { return u64(sc::pud_huge_or_devmap(a.at("word"))); });
    predicate("S11.pmd_huge_or_devmap", "pmd_devmap || pmd_trans_huge = w & (DEVMAP|PSE) != 0",
              "hmm.c:352", B(sc::pmd_huge_or_devmap(w())), pmd_devmap(w_) || pmd_trans_huge(w_),
              [](const Assignment& a) { return u64(sc::pmd_huge_or_devmap(a.at("word"))); });
    predicate("S12.pmd_present", "pmd_present = w & (PRESENT|PROTNONE|PSE) != 0", "hmm.c:346",
              B(sc::pmd_present(w())), kx86::pmd_present(w_),
              [](const Assignment& a) { return u64(sc::pmd_present(a.at("word"))); });
    predicate("S13.pmd_protnone", "pmd_protnone = (w & (PROTNONE|PRESENT)) == PROTNONE",
              "hmm.c:183", B(sc::protnone(w())), pmd_protnone(w_),
              [](const Assignment& a) { return u64(sc::protnone(a.at("word"))); });
    predicate("S13.pte_protnone", "pte_protnone = (w & (PROTNONE|PRESENT)) == PROTNONE",
              "hmm.c:229", B(sc::protnone(w())), pte_protnone(w_),
              [](const Assignment& a) { return u64(sc::protnone(a.at("word"))); });
    predicate("S14.pmd_huge", "x86 pmd_huge = !pmd_none && (w & (PRESENT|PSE)) != PRESENT",
              "huge_pte_offset (mm/hugetlb.c), arch/x86/mm/hugetlbpage.c", B(sc::pmd_huge(w())),
              kx86::pmd_huge(w_),
              [](const Assignment& a) { return u64(sc::pmd_huge(a.at("word"))); });
    predicate("S15.pte_swap_type", "the swap type of a PTE word = w >> 59",
              "hmm.c:256, pte_to_swp_entry", E(sc::swap_type(w())), swp_type_of_pte(w_),
              [](const Assignment& a) { return sc::swap_type(a.at("word")); });
    predicate("S15.pmd_swap_type", "the swap type of a PMD word = w >> 59",
              "hmm.c:337, pmd_to_swp_entry", E(sc::swap_type(w())), swp_type_of_pmd(w_),
              [](const Assignment& a) { return sc::swap_type(a.at("word")); });
  }

  // ---- S16 --------------------------------------------------------------------------------
  void pfn_run() {
    const std::string title =
        "a pfn run's outputs by addition: out(0) = (pfn << pfn_shift) | V | cpu, out(i + 1) = "
        "out(i) + (1 << pfn_shift), when the flags lie below pfn_shift";
    const std::string cite = "hmm.c:46-50, 207-209, 454-457, 499-502";
    expr pfn = c_.bv_const("pfn", 64), i = c_.bv_const("i", 64);
    expr acc = c_.bool_const("accessible"), wr = c_.bool_const("writable");
    expr cpu = cpu_flags_for(r_, acc, wr);
    SymWord f = V_ | SymWord(cpu); // impl/walker.cpp fill_pfn_run
    const SymBool guard = sc::flags_below_shift(f, shift_);
    SymWord first = sc::pfn_run_first(SymWord(pfn), f, shift_);
    SymWord step = sc::pfn_run_step(shift_);
    auto seed = [&](const expr& j) { return device_entry_from_pfn(r_, pfn + j) | cpu; };
    auto vars = [&](Check& k) {
      k.var("pfn", pfn).var("accessible", acc).var("writable", wr);
      k.pre("flags_below_shift", B(guard));
    };
    {
      // The walker's loop (impl/walker.cpp pfn_run_by_step) for its first outputs (two: more
      // cost seconds each with a symbolic shift; the induction covers any run).
      expr claim = c_.bool_val(true);
      SymWord v = first;
      for (unsigned j = 0; j < kRunOutputs; ++j) {
        claim = claim && E(v) == seed(bv64(c_, j));
        v = sc::pfn_run_next(v, step);
      }
      Check& k = add("S16.pfn_run.unrolled", title + " (the first 2 outputs)", cite, claim);
      vars(k);
      k.necessity = true;
      auto kv = k.vars;
      SymRange r = r_;
      k.replay = [kv, r, pfn, cpu](const Assignment& a) {
        CppRange kr = cpp_range(a);
        HmmRange rr = range_of(a);
        const u64 flags = kr.V | cpu_flags_for(rr, a.at("accessible") != 0, a.at("writable") != 0);
        const u64 step = sc::pfn_run_step(kr.shift);
        u64 v = sc::pfn_run_first(a.at("pfn"), flags, kr.shift);
        for (unsigned j = 0; j < kRunOutputs; ++j) {
          u64 s = value_at(device_entry_from_pfn(r, pfn + bv64(pfn.ctx(), j)) | cpu, kv, a);
          if (v != s)
            return Replay{true,
                          fmt::format("output {}: seed {} but shortcut {}", j, hex(s), hex(v))};
          v = sc::pfn_run_next(v, step);
        }
        return Replay{false, "the seed and the shortcut agree on the first outputs"};
      };
    }
    expr v = c_.bv_const("run_output", 64);
    Induction ind{"P7.S16.pfn_run.induction",
                  title + " (any run)",
                  cite,
                  {v, i},
                  {E(first), bv64(c_, 0)},
                  {E(sc::pfn_run_next(SymWord(v), step)), i + bv64(c_, 1)},
                  [&](const std::vector<expr>& s) { return s[0] == seed(s[1]); },
                  [&](const std::vector<expr>& s) { return s[0] == seed(s[1]); }};
    for (Check& k : induction_checks(ind, [&](Check& ck) {
           add_range_domain(ck, r_);
           add_range_vars(ck, r_);
           vars(ck);
         }))
      out_.push_back(k);
  }

  // ---- S17 --------------------------------------------------------------------------------
  void pte_need() {
    expr seed = pte_need_fault(r_, req_, cpu_);
    Check& k = add("S17.pte_need", "the walker's hmm_pte_need_fault is the seed's, for every input",
                   "hmm.c:98-128", E(sc::pte_need(req(), cpu(), V_, W_, M_, D_), 32) == seed);
    k.var("p0", req_).var("cpu_flags", cpu_);
    k.replay = replay_against_seed(k, seed, [](const Assignment& a) {
      CppRange kr = cpp_range(a);
      return u64(sc::pte_need(a.at("p0"), a.at("cpu_flags"), kr.V, kr.W, kr.M, kr.D));
    });
  }

  // ---- S18 --------------------------------------------------------------------------------
  // What decode_pte gives against hmm_vma_handle_pte: the device flag; for another entry
  // whether it stops and, when not, the output; a device entry neither stops nor is written
  // before its owner is known.
  expr decode_claim(const sc::PteDecoded<SymWord>& d, const SeedPte& seed) const {
    return B(d.dev != 0u) == seed.device &&
           z3::implies(!seed.device, B(d.stop != 0u) == seed.stops &&
                                         z3::implies(!seed.stops, E(d.out) == seed.out)) &&
           z3::implies(seed.device, B(d.stop == 0u) && E(d.out) == r_.N);
  }
  Replayer replay_decode(const Check& k, const SeedPte& seed, bool per_page) {
    auto vars = k.vars;
    return [vars, seed, per_page](const Assignment& a) {
      CppRange kr = cpp_range(a);
      const u64 w = a.at("word"), req = a.at("p0");
      const u64 t = per_page ? sc::effective_request(req, kr.M, kr.D) : kr.D;
      auto d = sc::decode_pte(decoder(kr.V, kr.W, kr.N, kr.S, a.at("zero_pfn"), kr.shift), w, t);
      bool dev = value_at(seed.device, vars, a), stops = value_at(seed.stops, vars, a);
      u64 out = value_at(seed.out, vars, a);
      bool bad = (d.dev != 0) != dev ||
                 (!dev && ((d.stop != 0) != stops || (!stops && d.out != out))) ||
                 (dev && (d.stop != 0 || d.out != kr.N));
      return Replay{bad, fmt::format("seed: device {}, stops {}, output {}; decode_pte: device {}, "
                                     "stop {}, output {}",
                                     dev, stops, hex(out), d.dev, d.stop, hex(d.out))};
    };
  }
  void decode_pte() {
    SeedPte seed = handle_pte(r_, w_, req_, zero_pfn_);
    auto k0 = decoder(V_, W_, N_, S_, zero_pfn(), shift_);
    {
      auto d = sc::decode_pte(k0, w(), sc::effective_request(req(), M_, D_));
      Check& k = add("S18.decode_pte",
                     "one PTE of a run without a branch: hmm_vma_handle_pte's output, whether it "
                     "stops, whether it is device private (per-page requests)",
                     "hmm.c:236-317", decode_claim(d, seed));
      k.var("word", w_).var("p0", req_).var("zero_pfn", zero_pfn_);
      k.replay = replay_decode(k, seed, true);
    }
    {
      auto d = sc::decode_pte(k0, w(), D_);
      Check& k = add("S18.decode_pte.uniform",
                     "the same with uniform requests, decoded from default_flags alone",
                     "hmm.c:113, 236-317", decode_claim(d, seed));
      k.pre("uniform_requests", B(uniform_requests()));
      k.var("word", w_).var("p0", req_).var("zero_pfn", zero_pfn_);
      k.necessity = true;
      k.replay = replay_decode(k, seed, false);
    }
  }

  // ---- S19 --------------------------------------------------------------------------------
  expr plain_claim(const SymWord& stops, const SeedPte& seed) const {
    return z3::implies(B(stops == 0u),
                       !seed.stops && !seed.device && seed.out == present_pte_output(r_, w_));
  }
  Replayer replay_plain(const Check& k, const SeedPte& seed, bool per_page) {
    auto vars = k.vars;
    SymRange r = r_;
    expr w = w_;
    return [vars, seed, per_page, r, w](const Assignment& a) {
      CppRange kr = cpp_range(a);
      u64 stops = 0;
      const u64 zp = a.at("zero_pfn");
      if (per_page) {
        stops = sc::plain_pte_stops<true>(
            plain_consts(kr.V, kr.W, kr.M, kr.D, zp, kr.shift, 0u, 0u), a.at("word"), a.at("p0"));
      } else {
        unsigned ro = sc::pte_need(u64(0), kr.V, kr.V, kr.W, kr.M, kr.D);
        unsigned wr = sc::pte_need(u64(0), kr.V | kr.W, kr.V, kr.W, kr.M, kr.D);
        stops = sc::plain_pte_stops<false>(
            plain_consts(kr.V, kr.W, kr.M, kr.D, zp, kr.shift, ro, wr), a.at("word"), a.at("p0"));
      }
      bool s_stops = value_at(seed.stops, vars, a), dev = value_at(seed.device, vars, a);
      bool same_out = value_at(seed.out == present_pte_output(r, w), vars, a);
      return Replay{stops == 0 && (s_stops || dev || !same_out),
                    fmt::format("plain-run test {}; seed: stops {}, device {}, output {} the "
                                "plain output",
                                stops ? "stops" : "passes", s_stops, dev,
                                same_out ? "is" : "is NOT")};
    };
  }
  void plain_stops() {
    SeedPte seed = handle_pte(r_, w_, req_, zero_pfn_);
    {
      auto cs = plain_consts(V_, W_, M_, D_, zero_pfn(), shift_, 0u, 0u);
      Check& k = add("S19.plain_stops",
                     "a PTE that does not stop a plain run is mapped, needs no fault, and the seed "
                     "writes its plain output (per-page requests)",
                     "hmm.c:236-317", plain_claim(sc::plain_pte_stops<true>(cs, w(), req()), seed));
      k.var("word", w_).var("p0", req_).var("zero_pfn", zero_pfn_);
      k.replay = replay_plain(k, seed, true);
    }
    {
      auto cs =
          plain_consts(V_, W_, M_, D_, zero_pfn(), shift_, uniform_need(V_), uniform_need(V_ | W_));
      Check& k =
          add("S19.plain_stops.uniform",
              "the same with uniform requests: RW tested against the needs of a read-only "
              "and a writable page",
              "hmm.c:113, 236-317", plain_claim(sc::plain_pte_stops<false>(cs, w(), req()), seed));
      k.pre("uniform_requests", B(uniform_requests()));
      k.var("word", w_).var("p0", req_).var("zero_pfn", zero_pfn_);
      k.necessity = true;
      k.replay = replay_plain(k, seed, false);
    }
  }

  context& c_;
  SymRange r_;
  SymWord V_, W_, M_, D_, N_, S_, shift_;
  expr w_, req_, cpu_, zero_pfn_;
  std::vector<expr> pages_;
  std::vector<Check> out_;
};

} // namespace

std::vector<Check> shortcut_obligations(context& c, const Encoding& enc) {
  return ShortcutObligations(c, enc).all();
}

} // namespace hmmspec::proofs
