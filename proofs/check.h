// SPDX-License-Identifier: GPL-2.0-or-later
// One solver query and how it is run. A Check states named assumptions (preconditions, domain
// facts, induction hypotheses) and a claim; the runner asks Z3 whether the assumptions and
// the negated claim are satisfiable. Unsat: proved, and the assumptions are tracked so the
// unsat core (minimized by deletion) names what the proof needs; every needed precondition is
// then dropped in turn and must give a counterexample. Sat: the model's values of the Check's
// variables are the counterexample, replayed through the C++ functions of the model.
// Only proofs/ includes this header (it includes z3++.h).
#pragma once

#include <z3++.h>

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "proofs/proof_result.h"

namespace hmmspec::proofs {

using z3::context;
using z3::expr;

inline expr bv64(context& c, u64 v) {
  return c.bv_val(static_cast<uint64_t>(v), 64);
}
inline expr bv32(context& c, unsigned v) {
  return c.bv_val(v, 32);
}

enum class Role : std::uint8_t {
  Pre,        // a precondition under test: tracked, and checked for necessity when in the core
  Domain,     // a fact about the inputs (e.g. a shift below 64): tracked, never dropped
  Hypothesis, // an induction hypothesis: tracked, never dropped
};

struct Assumption {
  std::string name; // an SMT-LIB symbol: letters, digits, '_'
  expr e;
  Role role = Role::Pre;
};

// What replaying a counterexample through the C++ model gave.
struct Replay {
  bool reproduced = false; // the C++ functions violate the claim too
  std::string text;        // what they computed
};
using Replayer = std::function<Replay(const Assignment&)>;

// P8: names the disagreement class of a counterexample and gives the constraint that excludes
// that class from further search.
struct ClassOf {
  std::string name;
  expr block;
};
using Classifier = std::function<ClassOf(const z3::model&)>;

struct Check {
  Check(std::string id_, std::string title_, std::string cite_, expr claim_)
      : id(std::move(id_)), title(std::move(title_)), cite(std::move(cite_)),
        claim(std::move(claim_)) {}

  std::string id, title, cite;
  expr claim;
  RowKind kind = RowKind::Obligation;
  Verdict expected = Verdict::Proved;
  std::vector<Assumption> assume;
  std::vector<std::pair<std::string, expr>> vars; // shown in counterexamples, given to replay
  Replayer replay;                                // required unless the check is an induction step
  Classifier classify;                            // P8 only: enumerate every disagreement class
  bool necessity = false; // when proved, drop each needed precondition and expect a refutation

  Check& pre(std::string name, expr e) { return add(std::move(name), std::move(e), Role::Pre); }
  Check& domain(std::string name, expr e) {
    return add(std::move(name), std::move(e), Role::Domain);
  }
  Check& hypothesis(std::string name, expr e) {
    return add(std::move(name), std::move(e), Role::Hypothesis);
  }
  Check& var(std::string name, expr e) {
    vars.emplace_back(std::move(name), std::move(e));
    return *this;
  }
  Check& add(std::string name, expr e, Role r) {
    assume.push_back(Assumption{std::move(name), std::move(e), r});
    return *this;
  }
};

struct RunConfig {
  std::string encoding; // name reported in every row
  std::string smt2_dir; // empty: do not write queries
  unsigned timeout_ms = 30000;
};

// The value of a term at a counterexample: the variables a Check lists (`vars`) replaced by
// their values in `a`, any other constant by 0, then simplified. Booleans give 0 or 1.
u64 value_at(const expr& e, const std::vector<std::pair<std::string, expr>>& vars,
             const Assignment& a);

// Runs one check: its own row, then Necessity rows (when proved and asked) or Class rows.
std::vector<CheckResult> run_check(const Check& c, const RunConfig& cfg);

// The SMT-LIB2 text of a query: QF_BV, named assertions, the negated claim, (check-sat), and
// (get-unsat-core) when `status` is "unsat".
std::string to_smtlib2(const Check& c, const std::vector<size_t>& assumption_indices,
                       const std::vector<expr>& extra, const std::string& status);

} // namespace hmmspec::proofs
