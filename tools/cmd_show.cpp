// SPDX-License-Identifier: GPL-2.0-or-later
// `hmmspec show FILE`: the world and the range of a scenario, decoded.
#include <fmt/format.h>

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
      if (!s->calls.empty()) {
        nlohmann::json calls = nlohmann::json::array();
        for (const Call& c : s->calls) {
          nlohmann::json ops = nlohmann::json::array();
          for (const MmOpLine& l : c.ops) ops.push_back(describe(l.op));
          calls.push_back({{"line", c.loc.line}, {"ops", ops}});
        }
        j["later_calls"] = calls;
      }
      if (const auto& d = s->driver_loop)
        j["driver_loop"] = {{"chunk_pages", d->chunk_pages}, {"tries", d->tries}};
      std::cout << json_text(j);
      return;
    }
    std::cout << "scenario " << s->name << "  (" << *file << ")\n";
    if (!s->text.empty()) std::cout << s->text << (s->text.ends_with('\n') ? "" : "\n");
    std::cout << "\n" << world_text(s->world) << "\n" << range_text(s->world, s->range);
    std::cout << driver_loop_text(*s);
    // a sequence: each later call, the operations before it, and the same range again
    for (std::size_t k = 0; k < s->calls.size(); ++k) {
      const Call& c = s->calls[k];
      std::cout << fmt::format("\ncall {} (line {}): the same range, after", k + 2, c.loc.line);
      if (c.ops.empty()) std::cout << " no operation";
      for (const MmOpLine& l : c.ops) std::cout << "\n  " << describe(l.op);
      std::cout << "\n";
    }
  });
}

} // namespace hmmspec
