// SPDX-License-Identifier: GPL-2.0-or-later
// `hmmspec fuzz`: the built-in differential campaign (for builds without clang and libFuzzer),
// and the corpus tooling: scenarios -> corpus inputs (--encode-to), the manifest of a corpus
// directory (--manifest) that tests/unit/test_fuzz_replay.cpp checks, and a corpus replayed
// on every party (--replay). One of the four per call. The campaign shows progress with the time
// left on stderr when it is a terminal (harness/progress.h).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <streambuf>

#include "fuzz/campaign.h"
#include "fuzz/versions_campaign.h"
#include "harness/progress.h"
#include "model/file_io.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/render.h"

namespace hmmspec {

namespace {

struct FuzzArgs {
  double seconds = 60;
  u64 seed = 1;
  u64 runs = 0;
  std::size_t max_len = 512;
  std::string artifacts = ".";
  bool no_minimize = false, stop = false, quiet = false, no_seeds = false, json = false;
  bool versions = false;
  std::string encode_to, manifest, replay, geometry, version = "all";
  std::vector<std::string> files;
  bool builtin = false;
};

// A file name for a scenario's corpus input: its name, made safe, and its digest.
std::string corpus_name(const Scenario& s, u64 digest) {
  std::string n = s.name;
  for (char& ch : n)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_') ch = '_';
  return fmt::format("seed-{}-{:08x}", n, digest & 0xffffffffu);
}

// An input file's bytes (read_input: errors reported, the size limit applied).
std::optional<std::vector<std::uint8_t>> read_bytes(const std::string& path) {
  std::optional<std::string> text = read_input(path);
  if (!text) return std::nullopt;
  return std::vector<std::uint8_t>(text->begin(), text->end());
}

// The regular files of a directory, sorted; on error prints "dir: reason" and returns nothing.
std::optional<std::vector<std::filesystem::path>> directory_files(const std::string& dir) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  std::filesystem::directory_iterator it(dir, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (it->is_regular_file(type_ec)) files.push_back(it->path());
  }
  if (ec) {
    std::cerr << dir << ": " << ec.message() << "\n";
    return std::nullopt;
  }
  std::sort(files.begin(), files.end());
  return files;
}

int encode_scenarios(const FuzzArgs& a) {
  if (!a.builtin && a.files.empty()) {
    std::cerr << "hmmspec fuzz --encode-to: give scenario files or --builtin\n";
    return kExitBadInput;
  }
  std::error_code ec;
  std::filesystem::create_directories(a.encode_to, ec);
  if (ec) {
    std::cerr << a.encode_to << ": " << ec.message() << "\n";
    return kExitBadInput;
  }
  const ScenarioInputs inputs(a.builtin, a.files);
  unsigned written = 0, close = 0, bad = 0;
  nlohmann::json jinputs = nlohmann::json::array();
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    auto s = inputs.load(k);
    if (!s) {
      ++bad;
      continue;
    }
    std::vector<std::uint8_t> bytes = fuzz::encode_case(fuzz::lift_scenario(*s));
    Scenario back = fuzz::build_case(fuzz::decode_case(bytes));
    u64 digest = fuzz::scenario_digest(back);
    Scenario want = *s; // the encoding caps the restart budget (fuzz/case_io.h kMaxBudget)
    want.options.restart_budget =
        std::min(want.options.restart_budget, back.options.restart_budget);
    bool exact = digest == fuzz::scenario_digest(want);
    if (!exact) ++close;
    std::string path = (std::filesystem::path(a.encode_to) / corpus_name(*s, digest)).string();
    std::string reason;
    if (!write_file(path,
                    std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                    reason)) {
      std::cerr << path << ": " << reason << "\n";
      return kExitBadInput;
    }
    ++written;
    if (a.json)
      jinputs.push_back({{"input", path}, {"scenario", inputs.path(k)}, {"exact", exact}});
    else if (!a.quiet)
      std::cout << fmt::format("{} {}{}\n", path, inputs.path(k), exact ? "" : " (approximate)");
  }
  if (a.json)
    std::cout << json_text({{"directory", a.encode_to},
                            {"inputs", jinputs},
                            {"written", written},
                            {"approximate", close},
                            {"bad_input", bad}});
  else
    std::cout << fmt::format(
        "{} inputs written to {} ({} approximate: beyond the encoding's ranges; restart "
        "budgets are capped at 64), {} not encoded (bad input)\n",
        written, a.encode_to, close, bad);
  return bad ? kExitBadInput : kExitOk;
}

