// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel/session.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>

#include "kernel/isolation.h"
#include "model/fault.h"
#include "model/race.h"

extern "C" {
__thread struct hmmspec_arch hmmspec_arch_now;
// No limit outside a session (the tests read words through the shim without one).
__thread struct hmmspec_read_budget hmmspec_reads = {0, ~0ul};
}

namespace hmmspec::kernel {

namespace {

// Initial-exec, as hmmspec_arch_now (kernel/include/hmmspec/arch.h).
thread_local Session* current_session __attribute__((tls_model("initial-exec"))) = nullptr;

void* owner_pointer(u64 owner) {
  return reinterpret_cast<void*>(static_cast<std::uintptr_t>(owner));
}

// The machine the shim's macros describe, from the world's geometry.
hmmspec_arch arch_of(const World& w) {
  hmmspec_arch a{};
  a.page_shift = w.geom.page_shift;
  a.levels = w.geom.levels;
  for (Level l : kAllLevels) {
    a.shift[idx(l)] = w.geom.shift(l);
    a.ptrs[idx(l)] = w.geom.entries(l);
  }
  a.zero_pfn = w.zero_pfn;
  return a;
}

// The page-table reads one walk may make (docs/kernel-party.md, "Isolation"). A walk visits at
// most 2 entries per page of the range over all levels (the entries it visits at each level are
// clipped to the range: pages >> shift + 1 each), and reads each a few times (the walker, then
// hmm.c: READ_ONCE, pmd_read_atomic, the next table's pointer, ptep_get). 16 reads per entry
// visited, and 4096 more, is therefore far more than any walk that ends; a loop that never
// ends reaches it after milliseconds. Each entry looked at again (Session::may_redo) adds 16.
constexpr unsigned long kReadsPerEntry = 16;
constexpr unsigned long kReadsBase = 4096;

} // namespace

Session::Session(World& world, const RunOptions& options) : world_(world), options_(options) {
  saved_arch_ = hmmspec_arch_now;
  saved_reads_ = hmmspec_reads;
  saved_current_ = current_session;
  hmmspec_arch_now = arch_of(world_);
  current_session = this;
  // Until the range is known (budget_walks): every table of the world read whole.
  budget_walks(world_.tables().size() * world_.geom.max_entries() / 2);

  mm_.hmmspec_session = this;
  mm_.pgd = reinterpret_cast<pgd_t*>(phys_table(world_.root_pfn()));
#if HMMSPEC_V6
  mm_.mmap_lock.readers = 1; // the caller of hmm_range_fault holds the mmap lock for read
#else
  mm_.mmap_sem.readers = 1;
#endif
  ordinary_.page.pgmap = &ordinary_.pgmap;
  ordinary_.page.hmmspec_pfn = ~0ul;
  notifier_.mm = &mm_;
  notifier_.invalidate_seq = world_.notifier.seq;

  // The VMA list, linked in address order as the kernel's mm->mmap.
  const std::vector<Vma>& all = world_.vmas.all();
  vmas_.resize(all.size());
  for (size_t i = 0; i < all.size(); ++i) {
    vm_area_struct& v = vmas_[i];
    v.vm_start = all[i].start;
    v.vm_end = all[i].end;
    v.vm_flags = all[i].flags;
    v.vm_mm = &mm_;
    v.vm_next = i + 1 < all.size() ? &vmas_[i + 1] : nullptr;
    v.vm_prev = i > 0 ? &vmas_[i - 1] : nullptr;
    v.hmmspec_hstate.size = all[i].hugetlb_size;
    v.hmmspec_vma = &all[i];
  }
  mm_.mmap = vmas_.empty() ? nullptr : &vmas_[0];
}

Session::~Session() {
  detach();
}

void Session::detach() {
  if (!attached_) return;
  attached_ = false;
  hmmspec_arch_now = saved_arch_;
  hmmspec_reads = saved_reads_;
  current_session = saved_current_;
}

Session& Session::of(mm_struct* mm) {
  if (!mm || !mm->hmmspec_session) return current();
  return *static_cast<Session*>(mm->hmmspec_session);
}

Session& Session::current() {
  if (!current_session) {
    std::fputs("hmmspec: kernel shim called outside a kernel::Session\n", stderr);
    std::abort();
  }
  return *current_session;
}

void Session::budget_walks(unsigned long range_pages) {
  walk_reads_ = kReadsBase + kReadsPerEntry * 2 * (range_pages + 1);
  hmmspec_reads = {0, walk_reads_};
}

void Session::count_walk() {
  ++walks_;
  hmmspec_reads = {0, walk_reads_};
}

void Session::no_progress() {
  const unsigned long reads = hmmspec_reads.reads - 1; // the read past the budget is not made
  hmmspec_reads = {0, walk_reads_};
  stop_no_progress(reads);
}

unsigned long* Session::phys_table(unsigned long pfn) {
  hmmspec_count_read(); // a table pointer followed (__va of its frame)
  // W-ZERO-MEMORY: a page without a table reads as zeros. The shim writes a table word only to
  // clear a bad (hence non-zero) PGD or P4D entry, so the zeros are never written.
  return const_cast<unsigned long*>(world_.table_words(pfn));
}

struct page* Session::page(unsigned long pfn) {
  auto device = world_.device_owner.find(pfn);
  if (device == world_.device_owner.end()) return &ordinary_.page;
  std::unique_ptr<DevicePage>& slot = pages_[pfn];
  if (!slot) {
    slot = std::make_unique<DevicePage>();
    slot->pgmap.owner = owner_pointer(device->second);
    slot->pgmap.type =
        world_.coherent_pfns.count(pfn) ? MEMORY_DEVICE_COHERENT : MEMORY_DEVICE_PRIVATE;
    slot->page.pgmap = &slot->pgmap;
    slot->page.hmmspec_pfn = pfn;
  }
  return &slot->page;
}

bool Session::check_retry(unsigned long seq) {
  if (livelock_) return true; // the walker ran out of its ACTION_AGAIN budget: stop
  notifier_.invalidate_seq = world_.notifier.seq;
  if (notifier_.invalidate_seq != seq) return true; // hmm.c:588-590: a real -EBUSY
  if (walks_ >= options_.restart_budget) {
    // The seed would walk again; every walk so far ended in -EBUSY (hmm.c:586-593).
    livelock_ = true;
    return true;
  }
  return false;
}

bool Session::may_redo(unsigned& redos) {
  if (++redos <= options_.restart_budget) {
    hmmspec_reads.limit += kReadsPerEntry; // the entry is read again
    return true;
  }
  livelock_ = true;
  return false;
}

void Session::note_pmd(pmd_t* slot, unsigned long addr) {
  pmd_slot_ = slot;
  pmd_addr_ = addr;
  pmd_read_huge_ = false;
}

unsigned long Session::pmd_lockless_read(pmd_t* slot) {
  if (slot == pmd_slot_ && pmd_read_huge_) race_point(RacePoint::PmdReread, pmd_addr_);
  const pmd_t v = {*(volatile pmdval_t*)&slot->pmd};
  if (slot == pmd_slot_) pmd_read_huge_ = pmd_trans_huge(v) || pmd_devmap(v);
  return v.pmd;
}

unsigned long Session::pmd_addr(pmd_t* slot) {
  if (slot != pmd_slot_)
    shim_error("pmd_migration_entry_wait on a PMD slot the walker did not hand out");
  return pmd_addr_;
}

void Session::note_pud(pud_t* slot, unsigned long addr) {
  pud_slot_ = slot;
  pud_addr_ = addr;
}

void Session::race_point(RacePoint point, unsigned long addr) {
  if (!world_.races.empty()) hmmspec::fire_race(world_, point, addr);
}

void Session::pud_locked(pud_t* slot) {
  if (slot == pud_slot_) race_point(RacePoint::PudLocked, pud_addr_);
}

void Session::pmd_reread(pmd_t* slot) {
  if (slot == pmd_slot_) race_point(RacePoint::PmdReread, pmd_addr_);
}

void Session::split_huge_pud(pud_t* slot, unsigned long addr) {
  // model/fault.h finds the slot from the root by address; it is the walker's slot unless a
  // table is reachable along two paths, which the shim reports rather than hides.
  if (world_.find_slot_mut(Level::Pud, addr) != reinterpret_cast<u64*>(slot))
    shim_error(
        fmt::format("split_huge_pud at {:#x}: the world's PUD slot is not the walker's", addr));
  hmmspec::split_huge_pud(world_, addr);
}

void Session::lock(spinlock_t* l) {
  if (l->held) shim_error("a page-table lock was taken twice (the kernel would deadlock)");
  l->held = 1;
  ++locks_held_;
}

void Session::unlock(spinlock_t* l) {
  if (!l->held) shim_error("a page-table lock was released while not held");
  l->held = 0;
  --locks_held_;
}

void Session::hugetlb_lock(vm_area_struct* vma) {
  ++vma->hmmspec_hugetlb_lock_readers;
  ++locks_held_;
}

void Session::hugetlb_unlock(vm_area_struct* vma) {
  if (vma->hmmspec_hugetlb_lock_readers <= 0)
    shim_error("the hugetlb VMA lock was released while not held");
  --vma->hmmspec_hugetlb_lock_readers;
  --locks_held_;
}

void Session::report(KernelReport::Kind kind, const char* file, int line, bool once) {
  if (once && !reported_once_.emplace(file, line).second) return;
  reports_.push_back(KernelReport{kind, fmt::format("{}:{}", file, line), 0});
}

void Session::report(KernelReport r) {
  reports_.push_back(std::move(r));
}

void Session::print_bad_pte(unsigned long addr) {
  // 6.1 mm/memory.c:536-549: a burst of 60 reports, then silence for the rest of the minute.
  if (bad_ptes_ == 60) return;
  ++bad_ptes_;
  reports_.push_back(KernelReport{KernelReport::Kind::BadPte, "", addr});
}

void Session::shim_error(std::string what) {
  reports_.push_back(KernelReport{KernelReport::Kind::Bug, "shim: " + std::move(what), 0});
}

} // namespace hmmspec::kernel

