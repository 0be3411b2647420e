// SPDX-License-Identifier: GPL-2.0-or-later
// The built-in campaign of `hmmspec fuzz`, for builds without clang: random inputs and
// mutations of a pool (the built-in scenarios lifted to bytes, plus every input that made a
// rule fire for the first time) decoded by the same harness as the libFuzzer target and run
// on every built party of the input's kernel version. Deterministic for a given seed and number of
// executions.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "fuzz/fuzz_case.h"
#include "harness/differential.h"

namespace hmmspec::fuzz {

struct CampaignOptions {
  double seconds = 60;
  u64 max_runs = 0; // stop after this many executions (0: only the time limit)
  u64 seed = 1;
  std::size_t max_len = 512;                    // longest random input
  std::vector<std::vector<std::uint8_t>> seeds; // initial pool (encoded cases)
  std::string artifact_dir = "."; // where divergence-<tag>.bin/.hmm are written ("": nowhere)
  bool minimize = true;
  bool stop_on_first = false;
  std::ostream* progress = nullptr; // a line per second, and each finding
  // Called every 64 executions with the executions so far and the seconds elapsed (the
  // command's progress meter, harness/progress.h).
  std::function<void(u64 executions, double elapsed)> tick;
  std::optional<u64> geometry; // pinned geometry selector (pinned_geometry_selector)
  // The kernel versions of the inputs made (each run on that version's parties); the seeds
  // keep their own.
  std::vector<KernelVersion> versions{kAllKernelVersions.begin(), kAllKernelVersions.end()};
};

struct Finding {
  std::string signature;
  u64 count = 0; // executions that gave this signature
  u64 first_execution = 0;
  std::vector<std::uint8_t> input;
  std::string report; // report_text of the (minimized) case
};

struct CampaignResult {
  u64 executions = 0;
  double elapsed = 0;
  std::map<std::string, Finding> findings; // by signature
  RuleCoverage coverage;
  std::string parties;
  std::vector<std::string> write_errors; // "path: reason" of artifacts that could not be written
  std::string summary() const;           // executions, rate, findings, rule coverage
};

CampaignResult run_campaign(const CampaignOptions& o);

// One input of a corpus or a crash file through the harness: decoded, built, run on every
// party. Used by the replay test and by `hmmspec reproduce`.
ScenarioRun run_input(Differential& diff, std::span<const std::uint8_t> bytes,
                      Scenario* built = nullptr, std::optional<u64> pinned_geometry = std::nullopt);

} // namespace hmmspec::fuzz
