// SPDX-License-Identifier: GPL-2.0-or-later
// `hmmspec exhaustive --geometry tiny --pages N`: every case of the small-scope space of
// harness/exhaustive.h on every built party; progress with the time left on stderr when it is a
// terminal (harness/progress.h), a summary with the number of cases, and the first divergence
// as a scenario file. Exit 1 on a divergence.
#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "harness/exhaustive.h"
#include "harness/parties.h"
#include "harness/progress.h"
#include "model/scenario_format.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/render.h"

namespace hmmspec {

namespace {

struct ExhaustiveArgs {
  std::string geometry = "tiny";
  unsigned pages = 0;
  bool json = false;
  bool all = false;
  bool count = false;
  std::optional<std::uint64_t> only;
  std::uint64_t from = 0;
};

struct Found {
  std::uint64_t index = 0;
  Scenario scenario;
  Divergence divergence;
};

std::string found_text(const Found& f) {
  return fmt::format("first divergence: case {}: {}scenario file:\n{}", f.index,
                     divergence_text(f.divergence), print_scenario(f.scenario));
}

int run_exhaustive(const ExhaustiveArgs& a) {
  auto g = builtin_geometry(a.geometry);
  if (!g) {
    std::cerr << "hmmspec exhaustive: no built-in geometry " << a.geometry << "\n";
    return kExitBadInput;
  }
  std::string error;
  auto space = ExhaustiveSpace::make(*g, a.pages, &error);
  if (!space) {
    std::cerr << "hmmspec exhaustive: " << error << "\n";
    return kExitBadInput;
  }
  const std::vector<Party> parties = ground_truth_first(built_parties());
  const std::string names = party_names(parties);
  const std::uint64_t total = space->count();
  if (a.count) {
    if (a.json)
      std::cout << json_text({{"geometry", g->name}, {"pages", a.pages}, {"total_cases", total}});
    else
      std::cout << total << "\n";
    return kExitOk;
  }
  auto no_such_case = [&](const char* option, std::uint64_t value) {
    std::cerr << fmt::format("hmmspec exhaustive: {} {}: no such case (the cases are 0..{})\n",
                             option, value, total - 1);
    return kExitBadInput;
  };
  if (a.only && *a.only >= total) return no_such_case("--case", *a.only);
  if (a.from >= total) return no_such_case("--from", a.from);

  if (a.only) { // one case: print it, run it, report
    Scenario s = space->scenario(*a.only);
    ScenarioRun run = run_scenario(s, parties);
    if (a.json) {
      nlohmann::json j = {{"geometry", g->name},
                          {"pages", a.pages},
                          {"case", *a.only},
                          {"parties", names},
                          {"scenario", print_scenario(s)}};
      j["divergence"] = run.divergence ? divergence_json(*run.divergence) : nlohmann::json(nullptr);
      std::cout << json_text(j);
      return run.divergence ? kExitDivergence : kExitOk;
    }
    std::cout << print_scenario(s);
    if (!run.divergence) {
      std::cout << fmt::format("# case {}: parties [{}] agree\n", *a.only, names);
      return kExitOk;
    }
    std::cout << found_text(Found{*a.only, s, *run.divergence});
    return kExitDivergence;
  }

  if (parties.size() < 2)
    std::cerr << "hmmspec exhaustive: only one party is built (" << names
              << "): the cases run, but there is nothing to compare\n";
  const auto t0 = std::chrono::steady_clock::now();
  std::uint64_t divergences = 0;
  std::optional<Found> first;
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  // on a terminal only; the estimate is of the cases this run has left
  Progress meter(std::cerr, stderr_is_terminal(), "exhaustive", t0);
  auto progress = [&](std::uint64_t done) {
    meter.update(double(done) / double(total - a.from),
                 fmt::format("{}/{} cases, {:.0f} cases/s, {} divergences", a.from + done, total,
                             done / std::max(elapsed(), 1e-9), divergences));
  };
  std::uint64_t done = space->run(
      parties, a.from, total,
      [&](std::uint64_t index, const Scenario& s, const ScenarioRun& run) {
        ++divergences;
        if (!first) first = Found{index, s, *run.divergence};
        return a.all;
      },
      progress);
  const double secs = elapsed();
  meter.clear();

  if (a.json) {
    nlohmann::json j = {
        {"geometry", g->name},
        {"pages", a.pages},
        {"range",
         {{"start", space->scenario(0).range.start}, {"end", space->scenario(0).range.end}}},
        {"parties", names},
        {"total_cases", total},
        {"from", a.from},
        {"cases", done},
        {"divergences", divergences},
        {"complete", a.from + done == total},
        {"seconds", secs}};
    if (first) {
      j["first_divergence"] = divergence_json(first->divergence);
      j["first_divergence"]["case"] = first->index;
      j["first_divergence"]["scenario"] = print_scenario(first->scenario);
    }
    std::cout << json_text(j);
  } else {
    const Scenario s0 = space->scenario(0);
    std::cout << fmt::format("exhaustive: geometry {}, {} page(s) [{:#x}, {:#x}), parties [{}]\n",
                             g->name, a.pages, s0.range.start, s0.range.end, names);
    std::cout << fmt::format("cases: {} run of {} (from case {}){}, divergences: {}, time {:.1f} s "
                             "({:.0f} cases/s)\n",
                             done, total, a.from,
                             a.from + done == total ? ", complete" : ", stopped early", divergences,
                             secs, done / std::max(secs, 1e-9));
    if (first) std::cout << found_text(*first);
  }
  return divergences ? kExitDivergence : kExitOk;
}

} // namespace

void add_exhaustive_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "exhaustive", "Run every world of a tiny geometry around a range of N pages (a palette of "
                    "entry kinds at every level, VMA layouts) with every request pattern on "
                    "every built party, and compare; exit 1 on a divergence");
  auto a = std::make_shared<ExhaustiveArgs>();
  cmd->add_option("--geometry", a->geometry, "a tiny built-in geometry: tiny, tiny-la57, tiny3")
      ->capture_default_str();
  cmd->add_option("--pages", a->pages, "pages in the range (1..8)")->required();
  cmd->add_flag("--json", a->json, "machine-readable output (the summary, --case, --count)");
  cmd->add_flag("--all", a->all, "count every divergence instead of stopping at the first");
  cmd->add_flag("--count", a->count, "print the number of cases of the bound and exit");
  cmd->add_option("--case", a->only, "print and run only this case (its number in the summary)");
  cmd->add_option("--from", a->from, "start at this case (to resume a run)");
  cmd->callback([a, &exit_code] { exit_code = run_exhaustive(*a); });
}

} // namespace hmmspec
