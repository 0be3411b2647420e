// SPDX-License-Identifier: GPL-2.0-or-later
// The differential run at the heart of every campaign: one scenario on every built party,
// each compared with the ground truth (the kernel party when built, else the reference),
// the reference traced so that a divergence names the rule that decided the differing page
// and every campaign can count how often each rule fired.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "harness/check.h"
#include "harness/divergence.h"
#include "harness/party.h"
#include "model/rules.h"
#include "model/scenario.h"
#include "model/trace.h"

namespace hmmspec {

// How many executions each rule fired in (at least once, for any page or the call). Only the
// rules of the kernel versions executed count (model/rules.h: each rule holds in some).
// The rules one execution fired (in any call of a sequence), by RuleId.
using FiredRules = std::array<bool, static_cast<std::size_t>(RuleId::Count)>;

class RuleCoverage {
public:
  void add(const Trace& t);
  void add(const FiredRules& fired, KernelVersion kernel);
  u64 executions() const { return executions_; }
  u64 hits(RuleId r) const { return hits_[static_cast<std::size_t>(r)]; }
  // The rules of the versions executed that never fired.
  std::vector<RuleId> never_hit() const;
  // One line per rule of the versions executed ("  R-PTE-NONE            12345"), then the
  // rules never hit.
  std::string report() const;

private:
  bool counted(const Rule& r) const; // it holds in a version executed
  u64 executions_ = 0;
  std::array<u64, static_cast<std::size_t>(RuleId::Count)> hits_{};
  std::array<bool, kAllKernelVersions.size()> versions_{}; // the versions executed
};

class Differential {
public:
  // The parties to compare; the references among them (PartyKind::Reference) are traced.
  explicit Differential(std::vector<Party> parties);
  Differential(); // every built party of every kernel version (all_parties)

  // run_scenario on the parties of the scenario's kernel version (World::geom.kernel); a
  // divergence comes with its page, rule and signature.
  ScenarioRun run(const Scenario& s);
  // The reference's trace of the last call it made (of a sequence: its last call).
  const Trace& last_trace() const { return trace_; }
  // The rules the reference fired in any call of the last run, and that run's kernel version.
  const FiredRules& last_fired() const { return fired_; }
  KernelVersion last_kernel() const { return kernel_; }
  const RuleCoverage& coverage() const { return coverage_; }
  // "kernel-5.7 reference walker kernel-6.1 reference-6.1 ...": by version, each version's
  // ground truth first.
  std::string party_names() const;

private:
  std::vector<Party> parties_;
  Trace trace_;
  FiredRules fired_{};
  KernelVersion kernel_ = KernelVersion::V5_7;
  RuleCoverage coverage_;
};

// The signature of a divergence without the values: "divergence walker!=kernel pfns
// rule=R-PTE-PROTNONE". It names no address or pfn, so that one bug found in many worlds gives
// one signature; Divergence::signature adds the classes of both values ("kernel=pfn:V
// walker=pfn:VW").
std::string divergence_signature(const Divergence& d);
// A short hex digest of the signature, for file names.
std::string signature_tag(const std::string& signature);

// The scenario with the ground truth's outcome as its expectations (return value, every
// output word, the fault log, the notifier), so that it is a regression test as printed.
Scenario with_expectations(Scenario s, const Outcome& truth);
// The same for every call of a sequence: each call's expectations state the ground truth's
// outcome of that call (none for a call it did not make).
Scenario with_expectations(Scenario s, const PartyResult& truth);

// The full report: the divergence, its signature, then the scenario file (with expectations).
std::string report_text(const Scenario& s, const ScenarioRun& r);

} // namespace hmmspec
