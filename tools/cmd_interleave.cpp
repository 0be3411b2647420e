// SPDX-License-Identifier: GPL-2.0-or-later
// `hmmspec interleave FILE... | --builtin [--json] [--plant]`: every interleaving point each
// scenario's v5.7 walk reaches, times every race operation, run under the driver loop on every
// party and checked for agreement and the driver contract (harness/interleave.h). A finding
// is printed as a runnable scenario; exit 1 on a finding, 2 on bad input.
#include <fmt/format.h>

#include <chrono>
#include <iostream>

#include "fuzz/minimize.h"
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
  std::size_t shrink = 2000; // runs spent shrinking each finding (0: none)
  InterleaveOptions options;
};

// A finding shrunk (fuzz/minimize.h): its scenario lifted into a fuzz case, which loses
// page-table ops, VMAs, pages of the range, requests, calls, races and events while the run
// keeps the same problem (interleave_problem's key). How it went, for the output.
struct Shrunk {
  enum class How : std::uint8_t { Shrunk, NotAsked, Lost } how = How::NotAsked;
  std::size_t attempts = 0, accepted = 0;
};

Shrunk shrink_finding(InterleaveFinding& f, const std::vector<Party>& parties,
                      std::size_t max_runs) {
  Shrunk out;
  if (max_runs == 0) return out; // --shrink 0
  const fuzz::FuzzCase c = fuzz::lift_scenario(f.variant);
  auto still = [&](const Scenario& sc) {
    const auto p = interleave_problem(run_scenario(sc, parties));
    return p && p->key == f.key;
  };
  if (!still(fuzz::build_case(c))) { // the lifted case is another scenario
    out.how = Shrunk::How::Lost;
    return out;
  }
  const fuzz::MinimizeResult m = fuzz::minimize_case(c, still, max_runs);
  out = Shrunk{Shrunk::How::Shrunk, m.attempts, m.accepted};
  Scenario small = fuzz::build_case(m.c);
  small.name = f.variant.name;
  f.what = interleave_problem(run_scenario(small, parties))->what;
  f.variant = std::move(small);
  return out;
}

std::string shrunk_text(const Shrunk& s) {
  switch (s.how) {
  case Shrunk::How::NotAsked:
    return "not shrunk (--shrink 0)";
  case Shrunk::How::Lost: // (a value beyond the encoding's ranges; a 6.x race or loop)
    return "not shrunk: its fuzz case (fuzz/fuzz_case.h) loses the problem";
  case Shrunk::How::Shrunk:
    break;
  }
  return fmt::format("shrunk in {} runs, {} changes kept", s.attempts, s.accepted);
}

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
  cmd->add_option("--shrink", a->shrink,
                  "runs spent shrinking each finding to a minimal scenario (default 2000; 0: "
                  "print it as found)")
      ->check(CLI::Range(0, 1 << 24));
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
      std::vector<Shrunk> shrunk;
      for (InterleaveFinding& f : r.findings)
        shrunk.push_back(shrink_finding(f, parties, a->shrink));
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
        for (std::size_t i = 0; i < r.findings.size(); ++i)
          j["findings"].push_back({{"what", r.findings[i].what},
                                   {"scenario", finding_text(r.findings[i])},
                                   {"shrunk", shrunk_text(shrunk[i])},
                                   {"shrink_runs", shrunk[i].attempts}});
        jruns.push_back(j);
        continue;
      }
      for (std::size_t i = 0; i < r.findings.size(); ++i) {
        const InterleaveFinding& f = r.findings[i];
        std::cout << fmt::format("FINDING in {} ({}), {}\n{}--- scenario ---\n{}--- end of "
                                 "scenario ---\n",
                                 s->name, inputs.path(k), shrunk_text(shrunk[i]),
                                 f.what.ends_with('\n') ? f.what : f.what + "\n", finding_text(f));
      }
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
