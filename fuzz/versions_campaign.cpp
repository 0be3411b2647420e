// SPDX-License-Identifier: GPL-2.0-or-later
#include "fuzz/versions_campaign.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <functional>

#include "fuzz/minimize.h"
#include "fuzz/mutator.h"
#include "harness/differential.h"
#include "harness/parties.h"
#include "harness/version_groups.h"
#include "harness/versions.h"
#include "model/file_io.h"
#include "model/range_v6.h"
#include "model/scenario_format.h"

namespace hmmspec::fuzz {

namespace {

// Every input is decoded as a v5.7 case (whatever its header says), then translated.
constexpr KernelVersion kV5_7 = KernelVersion::V5_7;

// A difference without its values: digits dropped, so that one change seen in many worlds
// gives one key ("5.7 -> 6.1 pfn: pfn=0x# V -> error").
std::string shape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s.compare(i, 2, "0x") == 0) {
      out += "0x#";
      for (i += 2; i < s.size() && std::isxdigit(static_cast<unsigned char>(s[i])); ++i) {
      }
      --i;
    } else if (std::isdigit(static_cast<unsigned char>(s[i]))) {
      out += '#';
      while (i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1]))) ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string diff_key(const VersionDiff& d) {
  return fmt::format("{} -> {} {}: {} -> {}", version_name(d.from), version_name(d.to),
                     diff_field_name(d.field), shape(d.before), shape(d.after));
}

// The keys of a run's findings: its unnamed differences and its divergences.
std::vector<std::string> finding_keys(const VersionsRun& r) {
  std::vector<std::string> keys;
  for (const VersionDiff& d : r.diffs)
    if (d.group.empty()) keys.push_back(diff_key(d));
  for (const VersionResult& v : r.results)
    if (v.divergence) keys.push_back(fmt::format("divergence {}", version_name(v.version)));
  return keys;
}

// The report of a finding: what each version did, the differences, then the scenario with the
// expectations of its own version's ground truth, runnable as it is printed.
std::string finding_report(const Scenario& s, const VersionsRun& r, const std::string& key) {
  Scenario printed = s;
  for (const VersionResult& v : r.results)
    if (v.version == s.world.geom.kernel && !v.not_expressible)
      printed = with_expectations(s, v.outcome);
  std::string text = fmt::format("# {}\n# run: hmmspec versions FILE\n", key);
  std::string body = versions_text(r, "");
  for (std::size_t at = 0; at < body.size();) {
    std::size_t nl = body.find('\n', at);
    if (nl == std::string::npos) nl = body.size();
    text += "# " + body.substr(at, nl - at) + "\n";
    at = nl + 1;
  }
  return text + print_scenario(printed);
}

// The range with v5.7's default driver encoding (flags, values, pfn_shift of HmmRange), each
// request, default_flags and pfn_flags_mask carried by meaning. The campaign compares kernel
// versions on logical worlds: a driver encoding whose flags overlap the pfn or whose values
// collide makes v5.7's outputs undecodable, which is the v5.7 API's generality, not a change
// between kernels (the differential campaign covers those encodings).
HmmRange default_encoding(const HmmRange& r) {
  const HmmRange defaults;
  HmmRange out = r;
  out.flags = defaults.flags;
  out.values = defaults.values;
  out.pfn_shift = defaults.pfn_shift;
  auto carry = [&](u64 word) {
    return request_word(KernelVersion::V5_7, out, request_meaning(KernelVersion::V5_7, r, word));
  };
  for (u64& p : out.pfns) p = carry(p);
  out.default_flags = carry(r.default_flags);
  if (r.pfn_flags_mask != ~0ull) out.pfn_flags_mask = carry(r.pfn_flags_mask);
  return out;
}

// The logical scenario of an input: its case built, with the default driver encoding and a
// restart budget of 64 walks. The kernels have no budget: a small one would stop versions that
// need a different number of walks at different points, a difference of the model's bound,
// not of the kernels (a walk that never ends, R-PUD-AGAIN-LIVELOCK, is a livelock at any
// budget). The versions compare one call in a still world: the case's race events (modelled for
// v5.7 only, so a world with one translates to no other version) and later calls are left out.
Scenario logical_scenario(FuzzCase c) {
  c.races.clear();
  c.calls.clear();
  Scenario s = build_case(c);
  s.range = default_encoding(s.range);
  s.options.restart_budget = std::max(s.options.restart_budget, 64u);
  return s;
}

std::vector<bool> fired_rules(const VersionsRun& r) {
  std::vector<bool> f(static_cast<std::size_t>(RuleId::Count) * kAllKernelVersions.size(), false);
  for (const VersionResult& v : r.results) {
    const std::size_t base = static_cast<std::size_t>(v.version) * std::size_t(RuleId::Count);
    for (const RuleHit& h : v.trace.call) f[base + static_cast<std::size_t>(h.rule)] = true;
    for (const PageRun& p : v.trace.hits) f[base + static_cast<std::size_t>(p.hit.rule)] = true;
  }
  return f;
}

} // namespace

