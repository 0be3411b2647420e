// SPDX-License-Identifier: GPL-2.0-or-later
// Every spec scenario of the kernel family this executable links (HMMSPEC_KERNEL_FAMILY: v5.7
// tests/scenarios/spec/, Debian 6.1 tests/scenarios/spec-6.1/, Debian 6.12
// tests/scenarios/spec-6.12/), and for 6.1 and 6.12 the kernel selftests replayed
// (tests/scenarios/selftests-6.1/, selftests-6.12/, docs/selftests.md), run on that kernel party:
// the outcome must meet the scenario's own expectations and be identical to the reference's,
// reports included. The kernel is the ground truth for its version; a difference names the first
// differing item of the two outcomes.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "kernel/kernel_party.h"
#include "model/scenario_format.h"

#if __has_include("model/reference.h")
#include "model/reference.h"
#define HMMSPEC_HAVE_REFERENCE 1
#endif

// After the model: <signal.h> (through gtest) defines SIGBUS and SIGSEGV as macros, which
// model/world.h also uses as names inside namespace hmmspec::fault.
#include <gtest/gtest.h>

namespace hmmspec {
namespace {

// The kernel version of the linked kernel, the directory of its spec scenarios and that of its
// replayed kernel selftests (none for v5.7).
#if HMMSPEC_KERNEL_FAMILY == 601
constexpr KernelVersion kFamily = KernelVersion::V6_1;
constexpr const char* kSpecDir = "tests/scenarios/spec-6.1";
constexpr const char* kSelftestDir = "tests/scenarios/selftests-6.1";
#elif HMMSPEC_KERNEL_FAMILY == 612
constexpr KernelVersion kFamily = KernelVersion::V6_12;
constexpr const char* kSpecDir = "tests/scenarios/spec-6.12";
constexpr const char* kSelftestDir = "tests/scenarios/selftests-6.12";
#else
constexpr KernelVersion kFamily = KernelVersion::V5_7;
constexpr const char* kSpecDir = "tests/scenarios/spec";
constexpr const char* kSelftestDir = nullptr;
#endif

std::vector<std::string> scenarios_in(const char* subdir) {
  std::vector<std::string> files;
  if (subdir == nullptr) return files;
  std::filesystem::path dir = std::filesystem::path(HMMSPEC_SOURCE_DIR) / subdir;
  if (!std::filesystem::is_directory(dir)) return files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".hmm") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::string> spec_scenarios() {
  return scenarios_in(kSpecDir);
}

// The spec scenarios, then the selftests.
std::vector<std::string> family_scenarios() {
  std::vector<std::string> files = spec_scenarios();
  for (std::string& f : scenarios_in(kSelftestDir)) files.push_back(std::move(f));
  return files;
}

class SpecScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(SpecScenario, KernelMeetsExpectationsAndAgreesWithTheReference) {
  ParseResult parsed = load_scenario(GetParam());
  ASSERT_TRUE(std::holds_alternative<Scenario>(parsed)) << std::get<ParseError>(parsed).str();
  const Scenario& s = std::get<Scenario>(parsed);
  ASSERT_EQ(s.world.geom.kernel, kFamily)
      << GetParam() << " says kernel " << version_name(s.world.geom.kernel);

  // (with a driver-loop line, the call is the driver loop around the kernel's; every try
  // must leave no lock held)
  KernelRun k;
  k.outcome = make_scenario_call(s, s.world, s.range,
                                 [&](const World& w, const HmmRange& r, const RunOptions& o) {
                                   KernelRun t = kernel_run(w, r, o);
                                   k.locks_held += t.locks_held;
                                   return t.outcome;
                                 });
  // v5.7 prints nothing; a 6.x kernel's reports are part of the scenario's expectations.
  if (kFamily == KernelVersion::V5_7) {
    EXPECT_TRUE(k.outcome.reports.empty()) << describe(k.outcome.reports.front());
  }
  EXPECT_EQ(k.locks_held, 0);
  for (const Failure& f : check_expectations(s, k.outcome))
    ADD_FAILURE() << f.loc.file << ":" << f.loc.line << ": kernel: " << f.message;

#ifdef HMMSPEC_HAVE_REFERENCE
  Outcome ref = make_scenario_call(s, s.world, s.range,
                                   [](const World& w, const HmmRange& r, const RunOptions& o) {
                                     return reference_hmm_range_fault(w, r, o);
                                   });
  if (auto d = first_difference(s.range, k.outcome, ref))
    ADD_FAILURE() << "kernel and reference differ at " << d->what << ": kernel " << d->left
                  << ", reference " << d->right;
  EXPECT_EQ(k.outcome.walks, ref.walks);
#endif

  // A sequence: each later call on the world the kernel's previous call left.
  Outcome previous = k.outcome;
  for (std::size_t c = 2; c <= s.calls.size() + 1; ++c) {
    World w = previous.world;
    HmmRange r;
    if (auto f = prepare_call(s, c, w, r)) FAIL() << f->loc.line << ": " << f->message;
    // (with a driver-loop line, every call is the driver loop around the kernel's)
    int locks_held = 0;
    Outcome later =
        make_scenario_call(s, w, r, [&](const World& cw, const HmmRange& cr, const RunOptions& o) {
          KernelRun t = kernel_run(cw, cr, o);
          locks_held += t.locks_held;
          return t.outcome;
        });
    EXPECT_EQ(locks_held, 0);
    for (const Failure& f : check_expectations(s, c, later))
      ADD_FAILURE() << f.loc.file << ":" << f.loc.line << ": kernel, call " << c << ": "
                    << f.message;
#ifdef HMMSPEC_HAVE_REFERENCE
    Outcome ref_later =
        make_scenario_call(s, w, r, [](const World& cw, const HmmRange& cr, const RunOptions& o) {
          return reference_hmm_range_fault(cw, cr, o);
        });
    if (auto d = first_difference(r, later, ref_later))
      ADD_FAILURE() << "call " << c << ": kernel and reference differ at " << d->what << ": kernel "
                    << d->left << ", reference " << d->right;
#endif
    previous = std::move(later);
  }
}

// "pte_none" for a spec scenario, "selftest_anon_read" for selftests-6.1/anon_read.hmm.
std::string scenario_name(const ::testing::TestParamInfo<std::string>& info) {
  std::filesystem::path p(info.param);
  std::string name = p.stem().string();
  if (p.parent_path().filename().string().starts_with("selftests")) name = "selftest_" + name;
  std::replace_if(
      name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); },
      '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Spec, SpecScenario, ::testing::ValuesIn(family_scenarios()),
                         scenario_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(SpecScenario);

TEST(SpecScenarios, TheFamilyHasItsSpecScenarios) {
  EXPECT_GE(spec_scenarios().size(), kFamily == KernelVersion::V5_7 ? 60u : 25u) << kSpecDir;
}

// Each 6.x family replays the kernel's HMM selftests (docs/selftests.md lists them).
TEST(SpecScenarios, TheFamilyHasItsSelftests) {
  EXPECT_GE(scenarios_in(kSelftestDir).size(), kFamily == KernelVersion::V5_7 ? 0u : 20u)
      << (kSelftestDir ? kSelftestDir : "v5.7 has no selftest scenarios");
}

} // namespace
} // namespace hmmspec
