// SPDX-License-Identifier: GPL-2.0-or-later
// `hmmspec bench`: the benchmark tables of docs/performance.md (bench/tables.h) on every
// contender, side by side in one run, with pages per second and the ratios docs/performance.md
// sets targets for (bench/measure.h says exactly what is timed). With --version, the tables are
// translated to each version named and timed on that version's parties (walker-6.1, kernel-6.1,
// reference-6.1, ...), one section per version. Exit 1 when a party's outcome differs from its
// version's walker's on a table, 2 on bad arguments. Built only with the benchmarks
// (HMMSPEC_BENCH).
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>

#include "bench/measure.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/render.h"

namespace hmmspec {

namespace {

struct BenchArgs {
  std::vector<std::string> tables;
  std::vector<std::string> contenders;
  std::vector<std::string> versions;
  double min_time = 0.5;
  unsigned min_calls = 3;
  unsigned shrink = 0;
  bool json = false;
};

nlohmann::json result_json(const bench::TableResult& r) {
  nlohmann::json j = {{"table", r.id},    {"kernel", std::string(version_name(r.version))},
                      {"title", r.title}, {"bound", r.bound},
                      {"pages", r.pages}, {"disagreements", r.disagreements}};
  for (const bench::Cell& c : r.cells) {
    auto pps = r.pages_per_second(c.contender);
    j["contenders"][std::string(bench::contender_name(c.contender))] = {
        {"seconds_per_call", c.seconds},
        {"calls", c.calls},
        {"pages_per_second", pps ? *pps : 0.0}};
  }
  return j;
}

} // namespace

void add_bench_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "bench", "Time the walker, the kernel party, the reference and the memset/memcpy bound on "
               "the benchmark tables (a)-(f) of docs/performance.md; print pages/s and ratios");
  auto a = std::make_shared<BenchArgs>();
  cmd->add_option("--tables", a->tables, "tables to run (a b c d e f; default all)")
      ->delimiter(',');
  cmd->add_option("--contenders", a->contenders,
                  "contenders to time (walker-walk walker kernel reference copy memset memcpy; "
                  "default every one this build has)")
      ->delimiter(',');
  cmd->add_option("--version", a->versions,
                  "kernel versions to time, each on its own parties (5.7 6.1 6.12, or all; "
                  "default 5.7)")
      ->delimiter(',');
  cmd->add_option("--min-time", a->min_time, "seconds of timed calls per cell, at least")
      ->check(CLI::Range(0.0, 3600.0));
  cmd->add_option("--min-calls", a->min_calls, "timed calls per cell, at least")
      ->check(CLI::Range(1u, 100000u));
  cmd->add_option("--shrink", a->shrink, "divide every table's size by 2^N (quick runs)")
      ->check(CLI::Range(0u, 20u));
  cmd->add_flag("--json", a->json, "machine-readable output");
  cmd->callback([a, &exit_code] {
    std::vector<std::string> ids = a->tables.empty() ? bench::table_ids() : a->tables;
    for (const std::string& id : ids)
      if (std::find(bench::table_ids().begin(), bench::table_ids().end(), id) ==
          bench::table_ids().end()) {
        std::cerr << "hmmspec bench: no table '" << id << "' (tables: a b c d e f)\n";
        exit_code = kExitBadInput;
        return;
      }
    std::vector<KernelVersion> versions;
    for (const std::string& n : a->versions) {
      if (n == "all") {
        versions.assign(kAllKernelVersions.begin(), kAllKernelVersions.end());
        continue;
      }
      auto v = version_from_name(n);
      if (!v) {
        std::cerr << "hmmspec bench: no kernel version '" << n << "' (versions: 5.7 6.1 6.12)\n";
        exit_code = kExitBadInput;
        return;
      }
      if (std::find(versions.begin(), versions.end(), *v) == versions.end()) versions.push_back(*v);
    }
    if (versions.empty()) versions.push_back(KernelVersion::V5_7);
    // The contenders of each version: those named that the version has.
    std::vector<bench::Options> options;
    for (KernelVersion v : versions) {
      bench::Options o;
      o.min_time = a->min_time;
      o.min_calls = a->min_calls;
      o.contenders = bench::available_contenders(v);
      if (!a->contenders.empty()) {
        o.contenders.clear();
        const std::vector<bench::Contender> built = bench::available_contenders(v);
        for (const std::string& n : a->contenders) {
          auto c = bench::contender_from_name(n);
          if (!c || std::find(built.begin(), built.end(), *c) == built.end()) {
            std::cerr << "hmmspec bench: no contender '" << n << "' for kernel " << version_name(v)
                      << " in this build\n";
            exit_code = kExitBadInput;
            return;
          }
          o.contenders.push_back(*c);
        }
      }
      options.push_back(o);
    }
    std::vector<bench::TableResult> results;
    for (std::size_t k = 0; k < versions.size(); ++k) {
      const KernelVersion v = versions[k];
      for (const std::string& id : ids) {
        std::cerr << fmt::format("hmmspec bench: table ({}), building\n", id);
        std::optional<bench::BenchTable> t =
            bench::table_in_version(*bench::make_table(id, a->shrink), v);
        if (!t) {
          std::cerr << fmt::format("hmmspec bench: table ({}) has no reading in kernel {}\n", id,
                                   version_name(v));
          exit_code = kExitBadInput;
          return;
        }
        const std::string in =
            v == KernelVersion::V5_7 ? "" : fmt::format(", kernel {}", version_name(v));
        std::cerr << fmt::format("hmmspec bench: table ({}) {}: {} pages{}, timing\n", id, t->title,
                                 t->pages(), in);
        results.push_back(bench::run_table(*t, options[k]));
      }
    }
    if (a->json) {
      nlohmann::json j = nlohmann::json::array();
      for (const bench::TableResult& r : results) j.push_back(result_json(r));
      std::cout << json_text(j);
    } else {
      std::cout << bench::report_text(results);
    }
    for (const bench::TableResult& r : results)
      if (!r.disagreements.empty()) exit_code = kExitDivergence;
  });
}

} // namespace hmmspec
