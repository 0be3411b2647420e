// SPDX-License-Identifier: GPL-2.0-or-later
// `hmmspec exhaustive --geometry tiny --pages N`: every case of the small-scope space of
// harness/exhaustive.h on every built party; progress with the time left on stderr when it is a
// terminal (harness/progress.h), a summary with the number of cases, and the first divergence
// as a scenario file. Exit 1 on a divergence. `--shard K/N` runs shard K of N only, and
// `--merge FILE...` merges the shards' JSON summaries (harness/exhaustive_shards.h): exit 0
// when they cover the bound once without a divergence, 1 on a divergence, 2 when they are not
// summaries of one bound or overlap, 3 when cases are left unrun.
#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "harness/exhaustive.h"
#include "harness/exhaustive_shards.h"
#include "harness/parties.h"
#include "harness/progress.h"
#include "model/scenario_format.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/render.h"

namespace hmmspec {

namespace {

struct ExhaustiveArgs {
  std::string version = "5.7"; // 5.7, 6.1, 6.12 or all
  std::string geometry = "tiny";
  std::optional<unsigned> pages;
  bool json = false;
  bool all = false;
  bool count = false;
  std::optional<std::uint64_t> only;
  std::uint64_t from = 0;
  std::optional<std::string> shard;
  bool merge = false;
  std::vector<std::string> files; // the summaries, with --merge
};

nlohmann::json shard_json(const std::optional<Shard>& shard) {
  if (!shard) return nullptr;
  return {{"index", shard->index}, {"count", shard->count}};
}

nlohmann::json case_range_json(const CaseRange& r) {
  return {{"first", r.first}, {"end", r.end}};
}

// "cases 10..19 of 446160", or "no cases" for an empty shard.
std::string shard_cases_text(const CaseRange& r, std::uint64_t total) {
  if (r.size() == 0) return fmt::format("no cases of the {}", total);
  return fmt::format("cases {}..{} of {}", r.first, r.end - 1, total);
}

struct Found {
  std::uint64_t index = 0;
  Scenario scenario;
  Divergence divergence;
};

// "kernel 6.1, " ("" for v5.7, whose output keeps the form it had before 6.x bounds).
std::string kernel_text(const std::string& kernel) {
  return kernel == "5.7" ? "" : fmt::format("kernel {}, ", kernel);
}

std::string found_text(const Found& f) {
  return fmt::format("first divergence: case {}: {}scenario file:\n{}", f.index,
                     divergence_text(f.divergence), print_scenario(f.scenario));
}

std::string found_text(const std::string& file, const FoundDivergence& f) {
  return fmt::format("first divergence: case {} ({}): {}scenario file:\n{}", f.index, file,
                     divergence_text(f.divergence), f.scenario);
}

const char* verdict_name(MergeVerdict v) {
  switch (v) {
  case MergeVerdict::Clean:
    return "clean";
  case MergeVerdict::Divergence:
    return "divergence";
  case MergeVerdict::Incomplete:
    return "incomplete";
  case MergeVerdict::Inconsistent:
    return "inconsistent";
  }
  return "";
}

// `--merge FILE...`: reads the summaries, merges them, prints the merged summary.
int run_merge(const std::vector<std::string>& files, bool json) {
  std::vector<NamedSummary> summaries;
  bool bad = false;
  for (const std::string& file : files) {
    std::optional<std::string> text = read_input(file); // prints "file: reason"
    if (!text) {
      bad = true;
      continue;
    }
    std::string error;
    std::optional<ExhaustiveSummary> s = parse_exhaustive_summary(*text, &error);
    if (!s) {
      std::cerr << "hmmspec exhaustive --merge: " << file << ": " << error << "\n";
      bad = true;
      continue;
    }
    summaries.push_back(NamedSummary{file, std::move(*s)});
  }
  if (bad) return kExitBadInput;
  const ShardMerge m = merge_shards(summaries);
  if (!m.mismatches.empty()) {
    for (const std::string& e : m.mismatches)
      std::cerr << "hmmspec exhaustive --merge: " << e << "\n";
    return kExitBadInput;
  }
  const int rc = m.verdict == MergeVerdict::Clean        ? kExitOk
                 : m.verdict == MergeVerdict::Divergence ? kExitDivergence
                 : m.verdict == MergeVerdict::Incomplete ? kExitIncomplete
                                                         : kExitBadInput;
  if (json) {
    nlohmann::json parts = nlohmann::json::array(), gaps = nlohmann::json::array(),
                   overlaps = nlohmann::json::array();
    for (const NamedSummary& n : summaries)
      parts.push_back({{"file", n.file},
                       {"shard", shard_json(n.summary.shard)},
                       {"case_range", case_range_json(n.summary.given)},
                       {"cases", n.summary.cases},
                       {"divergences", n.summary.divergences}});
    for (const ShardGap& g : m.gaps)
      gaps.push_back({{"first", g.cases.first}, {"end", g.cases.end}, {"stopped", g.stopped}});
    for (const ShardOverlap& o : m.overlaps)
      overlaps.push_back({{"first", o.cases.first}, {"end", o.cases.end}, {"files", o.files}});
    nlohmann::json j = {{"format", "hmmspec-exhaustive-merge"},
                        {"format_version", 1},
                        {"verdict", verdict_name(m.verdict)},
                        {"kernel", m.kernel},
                        {"geometry", m.geometry},
                        {"pages", m.pages},
                        {"parties", m.parties},
                        {"total_cases", m.total_cases},
                        {"summaries", parts},
                        {"cases", m.cases},
                        {"covered", m.covered},
                        {"complete", m.gaps.empty()},
                        {"gaps", gaps},
                        {"overlaps", overlaps},
                        {"divergences", m.divergences},
                        {"seconds", m.seconds}};
    j["first_divergence"] = nullptr;
    if (m.first_divergence) {
      const FoundDivergence& f = *m.first_divergence;
      j["first_divergence"] = divergence_json(f.divergence);
      j["first_divergence"]["case"] = f.index;
      j["first_divergence"]["scenario"] = f.scenario;
      j["first_divergence"]["file"] = m.first_divergence_file;
    }
    std::cout << json_text(j);
    return rc;
  }
  std::cout << fmt::format("merged: {} summaries of {}geometry {}, {} page(s), parties [{}]\n",
                           summaries.size(), kernel_text(m.kernel), m.geometry, m.pages, m.parties);
  std::string extra;
  if (m.cases > m.covered) extra = fmt::format(", {} run more than once", m.cases - m.covered);
  std::cout << fmt::format(
      "cases: {} of {} run{}{}, divergences: {}, time {:.1f} s (summed)\n", m.covered,
      m.total_cases, extra,
      m.gaps.empty() ? ", complete"
                     : fmt::format(", incomplete: {} case(s) not run", m.total_cases - m.covered),
      m.divergences, m.seconds);
  for (const ShardGap& g : m.gaps) std::cout << "gap: " << shard_gap_text(g) << "\n";
  for (const ShardOverlap& o : m.overlaps)
    std::cout << "overlap: " << shard_overlap_text(o) << "\n";
  if (m.first_divergence) std::cout << found_text(m.first_divergence_file, *m.first_divergence);
  if (!m.overlaps.empty())
    std::cerr << "hmmspec exhaustive --merge: summaries overlap (a summary given twice, or shards "
                 "of different N?)\n";
  return rc;
}

// The bound of one kernel version.
int run_bound(const ExhaustiveArgs& a, KernelVersion version) {
  if (!a.pages) {
    std::cerr << "hmmspec exhaustive: --pages is required (or --merge FILE...)\n";
    return kExitBadInput;
  }
  std::optional<Shard> shard;
  if (a.shard) {
    std::string error;
    shard = parse_shard(*a.shard, &error);
    if (!shard) {
      std::cerr << "hmmspec exhaustive: --shard " << *a.shard << ": " << error << "\n";
      return kExitBadInput;
    }
  }
  const unsigned pages = *a.pages;
  auto g = builtin_geometry(a.geometry);
  if (!g) {
    std::cerr << "hmmspec exhaustive: no built-in geometry " << a.geometry << "\n";
    return kExitBadInput;
  }
  g->kernel = version;
  const std::string kernel(version_name(version));
  std::string error;
  auto space = ExhaustiveSpace::make(*g, pages, &error);
  if (!space) {
    std::cerr << "hmmspec exhaustive: " << error << "\n";
    return kExitBadInput;
  }
  const std::vector<Party> parties = ground_truth_first(built_parties(version));
  const std::string names = party_names(parties);
  const std::uint64_t total = space->count();
  if (a.count) { // the bound's cases, or the shard's
    const CaseRange r = shard ? shard_cases(total, *shard) : CaseRange{0, total};
    if (a.json) {
      nlohmann::json j = {
          {"kernel", kernel}, {"geometry", g->name}, {"pages", pages}, {"total_cases", total}};
      if (shard) {
        j["shard"] = shard_json(shard);
        j["case_range"] = case_range_json(r);
      }
      std::cout << json_text(j);
    } else {
      std::cout << r.size() << "\n";
    }
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
      nlohmann::json j = {{"kernel", kernel}, {"geometry", g->name},
                          {"pages", pages},   {"case", *a.only},
                          {"parties", names}, {"scenario", print_scenario(s)}};
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

  // the cases of this run: the shard's, or from --from to the end
  const CaseRange given = shard ? shard_cases(total, *shard) : CaseRange{a.from, total};
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
    const std::string cases = shard ? fmt::format("shard {}/{}: {}/{} cases", shard->index,
                                                  shard->count, done, given.size())
                                    : fmt::format("{}/{} cases", a.from + done, total);
    meter.update(double(done) / double(given.size()),
                 fmt::format("{}, {:.0f} cases/s, {} divergences", cases,
                             done / std::max(elapsed(), 1e-9), divergences));
  };
  std::uint64_t done = space->run(
      parties, given.first, given.end,
      [&](std::uint64_t index, const Scenario& s, const ScenarioRun& run) {
        ++divergences;
        if (!first) first = Found{index, s, *run.divergence};
        return a.all;
      },
      progress);
  const double secs = elapsed();
  meter.clear();

  const bool complete = given.first + done == given.end;
  if (a.json) { // the summary `--merge` reads (harness/exhaustive_shards.h)
    ExhaustiveSummary sum{.kernel = kernel,
                          .geometry = g->name,
                          .pages = pages,
                          .total_cases = total,
                          .parties = names,
                          .shard = shard,
                          .given = given,
                          .cases = done,
                          .divergences = divergences,
                          .seconds = secs,
                          .first_divergence = std::nullopt};
    if (first)
      sum.first_divergence =
          FoundDivergence{first->index, first->divergence, print_scenario(first->scenario)};
    const Scenario s0 = space->scenario(0);
    std::cout << exhaustive_summary_text(sum, s0.range.start, s0.range.end);
  } else {
    const Scenario s0 = space->scenario(0);
    std::cout << fmt::format("exhaustive: {}geometry {}, {} page(s) [{:#x}, {:#x}), parties [{}]\n",
                             kernel_text(kernel), g->name, pages, s0.range.start, s0.range.end,
                             names);
    const std::string of = shard ? fmt::format("shard {}/{} ({})", shard->index, shard->count,
                                               shard_cases_text(given, total))
                                 : fmt::format("{} (from case {})", total, a.from);
    std::cout << fmt::format("cases: {} run of {}{}, divergences: {}, time {:.1f} s "
                             "({:.0f} cases/s)\n",
                             done, of, complete ? ", complete" : ", stopped early", divergences,
                             secs, done / std::max(secs, 1e-9));
    if (first) std::cout << found_text(*first);
  }
  return divergences ? kExitDivergence : kExitOk;
}

int run_exhaustive(const ExhaustiveArgs& a) {
  if (a.merge) {
    if (a.files.empty()) {
      std::cerr << "hmmspec exhaustive: --merge needs the summaries (FILE...)\n";
      return kExitBadInput;
    }
    return run_merge(a.files, a.json);
  }
  if (a.version != "all") {
    std::optional<KernelVersion> v = version_from_name(a.version);
    if (!v) {
      std::cerr << "hmmspec exhaustive: --version " << a.version
                << " is not 5.7, 6.1, 6.12 or all\n";
      return kExitBadInput;
    }
    return run_bound(a, *v);
  }
  if (a.json || a.shard || a.only || a.count) {
    std::cerr << "hmmspec exhaustive: --version all runs the bounds one after another; --json, "
                 "--shard, --case and --count take one version\n";
    return kExitBadInput;
  }
  int rc = kExitOk; // the worst: bad input, then divergence
  for (KernelVersion v : kAllKernelVersions) {
    int r = run_bound(a, v);
    if (r == kExitBadInput || (r == kExitDivergence && rc == kExitOk)) rc = r;
    if (r == kExitBadInput) break;
  }
  return rc;
}

} // namespace

void add_exhaustive_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "exhaustive",
      "Run every world of a tiny geometry around a range of N pages (a palette of "
      "entry kinds at every level, VMA layouts) with every request pattern on "
      "every built party, and compare; exit 1 on a divergence. --shard K/N runs one of N "
      "parts of the bound, --merge FILE... merges their --json summaries");
  auto a = std::make_shared<ExhaustiveArgs>();
  auto* geometry =
      cmd->add_option("--geometry", a->geometry, "a tiny built-in geometry: tiny, tiny-la57, tiny3")
          ->capture_default_str();
  auto* pages =
      cmd->add_option("--pages", a->pages, "pages in the range (1..8); required, but for --merge");
  cmd->add_flag("--json", a->json,
                "machine-readable output (the summary, which --merge reads; --case, --count, "
                "--merge)");
  auto* version = cmd->add_option(
      "--version", a->version,
      "the kernel version of the worlds, run on that version's parties: 5.7, 6.1, 6.12, or all "
      "(the three bounds one after another; not with --json, --shard, --case, --count)");
  version->capture_default_str();
  auto* all =
      cmd->add_flag("--all", a->all, "count every divergence instead of stopping at the first");
  auto* count = cmd->add_flag(
      "--count", a->count, "print the number of cases of the bound (or of the --shard) and exit");
  auto* only = cmd->add_option("--case", a->only,
                               "print and run only this case (its number in the summary)");
  auto* from = cmd->add_option("--from", a->from, "start at this case (to resume a run)");
  auto* shard = cmd->add_option(
      "--shard", a->shard,
      "run only shard K of N (K from 1 to N): the cases total*(K-1)/N .. total*K/N-1, so that "
      "the N shards together are the bound; with --json for --merge");
  auto* merge = cmd->add_flag(
      "--merge", a->merge,
      "merge the --json summaries FILE... of the shards of one bound: exit 0 when they cover it "
      "once without a divergence, 1 on a divergence (the first by case number is printed), 2 "
      "when they are not of one bound or overlap, 3 when cases are left unrun");
  cmd->add_option("FILE", a->files, "the summaries to --merge")->needs(merge);
  shard->excludes(only)->excludes(from);
  merge->excludes(geometry)
      ->excludes(version)
      ->excludes(pages)
      ->excludes(shard)
      ->excludes(only)
      ->excludes(from)
      ->excludes(count)
      ->excludes(all);
  cmd->callback([a, &exit_code] { exit_code = run_exhaustive(*a); });
}

} // namespace hmmspec