int print_manifest(const FuzzArgs& a) {
  auto files = directory_files(a.manifest);
  if (!files) return kExitBadInput;
  std::string out = fmt::format("# encoding {}: FILE DIGEST (scenario_digest of the decoded case); "
                                "written by `hmmspec fuzz --manifest`\n",
                                fuzz::kEncodingVersion);
  nlohmann::json jfiles = nlohmann::json::array();
  for (const auto& p : *files) {
    auto bytes = read_bytes(p.string());
    if (!bytes) return kExitBadInput;
    u64 d = fuzz::scenario_digest(fuzz::build_case(fuzz::decode_case(*bytes)));
    out += fmt::format("{} {:016x}\n", p.filename().string(), d);
    jfiles.push_back({{"file", p.filename().string()}, {"digest", fmt::format("{:016x}", d)}});
  }
  if (a.json)
    std::cout << json_text({{"encoding", fuzz::kEncodingVersion}, {"files", jfiles}});
  else
    std::cout << out;
  return kExitOk;
}

// Every input of a directory (a corpus, a libFuzzer -fork/-jobs run's output) through the
// harness: divergences, and the rule coverage of the directory as a whole.
int replay_directory(const FuzzArgs& a) {
  auto files = directory_files(a.replay);
  if (!files) return kExitBadInput;
  Differential diff;
  unsigned diverged = 0, unreadable = 0;
  nlohmann::json jdiv = nlohmann::json::array();
  for (const auto& p : *files) {
    auto bytes = read_bytes(p.string());
    if (!bytes) {
      ++unreadable;
      continue;
    }
    Scenario s;
    ScenarioRun r = fuzz::run_input(diff, *bytes, &s);
    if (!r.divergence) continue;
    ++diverged;
    if (a.json)
      jdiv.push_back({{"input", p.string()}, {"signature", r.divergence->signature}});
    else
      std::cout << p.string() << ": " << r.divergence->signature << "\n";
  }
  if (a.json) {
    std::cout << json_text({{"directory", a.replay},
                            {"parties", diff.party_names()},
                            {"inputs", files->size() - unreadable},
                            {"unreadable", unreadable},
                            {"divergences", jdiv},
                            {"coverage", coverage_json(diff.coverage())}});
  } else {
    std::cout << fmt::format("replayed {} inputs of {} on parties [{}]: {} diverge{}\n",
                             files->size() - unreadable, a.replay, diff.party_names(), diverged,
                             unreadable ? fmt::format(", {} unreadable", unreadable) : "");
    std::cout << diff.coverage().report();
  }
  if (unreadable) return kExitBadInput;
  return diverged ? kExitDivergence : kExitOk;
}

// `--versions`: the same inputs run on every kernel version, differences classified by group.
int versions_campaign(const FuzzArgs& a, const fuzz::CampaignOptions& c) {
  fuzz::VersionsCampaignOptions o;
  o.seconds = c.seconds;
  o.max_runs = c.max_runs;
  o.seed = c.seed;
  o.max_len = c.max_len;
  o.seeds = c.seeds;
  o.artifact_dir = c.artifact_dir;
  o.minimize = c.minimize;
  o.stop_on_first = c.stop_on_first;
  o.progress = c.progress;
  o.geometry = c.geometry;
  fuzz::VersionsCampaignResult r = fuzz::run_versions_campaign(o);
  if (a.json) {
    nlohmann::json jf = nlohmann::json::array();
    for (const auto& [key, f] : r.findings)
      jf.push_back({{"difference", key},
                    {"count", f.count},
                    {"first_execution", f.first_execution},
                    {"scenario", f.report}});
    std::cout << json_text({{"seed", o.seed},
                            {"executions", r.executions},
                            {"seconds", r.elapsed},
                            {"versions", r.versions},
                            {"with_differences", r.with_differences},
                            {"groups", r.groups},
                            {"not_expressible", r.not_expressible},
                            {"unnamed", jf},
                            {"artifact_errors", r.write_errors}});
  } else {
    if (a.quiet)
      for (const auto& [key, f] : r.findings) std::cout << f.report;
    std::cout << r.summary();
  }
  for (const std::string& e : r.write_errors) std::cerr << e << "\n";
  if (!r.write_errors.empty()) return kExitBadInput;
  return r.findings.empty() ? kExitOk : kExitDivergence;
}

