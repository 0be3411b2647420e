// SPDX-License-Identifier: GPL-2.0-or-later
// `hmmspec versions FILE... | --builtin`: what changed between kernel versions. Each scenario is
// translated to every kernel version the build has a ground truth for (harness/versions.h), run,
// and the neutral outcomes of consecutive versions compared; every difference is named by a
// group of harness/version_groups.h. Exit 1 when a difference is unnamed, when a scenario named
// after a group (tests/scenarios/versions/<ID>.hmm) does not show that group, when a kernel
// party and its version's reference disagree, or with --expect-all when a group was never seen.
#include <fmt/format.h>

#include <iostream>
#include <map>

#include "harness/parties.h"
#include "harness/version_groups.h"
#include "harness/versions.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/render.h"

namespace hmmspec {

namespace {

struct VersionsArgs {
  std::vector<std::string> files;
  bool builtin = false, json = false, quiet = false, expect_all = false;
};

nlohmann::json result_json(const VersionResult& r) {
  nlohmann::json j = {{"version", version_name(r.version)}, {"party", r.party}};
  if (r.not_expressible) {
    j["not_expressible"] = *r.not_expressible;
    return j;
  }
  const NeutralOutcome& n = r.neutral;
  j["ret"] = {{"class", ret_class_name(n.ret.cls)}, {"raw", n.ret.raw}};
  j["pfns"] = neutral_pfns_text(n.pfns);
  j["notifier_seq"] = n.notifier_seq;
  j["log_events"] = n.log.size();
  j["entries"] = n.entries.size();
  if (r.divergence) j["divergence"] = *r.divergence;
  return j;
}

nlohmann::json diff_json(const VersionDiff& d) {
  nlohmann::json j = {{"from", version_name(d.from)},
                      {"to", version_name(d.to)},
                      {"field", diff_field_name(d.field)},
                      {"before", d.before},
                      {"after", d.after},
                      {"group", d.group.empty() ? nlohmann::json() : nlohmann::json(d.group)}};
  if (d.field == DiffField::Pfn) j["pages"] = {d.first, d.first + d.count};
  if (d.field == DiffField::Encoding) j["words"] = d.count;
  return j;
}

} // namespace

void add_versions_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "versions", "Run one logical scenario on every kernel version and name what changed; exit 1 "
                  "on an unnamed difference");
  auto a = std::make_shared<VersionsArgs>();
  cmd->add_option("FILES", a->files, "scenario files (.hmm), of any kernel version");
  cmd->add_flag("--builtin", a->builtin, "the built-in scenario suite");
  cmd->add_flag("--json", a->json, "machine-readable output");
  cmd->add_flag("-q,--quiet", a->quiet,
                "print only scenarios with an unnamed difference or a failed check");
  cmd->add_flag("--expect-all", a->expect_all,
                "exit 1 unless every named group was seen (docs/versions.md)");
  cmd->callback([a, &exit_code] {
    if (!a->builtin && a->files.empty()) {
      std::cerr << "hmmspec versions: give scenario files or --builtin\n";
      exit_code = kExitBadInput;
      return;
    }
    const std::vector<std::optional<Party>> truths = version_parties(all_parties());
    const ScenarioInputs inputs(a->builtin, a->files);
    const std::size_t total = inputs.size();
    unsigned bad = 0, failed = 0, unnamed = 0, with_diffs = 0;
    std::map<std::string, unsigned> seen; // group -> scenarios that showed it
    nlohmann::json jruns = nlohmann::json::array();
    for (std::size_t k = 0; k < total; ++k) {
      auto s = inputs.load(k);
      if (!s) {
        ++bad;
        continue;
      }
      VersionsRun run = run_versions(*s, truths);
      std::vector<std::string> problems;
      if (run.has_unnamed()) {
        ++unnamed;
        problems.push_back("a difference no group explains");
      }
      if (run.has_divergence()) problems.push_back("a kernel party and its reference disagree");
      const std::set<std::string> groups = run.groups();
      if (find_version_group(s->name) && !groups.count(s->name))
        problems.push_back(fmt::format("the scenario pins {} but does not show it", s->name));
      for (const std::string& g : groups) ++seen[g];
      if (!run.diffs.empty()) ++with_diffs;
      if (!problems.empty()) ++failed;
      if (a->json) {
        nlohmann::json j = {
            {"scenario", s->name}, {"file", inputs.path(k)}, {"ok", problems.empty()}};
        j["versions"] = nlohmann::json::array();
        for (const VersionResult& r : run.results) j["versions"].push_back(result_json(r));
        j["differences"] = nlohmann::json::array();
        for (const VersionDiff& d : run.diffs) j["differences"].push_back(diff_json(d));
        j["groups"] = groups;
        j["problems"] = problems;
        jruns.push_back(j);
        continue;
      }
      if (a->quiet && problems.empty()) continue;
      std::cout << fmt::format("{} {}  ({})\n", problems.empty() ? "OK" : "FAIL", s->name,
                               inputs.path(k));
      std::cout << versions_text(run, "  ");
      for (const std::string& p : problems) std::cout << "  problem: " << p << "\n";
    }
    std::vector<std::string> missing;
    for (const VersionGroup& g : version_groups())
      if (!seen.count(std::string(g.id))) missing.push_back(std::string(g.id));
    if (a->json) {
      nlohmann::json jg = nlohmann::json::array();
      for (const VersionGroup& g : version_groups()) {
        auto it = seen.find(std::string(g.id));
        jg.push_back({{"id", g.id},
                      {"sentence", g.sentence},
                      {"versions", g.versions},
                      {"commit", g.commit.empty() ? "unknown" : g.commit},
                      {"scenario", fmt::format("tests/scenarios/versions/{}.hmm", g.id)},
                      {"scenarios", it == seen.end() ? 0u : it->second}});
      }
      std::cout << json_text({{"runs", jruns},
                              {"groups", jg},
                              {"scenarios", total},
                              {"with_differences", with_diffs},
                              {"unnamed", unnamed},
                              {"failed", failed},
                              {"bad_input", bad}});
    } else {
      std::cout << fmt::format("summary: {} scenarios, {} with differences, {} unnamed, {} failed"
                               "{}\n",
                               total, with_diffs, unnamed, failed,
                               bad ? fmt::format(", {} not run (bad input)", bad) : "");
      for (const VersionGroup& g : version_groups()) {
        auto it = seen.find(std::string(g.id));
        std::cout << fmt::format("  {:<24} {:>4} scenarios  {}\n", g.id,
                                 it == seen.end() ? 0u : it->second, g.sentence);
      }
    }
    if (bad)
      exit_code = kExitBadInput;
    else if (failed || (a->expect_all && !missing.empty())) {
      if (a->expect_all && !missing.empty())
        std::cerr << "hmmspec versions: groups never seen: "
                  << fmt::format("{}", fmt::join(missing, " ")) << "\n";
      exit_code = kExitDivergence;
    }
  });
}

} // namespace hmmspec
