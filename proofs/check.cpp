// SPDX-License-Identifier: GPL-2.0-or-later
#include "proofs/check.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>

namespace hmmspec::proofs {

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::string file_stem(const std::string& encoding, const std::string& id) {
  std::string s = encoding + "__" + id;
  for (char& ch : s)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-') ch = '_';
  return s;
}

Assignment assignment_of(const z3::model& m, const Check& c) {
  Assignment a;
  for (const auto& [name, e] : c.vars) {
    expr v = m.eval(e, true);
    if (v.is_bool()) {
      a[name] = v.is_true() ? 1 : 0;
    } else {
      uint64_t x = 0;
      v.is_numeral_u64(x);
      a[name] = x;
    }
  }
  return a;
}

// Collects the uninterpreted constants of an expression (the query's free variables).
void collect_constants(const expr& e, std::set<unsigned>& seen, std::vector<expr>& out) {
  if (!seen.insert(e.id()).second) return;
  if (e.is_app()) {
    if (e.num_args() == 0 && e.decl().decl_kind() == Z3_OP_UNINTERPRETED) {
      out.push_back(e);
      return;
    }
    for (unsigned i = 0; i < e.num_args(); ++i) collect_constants(e.arg(i), seen, out);
  }
}

std::string sort_text(const z3::sort& s) {
  if (s.is_bool()) return "Bool";
  return fmt::format("(_ BitVec {})", s.bv_size());
}

// Every solver call gets a fresh QF_BV solver with the chosen assumptions asserted and
// tracked by name (assert_and_track), the negated claim, and the exclusions found so far:
// Z3 then runs its non-incremental bit-vector tactic, far faster here than the incremental
// solver that check-with-assumptions would select.
struct Query {
  const Check& chk;
  unsigned timeout_ms;
  std::vector<expr> blocks;
  std::optional<z3::solver> last;

  Query(const Check& c, unsigned t) : chk(c), timeout_ms(t) {}

  std::string track_name(size_t i) const { return fmt::format("hmmspec_track_{}", i); }

  z3::check_result check(const std::vector<size_t>& on, bool negated_claim = true) {
    context& ctx = chk.claim.ctx();
    last.emplace(ctx, "QF_BV");
    z3::params p(ctx);
    p.set("timeout", timeout_ms);
    p.set("unsat_core", true);
    last->set(p);
    for (size_t i : on) last->add(chk.assume[i].e, track_name(i).c_str());
    for (const expr& b : blocks) last->add(b);
    if (negated_claim) last->add(!chk.claim);
    return last->check();
  }

  z3::model model() { return last->get_model(); }

  std::vector<size_t> core() {
    std::vector<size_t> out;
    z3::expr_vector core = last->unsat_core();
    for (unsigned k = 0; k < core.size(); ++k) {
      std::string n = core[k].decl().name().str();
      for (size_t i = 0; i < chk.assume.size(); ++i)
        if (n == track_name(i)) out.push_back(i);
    }
    std::sort(out.begin(), out.end());
    return out;
  }
};

Verdict verdict_of(z3::check_result r) {
  if (r == z3::unsat) return Verdict::Proved;
  if (r == z3::sat) return Verdict::Refuted;
  return Verdict::Unknown;
}

void fill_refutation(CheckResult& row, const Check& c, const z3::model& m) {
  row.counterexample = assignment_of(m, c);
  if (c.replay) {
    Replay r = c.replay(row.counterexample);
    row.replay = r.text;
    row.replay_ok = r.reproduced;
  } else {
    row.replay = "no replay: an induction step's state need not be reachable";
    row.replay_ok = true;
  }
}

std::string write_smt2(const RunConfig& cfg, const std::string& id, const std::string& text) {
  if (cfg.smt2_dir.empty()) return "";
  std::filesystem::create_directories(cfg.smt2_dir);
  std::string path =
      (std::filesystem::path(cfg.smt2_dir) / (file_stem(cfg.encoding, id) + ".smt2")).string();
  std::ofstream(path) << text;
  return path;
}

} // namespace