// A stream buffer that erases the progress line before passing text on, so that the
// campaign's lines and the meter share a terminal.
class ClearingBuffer : public std::streambuf {
public:
  ClearingBuffer(std::streambuf* to, Progress& meter) : to_(to), meter_(meter) {}

protected:
  int overflow(int ch) override {
    meter_.clear();
    return ch == traits_type::eof() ? traits_type::not_eof(ch) : to_->sputc(char(ch));
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    meter_.clear();
    return to_->sputn(s, n);
  }
  int sync() override { return to_->pubsync(); }

private:
  std::streambuf* to_;
  Progress& meter_;
};

// The fraction of the campaign done: of its time, or of its runs when it has a number of runs
// and they come first.
double campaign_fraction(const fuzz::CampaignOptions& o, u64 executions, double elapsed) {
  double f = o.seconds > 0 ? elapsed / o.seconds : 1;
  if (o.max_runs) f = std::max(f, double(executions) / double(o.max_runs));
  return f;
}

int campaign(const FuzzArgs& a) {
  if (!a.artifacts.empty()) { // checked before the campaign, not at its first finding
    std::error_code ec;
    auto st = std::filesystem::status(a.artifacts, ec);
    if (ec || !std::filesystem::is_directory(st)) {
      std::cerr << a.artifacts << ": "
                << (ec ? ec.message() : std::generic_category().message(ENOTDIR))
                << " (--artifacts needs a directory)\n";
      return kExitBadInput;
    }
  }
  fuzz::CampaignOptions o;
  if (!a.geometry.empty()) {
    o.geometry = fuzz::pinned_geometry_selector(a.geometry);
    if (!o.geometry) {
      std::cerr << "hmmspec fuzz: --geometry " << a.geometry
                << " is not a built-in geometry (x86_64, x86_64-la57, tiny, tiny-la57, tiny3)\n";
      return kExitBadInput;
    }
  }
  o.seconds = a.seconds;
  o.seed = a.seed;
  o.max_runs = a.runs;
  o.max_len = a.max_len;
  o.artifact_dir = a.artifacts;
  o.minimize = !a.no_minimize;
  o.stop_on_first = a.stop;
  // with --json, standard output holds only the JSON document: progress goes to stderr
  o.progress = a.quiet ? nullptr : a.json ? &std::cerr : &std::cout;
  // the meter, on a terminal: the campaign's own lines erase it before they are written
  Progress meter(std::cerr, !a.quiet && stderr_is_terminal(), "fuzz");
  ClearingBuffer clearing(o.progress ? o.progress->rdbuf() : nullptr, meter);
  std::ostream cleared(&clearing);
  if (o.progress && stderr_is_terminal()) o.progress = &cleared;
  o.tick = [&](u64 executions, double elapsed) {
    meter.update(campaign_fraction(o, executions, elapsed),
                 fmt::format("{} executions, {:.0f}/s", executions,
                             double(executions) / std::max(elapsed, 1e-9)));
  };
  if (a.version != "all") {
    std::optional<KernelVersion> v = version_from_name(a.version);
    if (!v) {
      std::cerr << "hmmspec fuzz: --version " << a.version << " is not 5.7, 6.1, 6.12 or all\n";
      return kExitBadInput;
    }
    o.versions = {*v};
  }
  // the built-in scenarios of the campaign's versions; --versions translates v5.7 worlds, so
  // there every scenario is lifted as a v5.7 case (its words kept raw)
  if (!a.no_seeds)
    for (const ScenarioSource& src : builtin_scenarios())
      if (auto s = load_or_report(src)) {
        fuzz::FuzzCase c = fuzz::lift_scenario(*s);
        if (a.versions)
          c.kernel = KernelVersion::V5_7;
        else if (std::find(o.versions.begin(), o.versions.end(), c.kernel) == o.versions.end())
          continue;
        o.seeds.push_back(fuzz::encode_case(c));
      }
  if (o.progress)
    *o.progress << fmt::format("hmmspec fuzz: seed {}, {}s{}, {} seed inputs, encoding {}\n",
                               o.seed, o.seconds,
                               o.max_runs ? fmt::format(" or {} runs", o.max_runs) : "",
                               o.seeds.size(), fuzz::kEncodingVersion);
  if (a.versions) return versions_campaign(a, o);
  fuzz::CampaignResult r = fuzz::run_campaign(o);
  meter.clear();
  if (a.json) {
    nlohmann::json jf = nlohmann::json::array();
    for (const auto& [sig, f] : r.findings)
      jf.push_back({{"signature", sig},
                    {"count", f.count},
                    {"first_execution", f.first_execution},
                    {"report", f.report}});
    std::cout << json_text({{"seed", o.seed},
                            {"executions", r.executions},
                            {"seconds", r.elapsed},
                            {"parties", r.parties},
                            {"findings", jf},
                            {"artifact_errors", r.write_errors},
                            {"coverage", coverage_json(r.coverage)}});
  } else {
    if (a.quiet)
      for (const auto& [sig, f] : r.findings) std::cout << f.report;
    std::cout << r.summary();
  }
  for (const std::string& e : r.write_errors) std::cerr << e << "\n";
  if (!r.write_errors.empty()) return kExitBadInput;
  return r.findings.empty() ? kExitOk : kExitDivergence;
}

} // namespace

