// SPDX-License-Identifier: GPL-2.0-or-later
// What `hmmspec reproduce` makes of a fuzzer input: the input decoded and built, run on every
// built party and, on a divergence, minimized; the scenario carries the ground truth's outcome
// as its expectations, so that its printed text (print_scenario) parses back and replays the
// same outcome (tests/properties/prop_reproduce.cpp checks that for any bytes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "harness/divergence.h"
#include "model/scenario.h"

namespace hmmspec::fuzz {

struct ReproduceOptions {
  std::string input_name;               // names the input in the scenario's description
  std::optional<u64> geometry;          // the pinned geometry selector (pinned_geometry_selector)
  std::optional<KernelVersion> version; // the pinned kernel version (else the input's header)
  bool run = true;                      // false: the input as decoded, no expectations
  bool minimize = true;                 // shrink a divergence
  std::size_t attempts = 20000;         // candidate runs the minimizer may make
};

struct Reproduction {
  Scenario scenario;                    // named, described, with expectations when run
  std::optional<Divergence> divergence; // on the (minimized) scenario
  std::string parties;                  // "kernel-5.7 reference walker": those of its version
  std::string notes;                    // lines for the user: minimization, agreement
};

Reproduction reproduce_input(std::span<const std::uint8_t> bytes, const ReproduceOptions& o);

} // namespace hmmspec::fuzz
