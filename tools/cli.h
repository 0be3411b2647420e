// SPDX-License-Identifier: GPL-2.0-or-later
// Shared pieces of the hmmspec subcommands: exit codes, and loading scenarios (from files or
// the built-in suite) with errors reported as file:line:col. The subcommands are declared in
// tools/commands.h.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "model/scenario.h"

namespace hmmspec {

// 3 only from `exhaustive --merge`: summaries of one bound, agreeing, that leave cases unrun.
enum ExitCode : int { kExitOk = 0, kExitDivergence = 1, kExitBadInput = 2, kExitIncomplete = 3 };

// A scenario's text and where it came from.
struct ScenarioSource {
  std::string path; // file path, or "builtin:<name>"
  std::string text;
};
const std::vector<ScenarioSource>& builtin_scenarios();

// Parses a source; on error prints "file:line:col: message" to stderr and returns nothing.
std::optional<Scenario> load_or_report(const ScenarioSource& src);
// Reads an input file of any kind (a scenario, a fuzzer input, an encoding) with the one size
// limit of model/file_io.h; on error prints "path: reason" to stderr and returns nothing.
std::optional<std::string> read_input(const std::string& path);
// read_input as a scenario source.
std::optional<ScenarioSource> read_source(const std::string& path);
// read_source then load_or_report.
std::optional<Scenario> load_file_or_report(const std::string& path);

// The scenarios a command was given: the built-in suite (with --builtin), then the files, each
// read only when its turn comes (a long list never holds every file at once).
class ScenarioInputs {
public:
  ScenarioInputs(bool builtin, const std::vector<std::string>& files);
  std::size_t size() const { return builtins_.size() + files_.size(); }
  // Scenario k, loaded; nothing when it cannot be read or parsed (the reason is on stderr).
  std::optional<Scenario> load(std::size_t k) const;
  // Where scenario k comes from: its file, or "builtin:<name>".
  const std::string& path(std::size_t k) const;

private:
  std::vector<const ScenarioSource*> builtins_;
  const std::vector<std::string>& files_;
};

} // namespace hmmspec
