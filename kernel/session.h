// SPDX-License-Identifier: GPL-2.0-or-later
// One run of kernel code over a world: the kernel objects mirroring the world (mm, VMAs, the
// interval notifier, struct pages of device pfns), the machine description the shim's macros
// read (hmmspec_arch_now), and what the party reports besides the result (walk attempts, the
// restart budget, locks, the kernel's reports).
//
// A Session installs itself as the thread's current session on construction and restores the
// previous one on destruction; the C functions of kernel/include/hmmspec/services.h find it
// through the mm they are given, or as the current session when they are given none.
//
// Compiled once per shim family (HMMSPEC_KERNEL_FAMILY, kernel/include/hmmspec/kconfig.h).
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "kernel/include/hmmspec/budget.h"
#include "kernel/include/hmmspec/mmu_notifier.h"
#include "kernel/include/hmmspec/pagewalk.h"
#include "kernel/include/hmmspec/services.h"
#include "model/kernel_report.h"
#include "model/outcome.h"
#include "model/world.h"

namespace hmmspec::kernel {

class Session {
public:
  Session(World& world, const RunOptions& options);
  ~Session(); // detach()
  // Restores the thread's shim state as it was before the session (the machine description, the
  // read budget, the current session). Once; the destructor does it when it was not done.
  void detach();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  World& world() { return world_; }
  mm_struct* mm() { return &mm_; }
  mmu_interval_notifier* notifier() { return &notifier_; }

  unsigned walks() const { return walks_; }      // walk_page_range calls
  bool livelock() const { return livelock_; }    // a budget ran out (docs/kernel-party.md)
  int locks_held() const { return locks_held_; } // takes minus releases, every kind of lock
  // What the kernel printed (WARN, BUG, bad page maps) and what the shim found wrong with
  // itself (reported as BUG at "shim: ..."), in order.
  const std::vector<KernelReport>& reports() const { return reports_; }

  // --- what the shim asks of the session ---
  static Session& of(mm_struct* mm);
  static Session& current();
  // The words of physical page pfn: a world table, or the read-only zeros (W-ZERO-MEMORY).
  unsigned long* phys_table(unsigned long pfn);
  struct page* page(unsigned long pfn);
  // mmu_interval_check_retry with the restart budget (docs/kernel-party.md).
  bool check_retry(unsigned long seq);
  // The page-table reads each walk of a range of `range_pages` pages may make (budget.h;
  // docs/kernel-party.md, "Isolation").
  void budget_walks(unsigned long range_pages);
  // A walk begins (walk_page_range): counted, and its page-table read budget set afresh.
  void count_walk();
  // The walk's page-table reads ran past its budget (kernel/include/hmmspec/budget.h): the call
  // ends as no progress (kernel/isolation.h); does not return.
  [[noreturn]] void no_progress();
  // The walker looks at an entry again (ACTION_AGAIN); `redos` counts the times in a row for
  // this entry. False, with a livelock recorded, once the count passes the restart budget: the
  // walk must then stop (docs/kernel-party.md, "Budgets").
  bool may_redo(unsigned& redos);
  // The PMD slot the walker hands to pmd_entry, and its address, for pmd_migration_entry_wait.
  void note_pmd(pmd_t* slot, unsigned long addr);
  unsigned long pmd_addr(pmd_t* slot);
  // The PUD slot the walker hands to pud_entry, and its address, for the pud-locked point.
  void note_pud(pud_t* slot, unsigned long addr);
  // The walk reaches an interleaving point for the entry at addr (model/race.h): an event of
  // the world waiting there fires (the kernel's next read of the entry sees its change).
  void race_point(RacePoint point, unsigned long addr);
  // 6.12's pmdp_get_lockless of the slot: the pmd-reread point when the previous read of the
  // walker's PMD slot found it huge (6.12 mm/hmm.c:335, 364), then the load.
  unsigned long pmd_lockless_read(pmd_t* slot);
  // The same, at the points met through a slot: pud-locked (pud_trans_huge_lock took the PUD
  // the walker noted) and pmd-reread (pmd_read_atomic of the PMD the walker noted).
  void pud_locked(pud_t* slot);
  void pmd_reread(pmd_t* slot);
  // split_huge_pud through model/fault.h, at the walker's slot.
  void split_huge_pud(pud_t* slot, unsigned long addr);
  void lock(spinlock_t* l);
  void unlock(spinlock_t* l);
  void hugetlb_lock(vm_area_struct* vma);
  void hugetlb_unlock(vm_area_struct* vma);
  // A WARN or BUG at file:line of the kernel tree (once: the first time per run only).
  void report(KernelReport::Kind kind, const char* file, int line, bool once);
  // A report whose identity the reference shares (model/kernel_report.h).
  void report(KernelReport r);
  // print_bad_pte at addr; the kernel stops printing after a burst of 60.
  void print_bad_pte(unsigned long addr);
  // Something the shim found wrong with itself or the world it mirrors (never expected).
  void shim_error(std::string what);

private:
  struct DevicePage {
    struct page page;
    struct dev_pagemap pgmap;
  };

  World& world_;
  RunOptions options_;
  mm_struct mm_{};
  mmu_interval_notifier notifier_{};
  std::vector<vm_area_struct> vmas_;
  std::map<unsigned long, std::unique_ptr<DevicePage>> pages_;
  DevicePage ordinary_{}; // the struct page every pfn that is no device page shares
  unsigned walks_ = 0;
  unsigned long walk_reads_ = 0; // the read budget of one walk (docs/kernel-party.md)
  bool livelock_ = false;
  int locks_held_ = 0;
  std::vector<KernelReport> reports_;
  std::set<std::pair<std::string, int>> reported_once_;
  unsigned bad_ptes_ = 0;
  pmd_t* pmd_slot_ = nullptr;
  unsigned long pmd_addr_ = 0;
  bool pmd_read_huge_ = false; // the last read of pmd_slot_ found a huge PMD (6.12)
  pud_t* pud_slot_ = nullptr;
  unsigned long pud_addr_ = 0;
  hmmspec_arch saved_arch_{};
  hmmspec_read_budget saved_reads_{};
  Session* saved_current_ = nullptr;
  bool attached_ = true;
};

} // namespace hmmspec::kernel
