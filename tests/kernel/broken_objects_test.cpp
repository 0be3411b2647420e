// SPDX-License-Identifier: GPL-2.0-or-later
// Broken kernels as parties (docs/kernel-party.md, "Isolation"): the broken copies of the v5.7
// hmm.c that the build makes for the tests (tests/kernel/broken/broken_kernels.cmake), loaded
// beside the seed's kernel. A crash and an endless loop inside a walk are that party's outcome
// of that scenario, a divergence at "failure" from the ground truth, and every expectation
// fails; the next scenario runs as usual.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "harness/check.h"
#include "kernel/loader.h"
#include "model/scenario_format.h"

// After the model: <signal.h> (through gtest) defines SIGBUS and SIGSEGV as macros, which
// model/world.h also uses as names inside namespace hmmspec::fault.
#include <gtest/gtest.h>

namespace hmmspec {
namespace {

// Whether the kernel objects catch crashes: not in an AddressSanitizer build, where ASan owns
// SIGSEGV (kernel/isolation.h, crash_isolation_enabled, which this executable does not link).
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kCatchesCrashes = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kCatchesCrashes = false;
#else
constexpr bool kCatchesCrashes = true;
#endif
#else
constexpr bool kCatchesCrashes = true;
#endif

// The broken kernel `tag` as a party, or nothing when this build made none.
std::optional<Party> broken(const std::string& tag) {
  std::string path = std::string(HMMSPEC_BINARY_DIR) + "/kernel/libhmmspec_kernel_" + tag + ".so";
  if (!std::filesystem::exists(path)) return std::nullopt;
  auto loaded = load_kernel_object(path);
  if (auto* err = std::get_if<std::string>(&loaded)) {
    ADD_FAILURE() << *err;
    return std::nullopt;
  }
  const KernelPartyDescriptor* d = std::get<LoadedKernel>(loaded).descriptor;
  return Party{PartyId{PartyKind::Kernel, d->name, d->label, d->family},
               [run = d->run](const World& w, const HmmRange& r, const RunOptions& o) {
                 return run(w, r, o);
               }};
}

Party seed_kernel() {
  auto loaded = load_kernel_object(built_kernel_objects().front());
  const KernelPartyDescriptor* d = std::get<LoadedKernel>(loaded).descriptor;
  return Party{PartyId{PartyKind::Kernel, d->name, d->label, d->family},
               [run = d->run](const World& w, const HmmRange& r, const RunOptions& o) {
                 return run(w, r, o);
               }};
}

Scenario spec(const std::string& name) {
  std::string path = std::string(HMMSPEC_SOURCE_DIR) + "/tests/scenarios/spec/" + name + ".hmm";
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  ParseResult r = parse_scenario(text.str(), path);
  EXPECT_TRUE(std::holds_alternative<Scenario>(r)) << path;
  return std::get<Scenario>(r);
}

// The broken party departs at "failure" and fails its expectations; the seed's kernel then
// runs `next` as usual, and so does the broken party when `next` does not reach its bug.
void expect_failure_then_next(const Party& bad, const Scenario& s, PartyFailure::Kind kind,
                              const std::string& text, const Scenario& next) {
  ScenarioRun run = run_scenario(s, {bad, seed_kernel()});
  ASSERT_EQ(run.results.size(), 2u);
  const Outcome& o = run.results.front().outcome;
  ASSERT_TRUE(o.failure) << s.name;
  EXPECT_EQ(o.failure->kind, kind);
  EXPECT_NE(describe(*o.failure).find(text), std::string::npos) << describe(*o.failure);
  EXPECT_FALSE(run.ok());
  ASSERT_EQ(run.results.front().failures.size(), 1u);
  EXPECT_NE(run.results.front().failures.front().message.find("the call did not return"),
            std::string::npos);
  ASSERT_TRUE(run.divergence);
  EXPECT_EQ(run.divergence->diff.what, "failure");
  EXPECT_EQ(run.divergence->diff.right, "(returned)");
  EXPECT_FALSE(run.results.back().outcome.failure);

  ScenarioRun after = run_scenario(next, {seed_kernel(), bad});
  EXPECT_TRUE(after.ok()) << next.name;
}

TEST(BrokenKernels, ANullWalkVmaIsACrashAndTheNextScenarioRuns) {
  if (!kCatchesCrashes) GTEST_SKIP() << "AddressSanitizer owns SIGSEGV";
  auto bad = broken("broken-null-vma");
  if (!bad) GTEST_SKIP() << "no broken kernels in this build";
  expect_failure_then_next(*bad, spec("hole-gap-efault"), PartyFailure::Kind::Crash,
                           "crashed: SIGSEGV at NULL+0x", spec("pte-none"));
  Outcome o = bad->run(spec("hole-gap-efault").world, spec("hole-gap-efault").range, {});
  EXPECT_NE(o.failure->where.find("mm/hmm.c:"), std::string::npos) << o.failure->where;
}

TEST(BrokenKernels, AnIndexPastPfnsIsACrashAtTheGuardPage) {
  if (!kCatchesCrashes) GTEST_SKIP() << "AddressSanitizer owns SIGSEGV";
  auto bad = broken("broken-pfns-index");
  if (!bad) GTEST_SKIP() << "no broken kernels in this build";
  // pte-none: 4 pages from a PMD chunk's start; pfns[] has 4 + 1 entries, so the first page
  // written from range->end's index writes pfns[4], the second pfns[5]: the guard page
  expect_failure_then_next(*bad, spec("pte-none"), PartyFailure::Kind::Crash,
                           "crashed: SIGSEGV at pfns[5] (past the end: pfns[] has 5 entries)",
                           spec("hole-gap-efault"));
}

TEST(BrokenKernels, AnEndlessGotoAgainIsNoProgress) {
  auto bad = broken("broken-endless-again");
  if (!bad) GTEST_SKIP() << "no broken kernels in this build";
  expect_failure_then_next(*bad, spec("pmd-huge-fill"), PartyFailure::Kind::NoProgress,
                           "no progress inside the walk after ", spec("pte-none"));
  Outcome o = bad->run(spec("pmd-huge-fill").world, spec("pmd-huge-fill").range, {});
  EXPECT_NE(o.failure->where.find("hmm_vma_walk_pmd, mm/hmm.c:"), std::string::npos)
      << o.failure->where;
}

TEST(BrokenKernels, AnInvertedWarnIsADivergenceInTheReports) {
  auto bad = broken("broken-warn-inverted");
  if (!bad) GTEST_SKIP() << "no broken kernels in this build";
  ScenarioRun run = run_scenario(spec("pte-none-fault-write"), {seed_kernel(), *bad});
  ASSERT_TRUE(run.divergence);
  EXPECT_EQ(run.divergence->diff.what, "reports[0]");
  EXPECT_EQ(run.divergence->diff.left, "(none)");
  EXPECT_EQ(run.divergence->diff.right, "WARN at mm/hmm.c:83");
}

} // namespace
} // namespace hmmspec
