// SPDX-License-Identifier: GPL-2.0-or-later
// `hmmspec reproduce CRASH_FILE`: a fuzzer input (a libFuzzer crash-* file, a divergence-*.bin
// of `hmmspec fuzz`, a corpus file) decoded by the harness, run on every built party and, on a
// divergence, shrunk to a minimal scenario, printed with the ground truth's outcome as its
// expectations: ready to go into tests/scenarios/regress/.
#include <fmt/format.h>

#include <iostream>

#include "fuzz/campaign.h"
#include "fuzz/minimize.h"
#include "harness/differential.h"
#include "model/file_io.h"
#include "model/scenario_format.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/render.h"

namespace hmmspec {

namespace {

struct ReproduceArgs {
  std::string file, out, geometry;
  bool no_minimize = false, no_run = false, json = false;
  std::size_t attempts = 20000;
};

// Writes the scenario to -o FILE or standard output; with --json, standard output has the
// JSON document (the scenario text in it, the divergence if any) whether or not -o is given.
int write_scenario(const ReproduceArgs& a, const std::string& text, const Divergence* d, bool ran,
                   int rc) {
  if (!a.out.empty()) {
    std::string reason;
    if (!write_file(a.out, text, reason)) {
      std::cerr << a.out << ": " << reason << "\n";
      return kExitBadInput;
    }
    std::cerr << "scenario written to " << a.out << "\n";
  }
  if (a.json) {
    nlohmann::json j = {{"input", a.file},
                        {"output", a.out.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.out)},
                        {"run", ran},
                        {"divergence", d ? divergence_json(*d) : nlohmann::json(nullptr)},
                        {"scenario", text}};
    if (d) j["divergence"]["signature"] = d->signature;
    std::cout << json_text(j);
  } else if (a.out.empty()) {
    std::cout << text;
  }
  return rc;
}

int reproduce(const ReproduceArgs& a) {
  std::optional<std::string> input = read_input(a.file);
  if (!input) return kExitBadInput;
  std::vector<std::uint8_t> bytes(input->begin(), input->end());
  if (!bytes.empty() && bytes[0] != fuzz::kEncodingVersion)
    std::cerr << fmt::format(
        "{}: note: encoding version {} (this build decodes version {}); decoding it anyway\n",
        a.file, bytes[0], fuzz::kEncodingVersion);
  std::optional<u64> pin;
  if (!a.geometry.empty() && !(pin = fuzz::pinned_geometry_selector(a.geometry))) {
    std::cerr << "hmmspec reproduce: --geometry " << a.geometry << " is not a built-in geometry\n";
    return kExitBadInput;
  }
  fuzz::FuzzCase c = fuzz::decode_case(bytes, pin);
  Scenario s = fuzz::build_case(c);
  std::string text;
  if (a.no_run) { // the input as decoded: for inputs on which a party crashes
    s.name = "fuzz-input";
    s.text = fmt::format("Decoded from {} by the hmmspec fuzz harness (not run).", a.file);
    return write_scenario(a, print_scenario(s), nullptr, false, kExitOk);
  }
  Differential diff;
  ScenarioRun r = diff.run(s);
  if (r.divergence) {
    std::string key = fuzz::divergence_key(*r.divergence);
    if (!a.no_minimize) {
      fuzz::MinimizeResult m = fuzz::minimize_case(c, diff, key, a.attempts);
      std::cerr << fmt::format("minimized in {} runs ({} changes kept): {} -> {}\n", m.attempts,
                               m.accepted, fuzz::case_summary(c), fuzz::case_summary(m.c));
      Scenario ms = fuzz::build_case(m.c);
      ScenarioRun mr = diff.run(ms);
      if (mr.divergence) s = std::move(ms), r = std::move(mr);
    }
    const Divergence& d = *r.divergence;
    std::cerr << "DIVERGENCE: " << divergence_text(d) << "signature: " << d.signature << "\n";
    Scenario withx = with_expectations(s, r.results.front().outcome);
    withx.name = "fuzz-" + signature_tag(d.signature);
    withx.text =
        fmt::format("Found by the hmmspec differential fuzzer ({}).\n{} departs from {} at {}; "
                    "decided in the reference by {}.\nThe expectations are {}'s outcome.",
                    a.file, d.party.name, d.against.name, d.diff.what,
                    d.rule ? rule_id(*d.rule) : "no rule", d.against.name);
    text = print_scenario(withx);
  } else {
    std::cerr << fmt::format("no divergence: the parties [{}] agree on this input\n",
                             diff.party_names());
    Scenario withx = with_expectations(s, r.results.front().outcome);
    withx.name = "fuzz-input";
    withx.text = fmt::format("Decoded from {} by the hmmspec fuzz harness; every party agrees.\n"
                             "The expectations are {}'s outcome.",
                             a.file, r.results.front().party.name);
    text = print_scenario(withx);
  }
  return write_scenario(a, text, r.divergence ? &*r.divergence : nullptr, true,
                        r.divergence ? kExitDivergence : kExitOk);
}

} // namespace

void add_reproduce_command(CLI::App& app, int& exit_code) {
  auto* cmd =
      app.add_subcommand("reproduce", "Turn a fuzzer input (crash file) into a minimized scenario "
                                      "with the ground truth's outcome as expectations; exit 1 if "
                                      "the parties diverge on it");
  auto a = std::make_shared<ReproduceArgs>();
  cmd->add_option("CRASH_FILE", a->file, "fuzzer input (bytes)")->required();
  cmd->add_option("-o,--output", a->out, "write the scenario here instead of standard output");
  cmd->add_flag("--no-minimize", a->no_minimize, "keep the decoded scenario as it is");
  cmd->add_flag("--json", a->json, "machine-readable output: the scenario and the divergence");
  cmd->add_option("--geometry", a->geometry,
                  "the geometry the input was pinned to (HMMSPEC_FUZZ_GEOMETRY)");
  cmd->add_flag("--no-run", a->no_run,
                "only decode and print the scenario (for inputs that crash a party)");
  cmd->add_option("--max-attempts", a->attempts,
                  "candidate runs the minimizer may make (default 20000)");
  cmd->callback([a, &exit_code] { exit_code = reproduce(*a); });
}

} // namespace hmmspec
