// SPDX-License-Identifier: GPL-2.0-or-later
// What a proof run reports, Z3-free: one row per solver query (an obligation, one step of an
// induction, the check that a precondition is needed, or one disagreement class), with its
// verdict, time, the preconditions the proof needed (a minimized unsat core) or the
// counterexample and what replaying it through the model's C++ functions gave.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "proofs/driver_encoding.h"

namespace hmmspec::proofs {

enum class Verdict : std::uint8_t { Proved, Refuted, Unknown };
std::string_view verdict_name(Verdict v); // "proved", "refuted", "unknown"

// What a row is for. An Obligation must be proved (a refutation is a failure of the encoding
// under proof, or of the code); a Necessity row drops one precondition of a proved obligation
// and must be refuted (the precondition is needed); a Finding documents a property the seed
// or a driver encoding does not have (its verdict is reported, not judged); a Class row is one
// disagreement class of P8.
enum class RowKind : std::uint8_t { Obligation, Necessity, Finding, Class };
std::string_view row_kind_name(RowKind k);

// Values of the variables of a counterexample (booleans as 0/1).
using Assignment = std::map<std::string, std::uint64_t>;

struct CheckResult {
  std::string id;       // "P2.pte", "P4.induction.step", "P2.pte/needs:vw_disjoint", ...
  std::string title;    // one line
  std::string cite;     // seed lines, "hmm.c:98-128"
  std::string encoding; // encoding name
  RowKind kind = RowKind::Obligation;
  Verdict verdict = Verdict::Unknown;
  Verdict expected = Verdict::Proved;
  double seconds = 0;
  std::vector<std::string> needs; // Proved: the preconditions the proof needs (minimized core)
  std::vector<std::string> facts; // Proved: domain facts and hypotheses in Z3's unsat core
  bool vacuous = false;           // Proved only because the assumptions cannot hold together
  Assignment counterexample;      // Refuted: the variables' values
  std::string replay;             // Refuted: what the C++ model computed on the counterexample
  bool replay_ok = true;          // Refuted: the C++ model reproduces it
  std::string smt2_file;          // written query, when --smt2 was given

  // The row is as it should be: the verdict is the expected one (Findings always pass) and a
  // counterexample reproduces in C++.
  bool ok() const;
};

struct ProveOptions {
  std::vector<Encoding> encodings{symbolic_encoding()};
  bool classifier = true;      // run P8 (independent of the encoding; run once)
  std::string smt2_dir;        // write every query as SMT-LIB2 here when not empty
  unsigned timeout_ms = 30000; // per solver call; a timeout gives Unknown
};

// Runs every obligation for every encoding (P8 once when `classifier`).
std::vector<CheckResult> run_proofs(const ProveOptions& opt);

// The table printed by `hmmspec prove`: obligation, result, seconds, needs / counterexample.
std::string format_table(const std::vector<CheckResult>& rows, bool verbose);
// "name=0x.. name=0x.." in a stable order.
std::string format_assignment(const Assignment& a);

} // namespace hmmspec::proofs
