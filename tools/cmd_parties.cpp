// SPDX-License-Identifier: GPL-2.0-or-later
// `hmmspec parties`: the parties of this build (and of --kernel objects) with their kernel
// versions and labels; `--kernel X.so`, the global option that loads more kernel parties.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "harness/parties.h"
#include "tools/cli.h"
#include "tools/commands.h"

namespace hmmspec {

void add_kernel_option(CLI::App& app) {
  auto paths = std::make_shared<std::vector<std::string>>();
  app.add_option("--kernel", *paths,
                 "a kernel party's shared object (libhmmspec_kernel_*.so) to load besides the "
                 "built ones; repeatable, before the subcommand")
      ->each([paths](const std::string& path) {
        if (auto err = load_kernel_party(path)) throw CLI::ValidationError(*err); // "--kernel: ..."
      })
      ->trigger_on_parse()
      ->type_name("SO");
}

void add_parties_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("parties", "List the parties: name, kernel version, label");
  cmd->callback([&exit_code] {
    std::cout << party_table(ground_truth_first(all_parties()));
    if (!kernel_party_errors().empty()) exit_code = kExitBadInput; // each printed on loading
  });
}

} // namespace hmmspec
