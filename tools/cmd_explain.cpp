// SPDX-License-Identifier: GPL-2.0-or-later
// `hmmspec explain FILE`: per page, the rules of the reference that fired and the output word
// decoded; then every other built party beside it and the first divergence, if any.
#include <fmt/format.h>

#include <iostream>

#include "harness/check.h"
#include "harness/explain.h"
#include "harness/parties.h"
#include "model/reference.h"
#include "model/trace.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/render.h"

namespace hmmspec {

namespace {

// The rules that decided the page at `addr` in the last walk that wrote it.
std::string deciding_rules(const Trace& t, u64 addr) {
  if (addr < t.start) return "";
  size_t i = (addr - t.start) >> t.page_shift;
  if (i >= t.pages.size()) return "";
  unsigned walk = i < t.written.size() ? t.written[i] : 0;
  std::string s;
  for (const RuleHit& h : t.pages[i])
    if (walk == 0 || h.walk == walk) s += (s.empty() ? "" : " ") + std::string(rule_id(h.rule));
  return s;
}

nlohmann::json trace_json(const Trace& t) {
  nlohmann::json pages = nlohmann::json::array();
  for (size_t i = 0; i < t.pages.size(); ++i) {
    nlohmann::json hits = nlohmann::json::array();
    for (const RuleHit& h : t.pages[i])
      hits.push_back({{"walk", h.walk}, {"rule", rule_id(h.rule)}});
    pages.push_back({{"index", i}, {"addr", t.start + (u64(i) << t.page_shift)}, {"rules", hits}});
  }
  nlohmann::json walks = nlohmann::json::array();
  for (const WalkTrace& w : t.walks)
    walks.push_back({{"number", w.number},
                     {"from", w.from},
                     {"result", w.result},
                     {"last_after", w.last_after},
                     {"events", w.events}});
  return {{"pages", pages}, {"walks", walks}};
}

} // namespace

void add_explain_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("explain", "Per page: the reference's rules that fired and the "
                                            "output decoded; the other parties beside it");
  auto file = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  cmd->add_option("FILE", *file, "scenario file (.hmm)")->required();
  cmd->add_flag("--json", *json, "machine-readable output");
  cmd->callback([file, json, &exit_code] {
    auto s = load_file_or_report(*file);
    if (!s) {
      exit_code = kExitBadInput;
      return;
    }
    Trace trace;
    Outcome ref = reference_hmm_range_fault(s->world, s->range, s->options, &trace);
    ScenarioRun run = run_scenario(*s, built_parties());
    if (!run.ok()) exit_code = kExitDivergence;
    if (*json) {
      nlohmann::json j = {{"scenario", s->name},
                          {"file", *file},
                          {"trace", trace_json(trace)},
                          {"reference", outcome_json(s->range, ref)}};
      for (const PartyResult& r : run.results) {
        nlohmann::json jr = outcome_json(s->range, r.outcome);
        jr["party"] = r.party.name;
        jr["expectations_failed"] = r.failures.size();
        j["parties"].push_back(jr);
      }
      if (run.divergence) {
        const Divergence& d = *run.divergence;
        j["divergence"] = divergence_json(d);
        if (d.diff.addr) j["divergence"]["rules"] = deciding_rules(trace, *d.diff.addr);
      }
      std::cout << json_text(j);
      return;
    }
    std::cout << "scenario " << s->name << "  (" << *file << ")\n\n";
    std::cout << explain_text(*s, ref, trace);
    std::cout << "\nparties:\n";
    for (const PartyResult& r : run.results) {
      std::cout << fmt::format(
          "  {:<10} {}{}\n", r.party.name,
          r.outcome.livelock ? "livelock" : errno_name(r.outcome.ret),
          r.failures.empty() ? "" : fmt::format("  ({} expectations failed)", r.failures.size()));
      for (const Failure& f : r.failures)
        std::cout << fmt::format("    {}:{}:{}: {}\n", f.loc.file, f.loc.line, f.loc.col,
                                 f.message);
    }
    if (run.divergence) {
      const Divergence& d = *run.divergence;
      std::cout << "first divergence: " << divergence_text(d);
      if (d.diff.addr)
        std::cout << fmt::format("  the reference decided {:#x} by: {}\n", *d.diff.addr,
                                 deciding_rules(trace, *d.diff.addr));
    } else if (run.results.size() > 1) {
      std::cout << "all parties agree\n";
    }
  });
}

} // namespace hmmspec
