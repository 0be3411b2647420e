// SPDX-License-Identifier: GPL-2.0-or-later
// P8: over a symbolic 64-bit word at each level, the model's classifier (model/entry.cpp)
// against the x86 predicates as v5.7 defines them (x86_kernel.h), compared on what the seed
// does with the word (views.h). Every disagreement class is enumerated: a counterexample is
// named by (kernel path, model path, fields that differ), that class is excluded, and the
// search goes on until none is left.
#include <fmt/format.h>

#include "proofs/model_classifier.h"
#include "proofs/obligations.h"
#include "proofs/replay.h"

namespace hmmspec::proofs {

namespace {

View view_of(const Assignment& a, const std::string& who) {
  View v;
  v.path = static_cast<Path>(a.at(who + "_path"));
  v.accessible = a.at(who + "_accessible");
  v.writable = a.at(who + "_writable");
  v.special = a.at(who + "_special");
  v.pfn = a.at(who + "_pfn");
  return v;
}

u64 num(const z3::model& m, const expr& e) {
  expr v = m.eval(e, true);
  if (v.is_bool()) return v.is_true() ? 1 : 0;
  uint64_t x = 0;
  v.is_numeral_u64(x);
  return x;
}

} // namespace

std::vector<Check> classifier_obligations(context& c) {
  std::vector<Check> out;
  for (const Slot& s : classifier_slots()) {
    Geometry g = slot_geometry(s);
    expr word = c.bv_const("word", 64);
    expr zero = c.bv_const("zero_pfn", 64);
    SymView kv = kernel_view(s, word, zero);
    SymEntry me = model_classify(g, s.level, word, zero, s.ctx);
    SymView mv = model_view(s, me, g, zero);
    expr d_acc = kv.accessible != mv.accessible, d_wr = kv.writable != mv.writable;
    expr d_sp = kv.special != mv.special, d_pfn = kv.pfn != mv.pfn;
    expr same = kv.path == mv.path && !d_acc && !d_wr && !d_sp && !d_pfn;
    Check k(fmt::format("P8.{}", s.name),
            fmt::format(
                "{} word ({}-level): the model's classifier agrees with the v5.7 x86 predicates",
                s.name, s.levels),
            s.cite, same);
    // pte_pfn gives at most 40 bits; a zero pfn beyond that could never match (is_zero_pfn).
    k.domain("zero_pfn_is_a_pfn", z3::ult(zero, bv64(c, 1ull << 40)));
    k.var("word", word).var("zero_pfn", zero);
    for (auto [who, v] : {std::pair<std::string, const SymView*>{"kernel", &kv}, {"model", &mv}}) {
      k.var(who + "_path", v->path)
          .var(who + "_accessible", v->accessible)
          .var(who + "_writable", v->writable);
      k.var(who + "_special", v->special).var(who + "_pfn", v->pfn);
    }
    // Disagreements are reported, not judged: they are findings about the model (see
    // docs/proofs.md); each class must still reproduce in model/entry.cpp.
    k.kind = RowKind::Finding;
    k.expected = Verdict::Proved;
    expr kind = me.kind;
    // A class: the two paths and the classifier's kind; when the paths agree, also the set
    // of fields that differ.
    k.classify = [kv, mv, kind, d_acc, d_wr, d_sp, d_pfn](const z3::model& m) {
      Path kp = static_cast<Path>(num(m, kv.path)), mp = static_cast<Path>(num(m, mv.path));
      Kind mk = static_cast<Kind>(num(m, kind));
      bool da = num(m, d_acc), dw = num(m, d_wr), ds = num(m, d_sp), dp = num(m, d_pfn);
      std::string name =
          fmt::format("kernel-{}.model-{}-{}", path_name(kp), kind_name(mk), path_name(mp));
      context& cc = kv.path.ctx();
      expr same_class = kv.path == path_val(cc, kp) && mv.path == path_val(cc, mp) &&
                        kind == cc.bv_val(static_cast<unsigned>(mk), 8);
      if (kp == mp) {
        std::string diff;
        if (da) diff += "-accessible";
        if (dw) diff += "-writable";
        if (ds) diff += "-special";
        if (dp) diff += "-pfn";
        name += ".differ" + diff;
        same_class = same_class && d_acc == cc.bool_val(da) && d_wr == cc.bool_val(dw) &&
                     d_sp == cc.bool_val(ds) && d_pfn == cc.bool_val(dp);
      }
      return ClassOf{name, !same_class};
    };
    k.replay = [s, g](const Assignment& a) {
      u64 w = a.at("word"), zp = a.at("zero_pfn");
      Entry e = classify(g, s.level, w, zp, s.ctx);
      View cpp = model_view(s, e, g, zp);
      View z_model = view_of(a, "model"), z_kernel = view_of(a, "kernel");
      bool transcription_ok = cpp == z_model;
      std::string text =
          fmt::format("word {} (zero pfn {}): kernel {}; model classify -> '{}', read as {}",
                      hex(w), hex(zp), describe_view(z_kernel), describe(e), describe_view(cpp));
      if (!transcription_ok)
        text += "; Z3 transcription of the classifier says " + describe_view(z_model) + " (DRIFT)";
      return Replay{transcription_ok && cpp != z_kernel, text};
    };
    out.push_back(k);
  }
  return out;
}

} // namespace hmmspec::proofs
