// SPDX-License-Identifier: GPL-2.0-or-later
// `hmmspec prove`: the Z3 obligations of docs/proofs.md for every kernel family (v5.7: the
// symbolic encoding, every driver at once, and P8; 6.1 and 6.12: their fixed bits), for the
// families named by --version, or for named v5.7 driver encodings, as a table; --smt2 DIR
// writes every query as SMT-LIB2 for proofs/recheck.sh (z3 and cvc5 from the command line).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>

#include "proofs/driver_encoding.h"
#include "proofs/proof_result.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/render.h"

namespace hmmspec {

namespace {

struct ProveArgs {
  std::vector<std::string> drivers;
  std::vector<std::string> versions;
  std::string smt2_dir;
  bool no_classifier = false;
  bool verbose = false;
  bool json = false;
  unsigned timeout_s = 30;
};

// {encodings: [{name, description}], rows: [...], ok}: one row per solver query.
nlohmann::json prove_json(const proofs::ProveOptions& opt,
                          const std::vector<proofs::CheckResult>& rows, bool ok) {
  nlohmann::json encodings = nlohmann::json::array(), jrows = nlohmann::json::array();
  for (const proofs::Encoding& e : opt.encodings)
    encodings.push_back({{"name", e.name}, {"description", proofs::describe_encoding(e)}});
  for (const proofs::CheckResult& r : rows) {
    nlohmann::json j = {{"id", r.id},
                        {"title", r.title},
                        {"cite", r.cite},
                        {"encoding", r.encoding},
                        {"kind", std::string(proofs::row_kind_name(r.kind))},
                        {"verdict", std::string(proofs::verdict_name(r.verdict))},
                        {"expected", std::string(proofs::verdict_name(r.expected))},
                        {"ok", r.ok()},
                        {"seconds", r.seconds},
                        {"needs", r.needs},
                        {"vacuous", r.vacuous}};
    if (r.verdict == proofs::Verdict::Refuted) {
      j["counterexample"] = r.counterexample;
      j["replay"] = r.replay;
    }
    if (!r.smt2_file.empty()) j["smt2_file"] = r.smt2_file;
    jrows.push_back(j);
  }
  return {{"encodings", encodings}, {"rows", jrows}, {"ok", ok}};
}

int run_prove(const ProveArgs& a) {
  proofs::ProveOptions opt;
  opt.smt2_dir = a.smt2_dir;
  opt.timeout_ms = a.timeout_s * 1000;
  // The families: those named, else every one (only v5.7 when drivers are named).
  std::vector<KernelVersion> versions;
  for (const std::string& v : a.versions) {
    auto k = version_from_name(v);
    if (!k) {
      std::cerr << "--version " << v << ": not a kernel family (5.7, 6.1, 6.12)\n";
      return kExitBadInput;
    }
    if (std::find(versions.begin(), versions.end(), *k) == versions.end()) versions.push_back(*k);
  }
  if (versions.empty() && a.drivers.empty())
    versions.assign(kAllKernelVersions.begin(), kAllKernelVersions.end());
  if (versions.empty()) versions.push_back(KernelVersion::V5_7);
  const bool v57 =
      std::find(versions.begin(), versions.end(), KernelVersion::V5_7) != versions.end();
  if (!a.drivers.empty() && !v57) {
    std::cerr << "--driver: driver encodings are v5.7's; add --version 5.7\n";
    return kExitBadInput;
  }
  if (!v57) opt.encodings.clear();
  if (!a.drivers.empty()) {
    opt.encodings.clear();
    for (const std::string& d : a.drivers) {
      if (auto b = proofs::builtin_encoding(d)) {
        opt.encodings.push_back(*b);
        continue;
      }
      std::optional<std::string> text = read_input(d);
      if (!text) return kExitBadInput;
      std::string err;
      auto e = proofs::parse_encoding(*text, d, err);
      if (!e) {
        std::cerr << err << "\n";
        return kExitBadInput;
      }
      opt.encodings.push_back(*e);
    }
  }
  for (KernelVersion v : versions)
    if (has_v6_api(v)) opt.encodings.push_back(proofs::v6_encoding(v));
  opt.classifier = v57 && !a.no_classifier;
  if (!a.smt2_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(a.smt2_dir, ec);
    if (ec || !std::filesystem::is_directory(a.smt2_dir)) {
      std::cerr << a.smt2_dir << ": cannot create the --smt2 directory: " << ec.message() << "\n";
      return kExitBadInput;
    }
  }
  if (!a.json)
    for (const proofs::Encoding& e : opt.encodings)
      std::cout << fmt::format("encoding {}: {}\n", e.name, proofs::describe_encoding(e));
  std::vector<proofs::CheckResult> rows = proofs::run_proofs(opt);
  bool ok = std::all_of(rows.begin(), rows.end(), [](const auto& r) { return r.ok(); });
  if (a.json) {
    std::cout << json_text(prove_json(opt, rows, ok));
  } else {
    std::cout << proofs::format_table(rows, a.verbose);
    if (!a.smt2_dir.empty())
      std::cout << fmt::format("SMT-LIB2 queries written to {} (re-check: proofs/recheck.sh {})\n",
                               a.smt2_dir, a.smt2_dir);
  }
  return ok ? kExitOk : kExitDivergence;
}

} // namespace

void add_prove_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "prove", "Prove the Z3 obligations of docs/proofs.md (v5.7: P0-P8 for every encoding "
               "or for driver encodings; 6.1, 6.12: P0-P5 and P9 on the fixed bits); exit 1 "
               "when one fails");
  auto a = std::make_shared<ProveArgs>();
  cmd->add_option(
         "--driver", a->drivers,
         "nouveau, amdgpu, or an encoding FILE (docs/proofs.md); repeatable; default: symbolic")
      ->allow_extra_args(false);
  cmd->add_option("--version", a->versions,
                  "kernel family: 5.7, 6.1 or 6.12; repeatable; default: every family (only 5.7 "
                  "with --driver)")
      ->allow_extra_args(false);
  cmd->add_option("--smt2", a->smt2_dir,
                  "write every query as SMT-LIB2 (QF_BV) into this directory");
  cmd->add_flag("--no-classifier", a->no_classifier,
                "skip P8 (the classifier against the x86 predicates)");
  cmd->add_flag("-v,--verbose", a->verbose, "print every counterexample's variables");
  cmd->add_flag("--json", a->json, "machine-readable output: one object per solver query");
  cmd->add_option("--timeout", a->timeout_s, "seconds per solver call")
      ->check(CLI::Range(1u, 3600u));
  cmd->callback([a, &exit_code] { exit_code = run_prove(*a); });
}

} // namespace hmmspec
