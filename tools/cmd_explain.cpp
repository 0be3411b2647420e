// SPDX-License-Identifier: GPL-2.0-or-later
// `hmmspec explain FILE`: per page, the rules of the reference that fired and the output word
// decoded; then every other built party beside it and the first divergence, if any. With
// --html, the same as a picture (tools/html_picture.h, docs/picture.md).
#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "harness/check.h"
#include "harness/explain.h"
#include "harness/parties.h"
#include "harness/picture.h"
#include "model/file_io.h"
#include "model/reference.h"
#include "model/trace.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/html_picture.h"
#include "tools/render.h"

namespace hmmspec {

namespace {

// The rules that decided the page at `addr` in the last walk that wrote it.
std::string deciding_rules(const Trace& t, u64 addr) {
  if (addr < t.start) return "";
  u64 i = (addr - t.start) >> t.page_shift;
  if (i >= t.npages) return "";
  unsigned walk = t.written(i);
  std::string s;
  for (const RuleHit& h : t.page_hits(i))
    if (walk == 0 || h.walk == walk) s += (s.empty() ? "" : " ") + std::string(rule_id(h.rule));
  return s;
}

// [{walk, rules: [R-...]}]: the hits by walk, in order.
nlohmann::json hits_json(std::span<const RuleHit> hits) {
  nlohmann::json j = nlohmann::json::array();
  for (std::size_t i = 0; i < hits.size();) {
    nlohmann::json rules = nlohmann::json::array();
    std::size_t k = i;
    for (; k < hits.size() && hits[k].walk == hits[i].walk; ++k)
      rules.push_back(rule_id(hits[k].rule));
    j.push_back({{"walk", hits[i].walk}, {"rules", rules}});
    i = k;
  }
  return j;
}

// The trace as JSON: pages as groups of alike pages (for_each_page_group), walks with their
// repeats, the call's rules. Its size follows the runs of the range, not its pages.
nlohmann::json trace_json(const Scenario& s, const Outcome& ref, const Trace& t) {
  nlohmann::json pages = nlohmann::json::array();
  for_each_page_group(s, ref, t, [&](const PageGroup& g) {
    pages.push_back({{"first", g.first},
                     {"count", g.count},
                     {"addr", t.start + (g.first << t.page_shift)},
                     {"request", describe_request(s.range, g.request)},
                     {"written_by_walk", g.written},
                     {"rules", hits_json(g.rules)}});
  });
  nlohmann::json walks = nlohmann::json::array();
  for (const WalkTrace& w : t.walks)
    walks.push_back({{"number", w.number},
                     {"repeats", w.repeats},
                     {"from", w.from},
                     {"result", w.result},
                     {"last_after", w.last_after},
                     {"events", w.events},
                     {"events_omitted", w.events_omitted}});
  return {{"pages", pages}, {"walks", walks}, {"call", hits_json(t.call)}};
}

} // namespace

void add_explain_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("explain", "Per page: the reference's rules that fired and the "
                                            "output decoded; the other parties beside it");
  auto file = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto html = std::make_shared<bool>(false);
  auto out = std::make_shared<std::string>();
  cmd->add_option("FILE", *file, "scenario file (.hmm)")->required();
  auto* json_flag = cmd->add_flag("--json", *json, "machine-readable output");
  auto* html_flag = cmd->add_flag(
      "--html", *html,
      "a self-contained HTML page picturing the walk: VMAs, page tables, pages by outcome, the "
      "parties' disagreements (docs/picture.md)");
  html_flag->excludes(json_flag);
  cmd->add_option("-o,--output", *out, "with --html: write the page to this file, not stdout")
      ->needs(html_flag);
  cmd->callback([file, json, html, out, &exit_code] {
    auto s = load_file_or_report(*file);
    if (!s) {
      exit_code = kExitBadInput;
      return;
    }
    if (!s->calls.empty()) { // the trace and the picture are of one call
      std::cerr << fmt::format("hmmspec explain: {} is a sequence of {} calls, and explain traces "
                               "one call; `hmmspec run {}` runs and checks every call\n",
                               *file, s->calls.size() + 1, *file);
      exit_code = kExitBadInput;
      return;
    }
    if (s->driver_loop) { // the driver loop makes several calls
      std::cerr << fmt::format("hmmspec explain: {} makes its call by the driver loop "
                               "(driver-loop, line {}), and explain traces one "
                               "hmm_range_fault; `hmmspec run {}` runs and checks the loop\n",
                               *file, s->driver_loop_loc.line, *file);
      exit_code = kExitBadInput;
      return;
    }
    // The traced reference first, its outcome dropped before the parties run (the reference
    // is deterministic: its outcome is the reference party's), so that one copy of the world
    // and pfns[] fewer is alive at a time.
    Trace trace;
    std::optional<Outcome> traced =
        reference_hmm_range_fault(s->world, s->range, s->options, &trace);
    ScenarioRun run;
    const Outcome* found = nullptr;
    {
      // the parties of the scenario's version: those are the ones run_scenario runs (with the
      // v5.7 parties a 6.x scenario ran on none, and the reference's outcome was lost)
      auto parties = built_parties(s->world.geom.kernel);
      if (std::any_of(parties.begin(), parties.end(),
                      [](const Party& p) { return p.id.kind == PartyKind::Reference; }))
        traced.reset();
      run = run_scenario(*s, parties);
      for (const PartyResult& r : run.results)
        if (!found && r.party.kind == PartyKind::Reference) found = &r.outcome;
    }
    const Outcome& ref = traced ? *traced : *found;
    if (!run.ok()) exit_code = kExitDivergence;
    if (*html) {
      std::string page = html_picture(gather_picture(*s, ref, trace, run), *file);
      if (out->empty()) {
        std::cout << page;
        return;
      }
      std::string reason;
      if (!write_file(*out, page, reason)) {
        std::cerr << *out << ": " << reason << "\n";
        exit_code = kExitBadInput;
      }
      return;
    }
    if (*json) {
      nlohmann::json j = {{"scenario", s->name},
                          {"file", *file},
                          {"trace", trace_json(*s, ref, trace)},
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
          "  {:<10} {}{}\n", r.party.name, result_text(r.outcome),
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