void add_fuzz_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "fuzz",
      "Differential fuzzing without libFuzzer: random worlds and ranges on every built party; "
      "exit 1 on a divergence. Also: turn scenarios into corpus inputs, print a corpus manifest");
  auto a = std::make_shared<FuzzArgs>();
  cmd->add_option("--seconds", a->seconds, "time budget (default 60)")
      ->check(CLI::Validator(
          [](std::string& s) {
            double v = 0;
            bool ok = CLI::detail::lexical_cast(s, v) && std::isfinite(v) && v >= 0 && v <= 1e7;
            return ok ? std::string() : "a number of seconds from 0 to 10000000, got " + s;
          },
          "SECONDS"));
  cmd->add_option("--seed", a->seed,
                  "random seed (default 1); a campaign is deterministic per seed");
  cmd->add_option("--runs", a->runs, "stop after this many executions");
  cmd->add_option("--max-len", a->max_len, "longest random input in bytes (default 512)")
      ->check(CLI::Range(1, 1 << 20));
  cmd->add_option(
      "--artifacts", a->artifacts,
      "directory for divergence-<tag>.bin inputs and .txt reports (default .; '' for none)");
  cmd->add_flag("--no-minimize", a->no_minimize, "report divergences as found, unminimized");
  cmd->add_flag("--stop-on-first", a->stop, "stop at the first divergence");
  cmd->add_flag("--no-seeds", a->no_seeds, "do not start from the built-in scenarios");
  cmd->add_flag("-q,--quiet", a->quiet, "no progress lines");
  cmd->add_flag("--json", a->json, "machine-readable output (progress lines go to stderr)");
  cmd->add_flag("--versions", a->versions,
                "run each input on every kernel version and classify the differences between "
                "versions (docs/versions.md); exit 1 on a difference no group names");
  cmd->add_option("--geometry", a->geometry,
                  "pin every input to this built-in geometry (tiny, x86_64, ...)");
  cmd->add_option("--version", a->version,
                  "the kernel versions of the campaign's inputs: 5.7, 6.1, 6.12 or all (default "
                  "all; each input runs on the parties of its version)");
  auto* encode = cmd->add_option("--encode-to", a->encode_to,
                                 "write the scenarios (FILES, --builtin) as corpus inputs to DIR");
  auto* manifest =
      cmd->add_option("--manifest", a->manifest, "print the manifest of the corpus directory DIR");
  auto* replay = cmd->add_option(
      "--replay", a->replay,
      "run every input of DIR (a corpus) on every party: divergences and rule coverage");
  encode->excludes(manifest)->excludes(replay);
  manifest->excludes(replay);
  cmd->add_option("FILES", a->files, "scenario files for --encode-to")->needs(encode);
  cmd->add_flag("--builtin", a->builtin, "with --encode-to: the built-in scenarios")->needs(encode);
  cmd->callback([a, &exit_code] {
    if (!a->encode_to.empty())
      exit_code = encode_scenarios(*a);
    else if (!a->manifest.empty())
      exit_code = print_manifest(*a);
    else if (!a->replay.empty())
      exit_code = replay_directory(*a);
    else
      exit_code = campaign(*a);
  });
}

} // namespace hmmspec
