// SPDX-License-Identifier: GPL-2.0-or-later
#include "tools/cli.h"

#include <fstream>
#include <iostream>
#include <sstream>

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

std::optional<ScenarioSource> read_source(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << path << ":0:0: cannot read the file\n";
    return std::nullopt;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ScenarioSource{path, ss.str()};
}

std::optional<Scenario> load_file_or_report(const std::string& path) {
  auto src = read_source(path);
  return src ? load_or_report(*src) : std::nullopt;
}

} // namespace hmmspec