// --- The C services of kernel/include/hmmspec/*.h -----------------------------------------------

using hmmspec::kernel::Session;

extern "C" {

void hmmspec_no_progress(void) {
  Session::current().no_progress();
}

unsigned long* hmmspec_phys_table(unsigned long pfn) {
  return Session::current().phys_table(pfn);
}

bool mmu_interval_check_retry(struct mmu_interval_notifier* mni, unsigned long seq) {
  return Session::of(mni->mm).check_retry(seq);
}

#if HMMSPEC_V6
vm_fault_t handle_mm_fault(struct vm_area_struct* vma, unsigned long address, unsigned int flags,
                           struct pt_regs* regs) {
  (void)regs;
#else
vm_fault_t handle_mm_fault(struct vm_area_struct* vma, unsigned long address, unsigned int flags) {
#endif
  Session& s = Session::of(vma->vm_mm);
  // hugetlb_fault takes the hugetlb VMA lock for read itself (6.12 mm/hugetlb.c:6439): a caller
  // holding it recurses on it. hmm's hugetlb callback drops it around its fault (6.12
  // mm/hmm.c:495-505); its hole callback, called under it by walk_hugetlb_range (6.12
  // mm/pagewalk.c:294-305), does not (R-HUGETLB-HOLE-LOCKED).
  if (vma->hmmspec_hugetlb_lock_readers > 0) s.report(hmmspec::hugetlb_vma_lock_recursion(address));
  const auto& model_vma = *static_cast<const hmmspec::Vma*>(vma->hmmspec_vma);
  const vm_fault_t result = hmmspec::handle_mm_fault(s.world(), model_vma, address, flags);
  s.race_point(hmmspec::RacePoint::FaultReturned, address); // back in hmm_vma_fault (hmm.c:92-93)
  return result;
}

void migration_entry_wait(struct mm_struct* mm, pmd_t* pmd, unsigned long address) {
  (void)pmd;
  hmmspec::migration_entry_wait(Session::of(mm).world(), address);
}

void pmd_migration_entry_wait(struct mm_struct* mm, pmd_t* pmd) {
  Session& s = Session::of(mm);
  hmmspec::pmd_migration_entry_wait(s.world(), s.pmd_addr(pmd));
}

struct page* pfn_to_page(unsigned long pfn) {
  return Session::current().page(pfn);
}

#if HMMSPEC_V6
struct page* vm_normal_page(struct vm_area_struct* vma, unsigned long addr, pte_t pte) {
  Session& s = Session::of(vma->vm_mm);
  unsigned long pfn = pte_pfn(pte);
  if (pte_special(pte)) { // 6.1 mm/memory.c:617-640 (no VMA of the world has vm_ops)
    if (vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP)) return nullptr;
    if (is_zero_pfn(pfn)) return nullptr;
    if (pte_devmap(pte)) return nullptr;
    s.print_bad_pte(addr);
    return nullptr;
  }
  if (pfn > s.world().highest_memmap_pfn) { // 6.1 mm/memory.c:661-665
    s.print_bad_pte(addr);
    return nullptr;
  }
#if HMMSPEC_KERNEL_FAMILY >= HMMSPEC_FAMILY_6_12
  // VM_WARN_ON_ONCE(is_zero_pfn(pfn)) (6.12 mm/memory.c:656): the zero page is mapped special
  if (is_zero_pfn(pfn)) s.report(hmmspec::KernelReport::Kind::Warn, "mm/memory.c", 656, true);
#endif
  return s.page(pfn);
}
#endif

void spin_lock(spinlock_t* lock) {
  Session::current().lock(lock);
}
void spin_unlock(spinlock_t* lock) {
  Session::current().unlock(lock);
}

spinlock_t* pud_trans_huge_lock(pud_t* pud, struct vm_area_struct* vma) {
  if (!pud_trans_huge(*pud) && !pud_devmap(*pud)) return nullptr;
  spinlock_t* ptl = &vma->vm_mm->page_table_lock;
  spin_lock(ptl);
  // Single-threaded, the entry cannot change between the test and the lock; an event at the
  // pud-locked point (model/race.h) lands after the lock, before hmm.c:425 reads the PUD.
  Session::of(vma->vm_mm).pud_locked(pud);
  return ptl;
}

#if HMMSPEC_KERNEL_FAMILY < HMMSPEC_FAMILY_6_12
void hmmspec_pmd_reread_point(pmd_t* pmdp) {
  Session::current().pmd_reread(pmdp);
}
#else
pmdval_t hmmspec_pmd_lockless_read(pmd_t* pmdp) {
  return Session::current().pmd_lockless_read(pmdp);
}
#endif

spinlock_t* huge_pte_lock(struct hstate* h, struct mm_struct* mm, pte_t* pte) {
  (void)pte;
  spinlock_t* ptl = huge_page_size(h) == PMD_SIZE ? &mm->pmd_split_lock : &mm->page_table_lock;
  spin_lock(ptl);
  return ptl;
}

#if HMMSPEC_KERNEL_FAMILY >= HMMSPEC_FAMILY_6_12
void hugetlb_vma_lock_read(struct vm_area_struct* vma) {
  Session::of(vma->vm_mm).hugetlb_lock(vma);
}
void hugetlb_vma_unlock_read(struct vm_area_struct* vma) {
  Session::of(vma->vm_mm).hugetlb_unlock(vma);
}
#endif

void hmmspec_report(enum hmmspec_report_kind kind, const char* file, int line, int once) {
  Session::current().report(kind == HMMSPEC_REPORT_BUG ? hmmspec::KernelReport::Kind::Bug
                                                       : hmmspec::KernelReport::Kind::Warn,
                            file, line, once != 0);
}

void hmmspec_print_bad_pte(unsigned long addr) {
  Session::current().print_bad_pte(addr);
}

struct vm_area_struct* find_vma(struct mm_struct* mm, unsigned long addr) {
  for (vm_area_struct* v = mm->mmap; v; v = v->vm_next)
    if (v->vm_end > addr) return v;
  return nullptr;
}

} // extern "C"
