// SPDX-License-Identifier: GPL-2.0-or-later
#include "fuzz/campaign.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <exception>
#include <random>

#include "fuzz/minimize.h"
#include "fuzz/mutator.h"
#include "model/file_io.h"

namespace hmmspec::fuzz {

ScenarioRun run_input(Differential& diff, std::span<const std::uint8_t> bytes, Scenario* built,
                      std::optional<u64> pinned_geometry) {
  Scenario s = build_case(decode_case(bytes, pinned_geometry));
  ScenarioRun r = diff.run(s);
  if (built) *built = std::move(s);
  return r;
}

namespace {

// On a crash inside a party the input being run is written to hmmspec-fuzz-crash.bin, so that
// `hmmspec reproduce` can replay it. A signal handler can only reach file-scope state.
struct CrashInput {
  const std::uint8_t* data = nullptr;
  std::size_t size = 0;
};
volatile std::sig_atomic_t g_crash_armed = 0;
CrashInput g_crash_input;

extern "C" void save_crash_input(int sig) {
  if (g_crash_armed) {
    int fd = ::open("hmmspec-fuzz-crash.bin", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ssize_t ignored = ::write(fd, g_crash_input.data, g_crash_input.size);
      (void)ignored;
      ::close(fd);
    }
    static const char msg[] = "\nhmmspec fuzz: crashed; the input is in hmmspec-fuzz-crash.bin\n";
    ssize_t ignored = ::write(2, msg, sizeof msg - 1);
    (void)ignored;
  }
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

// The set of rules one run fired (in any of its calls), as a bit mask per kernel version and
// rule index (a rule first fired in one version is new in another).
std::vector<bool> fired_rules(const FiredRules& fired, KernelVersion kernel) {
  const std::size_t n = static_cast<std::size_t>(RuleId::Count);
  const std::size_t base = static_cast<std::size_t>(kernel) * n;
  std::vector<bool> f(n * kAllKernelVersions.size(), false);
  for (std::size_t i = 0; i < n; ++i) f[base + i] = fired[i];
  return f;
}

} // namespace

CampaignResult run_campaign(const CampaignOptions& o) {
  using Clock = std::chrono::steady_clock;
  CampaignResult res;
  Differential diff;
  Differential shrink_diff; // minimization runs are not counted in the coverage
  res.parties = diff.party_names();
  Mutator m(o.seed, o.versions);
  std::vector<std::vector<std::uint8_t>> pool = o.seeds;
  std::vector<bool> seen(static_cast<std::size_t>(RuleId::Count) * kAllKernelVersions.size(),
                         false);
  std::size_t rules = 0; // the (version, rule) pairs the campaign's versions can fire
  for (KernelVersion v : o.versions)
    for (const Rule& r : all_rules()) rules += r.holds_in(v);

  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) std::signal(sig, save_crash_input);
  const auto start = Clock::now();
  auto next_report = start + std::chrono::seconds(1);
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };

  std::vector<std::uint8_t> input;
  for (u64 n = 0;; ++n) {
    if (o.max_runs && n >= o.max_runs) break;
    if ((n & 63) == 0 && elapsed() >= o.seconds) break;
    input = m.next_input(n, pool, o.seeds.size(), o.max_len);

    g_crash_input = CrashInput{input.data(), input.size()};
    g_crash_armed = 1;
    ScenarioRun r;
    Scenario s;
    std::string exception;
    try {
      r = run_input(diff, input, &s, o.geometry);
    } catch (const std::exception& e) {
      exception = e.what();
    }
    g_crash_armed = 0;
    ++res.executions;

    std::vector<bool> fired = fired_rules(diff.last_fired(), diff.last_kernel());
    bool novel = false;
    for (std::size_t i = 0; i < fired.size(); ++i)
      if (fired[i] && !seen[i]) seen[i] = novel = true;
    if (novel) pool.push_back(input);

    if (r.divergence || !exception.empty()) {
      std::string sig = exception.empty() ? r.divergence->signature : "exception " + exception;
      Finding& f = res.findings[sig];
      if (f.count++ == 0) {
        f.signature = sig;
        f.first_execution = res.executions;
        f.input = input;
        if (exception.empty()) {
          FuzzCase c = decode_case(input, o.geometry);
          if (o.minimize) {
            MinimizeResult mr = minimize_case(c, shrink_diff, divergence_key(*r.divergence));
            c = mr.c;
          }
          Scenario ms = build_case(c);
          ScenarioRun mrun = shrink_diff.run(ms);
          f.report = report_text(ms, mrun.divergence ? mrun : r);
          if (!mrun.divergence) f.report = report_text(s, r);
        } else {
          f.report = "exception: " + exception + "\n";
        }
        std::string tag = signature_tag(sig);
        if (!o.artifact_dir.empty()) {
          std::string base = o.artifact_dir + "/divergence-" + tag, reason;
          if (!write_file(
                  base + ".bin",
                  std::string_view(reinterpret_cast<const char*>(input.data()), input.size()),
                  reason))
            res.write_errors.push_back(base + ".bin: " + reason);
          if (!write_file(base + ".txt", f.report, reason))
            res.write_errors.push_back(base + ".txt: " + reason);
        }
        if (o.progress) {
          *o.progress << fmt::format("\n#{} NEW {}\n{}", res.executions, sig, f.report);
          if (!o.artifact_dir.empty())
            *o.progress << fmt::format("input: {}/divergence-{}.bin (replay: hmmspec reproduce)\n",
                                       o.artifact_dir, tag);
        }
      }
      if (o.stop_on_first) break;
    }

    if (o.tick && (n & 63) == 0) o.tick(res.executions, elapsed());
    if (o.progress && (n & 63) == 0 && Clock::now() >= next_report) {
      next_report += std::chrono::seconds(1);
      std::size_t hit = std::count(seen.begin(), seen.end(), true);
      double t = elapsed();
      *o.progress << fmt::format("#{} {:.0f}s {:.0f} exec/s pool {} rules {}/{} divergences {}\n",
                                 res.executions, t, double(res.executions) / t, pool.size(), hit,
                                 rules, res.findings.size());
      o.progress->flush();
    }
  }
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) std::signal(sig, SIG_DFL);
  res.elapsed = elapsed();
  res.coverage = diff.coverage();
  return res;
}

std::string CampaignResult::summary() const {
  std::string s =
      fmt::format("summary: {} executions in {:.1f}s ({:.0f}/s) on parties [{}]\n", executions,
                  elapsed, elapsed > 0 ? double(executions) / elapsed : 0.0, parties);
  if (findings.empty()) {
    s += "no divergence\n";
  } else {
    s += fmt::format("{} distinct divergences:\n", findings.size());
    for (const auto& [sig, f] : findings)
      s += fmt::format("  {}  ({} executions, first at #{})\n", sig, f.count, f.first_execution);
  }
  s += coverage.report();
  return s;
}

} // namespace hmmspec::fuzz