u64 value_at(const expr& e, const std::vector<std::pair<std::string, expr>>& vars,
             const Assignment& a) {
  context& c = e.ctx();
  z3::expr_vector from(c), to(c);
  auto value_of = [&](const expr& k, u64 v) {
    return k.is_bool() ? c.bool_val(v != 0)
                       : c.bv_val(static_cast<uint64_t>(v), k.get_sort().bv_size());
  };
  std::set<unsigned> seen;
  for (const auto& [name, k] : vars) {
    auto it = a.find(name);
    if (it == a.end() || !k.is_app() || k.num_args() != 0 ||
        k.decl().decl_kind() != Z3_OP_UNINTERPRETED || !seen.insert(k.id()).second)
      continue;
    from.push_back(k);
    to.push_back(value_of(k, it->second));
  }
  std::vector<expr> rest;
  collect_constants(e, seen, rest);
  for (const expr& k : rest) {
    from.push_back(k);
    to.push_back(value_of(k, 0));
  }
  expr v = expr(e).substitute(from, to).simplify();
  if (v.is_bool()) return v.is_true() ? 1 : 0;
  uint64_t x = 0;
  v.is_numeral_u64(x);
  return x;
}

std::string to_smtlib2(const Check& c, const std::vector<size_t>& idx,
                       const std::vector<expr>& extra, const std::string& status) {
  std::set<unsigned> seen;
  std::vector<expr> consts;
  for (size_t i : idx) collect_constants(c.assume[i].e, seen, consts);
  for (const expr& e : extra) collect_constants(e, seen, consts);
  collect_constants(c.claim, seen, consts);

  std::string s;
  s += fmt::format("; hmmspec proof query {}: {}\n", c.id, c.title);
  if (!c.cite.empty()) s += fmt::format("; seed: {}\n", c.cite);
  s += fmt::format("; expected answer: {} ({})\n", status,
                   status == "unsat" ? "the claim holds under the named assumptions"
                                     : "a counterexample exists");
  if (status == "unsat") s += "(set-option :produce-unsat-cores true)\n";
  s += "(set-logic QF_BV)\n";
  s += fmt::format("(set-info :status {})\n", status);
  for (const expr& k : consts)
    s += fmt::format("(declare-fun {} () {})\n", k.decl().name().str(), sort_text(k.get_sort()));
  for (size_t i : idx)
    s += fmt::format("(assert (! {} :named {}))\n", c.assume[i].e.to_string(), c.assume[i].name);
  for (size_t k = 0; k < extra.size(); ++k)
    s += fmt::format("(assert (! {} :named excluded_{}))\n", extra[k].to_string(), k);
  s += fmt::format("(assert (! (not {}) :named negated_claim))\n", c.claim.to_string());
  s += "(check-sat)\n";
  if (status == "unsat") s += "(get-unsat-core)\n";
  s += "(exit)\n";
  return s;
}

