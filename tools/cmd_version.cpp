// SPDX-License-Identifier: GPL-2.0-or-later
// `hmmspec --version [--json]`: the project version, the kernel-party ABI tag, and the parties
// of this build (and of --kernel objects): for each kernel party its kernel version, label,
// the hmm.c it was compiled from and the shared object it was loaded from.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "harness/parties.h"
#include "kernel/loader.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/render.h"

#ifndef HMMSPEC_VERSION
#error "HMMSPEC_VERSION is defined by tools/CMakeLists.txt (the project's VERSION)"
#endif

namespace hmmspec {

namespace {

const char* kind_name(PartyKind kind) {
  return kind == PartyKind::Kernel      ? "kernel"
         : kind == PartyKind::Reference ? "reference"
                                        : "walker";
}

nlohmann::json version_json(const std::vector<Party>& parties) {
  nlohmann::json list = nlohmann::json::array();
  for (const Party& p : parties) {
    nlohmann::json j = {
        {"name", p.id.name}, {"kind", kind_name(p.id.kind)}, {"kernel", version_name(p.id.kernel)}};
    if (p.id.kind == PartyKind::Kernel) {
      j["label"] = std::string(p.id.version);
      j["source"] = party_source(p.id);
      j["object"] = party_object(p.id);
    }
    list.push_back(j);
  }
  return {{"hmmspec", HMMSPEC_VERSION},
          {"abi_tag", kernel_abi_tag()},
          {"parties", list},
          {"errors", kernel_party_errors()}};
}

std::string version_text(const std::vector<Party>& parties) {
  std::string s = fmt::format("hmmspec {}\nkernel-party ABI tag {}\nparties:\n", HMMSPEC_VERSION,
                              kernel_abi_tag());
  std::size_t width = 0;
  for (const Party& p : parties) width = std::max(width, p.id.name.size());
  for (const Party& p : parties) {
    s += fmt::format("  {:<{}}  {:<9}  {}\n", p.id.name, width, kind_name(p.id.kind),
                     version_name(p.id.kernel));
    if (p.id.kind != PartyKind::Kernel) continue;
    s += fmt::format("  {:<{}}    label   {}\n", "", width, p.id.version);
    s += fmt::format("  {:<{}}    source  {}\n", "", width, party_source(p.id));
    s += fmt::format("  {:<{}}    object  {}\n", "", width, party_object(p.id));
  }
  return s;
}

} // namespace

VersionRequest add_version_option(CLI::App& app) {
  VersionRequest r{std::make_shared<bool>(false), std::make_shared<bool>(false), nullptr};
  r.flag = app.add_flag("--version", *r.asked,
                        "print the version and the parties (kernel version, hmm.c, object), "
                        "then exit");
  app.add_flag("--json", *r.json, "with --version: machine-readable output")->needs(r.flag);
  return r;
}

int print_version(const VersionRequest& r) {
  const std::vector<Party> parties = ground_truth_first(all_parties());
  if (*r.json)
    std::cout << json_text(version_json(parties));
  else
    std::cout << version_text(parties);
  return kernel_party_errors().empty() ? kExitOk : kExitBadInput; // each printed on loading
}

} // namespace hmmspec
