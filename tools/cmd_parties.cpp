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
#include "tools/render.h"

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
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "machine-readable output");
  cmd->callback([json, &exit_code] {
    const std::vector<Party> parties = ground_truth_first(all_parties());
    if (*json) {
      nlohmann::json j = nlohmann::json::array();
      for (const Party& p : parties) {
        const char* kind = p.id.kind == PartyKind::Kernel      ? "kernel"
                           : p.id.kind == PartyKind::Reference ? "reference"
                                                               : "walker";
        j.push_back({{"name", p.id.name},
                     {"kind", kind},
                     {"kernel", version_name(p.id.kernel)},
                     {"label", std::string(p.id.version)},
                     {"object", party_object(p.id)}});
      }
      nlohmann::json out = {{"parties", j}, {"errors", kernel_party_errors()}};
      std::cout << json_text(out);
    } else {
      std::cout << party_table(parties);
    }
    if (!kernel_party_errors().empty()) exit_code = kExitBadInput; // each printed on loading
  });
}

} // namespace hmmspec
