// SPDX-License-Identifier: GPL-2.0-or-later
// The kernel parties as shared objects (kernel/loader.h) in the harness's registry
// (harness/parties.h): every object this build made loads, each kernel keeps its symbols to
// itself, a party runs the worlds of its own version only, run_scenario leaves out the parties
// of other versions, and a file that is not a kernel party is refused with a reason.
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>

#include "harness/check.h"
#include "harness/parties.h"
#include "kernel/loader.h"
#include "model/scenario_format.h"

// After the model: <signal.h> (through gtest) defines SIGBUS and SIGSEGV as macros, which
// model/world.h also uses as names inside namespace hmmspec::fault.
#include <gtest/gtest.h>

namespace hmmspec {
namespace {

std::vector<Party> kernel_parties() {
  std::vector<Party> out;
  for (Party& p : all_parties())
    if (p.id.kind == PartyKind::Kernel) out.push_back(p);
  return out;
}

Scenario two_pages() {
  ParseResult r = parse_scenario("vma 0x200000-0x202000 read write anon\n"
                                 "range 0x200000-0x202000\n",
                                 "two-pages.hmm");
  EXPECT_TRUE(std::holds_alternative<Scenario>(r));
  return std::get<Scenario>(r);
}

TEST(KernelObjects, EveryBuiltObjectLoads) {
  EXPECT_TRUE(kernel_party_errors().empty()) << kernel_party_errors().front();
  EXPECT_EQ(kernel_parties().size(), built_kernel_objects().size());
}

TEST(KernelObjects, EachKernelHasItsNameVersionAndLabel) {
  std::set<std::string> names;
  for (const Party& p : kernel_parties()) {
    EXPECT_TRUE(names.insert(p.id.name).second) << p.id.name;
    EXPECT_EQ(p.id.name.rfind("kernel-", 0), 0u) << p.id.name;
    EXPECT_FALSE(p.id.version.empty()) << p.id.name;
    std::optional<PartyId> id = parse_party(p.id.name);
    ASSERT_TRUE(id) << p.id.name;
    EXPECT_EQ(*id, p.id);
    if (p.id.name == "kernel-5.7") {
      EXPECT_EQ(p.id.kernel, KernelVersion::V5_7);
      EXPECT_EQ(p.id.version.rfind("v5.7 (", 0), 0u) << p.id.version;
    }
    // The Debian labels carry the installed tarball's SUBLEVEL (6.1.192, 6.12.118 when written).
    if (p.id.name == "kernel-6.1") {
      EXPECT_EQ(p.id.kernel, KernelVersion::V6_1);
      EXPECT_TRUE(std::regex_match(std::string(p.id.version), std::regex("Debian 6\\.1\\.[0-9]+")))
          << p.id.version;
    }
    if (p.id.name == "kernel-6.12") {
      EXPECT_EQ(p.id.kernel, KernelVersion::V6_12);
      EXPECT_TRUE(std::regex_match(std::string(p.id.version), std::regex("Debian 6\\.12\\.[0-9]+")))
          << p.id.version;
    }
  }
}

TEST(KernelObjects, PlainKernelNamesTheV57KernelParty) {
  std::optional<Party> k57 = built_party(PartyKind::Kernel, KernelVersion::V5_7);
  std::optional<PartyId> alias = parse_party("kernel");
  EXPECT_EQ(alias.has_value(), k57.has_value());
  if (k57) {
    EXPECT_EQ(alias->name, "kernel-5.7");
    EXPECT_EQ(*alias, k57->id);
  }
}

TEST(KernelObjects, BuiltPartiesOfAVersionRunThatVersionOnly) {
  for (KernelVersion v : kAllKernelVersions)
    for (const Party& p : built_parties(v)) EXPECT_EQ(p.id.kernel, v) << p.id.name;
  std::set<std::string> v57;
  for (const Party& p : built_parties()) v57.insert(p.id.name);
  EXPECT_TRUE(v57.count("reference"));
  EXPECT_FALSE(v57.count("kernel-6.1"));
}

TEST(KernelObjects, AKernelPartyRefusesAWorldOfAnotherVersion) {
  Scenario s = two_pages();
  for (const Party& p : kernel_parties()) {
    World w = s.world;
    w.geom.kernel = p.id.kernel == KernelVersion::V5_7 ? KernelVersion::V6_1 : KernelVersion::V5_7;
    Outcome o = p.run(w, s.range, s.options);
    EXPECT_EQ(o.ret, -err::kEINVAL) << p.id.name;
    ASSERT_EQ(o.reports.size(), 1u) << p.id.name;
    EXPECT_EQ(o.reports[0].kind, KernelReport::Kind::Bug);
    EXPECT_EQ(o.world, w) << "nothing ran";
  }
}

TEST(KernelObjects, RunScenarioUsesTheScenariosVersionOnly) {
  Scenario s = two_pages();
  s.world.geom.kernel = KernelVersion::V6_1;
  ScenarioRun run = run_scenario(s, built_parties(KernelVersion::V5_7));
  ASSERT_TRUE(run.unsupported);
  EXPECT_NE(run.unsupported->find("no party runs kernel 6.1 worlds"), std::string::npos)
      << *run.unsupported;
  EXPECT_TRUE(run.results.empty());
  EXPECT_FALSE(run.ok());

  // The reference runs every version (reference-6.1), so a 6.1 world always has parties: the
  // 6.1 ones, with the kernel party when the build has one.
  ScenarioRun all = run_scenario(s, all_parties());
  std::optional<Party> k61 = built_party(PartyKind::Kernel, KernelVersion::V6_1);
  EXPECT_FALSE(all.unsupported.has_value());
  std::size_t kernels = 0, references = 0, walkers = 0;
  for (const PartyResult& r : all.results) {
    EXPECT_EQ(r.party.kernel, KernelVersion::V6_1);
    kernels += r.party.kind == PartyKind::Kernel;
    references += r.party.kind == PartyKind::Reference;
    walkers += r.party.kind == PartyKind::Walker;
  }
  EXPECT_EQ(references, 1u);
  EXPECT_EQ(walkers, built_party(PartyKind::Walker, KernelVersion::V5_7) ? 1u : 0u); // walker-6.1
  EXPECT_EQ(kernels, k61 ? 1u : 0u);
}

TEST(KernelObjects, ABuiltObjectLoadedAgainIsNotASecondParty) {
  if (built_kernel_objects().empty()) GTEST_SKIP() << "no kernel objects in this build";
  std::size_t before = kernel_parties().size();
  EXPECT_FALSE(load_kernel_party(built_kernel_objects().front()));
  EXPECT_EQ(kernel_parties().size(), before);
}

TEST(KernelObjects, WhatIsNoKernelPartyIsRefusedWithAReason) {
  std::optional<std::string> missing = load_kernel_party("/nonexistent/libhmmspec_kernel_x.so");
  ASSERT_TRUE(missing);
  EXPECT_NE(missing->find("cannot load /nonexistent/libhmmspec_kernel_x.so"), std::string::npos)
      << *missing;

  std::filesystem::path text = std::filesystem::path(HMMSPEC_BINARY_DIR) / "not-a-kernel.so";
  std::ofstream(text) << "not an ELF object\n";
  std::optional<std::string> garbage = load_kernel_party(text.string());
  ASSERT_TRUE(garbage);
  EXPECT_NE(garbage->find("cannot load"), std::string::npos) << *garbage;

  // A real shared object that is no kernel party: the C library.
  std::optional<std::string> libc = load_kernel_party("libc.so.6");
  ASSERT_TRUE(libc);
  EXPECT_NE(libc->find("is not a kernel party"), std::string::npos) << *libc;
}

} // namespace
} // namespace hmmspec
