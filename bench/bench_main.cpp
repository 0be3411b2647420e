// SPDX-License-Identifier: GPL-2.0-or-later
// hmmspec_bench: the tables of bench/tables.h on every contender of bench/measure.h, as Google
// Benchmark benchmarks named table_<id>/<contender>, each timed with manual time (only the
// timed part of Runner::run_once). After the usual output it prints the side-by-side report
// with pages per second and ratios (the one `hmmspec bench` prints).
//
// Extra flags, before Google Benchmark's own: --hmmspec_shrink=N divides every table by 2^N.
#include <benchmark/benchmark.h>

#include <iostream>
#include <map>
#include <memory>
#include <string>

#include "bench/measure.h"
#include "harness/heap.h"

namespace {

using namespace hmmspec;
using namespace hmmspec::bench;

// Collects the per-iteration time of every benchmark run for the closing report.
class ReportingConsole : public benchmark::ConsoleReporter {
public:
  explicit ReportingConsole(std::map<std::string, std::unique_ptr<BenchTable>>& tables)
      : tables_(tables) {}
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      if (r.run_type != Run::RT_Iteration || r.iterations == 0 || r.error_occurred) continue;
      std::string name = r.benchmark_name(); // table_<id>/<contender>/manual_time
      auto slash = name.find('/');
      if (name.rfind("table_", 0) != 0 || slash == std::string::npos) continue;
      std::string id = name.substr(6, slash - 6);
      std::string rest = name.substr(slash + 1);
      auto c = contender_from_name(rest.substr(0, rest.find('/')));
      if (!c) continue;
      seconds_[id][*c] = r.real_accumulated_time / double(r.iterations);
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    std::vector<TableResult> results;
    for (const std::string& id : table_ids()) {
      auto it = seconds_.find(id);
      if (it == seconds_.end()) continue;
      const BenchTable& t = *tables_.at(id);
      TableResult r{t.id, t.title, t.bound, t.world.geom.kernel, t.pages(), {}, check_agreement(t)};
      for (const auto& [c, s] : it->second) r.cells.push_back(Cell{c, s, 0});
      results.push_back(std::move(r));
    }
    if (!results.empty()) GetOutputStream() << "\n" << report_text(results);
  }

private:
  std::map<std::string, std::unique_ptr<BenchTable>>& tables_;
  std::map<std::string, std::map<Contender, double>> seconds_;
};

} // namespace

int main(int argc, char** argv) {
  hmmspec::keep_heap_top_for_next_run();
  unsigned shrink = 0;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--hmmspec_shrink=", 0) == 0)
      shrink = unsigned(std::stoul(a.substr(17)));
    else
      argv[kept++] = argv[i];
  }
  argc = kept;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  std::map<std::string, std::unique_ptr<BenchTable>> tables; // built when first needed
  auto table = [&tables, shrink](const std::string& id) -> const BenchTable& {
    auto& t = tables[id];
    if (!t) t = std::make_unique<BenchTable>(*make_table(id, shrink));
    return *t;
  };
  for (const std::string& id : table_ids())
    for (Contender c : available_contenders()) {
      std::string name = "table_" + id + "/" + std::string(contender_name(c));
      benchmark::RegisterBenchmark(name.c_str(),
                                   [id, c, &table](benchmark::State& state) {
                                     const BenchTable& t = table(id);
                                     Runner r(t, c);
                                     (void)r.run_once(); // warm-up
                                     for (auto _ : state) state.SetIterationTime(r.run_once());
                                     state.counters["pages"] = double(t.pages());
                                     state.counters["pages/s"] = benchmark::Counter(
                                         double(t.pages()),
                                         benchmark::Counter::kIsIterationInvariantRate);
                                   })
          ->UseManualTime()
          ->Unit(benchmark::kMillisecond);
    }
  ReportingConsole reporter(tables);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  // Tables of benchmarks filtered out were never built; the report covers those that ran.
  return 0;
}