VersionsCampaignResult run_versions_campaign(const VersionsCampaignOptions& o) {
  using Clock = std::chrono::steady_clock;
  VersionsCampaignResult res;
  const std::vector<std::optional<Party>> truths = version_parties(all_parties());
  for (std::size_t k = 0; k < truths.size(); ++k)
    if (truths[k])
      res.versions += fmt::format("{}{}={}", res.versions.empty() ? "" : " ",
                                  version_name(kAllKernelVersions[k]), truths[k]->id.name);
  Mutator m(o.seed);
  std::vector<std::vector<std::uint8_t>> pool = o.seeds;
  std::vector<bool> seen(static_cast<std::size_t>(RuleId::Count) * kAllKernelVersions.size(),
                         false);
  std::set<std::string> groups_seen;
  const auto start = Clock::now();
  auto next_report = start + std::chrono::seconds(1);
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };

  std::vector<std::uint8_t> input;
  for (u64 n = 0;; ++n) {
    if (o.max_runs && n >= o.max_runs) break;
    if ((n & 15) == 0 && elapsed() >= o.seconds) break;
    input = m.next_input(n, pool, o.seeds.size(), o.max_len);

    VersionsRun r = run_versions(logical_scenario(decode_case(input, o.geometry, kV5_7)), truths);
    ++res.executions;

    bool novel = false;
    std::vector<bool> fired = fired_rules(r);
    for (std::size_t i = 0; i < fired.size(); ++i)
      if (fired[i] && !seen[i]) seen[i] = novel = true;
    for (const std::string& g : r.groups()) {
      ++res.groups[g];
      if (groups_seen.insert(g).second) novel = true;
    }
    if (novel) pool.push_back(input);
    if (!r.diffs.empty()) ++res.with_differences;
    for (const VersionResult& v : r.results)
      if (v.not_expressible) ++res.not_expressible[std::string(version_name(v.version))];

    for (const std::string& key : finding_keys(r)) {
      VersionsFinding& f = res.findings[key];
      if (f.count++ > 0) continue;
      f.key = key;
      f.first_execution = res.executions;
      f.input = input;
      FuzzCase c = decode_case(input, o.geometry, kV5_7);
      if (o.minimize) {
        const std::function<bool(const Scenario&)> still = [&](const Scenario& cand) {
          std::vector<std::string> keys = finding_keys(run_versions(cand, truths));
          return std::find(keys.begin(), keys.end(), key) != keys.end();
        };
        c = minimize_case(c, still, 2000).c;
      }
      Scenario ms = logical_scenario(c);
      f.report = finding_report(ms, run_versions(ms, truths), key);
      const std::string tag = signature_tag(key);
      if (!o.artifact_dir.empty()) {
        std::string base = o.artifact_dir + "/unnamed-" + tag, reason;
        if (!write_file(base + ".bin",
                        std::string_view(reinterpret_cast<const char*>(input.data()), input.size()),
                        reason))
          res.write_errors.push_back(base + ".bin: " + reason);
        if (!write_file(base + ".hmm", f.report, reason))
          res.write_errors.push_back(base + ".hmm: " + reason);
      }
      if (o.progress) {
        *o.progress << fmt::format("\n#{} NEW {}\n{}", res.executions, key, f.report);
        if (!o.artifact_dir.empty())
          *o.progress << fmt::format("scenario: {}/unnamed-{}.hmm\n", o.artifact_dir, tag);
      }
    }
    if (o.stop_on_first && !res.findings.empty()) break;

    if (o.progress && (n & 15) == 0 && Clock::now() >= next_report) {
      next_report += std::chrono::seconds(1);
      double t = elapsed();
      *o.progress << fmt::format("#{} {:.0f}s {:.0f} exec/s pool {} groups {}/{} unnamed {}\n",
                                 res.executions, t, double(res.executions) / t, pool.size(),
                                 groups_seen.size(), version_groups().size(), res.findings.size());
      o.progress->flush();
    }
  }
  res.elapsed = elapsed();
  return res;
}

std::string VersionsCampaignResult::summary() const {
  std::string s = fmt::format(
      "summary: {} executions in {:.1f}s ({:.0f}/s) on versions [{}]; {} with differences\n",
      executions, elapsed, elapsed > 0 ? double(executions) / elapsed : 0.0, versions,
      with_differences);
  for (const auto& [v, count] : not_expressible)
    s += fmt::format("  {} not expressible in {}\n", count, v);
  s += "named differences (executions that showed each):\n";
  for (const VersionGroup& g : version_groups()) {
    auto it = groups.find(std::string(g.id));
    s += fmt::format("  {:<24} {:>10}\n", g.id, it == groups.end() ? 0 : it->second);
  }
  if (findings.empty()) {
    s += "no unnamed difference\n";
  } else {
    s += fmt::format("{} unnamed differences:\n", findings.size());
    for (const auto& [key, f] : findings)
      s += fmt::format("  {}  ({} executions, first at #{})\n", key, f.count, f.first_execution);
  }
  return s;
}

} // namespace hmmspec::fuzz
