// SPDX-License-Identifier: GPL-2.0-or-later
// `hmmspec show FILE`: the world and the range of a scenario, decoded.
#include <iostream>

#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/render.h"

namespace hmmspec {

void add_show_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("show", "Print a scenario's world (VMAs, entries per level with "
                                         "their kinds) and its range with requests as V/W");
  auto file = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  cmd->add_option("FILE", *file, "scenario file (.hmm)")->required();
  cmd->add_flag("--json", *json, "machine-readable output");
  cmd->callback([file, json, &exit_code] {
    auto s = load_file_or_report(*file);
    if (!s) {
      exit_code = kExitBadInput;
      return;
    }
    if (*json) {
      nlohmann::json j = {{"scenario", s->name},
                          {"file", *file},
                          {"world", world_json(s->world)},
                          {"range", range_json(s->world, s->range)}};
      std::cout << json_text(j);
      return;
    }
    std::cout << "scenario " << s->name << "  (" << *file << ")\n";
    if (!s->text.empty()) std::cout << s->text << (s->text.ends_with('\n') ? "" : "\n");
    std::cout << "\n" << world_text(s->world) << "\n" << range_text(s->world, s->range);
  });
}

} // namespace hmmspec
