// SPDX-License-Identifier: GPL-2.0-or-later
// One run of kernel code over a world: the kernel objects mirroring the world (mm, VMAs, the
// interval notifier, struct pages of device pfns), the machine description the shim's macros
// read (hmmspec_arch_now), and the counters the party reports (walk attempts, the restart
// budget, locks, warnings).
//
// A Session installs itself as the thread's current session on construction and restores the
// previous one on destruction; the C functions of kernel/include/hmmspec/services.h find it
// through the mm they are given, or as the current session when they are given none.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kernel/include/hmmspec/mmu_notifier.h"
#include "kernel/include/hmmspec/pagewalk.h"
#include "kernel/include/hmmspec/services.h"
#include "model/outcome.h"
#include "model/world.h"

namespace hmmspec::kernel {

class Session {
public:
  Session(World& world, const RunOptions& options);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  World& world() { return world_; }
  mm_struct* mm() { return &mm_; }
  mmu_interval_notifier* notifier() { return &notifier_; }

  unsigned walks() const { return walks_; }      // walk_page_range calls
  bool livelock() const { return livelock_; }    // the restart budget ran out
  int locks_held() const { return locks_held_; } // takes minus releases
  const std::vector<std::string>& warnings() const { return warnings_; }

  // --- what the shim asks of the session ---
  static Session& of(mm_struct* mm);
  static Session& current();
  // The words of physical page pfn: a world table, or the read-only zeros (W-ZERO-MEMORY).
  unsigned long* phys_table(unsigned long pfn);
  struct page* page(unsigned long pfn);
  // mmu_interval_check_retry with the restart budget (docs/kernel-party.md).
  bool check_retry(unsigned long seq);
  void count_walk() { ++walks_; }
  // The PMD slot the walker hands to pmd_entry, and its address, for pmd_migration_entry_wait.
  void note_pmd(pmd_t* slot, unsigned long addr);
  unsigned long pmd_addr(pmd_t* slot);
  // split_huge_pud through model/fault.h, at the walker's slot.
  void split_huge_pud(pud_t* slot, unsigned long addr);
  void lock(spinlock_t* l);
  void unlock(spinlock_t* l);
  void warn(std::string what);

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
  unsigned walks_ = 0;
  bool livelock_ = false;
  int locks_held_ = 0;
  std::vector<std::string> warnings_;
  pmd_t* pmd_slot_ = nullptr;
  unsigned long pmd_addr_ = 0;
  hmmspec_arch saved_arch_{};
  Session* saved_current_ = nullptr;
};

} // namespace hmmspec::kernel
