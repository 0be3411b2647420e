// SPDX-License-Identifier: GPL-2.0-or-later
// Party isolation (kernel/isolation.h, docs/kernel-party.md "Isolation"): a crash in an
// isolated call is its outcome, with the signal, what the access touched and where; a walk
// whose page-table reads pass the budget ends as no progress; pfns[] faults one entry past
// its end; and after either, the signal handlers, the thread's shim state and the next run are
// as if nothing had happened.
#include <string>

#include "kernel/guarded_words.h"
#include "kernel/include/hmmspec/budget.h"
#include "kernel/isolation.h"
#include "kernel/kernel_party.h"
#include "kernel/session.h"
#include "tests/kernel/world_fixture.h"

// After the model: <signal.h> defines SIGBUS and SIGSEGV as macros, which model/world.h also
// uses as names inside namespace hmmspec::fault.
#include <csignal>

namespace hmmspec {
namespace {

using kernel::crash_isolation_enabled;
using kernel::run_isolated;

// A load the compiler must make, from an address it cannot see through.
__attribute__((noinline)) long load(const volatile long* p) {
  return *p;
}

const volatile long* null_plus(std::uintptr_t offset) {
  volatile std::uintptr_t null = 0; // not a constant the compiler could check
  return reinterpret_cast<const volatile long*>(null + offset);
}

struct sigaction current_action(int sig) {
  struct sigaction sa {};
  sigaction(sig, nullptr, &sa);
  return sa;
}

TEST(Isolation, ACallThatReturnsHasItsResult) {
  kernel::Isolated r = run_isolated([] { return 42L; }, nullptr);
  EXPECT_EQ(r.ret, 42);
  EXPECT_FALSE(r.failure);
}

TEST(Isolation, ANullDereferenceIsACrashWithItsAddressAndPlace) {
  if (!crash_isolation_enabled()) GTEST_SKIP() << "AddressSanitizer owns SIGSEGV";
  kernel::Isolated r = run_isolated([] { return load(null_plus(0x48)); }, nullptr);
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(r.failure->kind, PartyFailure::Kind::Crash);
  EXPECT_EQ(r.failure->signal, SIGSEGV);
  EXPECT_EQ(r.failure->address, "NULL+0x48");
  EXPECT_NE(r.failure->where.find("isolation_test.cpp:"), std::string::npos) << r.failure->where;
  EXPECT_EQ(describe(*r.failure).rfind("crashed: SIGSEGV at NULL+0x48 (", 0), 0u)
      << describe(*r.failure);
}

TEST(Isolation, TheHandlersBeforeAreBackAfterACrash) {
  if (!crash_isolation_enabled()) GTEST_SKIP() << "AddressSanitizer owns SIGSEGV";
  struct sigaction before = current_action(SIGSEGV);
  stack_t stack_before{};
  sigaltstack(nullptr, &stack_before);
  kernel::Isolated r = run_isolated([] { return load(null_plus(8)); }, nullptr);
  ASSERT_TRUE(r.failure);
  struct sigaction after = current_action(SIGSEGV);
  EXPECT_EQ(after.sa_handler, before.sa_handler);
  // glibc sets SA_RESTORER (0x04000000 on Linux) on every action it installs, SIG_DFL
  // included: the flags the caller chose are the others
  constexpr int kRestorer = 0x04000000;
  EXPECT_EQ(after.sa_flags & ~kRestorer, before.sa_flags & ~kRestorer);
  stack_t stack_after{};
  sigaltstack(nullptr, &stack_after);
  EXPECT_EQ(stack_after.ss_sp, stack_before.ss_sp);
  EXPECT_EQ(stack_after.ss_flags, stack_before.ss_flags);
  // and the next call crashes and is caught the same way
  kernel::Isolated again = run_isolated([] { return load(null_plus(8)); }, nullptr);
  ASSERT_TRUE(again.failure);
  EXPECT_EQ(again.failure->address, "NULL+0x8");
}

TEST(Isolation, PfnsEndAtAGuardPage) {
  kernel::GuardedWords words(5);
  ASSERT_EQ(words.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(words.data()[i], 0u);
  words.data()[4] = 7; // the last word is usable
  auto at = [&](long i) { return reinterpret_cast<std::uintptr_t>(words.data() + i); };
  EXPECT_EQ(words.name_of(at(4), "pfns"), "pfns[4]");
  EXPECT_EQ(words.name_of(at(5), "pfns"), "pfns[5] (past the end: pfns[] has 5 entries)");
  EXPECT_EQ(words.name_of(at(-1), "pfns"), "pfns[-1] (before the start of pfns[])");
  EXPECT_EQ(words.name_of(0x1000, "pfns"), "");
  if (!crash_isolation_enabled()) return; // ASan owns SIGSEGV
  kernel::Isolated r = run_isolated(
      [&] {
        words.data()[5] = 1; // one past the end
        return 0L;
      },
      [&](std::uintptr_t a) { return words.name_of(a, "pfns"); });
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(r.failure->signal, SIGSEGV);
  EXPECT_EQ(r.failure->address, "pfns[5] (past the end: pfns[] has 5 entries)");
}

class NoProgress : public WorldFixture {};

TEST_F(NoProgress, AWalkReadingForEverEndsAtItsBudget) {
  vma(0x10000, 0x14000);
  kernel::Session session(world, RunOptions{});
  session.budget_walks(4);
  session.count_walk(); // a walk begins: its budget is 4096 + 16 * 2 * (4 + 1) reads
  unsigned long made = 0;
  kernel::Isolated r = run_isolated(
      [&made]() -> long {
        for (;;) {
          hmmspec_count_read();
          ++made;
        }
      },
      nullptr);
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(r.failure->kind, PartyFailure::Kind::NoProgress);
  EXPECT_EQ(r.failure->reads, 4096u + 16u * 2u * 5u);
  EXPECT_EQ(made, r.failure->reads);
  EXPECT_EQ(
      describe(*r.failure).rfind("no progress inside the walk after 4256 page-table reads", 0), 0u)
      << describe(*r.failure);
  // a new walk has its budget afresh
  session.count_walk();
  EXPECT_EQ(hmmspec_reads.reads, 0u);
  EXPECT_EQ(hmmspec_reads.limit, 4096u + 16u * 2u * 5u);
}

TEST_F(NoProgress, ABoundedLoopUnderTheBudgetIsNoFailure) {
  kernel::Session session(world, RunOptions{});
  session.budget_walks(4);
  session.count_walk();
  kernel::Isolated r = run_isolated(
      [] {
        for (int i = 0; i < 4256; ++i) hmmspec_count_read();
        return 0L;
      },
      nullptr);
  EXPECT_FALSE(r.failure);
}

TEST_F(NoProgress, TheShimStateIsRestoredAfterTheSession) {
  const hmmspec_read_budget before = hmmspec_reads;
  EXPECT_EQ(before.limit, ~0ul); // no limit outside a session
  {
    kernel::Session session(world, RunOptions{});
    session.budget_walks(1);
    EXPECT_EQ(hmmspec_reads.limit, 4096u + 16u * 2u * 2u);
    run_isolated(
        [] {
          for (;;) hmmspec_count_read();
          return 0L;
        },
        nullptr);
  }
  EXPECT_EQ(hmmspec_reads.limit, before.limit);
  EXPECT_EQ(hmmspec_reads.reads, before.reads);
}

// The seed itself, end to end, is unchanged by the isolation: a call after a crash and after
// a stopped walk has the outcome it has on its own.
class IsolatedSeed : public WorldFixture {};

TEST_F(IsolatedSeed, TheNextRunIsAsIfNothingHadHappened) {
  vma(0x10000, 0x14000);
  HmmRange r;
  r.start = 0x10000;
  r.end = 0x14000;
  r.pfns = {1, 0, 3, 1}; // V, nothing, V|W, V: faults, then a restart
  const Outcome first = kernel_hmm_range_fault(world, r, RunOptions{});
  ASSERT_FALSE(first.failure);
  if (crash_isolation_enabled()) {
    ASSERT_TRUE(run_isolated([] { return load(null_plus(0)); }, nullptr).failure);
  }
  {
    kernel::Session session(world, RunOptions{});
    ASSERT_TRUE(run_isolated(
                    [] {
                      for (;;) hmmspec_count_read();
                      return 0L;
                    },
                    nullptr)
                    .failure);
  }
  EXPECT_EQ(kernel_hmm_range_fault(world, r, RunOptions{}), first);
}

} // namespace
} // namespace hmmspec
