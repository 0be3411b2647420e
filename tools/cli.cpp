// SPDX-License-Identifier: GPL-2.0-or-later
#include "tools/cli.h"

#include <iostream>

#include "model/file_io.h"
#include "model/scenario_format.h"

namespace hmmspec {

std::optional<Scenario> load_or_report(const ScenarioSource& src) {
  ParseResult r = parse_scenario(src.text, src.path);
  if (auto* e = std::get_if<ParseError>(&r)) {
    std::cerr << e->str() << "\n";
    return std::nullopt;
  }
  return std::get<Scenario>(std::move(r));
}

std::optional<std::string> read_input(const std::string& path) {
  std::string reason;
  std::optional<std::string> bytes = read_file(path, reason);
  if (!bytes) std::cerr << path << ": " << reason << "\n";
  return bytes;
}

std::optional<ScenarioSource> read_source(const std::string& path) {
  std::optional<std::string> text = read_input(path);
  if (!text) return std::nullopt;
  return ScenarioSource{path, std::move(*text)};
}

std::optional<Scenario> load_file_or_report(const std::string& path) {
  auto src = read_source(path);
  return src ? load_or_report(*src) : std::nullopt;
}

ScenarioInputs::ScenarioInputs(bool builtin, const std::vector<std::string>& files)
    : files_(files) {
  if (builtin)
    for (const ScenarioSource& src : builtin_scenarios()) builtins_.push_back(&src);
}

std::optional<Scenario> ScenarioInputs::load(std::size_t k) const {
  if (k < builtins_.size()) return load_or_report(*builtins_[k]);
  return load_file_or_report(files_[k - builtins_.size()]);
}

const std::string& ScenarioInputs::path(std::size_t k) const {
  return k < builtins_.size() ? builtins_[k]->path : files_[k - builtins_.size()];
}

} // namespace hmmspec
