// SPDX-License-Identifier: GPL-2.0-or-later
// `hmmspec reproduce CRASH_FILE`: a fuzzer input (a libFuzzer crash-* file, a divergence-*.bin
// of `hmmspec fuzz`, a corpus file) decoded by the harness, run on every built party and, on a
// divergence, shrunk to a minimal scenario, printed with the ground truth's outcome as its
// expectations: ready to go into tests/scenarios/regress/.
#include <fmt/format.h>

#include <iostream>

#include "fuzz/campaign.h"
#include "fuzz/reproduce.h"
#include "harness/differential.h"
#include "model/file_io.h"
#include "model/scenario_format.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/render.h"

namespace hmmspec {

namespace {

struct ReproduceArgs {
  std::string file, out, geometry, version;
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
  if (!bytes.empty() && fuzz::header_encoding(bytes[0]) != fuzz::kEncodingVersion)
    std::cerr << fmt::format(
        "{}: note: encoding version {} (this build decodes version {}); decoding it anyway\n",
        a.file, fuzz::header_encoding(bytes[0]), fuzz::kEncodingVersion);
  std::optional<KernelVersion> version;
  if (!a.version.empty() && !(version = version_from_name(a.version))) {
    std::cerr << "hmmspec reproduce: --version " << a.version << " is not 5.7, 6.1 or 6.12\n";
    return kExitBadInput;
  }
  std::optional<u64> pin;
  if (!a.geometry.empty() && !(pin = fuzz::pinned_geometry_selector(a.geometry))) {
    std::cerr << "hmmspec reproduce: --geometry " << a.geometry << " is not a built-in geometry\n";
    return kExitBadInput;
  }
  fuzz::Reproduction rep = fuzz::reproduce_input(
      bytes, fuzz::ReproduceOptions{a.file, pin, version, !a.no_run, !a.no_minimize, a.attempts});
  std::cerr << rep.notes;
  const Divergence* d = rep.divergence ? &*rep.divergence : nullptr;
  return write_scenario(a, print_scenario(rep.scenario), d, !a.no_run,
                        d ? kExitDivergence : kExitOk);
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
  cmd->add_option("--version", a->version,
                  "the kernel version the input was pinned to (HMMSPEC_FUZZ_VERSION; default: "
                  "the version its first byte names)");
  cmd->add_flag("--no-run", a->no_run,
                "only decode and print the scenario (for inputs that crash a party)");
  cmd->add_option("--max-attempts", a->attempts,
                  "candidate runs the minimizer may make (default 20000)");
  cmd->callback([a, &exit_code] { exit_code = reproduce(*a); });
}

} // namespace hmmspec
