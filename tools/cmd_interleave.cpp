// SPDX-License-Identifier: GPL-2.0-or-later
// `hmmspec interleave FILE... | --builtin [--json] [--plant]`: every interleaving point each
// scenario's v5.7 walk reaches, times every race operation, run under the driver loop on every
// party and checked for agreement and the driver contract (harness/interleave.h). A finding
// is printed as a runnable scenario; exit 1 on a finding, 2 on bad input.
#include <fmt/format.h>

#include <chrono>
#include <iostream>

#include "harness/interleave.h"
#include "harness/parties.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/render.h"

namespace hmmspec {

namespace {

struct InterleaveArgs {
  std::vector<std::string> files;
  bool builtin = false;
  bool json = false;
  InterleaveOptions options;
};

} // namespace

void add_interleave_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "interleave", "Run every reachable race point x operation of each scenario under the "
                    "driver loop on every party; check agreement and the driver contract");
  auto a = std::make_shared<InterleaveArgs>();
  cmd->add_option("FILES", a->files, "scenario files (.hmm)");
  cmd->add_flag("--builtin", a->builtin, "the built-in scenario suite");
  cmd->add_flag("--json", a->json, "machine-readable output");
  cmd->add_flag("--plant", a->options.plant,
                "add the planted fault zap-silent (a zap with no invalidation) to the operations, "
                "to show the checks catch it");
  cmd->add_option("--max-sites", a->options.max_sites,
                  "candidate (point, entry) pairs per scenario (default 256)")
      ->check(CLI::Range(1, 1 << 20));
  cmd->add_option("--max-reach", a->options.max_reach,
                  "reaches of one point tried, as race ... at=K (default 4)")
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--max-pages", a->options.max_pages,
                  "skip scenarios whose range has more pages (default 4096)")
      ->check(CLI::Range(1, 1 << 24));
  cmd->callback([a, &exit_code] {
    if (!a->builtin && a->files.empty()) {
      std::cerr << "hmmspec interleave: give scenario files or --builtin\n";
      exit_code = kExitBadInput;
      return;
    }
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<Party> parties = ground_truth_first(all_parties());
    const ScenarioInputs inputs(a->builtin, a->files);
    const std::size_t total = inputs.size();
    std::size_t bad = 0, skipped = 0, checked = 0, candidates = 0, findings = 0, inapplicable = 0;
    nlohmann::json jruns = nlohmann::json::array();
    for (std::size_t k = 0; k < total; ++k) {
      auto s = inputs.load(k);
      if (!s) {
        ++bad;
        continue;
      }
      InterleaveResult r = interleave(*s, parties, a->options);
      checked += r.interleavings;
      inapplicable += r.inapplicable;
      candidates += r.candidates;
      findings += r.findings.size();
      std::string line = r.skipped ? fmt::format("skipped: {}", *r.skipped)
                                   : fmt::format("{} interleavings of {} tried, {} findings",
                                                 r.interleavings, r.candidates, r.findings.size());
      if (r.capped) line += fmt::format(" ({} sites left out)", r.capped);
      if (r.inapplicable)
        line += fmt::format(" ({} where a later operation cannot be applied)", r.inapplicable);
      std::cerr << fmt::format("interleave [{}/{}] {}: {}\n", k + 1, total, s->name, line);
      if (r.skipped) ++skipped;
      if (a->json) {
        nlohmann::json j = {{"scenario", s->name}, {"file", inputs.path(k)}};
        if (r.skipped) j["skipped"] = *r.skipped;
        j["tried"] = r.candidates;
        j["interleavings"] = r.interleavings;
        j["capped"] = r.capped;
        j["inapplicable"] = r.inapplicable;
        j["findings"] = nlohmann::json::array();
        for (const InterleaveFinding& f : r.findings)
          j["findings"].push_back({{"what", f.what}, {"scenario", finding_text(f)}});
        jruns.push_back(j);
        continue;
      }
      for (const InterleaveFinding& f : r.findings)
        std::cout << fmt::format("FINDING in {} ({})\n{}--- scenario ---\n{}--- end of scenario "
                                 "---\n",
                                 s->name, inputs.path(k),
                                 f.what.ends_with('\n') ? f.what : f.what + "\n", finding_text(f));
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (a->json) {
      std::cout << json_text({{"parties", party_names(parties)},
                              {"scenarios", total},
                              {"skipped", skipped},
                              {"bad_input", bad},
                              {"tried", candidates},
                              {"interleavings", checked},
                              {"inapplicable", inapplicable},
                              {"findings", findings},
                              {"seconds", seconds},
                              {"runs", jruns}});
    } else {
      std::cout << fmt::format("summary: {} scenarios ({} skipped{}) on parties [{}]: {} "
                               "interleavings checked ({} variants tried{}) in {:.1f} s, {} "
                               "findings\n",
                               total, skipped, bad ? fmt::format(", {} bad input", bad) : "",
                               party_names(parties), checked, candidates,
                               inapplicable ? fmt::format(", {} where a later operation cannot "
                                                          "be applied",
                                                          inapplicable)
                                            : "",
                               seconds, findings);
    }
    if (bad)
      exit_code = kExitBadInput;
    else if (findings)
      exit_code = kExitDivergence;
  });
}

} // namespace hmmspec
