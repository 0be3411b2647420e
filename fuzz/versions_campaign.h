// SPDX-License-Identifier: GPL-2.0-or-later
// `hmmspec fuzz --versions`: a campaign over logical worlds run on every kernel version
// (harness/versions.h). Inputs are made and mutated as in the differential campaign
// (fuzz/campaign.h, fuzz/mutator.h), decoded into v5.7 scenarios whatever version their header
// names (fuzz/fuzz_case.h), translated
// to each version, and every difference between versions is classified into the named groups
// of harness/version_groups.h. A difference no group names is a finding: it is minimized
// (fuzz/minimize.h) and reported as a runnable scenario. Deterministic for a given seed and
// number of executions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "fuzz/fuzz_case.h"

namespace hmmspec::fuzz {

struct VersionsCampaignOptions {
  double seconds = 60;
  u64 max_runs = 0; // stop after this many executions (0: only the time limit)
  u64 seed = 1;
  std::size_t max_len = 512;
  std::vector<std::vector<std::uint8_t>> seeds; // initial pool (encoded cases)
  std::string artifact_dir = "."; // where unnamed-<tag>.bin/.hmm are written ("": nowhere)
  bool minimize = true;
  bool stop_on_first = false;
  std::ostream* progress = nullptr; // a line per second, and each finding
  std::optional<u64> geometry;      // pinned geometry selector
};

// An unnamed difference (or a kernel party disagreeing with its version's reference).
struct VersionsFinding {
  std::string key; // "5.7 -> 6.1 pfn: pfn=# -> error", "divergence 6.1"
  u64 count = 0;   // executions that showed it
  u64 first_execution = 0;
  std::vector<std::uint8_t> input;
  std::string report; // the differences, then the (minimized) scenario file
};

struct VersionsCampaignResult {
  u64 executions = 0;
  double elapsed = 0;
  std::string versions;                       // "5.7=kernel-5.7 6.1=kernel-6.1 ..."
  std::map<std::string, u64> groups;          // group id -> executions that showed it
  u64 with_differences = 0;                   // executions with any difference
  std::map<std::string, u64> not_expressible; // version -> executions it could not hold
  std::map<std::string, VersionsFinding> findings;
  std::vector<std::string> write_errors;
  std::string summary() const;
};

VersionsCampaignResult run_versions_campaign(const VersionsCampaignOptions& o);

} // namespace hmmspec::fuzz