std::vector<CheckResult> run_check(const Check& c, const RunConfig& cfg) {
  std::vector<CheckResult> rows;
  CheckResult row;
  row.id = c.id;
  row.title = c.title;
  row.cite = c.cite;
  row.encoding = cfg.encoding;
  row.kind = c.kind;
  row.expected = c.expected;

  Query q(c, cfg.timeout_ms);
  std::vector<size_t> all(c.assume.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;

  auto t0 = Clock::now();
  z3::check_result r = q.check(all);
  std::vector<expr> blocks;

  if (c.classify) { // P8: enumerate every disagreement class
    std::vector<CheckResult> classes;
    std::string first_text;
    while (r == z3::sat && classes.size() < 64) {
      auto tc = Clock::now();
      z3::model m = q.model();
      if (first_text.empty()) first_text = to_smtlib2(c, all, blocks, "sat");
      ClassOf k = c.classify(m);
      CheckResult cr;
      cr.id = c.id + "/" + k.name;
      cr.title = "disagreement class";
      cr.cite = c.cite;
      cr.encoding = cfg.encoding;
      cr.kind = RowKind::Class;
      cr.verdict = Verdict::Refuted;
      cr.expected = Verdict::Refuted;
      fill_refutation(cr, c, m);
      blocks.push_back(k.block);
      q.blocks.push_back(k.block);
      r = q.check(all);
      cr.seconds = since(tc);
      classes.push_back(std::move(cr));
    }
    row.verdict =
        r == z3::unsat ? (classes.empty() ? Verdict::Proved : Verdict::Refuted) : Verdict::Unknown;
    row.seconds = since(t0);
    if (r == z3::unsat)
      for (size_t i : q.core()) row.facts.push_back(c.assume[i].name);
    if (!first_text.empty()) write_smt2(cfg, c.id + ".first", first_text);
    row.smt2_file =
        write_smt2(cfg, c.id, to_smtlib2(c, all, blocks, r == z3::unsat ? "unsat" : "unknown"));
    row.replay = fmt::format("{} disagreement class(es); with all of them excluded the query is {}",
                             classes.size(), r == z3::unsat ? "unsat" : "not decided");
    rows.push_back(row);
    for (auto& cr : classes) rows.push_back(std::move(cr));
    return rows;
  }

  row.verdict = verdict_of(r);
  if (r == z3::sat) fill_refutation(row, c, q.model());
  if (r != z3::unsat) {
    row.seconds = since(t0);
    row.smt2_file = write_smt2(cfg, c.id, to_smtlib2(c, all, {}, r == z3::sat ? "sat" : "unknown"));
    rows.push_back(row);
    return rows;
  }

  // Proved. The domain facts and hypotheses Z3's core names are reported as they are; the
  // preconditions in the core are minimized by deletion: one that the claim still follows
  // without is dropped for good, one without which a counterexample exists is needed, and
  // that counterexample (which meets every other kept assumption) is its Necessity row.
  std::vector<size_t> z3_core = q.core();
  auto in_core = [&](size_t i) {
    return std::find(z3_core.begin(), z3_core.end(), i) != z3_core.end();
  };
  // Preconditions outside Z3's core go at once (the core is unsat by itself).
  std::vector<size_t> kept;
  for (size_t i : all)
    if (c.assume[i].role != Role::Pre || in_core(i)) kept.push_back(i);
  std::vector<CheckResult> needed_rows;
  for (size_t i : z3_core) {
    if (c.assume[i].role != Role::Pre) continue;
    auto tn = Clock::now();
    std::vector<size_t> trial;
    for (size_t j : kept)
      if (j != i) trial.push_back(j);
    z3::check_result rn = q.check(trial);
    if (rn == z3::unsat) {
      kept = trial;
      continue;
    }
    if (!c.necessity) continue;
    CheckResult nr;
    nr.id = c.id + "/needs:" + c.assume[i].name;
    nr.title = "without " + c.assume[i].name + " the claim fails";
    nr.cite = c.cite;
    nr.encoding = cfg.encoding;
    nr.kind = RowKind::Necessity;
    nr.expected = Verdict::Refuted;
    nr.verdict = verdict_of(rn);
    if (rn == z3::sat) fill_refutation(nr, c, q.model());
    nr.seconds = since(tn);
    nr.smt2_file =
        write_smt2(cfg, nr.id, to_smtlib2(c, trial, {}, rn == z3::sat ? "sat" : "unknown"));
    needed_rows.push_back(std::move(nr));
  }
  for (size_t i : kept) {
    if (c.assume[i].role == Role::Pre)
      row.needs.push_back(c.assume[i].name);
    else if (in_core(i))
      row.facts.push_back(c.assume[i].name);
  }
  // A guard false for a fixed encoding (say mask 0 for nouveau) proves the claim vacuously.
  row.vacuous = q.check(kept, false) == z3::unsat;
  row.seconds = since(t0);
  row.smt2_file = write_smt2(cfg, c.id, to_smtlib2(c, all, {}, "unsat"));
  rows.push_back(row);
  for (auto& nr : needed_rows) rows.push_back(std::move(nr));
  return rows;
}

} // namespace hmmspec::proofs
