// SPDX-License-Identifier: GPL-2.0-or-later
// Party isolation (kernel/isolation.h, docs/kernel-party.md "Isolation"): a crash in an
// isolated call is its outcome, with the signal, what the access touched and where; a walk
// whose page-table reads pass the budget ends as no progress; pfns[] faults one entry past
// its end; and after either, the thread's shim state and the next run are as if nothing had
// happened, and signals outside a call go where they went before.
#include <string>

#include "kernel/guarded_words.h"
#include "kernel/include/hmmspec/budget.h"
#include "kernel/isolation.h"
#include "kernel/kernel_party.h"
#include "kernel/session.h"
#include "tests/kernel/world_fixture.h"

#include <csetjmp>
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

// A handler of the test's own, for SIGSEGV outside isolated calls: it records the signal and
// jumps back to the test.
sigjmp_buf test_env;
volatile sig_atomic_t test_handler_calls = 0;
void test_handler(int) {
  test_handler_calls = test_handler_calls + 1;
  siglongjmp(test_env, 1);
}

TEST(Isolation, ASignalOutsideACallGoesToTheHandlerBefore) {
  if (!crash_isolation_enabled()) GTEST_SKIP() << "AddressSanitizer owns SIGSEGV";
  // (ctest runs each test in a process of its own; after another test's call, ours would be
  // in place already, and a handler set now would take the crashes of the calls too)
  if (kernel::crash_handlers_installed()) GTEST_SKIP() << "an earlier call installed them";
  struct sigaction mine {
  }, before{};
  mine.sa_handler = test_handler;
  sigemptyset(&mine.sa_mask);
  mine.sa_flags = SA_NODEFER;
  sigaction(SIGSEGV, &mine, &before);
  // a crash inside a call is the call's, not the test handler's
  kernel::Isolated r = run_isolated([] { return load(null_plus(8)); }, nullptr);
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(r.failure->address, "NULL+0x8");
  EXPECT_EQ(test_handler_calls, 0);
  // outside a call, the handler that was there before the call gets it
  if (sigsetjmp(test_env, 0) == 0) load(null_plus(16));
  EXPECT_EQ(test_handler_calls, 1);
  // and the next call crashes and is caught the same way
  kernel::Isolated again = run_isolated([] { return load(null_plus(24)); }, nullptr);
  ASSERT_TRUE(again.failure);
  EXPECT_EQ(again.failure->address, "NULL+0x18");
  EXPECT_EQ(test_handler_calls, 1);
  sigaction(SIGSEGV, &before, nullptr);
}

TEST(Isolation, AThreadKeepsItsSignalStackAcrossCalls) {
  if (!crash_isolation_enabled()) GTEST_SKIP() << "AddressSanitizer owns SIGSEGV";
  run_isolated([] { return 0L; }, nullptr);
  stack_t one{}, two{};
  sigaltstack(nullptr, &one);
  EXPECT_FALSE(one.ss_flags & SS_DISABLE); // set by the first call
  run_isolated([] { return load(null_plus(8)); }, nullptr);
  sigaltstack(nullptr, &two);
  EXPECT_EQ(two.ss_sp, one.ss_sp);
  EXPECT_EQ(two.ss_size, one.ss_size);
}

TEST(Isolation, PfnsOfTheSameSizeAgainAreZeroedAndGuarded) {
  {
    kernel::GuardedWords first(5);
    for (std::size_t i = 0; i < 5; ++i) first.data()[i] = ~0ull; // its mapping is kept
  }
  kernel::GuardedWords again(5);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(again.data()[i], 0u) << i;
  auto at = [&](long i) { return reinterpret_cast<std::uintptr_t>(again.data() + i); };
  EXPECT_EQ(again.name_of(at(5), "pfns"), "pfns[5] (past the end: pfns[] has 5 entries)");
  if (!crash_isolation_enabled()) return; // ASan owns SIGSEGV
  kernel::Isolated r = run_isolated(
      [&] {
        again.data()[5] = 1;
        return 0L;
      },
      [&](std::uintptr_t a) { return again.name_of(a, "pfns"); });
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(r.failure->address, "pfns[5] (past the end: pfns[] has 5 entries)");
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
