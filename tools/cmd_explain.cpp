// SPDX-License-Identifier: GPL-2.0-or-later
// `hmmspec explain FILE`: per page, the rules of the reference that fired and the output word
// decoded; then every other built party beside it and the first divergence, if any. With
// --html, the same as a picture (tools/html_picture.h, docs/picture.md).
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <variant>

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

// One hmm_range_fault the driver loop made on the reference, traced: its chunk's range with
// the requests, the world it was made on, its outcome and the reference's trace.
struct TracedTry {
  Scenario call; // the world and range of the try (no expectations)
  Outcome out;
  Trace trace;
};

// The driver loop of call `sk` made on the reference, every hmm_range_fault of it traced; the
// loop's outcome is `loop`.
std::vector<TracedTry> traced_loop(const Scenario& sk, Outcome& loop) {
  std::vector<TracedTry> tries;
  loop = driver_hmm_range_fault(*sk.driver_loop, sk.world, sk.range, sk.options,
                                [&](const World& w, const HmmRange& r, const RunOptions& o) {
                                  TracedTry& t = tries.emplace_back();
                                  t.call.name = sk.name;
                                  t.call.world = w;
                                  t.call.range = r;
                                  t.call.options = o;
                                  t.out = reference_hmm_range_fault(w, r, o, &t.trace);
                                  return t.out;
                                });
  return tries;
}

// Calls f(chunk, its index, try, its index, the traced call of that try or nullptr) for every try
// of the loop, in order. A try that made no call (a `during before-call` event refused, which
// ends the loop) has none.
template <typename F>
void for_each_try(const Outcome& loop, const std::vector<TracedTry>& traced, F&& f) {
  std::size_t next = 0;
  for (std::size_t c = 0; c < loop.chunks.size(); ++c)
    for (std::size_t i = 0; i < loop.chunks[c].tries.size(); ++i) {
      const bool called = !(loop.refused_event && c + 1 == loop.chunks.size() &&
                            i + 1 == loop.chunks[c].tries.size() && next == traced.size());
      f(loop.chunks[c], c, loop.chunks[c].tries[i], i, called ? &traced.at(next) : nullptr);
      if (called) ++next;
    }
}

