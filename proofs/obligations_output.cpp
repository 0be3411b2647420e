// SPDX-License-Identifier: GPL-2.0-or-later
// P6: output unambiguity. Every pfn output is (pfn << pfn_shift) | V | cpu_flags
// (hmm_device_entry_from_pfn, hmm.c:46-50, ORed with 0, V or V|W at hmm.c:209, 263, 310,
// 456, 501); the driver decodes it with hmm_device_entry_to_page's test (hmm.h:106-118) and
// out >> pfn_shift. The exact conditions on pfn_shift, pfn width and flag bits are the
// preconditions below; every one is shown necessary by a counterexample.
#include <fmt/format.h>

#include "proofs/obligations.h"
#include "proofs/replay.h"

namespace hmmspec::proofs {

namespace {

constexpr const char* kCite = "hmm.c:46-50, hmm.h:106-118";

// The shape of every pfn output when the flags lie below pfn_shift: its bits below pfn_shift
// are V or V|W, and it has no bit at or above pfn_shift + pfn_bits (a shift by 64 or more
// gives 0 in SMT-LIB and in this formula's reading: then every high part fits).
expr has_output_shape(const SymRange& r, const expr& x) {
  context& c = x.ctx();
  expr low = x & (z3::shl(bv64(c, 1), r.shift) - bv64(c, 1));
  return (low == r.V || low == (r.V | r.W)) && z3::lshr(x, r.shift + r.pfn_bits) == bv64(c, 0);
}

std::string out_text(const HmmRange& r, u64 out) {
  return hex(out) + " (" + describe_output(r, out) + ")";
}

} // namespace

std::vector<Check> output_obligations(context& c, const Encoding& enc) {
  std::vector<Check> out;
  SymRange r = sym_range(c, enc);
  expr pfn = c.bv_const("pfn", 64);
  expr acc = c.bool_const("accessible"), wr = c.bool_const("writable");
  expr word = device_entry_from_pfn(r, pfn) | cpu_flags_for(r, acc, wr);
  expr z = bv64(c, 0);

  auto setup = [&](Check& k, bool with_pres) {
    add_range_domain(k, r);
    add_range_vars(k, r);
    k.domain("pfn_fits_pfn_bits", z3::lshr(pfn, r.pfn_bits) == z);
    k.var("pfn", pfn).var("accessible", acc).var("writable", wr);
    if (!with_pres) return;
    encoding_pre(k, r, "v_nonzero", r.V != z);
    encoding_pre(k, r, "w_nonzero", r.W != z);
    encoding_pre(k, r, "vw_disjoint", (r.V & r.W) == z);
    encoding_pre(k, r, "flags_below_pfn_shift", z3::lshr(r.V | r.W, r.shift) == z);
    encoding_pre(k, r, "pfn_bits_plus_shift_le_64", z3::ule(r.shift, bv64(c, 64) - r.pfn_bits));
    encoding_pre(k, r, "none_is_no_output", !has_output_shape(r, r.N));
    encoding_pre(k, r, "error_is_no_output", !has_output_shape(r, r.E));
    encoding_pre(k, r, "special_is_no_output", !has_output_shape(r, r.S));
    k.necessity = true;
  };
  // P6.shape is the lemma the sentinel checks use as a hypothesis.
  // (A fixed encoding is checked directly: the lemma holds only under its preconditions.)
  auto with_shape = [&](Check& k) {
    if (r.symbolic) k.hypothesis("output_shape_P6_shape", has_output_shape(r, word));
  };
  // Replays a claim about the output word of a counterexample.
  auto replay_with =
      [](std::function<std::optional<std::string>(const HmmRange&, u64, u64, bool, bool)> bad) {
        return [bad](const Assignment& a) {
          HmmRange rr = range_of(a);
          u64 pfn_v = a.at("pfn");
          bool ac = a.at("accessible"), w = a.at("writable");
          u64 o = output_of(rr, pfn_v, ac, w);
          std::string base =
              fmt::format("pfn {} {} -> output {}", hex(pfn_v),
                          ac ? (w ? "read-write" : "read-only") : "no access", out_text(rr, o));
          if (auto why = bad(rr, pfn_v, o, ac, w)) return Replay{true, base + ": " + *why};
          return Replay{false, base + ": the C++ model satisfies the claim"};
        };
      };

  {
    Check k("P6.shape",
            "lemma: a pfn output's bits below pfn_shift are V or V|W and none is set at or above "
            "pfn_shift + pfn_bits",
            kCite, has_output_shape(r, word));
    setup(k, true);
    k.replay = [](const Assignment& a) {
      HmmRange rr = range_of(a);
      u64 o = output_of(rr, a.at("pfn"), a.at("accessible"), a.at("writable"));
      u64 low = o & ((1ull << rr.pfn_shift) - 1);
      unsigned top = unsigned(rr.pfn_shift + a.at("pfn_bits"));
      bool low_ok = low == rr.flags[0] || low == (rr.flags[0] | rr.flags[1]);
      bool high_ok = top >= 64 || (o >> top) == 0;
      return Replay{!(low_ok && high_ok),
                    fmt::format("output {}: low bits {}, high bits {}", hex(o), hex(low),
                                high_ok ? "fit" : "do not fit")};
    };
    out.push_back(k);
  }
  {
    Check k("P6.sentinel", "no pfn output equals NONE, ERROR or SPECIAL", kCite,
            word != r.N && word != r.E && word != r.S);
    setup(k, true);
    with_shape(k);
    k.replay =
        replay_with([](const HmmRange& rr, u64, u64 o, bool, bool) -> std::optional<std::string> {
          if (o == rr.values[0] || o == rr.values[1] || o == rr.values[2])
            return "equals a sentinel";
          return std::nullopt;
        });
    out.push_back(k);
  }
  {
    Check k("P6.page", "every pfn output decodes to a page (hmm_device_entry_to_page's test)",
            kCite, output_has_page(r, word));
    setup(k, true);
    with_shape(k);
    k.replay =
        replay_with([](const HmmRange& rr, u64, u64 o, bool, bool) -> std::optional<std::string> {
          if (!output_has_page(rr, o)) return "output_has_page is false";
          return std::nullopt;
        });
    out.push_back(k);
  }
  {
    Check k("P6.pfn", "decoding returns the pfn: out >> pfn_shift == pfn", kCite,
            output_pfn(r, word) == pfn);
    setup(k, true);
    k.replay =
        replay_with([](const HmmRange& rr, u64 p, u64 o, bool, bool) -> std::optional<std::string> {
          if (output_pfn(rr, o) != p) return "decodes to pfn " + hex(output_pfn(rr, o));
          return std::nullopt;
        });
    out.push_back(k);
  }
  {
    Check k("P6.write",
            "decoding returns the write flag: W is set exactly when the CPU entry is writable",
            kCite, any(word, r.W) == (acc && wr));
    setup(k, true);
    k.replay = replay_with(
        [](const HmmRange& rr, u64, u64 o, bool ac, bool w) -> std::optional<std::string> {
          bool seen = o & rr.flags[HMM_PFN_WRITE];
          if (seen != (ac && w)) return fmt::format("W decodes as {}", seen);
          return std::nullopt;
        });
    out.push_back(k);
  }
  {
    Check k("P6.write_implies_valid", "every pfn output with W also has V", kCite,
            z3::implies(any(word, r.W), any(word, r.V)));
    setup(k, true);
    k.replay =
        replay_with([](const HmmRange& rr, u64, u64 o, bool, bool) -> std::optional<std::string> {
          if ((o & rr.flags[1]) && !(o & rr.flags[0])) return "W without V";
          return std::nullopt;
        });
    out.push_back(k);
  }
  {
    Check k("P6.valid_means_accessible",
            "V in a pfn output means the CPU entry is accessible (it does not: "
            "hmm.c:49 ORs V in unconditionally)",
            kCite, any(word, r.V) == acc);
    setup(k, false);
    encoding_pre(k, r, "v_nonzero", r.V != z);
    k.kind = RowKind::Finding;
    k.expected = Verdict::Refuted;
    k.replay = replay_with(
        [](const HmmRange& rr, u64, u64 o, bool ac, bool) -> std::optional<std::string> {
          bool v = o & rr.flags[0];
          if (v != ac)
            return fmt::format("V decodes as {} for an entry that is {}", v,
                               ac ? "accessible" : "not accessible");
          return std::nullopt;
        });
    out.push_back(k);
  }
  if (r.symbolic) return out;

  // Findings about the fixed encoding's sentinels.
  auto sentinel_check = [&](const std::string& id, const std::string& title, const expr& claim,
                            std::function<std::optional<std::string>(const HmmRange&)> bad) {
    Check k(id, title, "hmm.h:61-66", claim);
    add_range_vars(k, r);
    k.kind = RowKind::Finding;
    k.expected = Verdict::Refuted;
    k.replay = [bad](const Assignment& a) {
      HmmRange rr = range_of(a);
      if (auto why = bad(rr)) return Replay{true, *why};
      return Replay{false, "the C++ encoding satisfies the claim"};
    };
    out.push_back(k);
  };
  sentinel_check("P6.sentinels.error_special_distinct",
                 "ERROR and SPECIAL differ (the header allows them to alias)", r.E != r.S,
                 [](const HmmRange& rr) -> std::optional<std::string> {
                   if (rr.values[0] != rr.values[2]) return std::nullopt;
                   return "ERROR = SPECIAL = " + hex(rr.values[0]) +
                          ": a driver cannot tell them apart (" +
                          describe_output(rr, rr.values[0]) + ")";
                 });
  sentinel_check(
      "P6.sentinels.none_distinct", "NONE differs from ERROR and SPECIAL (the header asks for it)",
      r.N != r.E && r.N != r.S, [](const HmmRange& rr) -> std::optional<std::string> {
        if (rr.values[1] != rr.values[0] && rr.values[1] != rr.values[2]) return std::nullopt;
        return "NONE = " + hex(rr.values[1]) + " aliases " + describe_output(rr, rr.values[1]);
      });
  sentinel_check("P6.sentinels.write_implies_valid", "no sentinel has W set with V clear",
                 z3::implies(any(r.N, r.W), any(r.N, r.V)) &&
                     z3::implies(any(r.E, r.W), any(r.E, r.V)) &&
                     z3::implies(any(r.S, r.W), any(r.S, r.V)),
                 [](const HmmRange& rr) -> std::optional<std::string> {
                   std::string s;
                   const char* names[] = {"ERROR", "NONE", "SPECIAL"};
                   for (unsigned i = 0; i < 3; ++i)
                     if ((rr.values[i] & rr.flags[1]) && !(rr.values[i] & rr.flags[0]))
                       s += fmt::format("{}{} = {} has W and not V", s.empty() ? "" : "; ",
                                        names[i], hex(rr.values[i]));
                   if (s.empty()) return std::nullopt;
                   return s + ": a consumer that tests W before the sentinels sees a writable page";
                 });
  return out;
}

} // namespace hmmspec::proofs
