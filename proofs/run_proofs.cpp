// SPDX-License-Identifier: GPL-2.0-or-later
// Runs every obligation for every encoding and formats the table.
#include <fmt/format.h>

#include "proofs/obligations.h"
#include "proofs/replay.h"

namespace hmmspec::proofs {

std::string_view verdict_name(Verdict v) {
  switch (v) {
  case Verdict::Proved:
    return "proved";
  case Verdict::Refuted:
    return "refuted";
  default:
    return "unknown";
  }
}

std::string_view row_kind_name(RowKind k) {
  switch (k) {
  case RowKind::Obligation:
    return "obligation";
  case RowKind::Necessity:
    return "necessity";
  case RowKind::Finding:
    return "finding";
  default:
    return "class";
  }
}

bool CheckResult::ok() const {
  if (verdict == Verdict::Refuted && !replay_ok) return false;
  if (kind == RowKind::Finding || kind == RowKind::Class) return verdict != Verdict::Unknown;
  return verdict == expected;
}

std::string format_assignment(const Assignment& a) {
  std::string s;
  for (const auto& [k, v] : a) s += fmt::format("{}{}={}", s.empty() ? "" : " ", k, hex(v));
  return s;
}

std::vector<CheckResult> run_proofs(const ProveOptions& opt) {
  std::vector<CheckResult> rows;
  auto run_all = [&](const std::vector<Check>& checks, const std::string& enc_name) {
    RunConfig cfg{enc_name, opt.smt2_dir, opt.timeout_ms};
    for (const Check& k : checks)
      for (CheckResult& r : run_check(k, cfg)) rows.push_back(std::move(r));
  };
  for (const Encoding& enc : opt.encodings) {
    context c;
    std::vector<Check> checks = model_obligations(c, enc);
    // A 6.x family: its request arithmetic (P0-P4) and its output word (obligations_v6.cpp);
    // the driver encoding (P5 of v5.7, P6) and the walker (P7) are v5.7's.
    using Part = std::vector<Check> (*)(context&, const Encoding&);
    const std::vector<Part> parts =
        has_v6_api(enc.kernel) ? std::vector<Part>{&fault_obligations, &v6_obligations}
                               : std::vector<Part>{&fault_obligations, &cpu_flag_obligations,
                                                   &output_obligations, &shortcut_obligations};
    for (Part part : parts)
      for (Check& k : part(c, enc)) checks.push_back(k);
    run_all(checks, enc.name);
  }
  if (opt.classifier) {
    context c;
    run_all(classifier_obligations(c), "classifier");
  }
  return rows;
}

std::string format_table(const std::vector<CheckResult>& rows, bool verbose) {
  size_t w = 10, ew = 8;
  for (const CheckResult& r : rows) {
    w = std::max(w, r.id.size());
    ew = std::max(ew, std::min<size_t>(r.encoding.size(), 24));
  }
  std::string s = fmt::format("{:<{}} {:<{}} {:<9} {:>8}  {}\n", "encoding", ew, "obligation", w,
                              "result", "seconds", "needs / counterexample");
  double total = 0;
  unsigned bad = 0;
  for (const CheckResult& r : rows) {
    total += r.kind == RowKind::Class ? 0 : r.seconds;
    std::string result(verdict_name(r.verdict));
    if (!r.ok()) {
      result += "!";
      ++bad;
    }
    std::string note;
    if (r.verdict == Verdict::Proved) {
      note = r.needs.empty() ? "needs nothing" : fmt::format("needs {}", fmt::join(r.needs, ", "));
      if (verbose && !r.facts.empty()) note += fmt::format("; uses {}", fmt::join(r.facts, ", "));
      if (r.vacuous)
        note +=
            " (vacuous: the assumptions cannot hold for this encoding, the claim does not apply)";
    } else if (r.verdict == Verdict::Refuted) {
      note = r.replay;
      if (verbose) note += "  [" + format_assignment(r.counterexample) + "]";
      if (!r.replay_ok) note += "  (NOT reproduced by the C++ model)";
    } else {
      note = "solver gave up (timeout)";
    }
    if (r.kind == RowKind::Finding) result = "finding:" + result;
    s += fmt::format("{:<{}} {:<{}} {:<9} {:>8.3f}  {}\n", r.encoding.substr(0, 24), ew, r.id, w,
                     result, r.seconds, note);
  }
  // Per encoding (v5.7's symbolic or drivers, P8's "classifier", each 6.x family) when several.
  std::vector<std::pair<std::string, double>> per;
  for (const CheckResult& r : rows) {
    if (per.empty() || per.back().first != r.encoding) per.emplace_back(r.encoding, 0.0);
    per.back().second += r.kind == RowKind::Class ? 0 : r.seconds;
  }
  if (per.size() > 1)
    for (const auto& [name, secs] : per) s += fmt::format("{}: {:.2f} s of solving\n", name, secs);
  s += fmt::format("{} rows, {:.2f} s of solving, {} not as expected\n", rows.size(), total, bad);
  return s;
}

} // namespace hmmspec::proofs