// `explain` of a sequence: every call (or call `only`), each traced on the reference from the
// world the reference's earlier calls left (call_scenario) with its parties' outcomes of that
// call beside it, from one run of the whole sequence on every party, each on the worlds its own
// calls left; then the expectations that failed and the first divergence. Returns the exit code.
int explain_sequence(const Scenario& s, const std::string& file, std::size_t only, bool json) {
  const std::size_t ncalls = s.calls.size() + 1;
  const ScenarioRun run = run_scenario(s, built_parties(s.world.geom.kernel));
  int code = run.ok() ? kExitOk : kExitDivergence;
  nlohmann::json j = {{"scenario", s.name}, {"file", file}, {"calls", nlohmann::json::array()}};
  if (!json)
    std::cout << "scenario " << s.name << "  (" << file << "), " << ncalls
              << (ncalls == 1 ? " call" : " calls")
              << (s.driver_loop ? ", each made by the driver loop\n" : "\n");
  for (std::size_t k = only ? only : 1; k <= (only ? only : ncalls); ++k) {
    auto one = call_scenario(s, k);
    if (auto* f = std::get_if<Failure>(&one)) {
      std::cerr << fmt::format("{}:{}:{}: call {}: {}\n", f->loc.file, f->loc.line, f->loc.col, k,
                               f->message);
      return kExitDivergence;
    }
    const Scenario& sk = std::get<Scenario>(one);
    Trace trace;
    Outcome ref;
    std::vector<TracedTry> tries; // with a driver-loop line: each hmm_range_fault of the loop
    if (sk.driver_loop)
      tries = traced_loop(sk, ref);
    else
      ref = reference_hmm_range_fault(sk.world, sk.range, sk.options, &trace);
    if (json) {
      nlohmann::json ops = nlohmann::json::array();
      if (k > 1)
        for (const MmOpLine& op : s.calls[k - 2].ops) ops.push_back(describe(op.op));
      nlohmann::json jc = {{"call", k},
                           {"operations", ops},
                           {"reference", outcome_json(sk.range, ref)},
                           {"parties", nlohmann::json::array()}};
      if (!sk.driver_loop)
        jc["trace"] = trace_json(sk, ref, trace);
      else {
        nlohmann::json jt = nlohmann::json::array();
        for_each_try(
            ref, tries,
            [&](const DriverChunk&, std::size_t c, const DriverTry& t, std::size_t i,
                const TracedTry* tt) {
              nlohmann::json one_try = {{"chunk", c}, {"try", i + 1}, {"loop", driver_try_text(t)}};
              if (tt) {
                one_try["trace"] = trace_json(tt->call, tt->out, tt->trace);
                one_try["reference"] = outcome_json(tt->call.range, tt->out);
              }
              jt.push_back(one_try);
            });
        jc["tries"] = jt;
      }
      for (const PartyResult& r : run.results) {
        nlohmann::json jr = nullptr; // a party that made no call k
        if (const Outcome* o = r.call(k)) jr = outcome_json(sk.range, *o);
        jc["parties"].push_back({{"party", r.party.name}, {"outcome", jr}});
      }
      j["calls"].push_back(jc);
      continue;
    }
    std::string ops; // the first three, and how many more
    if (k > 1) {
      const std::vector<MmOpLine>& all = s.calls[k - 2].ops;
      for (std::size_t i = 0; i < all.size() && i < 3; ++i)
        ops += (i ? ", " : "") + describe(all[i].op);
      if (all.size() > 3) ops += fmt::format(" and {} more", all.size() - 3);
    }
    std::cout << fmt::format("\n== call {} of {}{}\n", k, ncalls,
                             ops.empty() ? "" : " (after " + ops + ")");
    if (!sk.driver_loop) {
      std::cout << explain_text(sk, ref, trace);
    } else { // each hmm_range_fault of the loop, as the reference made it
      for_each_try(ref, tries,
                   [&](const DriverChunk& ch, std::size_t c, const DriverTry& t, std::size_t i,
                       const TracedTry* tt) {
                     std::cout << fmt::format("\n-- chunk {} [{:#x}, {:#x}), try {}: {}\n", c,
                                              ch.start, ch.end, i + 1, driver_try_text(t));
                     if (tt)
                       std::cout << explain_text(tt->call, tt->out, tt->trace);
                     else
                       std::cout << "  (no call: the event before it could not be applied)\n";
                   });
      std::cout << fmt::format("\nthe loop on the reference: ret {}\n{}",
                               ref.livelock ? "livelock" : errno_name(ref.ret),
                               driver_chunks_text(ref));
    }
    std::cout << fmt::format("\nparties at call {}:\n", k);
    for (const PartyResult& r : run.results) {
      const Outcome* o = r.call(k);
      std::cout << fmt::format("  {:<10} {}\n", r.party.name,
                               o ? result_text(*o) : "(made no call " + std::to_string(k) + ")");
    }
  }
  if (json) {
    for (const PartyResult& r : run.results) {
      nlohmann::json failed = nlohmann::json::array();
      for (const Failure& f : r.failures)
        failed.push_back({{"line", f.loc.line}, {"message", f.message}});
      j["expectations_failed"][r.party.name] = failed;
    }
    if (run.divergence) {
      j["divergence"] = divergence_json(*run.divergence);
      j["divergence"]["call"] = run.divergence->call;
    }
    std::cout << json_text(j);
    return code;
  }
  std::cout << "\n";
  for (const PartyResult& r : run.results)
    for (const Failure& f : r.failures)
      std::cout << fmt::format("{}: {}:{}:{}: {}\n", r.party.name, f.loc.file, f.loc.line,
                               f.loc.col, f.message);
  if (run.divergence)
    std::cout << "first divergence: " << divergence_text(*run.divergence);
  else if (run.results.size() > 1)
    std::cout << "all parties agree on every call\n";
  return code;
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
  auto call = std::make_shared<std::size_t>(0);
  cmd->add_option("--call", *call,
                  "of a sequence (docs/scenario-format.md, \"Sequences of calls\"): explain call "
                  "K alone (1 is the first; default: every call, one after another; --html "
                  "needs it)")
      ->check(CLI::PositiveNumber);
  cmd->callback([file, json, html, out, call, &exit_code] {
    auto s = load_file_or_report(*file);
    if (!s) {
      exit_code = kExitBadInput;
      return;
    }
    const std::size_t ncalls = s->calls.size() + 1;
    if (*call > ncalls) {
      std::cerr << fmt::format("hmmspec explain: --call {}: {} has {} call{}\n", *call, *file,
                               ncalls, ncalls == 1 ? "" : "s");
      exit_code = kExitBadInput;
      return;
    }
    if (s->driver_loop && *html) { // a picture is of one hmm_range_fault
      std::cerr << fmt::format("hmmspec explain: {} makes its calls by the driver loop "
                               "(driver-loop, line {}), which makes several hmm_range_fault "
                               "calls, and a picture is of one; explain without --html traces "
                               "every one\n",
                               *file, s->driver_loop_loc.line);
      exit_code = kExitBadInput;
      return;
    }
    if (*html && ncalls > 1 && *call == 0) { // a picture is of one call
      std::cerr << fmt::format("hmmspec explain: {} is a sequence of {} calls and a picture is of "
                               "one: name it with --call K\n",
                               *file, ncalls);
      exit_code = kExitBadInput;
      return;
    }
    if ((ncalls > 1 || s->driver_loop) && !*html) {
      exit_code = explain_sequence(*s, *file, *call, *json);
      return;
    }
    if (ncalls > 1) { // --html --call K: the picture of call K
      auto one = call_scenario(*s, *call);
      if (auto* f = std::get_if<Failure>(&one)) {
        std::cerr << fmt::format("{}:{}:{}: {}\n", f->loc.file, f->loc.line, f->loc.col,
                                 f->message);
        exit_code = kExitDivergence;
        return;
      }
      *s = std::get<Scenario>(std::move(one));
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
