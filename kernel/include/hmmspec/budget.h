// SPDX-License-Identifier: GPL-2.0-or-later
// The page-table reads of one walk, counted against a budget, so that a kernel looping for ever
// inside a walk (a `goto again` that never ends, as the one hmm.c:332-365 could become) is
// stopped and reported instead of hanging the run (docs/kernel-party.md, "Isolation"). Every
// one-time load of the shim (READ_ONCE, pmd_read_atomic, ptep_get, pmdp_get_lockless, pudp_get)
// and every table pointer followed (hmmspec_phys_table) counts one read. kernel/session.cpp
// sets the budget per walk_page_range call; past it, hmmspec_no_progress ends the call (it does
// not return).
//
// Valid C (gnu11) and C++: the seed, the shim's walker and the tests include it.
#ifndef HMMSPEC_BUDGET_H
#define HMMSPEC_BUDGET_H

#ifdef __cplusplus
extern "C" {
#endif

struct hmmspec_read_budget {
  unsigned long reads; // page-table reads since the walk began
  unsigned long limit; // the walk's budget (no limit outside a kernel::Session)
};

// Hidden and initial-exec, as hmmspec_arch_now (arch.h): one load from the thread pointer.
extern __thread struct hmmspec_read_budget hmmspec_reads
    __attribute__((visibility("hidden"), tls_model("initial-exec")));

// Ends the hmm_range_fault call in progress as "no progress" (kernel/isolation.h).
__attribute__((noreturn)) void hmmspec_no_progress(void);

static inline void hmmspec_count_read(void) {
  if (__builtin_expect(++hmmspec_reads.reads > hmmspec_reads.limit, 0)) hmmspec_no_progress();
}

#ifdef __cplusplus
}
#endif

#endif // HMMSPEC_BUDGET_H
