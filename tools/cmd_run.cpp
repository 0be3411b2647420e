// SPDX-License-Identifier: GPL-2.0-or-later
// `hmmspec run FILE...` / `hmmspec run --builtin`: every party of a scenario's kernel version
// on it, checked against the expectations and against the ground truth (that version's kernel
// party, else the reference). A scenario of a version no party runs is skipped and counted.
// Over many scenarios, progress with the time left on stderr when it is a terminal.
#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "harness/check.h"
#include "harness/parties.h"
#include "harness/progress.h"
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

// The parties named by --party (every party, of every kernel version, without it); a name this
// build has no party of is an error that lists the parties it has.
std::optional<std::vector<Party>> select_parties(const std::vector<std::string>& only) {
  std::vector<Party> all = all_parties(), chosen;
  if (only.empty()) return all;
  for (const std::string& n : only) {
    auto id = parse_party(n);
    if (!id) {
      std::cerr << fmt::format("hmmspec run: --party {}: no such party in this build (parties: "
                               "{})\n",
                               n, party_names(ground_truth_first(all)));
      return std::nullopt;
    }
    for (const Party& p : all)
      if (p.id == *id && std::find_if(chosen.begin(), chosen.end(),
                                      [&](const Party& c) { return c.id == p.id; }) == chosen.end())
        chosen.push_back(p);
  }
  return chosen;
}

void print_divergence(const std::string& path, const Divergence& d) {
  std::cout << divergence_text(d, "  ");
  std::cout << fmt::format("  reproduce: hmmspec explain {}\n", path);
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
  cmd->add_option(
         "--party", a->only,
         "run only this party (reference, walker, kernel-5.7, kernel-6.1, ...; kernel: the "
         "v5.7 kernel party); repeatable, or comma-separated")
      ->allow_extra_args(false)
      ->delimiter(',');
  cmd->add_option("--budget", a->budget, "walk attempts before a livelock is reported")
      ->check(CLI::Range(1u, 1000000u));
  cmd->callback([a, &exit_code] {
    if (!a->builtin && a->files.empty()) {
      std::cerr << "hmmspec run: give scenario files or --builtin\n";
      exit_code = kExitBadInput;
      return;
    }
    auto selected = select_parties(a->only);
    if (!selected) {
      exit_code = kExitBadInput;
      return;
    }
    std::vector<Party> parties = ground_truth_first(*selected);
    const ScenarioInputs inputs(a->builtin, a->files);
    const std::size_t total = inputs.size();
    unsigned passed = 0, failed = 0, bad = 0, skipped = 0;
    nlohmann::json jruns = nlohmann::json::array();
    Progress meter(std::cerr, total > 1 && stderr_is_terminal(), "run");
    for (std::size_t k = 0; k < total; ++k) {
      meter.clear(); // reading and loading may report errors on stderr
      auto s = inputs.load(k);
      if (!s) {
        ++bad;
        continue;
      }
      if (a->budget) s->options.restart_budget = a->budget;
      meter.update(double(k) / double(total),
                   fmt::format("{}/{} scenarios, {} failed", k, total, failed + bad));
      ScenarioRun run = run_scenario(*s, parties);
      meter.clear();
      if (run.unsupported) {
        ++skipped;
        if (a->json) {
          jruns.push_back(
              {{"scenario", s->name}, {"file", inputs.path(k)}, {"skipped", *run.unsupported}});
        } else {
          std::cout << fmt::format("SKIP {}  ({})\n", s->name, *run.unsupported);
        }
        continue;
      }
      bool ok = run.ok();
      ok ? ++passed : ++failed;
      if (a->json) {
        nlohmann::json j = {{"scenario", s->name}, {"file", inputs.path(k)}, {"ok", ok}};
        for (const PartyResult& r : run.results) {
          nlohmann::json jr = outcome_json(s->range, r.outcome);
          jr["party"] = r.party.name;
          if (!s->calls.empty()) { // a sequence: the later calls' outcomes, in order
            jr["later_calls"] = nlohmann::json::array();
            for (const Outcome& o : r.later) jr["later_calls"].push_back(outcome_json(s->range, o));
          }
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
      const PartyResult& truth = run.results.front();
      std::string results = result_text(truth.outcome);
      // a sequence: the result of every call, "2, then 2, -EFAULT"
      for (std::size_t c = 0; c < truth.later.size(); ++c)
        results += fmt::format("{}{}", c ? ", " : ", then ", result_text(truth.later[c]));
      std::cout << fmt::format("{} {}  ({}: {})\n", ok ? "PASS" : "FAIL", s->name, truth.party.name,
                               results);
      // the driver loop: every call's chunks and tries, as the ground truth made them
      for (std::size_t c = 1; s->driver_loop && c <= truth.later.size() + 1; ++c)
        std::cout << (truth.later.empty() ? std::string("  driver loop:\n")
                                          : fmt::format("  driver loop, call {}:\n", c))
                  << driver_chunks_text(*truth.call(c));
      for (const PartyResult& r : run.results) {
        // a party that did not return, when no expectation already says so
        for (std::size_t c = 1; c <= r.later.size() + 1; ++c)
          if (const Outcome* o = r.call(c); o->failure && r.failures.empty())
            std::cout << fmt::format("  {}: {}{}\n", r.party.name,
                                     c > 1 ? fmt::format("call {}: ", c) : "",
                                     describe(*o->failure));
        for (const Failure& f : r.failures)
          std::cout << fmt::format("  {}: {}:{}:{}: {}\n", r.party.name, f.loc.file, f.loc.line,
                                   f.loc.col, f.message);
      }
      if (run.divergence) print_divergence(inputs.path(k), *run.divergence);
    }
    if (a->json) {
      nlohmann::json j = {{"parties", party_names(parties)},
                          {"runs", jruns},
                          {"passed", passed},
                          {"failed", failed},
                          {"bad_input", bad}};
      if (skipped) j["skipped"] = skipped;
      std::cout << json_text(j);
    } else {
      std::cout << fmt::format("summary: {} scenarios on parties [{}]{}\n", total,
                               party_names(parties),
                               bad ? fmt::format(", {} not run (bad input)", bad) : "");
      std::cout << fmt::format("{} passed, {} failed{}\n", passed, failed + bad,
                               skipped ? fmt::format(", {} skipped", skipped) : "");
    }
    if (bad)
      exit_code = kExitBadInput;
    else if (failed)
      exit_code = kExitDivergence;
  });
}

} // namespace hmmspec
