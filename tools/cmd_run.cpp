// SPDX-License-Identifier: GPL-2.0-or-later
// `hmmspec run FILE...` / `hmmspec run --builtin`: every built party on every scenario,
// checked against the expectations and against the ground truth (kernel, else reference).
#include <fmt/format.h>

#include <iostream>

#include "harness/check.h"
#include "harness/parties.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/render.h"

namespace hmmspec {

namespace {

struct RunArgs {
  std::vector<std::string> files;
  bool builtin = false;
  bool json = false;
  bool quiet = false;
  std::vector<std::string> only; // --party names
  unsigned budget = 0;
};

// The built parties named by --party (every built party without it). A name this build has
// no party for is left out.
std::vector<Party> select_parties(const std::vector<std::string>& only) {
  std::vector<Party> all = built_parties(), chosen;
  if (only.empty()) return all;
  std::vector<PartyId> ids;
  for (const std::string& n : only)
    if (auto id = parse_party(n)) ids.push_back(*id);
  for (const Party& p : all)
    for (const PartyId& id : ids)
      if (p.id == id) chosen.push_back(p);
  return chosen;
}

void print_divergence(const ScenarioSource& src, const Divergence& d) {
  std::cout << divergence_text(d, "  ");
  std::cout << fmt::format("  reproduce: hmmspec explain {}\n", src.path);
}

} // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("run", "Run every built party on scenarios, check expectations "
                                        "and agreement; exit 1 on a failure or divergence");
  auto a = std::make_shared<RunArgs>();
  cmd->add_option("FILES", a->files, "scenario files (.hmm)");
  cmd->add_flag("--builtin", a->builtin, "run the built-in scenario suite");
  cmd->add_flag("--json", a->json, "machine-readable output");
  cmd->add_flag("-q,--quiet", a->quiet, "print only failures and the summary");
  cmd->add_option("--party", a->only, "run only these parties (reference, walker, kernel)");
  cmd->add_option("--budget", a->budget, "walk attempts before a livelock is reported")
      ->check(CLI::Range(1u, 1000000u));
  cmd->callback([a, &exit_code] {
    std::vector<ScenarioSource> sources;
    if (a->builtin) sources = builtin_scenarios();
    for (const std::string& f : a->files) {
      auto src = read_source(f);
      if (!src) {
        exit_code = kExitBadInput;
        return;
      }
      sources.push_back(*src);
    }
    if (sources.empty()) {
      std::cerr << "hmmspec run: give scenario files or --builtin\n";
      exit_code = kExitBadInput;
      return;
    }
    std::vector<Party> parties = ground_truth_first(select_parties(a->only));
    if (parties.empty()) {
      std::cerr << "hmmspec run: no such party in this build (built: "
                << party_names(ground_truth_first(built_parties())) << ")\n";
      exit_code = kExitBadInput;
      return;
    }
    unsigned passed = 0, failed = 0, bad = 0;
    nlohmann::json jruns = nlohmann::json::array();
    for (const ScenarioSource& src : sources) {
      auto s = load_or_report(src);
      if (!s) {
        ++bad;
        continue;
      }
      if (a->budget) s->options.restart_budget = a->budget;
      ScenarioRun run = run_scenario(*s, parties);
      bool ok = run.ok();
      ok ? ++passed : ++failed;
      if (a->json) {
        nlohmann::json j = {{"scenario", s->name}, {"file", src.path}, {"ok", ok}};
        for (const PartyResult& r : run.results) {
          nlohmann::json jr = outcome_json(s->range, r.outcome);
          jr["party"] = r.party.name;
          jr["failures"] = nlohmann::json::array();
          for (const Failure& f : r.failures)
            jr["failures"].push_back(
                fmt::format("{}:{}:{}: {}", f.loc.file, f.loc.line, f.loc.col, f.message));
          j["parties"].push_back(jr);
        }
        if (run.divergence) j["divergence"] = divergence_json(*run.divergence);
        jruns.push_back(j);
        continue;
      }
      if (ok && a->quiet) continue;
      const Outcome& truth = run.results.front().outcome;
      std::cout << fmt::format("{} {}  ({}: {})\n", ok ? "PASS" : "FAIL", s->name,
                               run.results.front().party.name,
                               truth.livelock ? "livelock" : errno_name(truth.ret));
      for (const PartyResult& r : run.results)
        for (const Failure& f : r.failures)
          std::cout << fmt::format("  {}: {}:{}:{}: {}\n", r.party.name, f.loc.file, f.loc.line,
                                   f.loc.col, f.message);
      if (run.divergence) print_divergence(src, *run.divergence);
    }
    if (a->json) {
      nlohmann::json j = {{"parties", party_names(parties)},
                          {"runs", jruns},
                          {"passed", passed},
                          {"failed", failed},
                          {"bad_input", bad}};
      std::cout << json_text(j);
    } else {
      std::cout << fmt::format("summary: {} scenarios on parties [{}]{}\n", sources.size(),
                               party_names(parties),
                               bad ? fmt::format(", {} unreadable", bad) : "");
      std::cout << fmt::format("{} passed, {} failed\n", passed, failed + bad);
    }
    if (bad)
      exit_code = kExitBadInput;
    else if (failed)
      exit_code = kExitDivergence;
  });
}

} // namespace hmmspec
