// SPDX-License-Identifier: GPL-2.0-or-later
// M-MMAP and M-CPU-ACCESS (docs/spec.md, section 12): the process maps a new private anonymous
// range (mmap with MAP_FIXED_NOREPLACE, mm/mmap.c:1366-1580 and mmap_region :1687-1851 at
// v5.7) and touches it from the CPU (do_user_addr_fault, arch/x86/mm/fault.c:1305-1500 at
// v5.7), whose faults are the fault model's handle_mm_fault (model/fault.h).
#include <fmt/format.h>

#include "model/fault.h"
#include "model/mm_ops_parts.h"
#include "model/mm_walk.h"

namespace hmmspec {

using namespace x86;

namespace {

// The retries of one access the model allows before it calls the fault one that never ends:
// a protnone page written, swapped in or copied takes at most three faults.
constexpr int kCpuTries = 4;

// The levels from the root to the PTE.
std::vector<Level> all_levels(const Geometry& g) {
  std::vector<Level> out = mm_walk::upper_levels(g);
  out.push_back(Level::Pte);
  return out;
}

// The entry the CPU's page walk ends at for addr: a hugetlb slot, a huge PMD or PUD, a PTE, or
// the first upper entry that is neither a table nor a leaf. Its level goes to `level`.
Entry cpu_leaf(const World& w, u64 addr, Level& level) {
  Entry e;
  for (Level l : all_levels(w.geom)) {
    level = l;
    const Context ctx = w.context_at(l, addr);
    e = w.entry_at(l, addr, ctx);
    if (ctx == Context::HugetlbSlot || e.kind != Kind::Table) return e;
  }
  return e;
}

// Whether the MMU completes the access through `e` without a fault: a present leaf (not
// PROTNONE), writable for a write.
bool mmu_completes(const Entry& e, bool write) {
  const bool present =
      e.kind == Kind::Page || e.kind == Kind::Zero || (e.kind == Kind::Huge && !e.protnone);
  return present && (!write || e.write);
}

// access_error (arch/x86/mm/fault.c:1190-1229 at v5.7): a write needs VM_WRITE; a read needs
// an accessible VMA (vma_is_accessible: READ, WRITE or EXEC).
bool access_error(const Vma& v, bool write) {
  if (write) return !(v.flags & vm::WRITE);
  return !(v.flags & (vm::READ | vm::WRITE | vm::EXEC));
}

// One access of the CPU at the page holding addr: the MMU, then do_user_addr_fault until the
// MMU completes it. Returns why the process would not get past it.
std::optional<std::string> cpu_access_page(World& w, u64 addr, bool write) {
  const char* what = write ? "write" : "read";
  for (int i = 0; i < kCpuTries; ++i) {
    Level level = Level::Pte;
    const Entry e = cpu_leaf(w, addr, level);
    if (mmu_completes(e, write)) {
      // the MMU sets the accessed bit of the leaf, and its dirty bit on a write
      if (u64* slot = w.find_slot_mut(level, addr)) *slot |= ACCESSED | (write ? DIRTY : 0);
      return std::nullopt;
    }
    // do_user_addr_fault: find_vma, and no stack to expand (arch/x86/mm/fault.c:1425-1440 at
    // v5.7), then access_error (:1445-1449)
    const Vma* v = w.vmas.containing(addr);
    if (!v)
      return fmt::format("{:#x} is in no VMA: the CPU's {} gets SIGSEGV (bad_area, "
                         "arch/x86/mm/fault.c:1425-1440 at v5.7)",
                         addr, what);
    if (access_error(*v, write))
      return fmt::format("the VMA at {:#x} does not allow a {}: the CPU gets SIGSEGV "
                         "(access_error, arch/x86/mm/fault.c:1445-1449 at v5.7)",
                         v->start, what);
    const Vma vma = *v;
    const unsigned r = handle_mm_fault(w, vma, addr, write ? fault::FLAG_WRITE : 0);
    // VM_FAULT_ERROR ends the access in a signal (mm_fault_error, fault.c:1487-1490)
    if (r & fault::ERROR)
      return fmt::format("handle_mm_fault at {:#x} returns {:#x}: the CPU's {} would end in a "
                         "signal (mm_fault_error, arch/x86/mm/fault.c:1487-1490 at v5.7)",
                         addr, r, what);
  }
  return fmt::format("the CPU's {} at {:#x} still faults after {} faults: the fault model makes "
                     "no progress there",
                     what, addr, kCpuTries);
}

} // namespace

std::optional<std::string> mmap_unsupported(const World& w, const MmOp& op) {
  // MAP_FIXED_NOREPLACE over a mapping fails with -EEXIST (mm/mmap.c:1417-1422 at v5.7)
  const std::vector<Vma> ps = mm_walk::pieces(w, op.start, op.end);
  if (!ps.empty())
    return fmt::format("the VMA at {:#x} meets the range: mmap(MAP_FIXED_NOREPLACE) would fail "
                       "with -EEXIST (mm/mmap.c:1417-1422 at v5.7); munmap it first",
                       w.vmas.containing(ps.front().start)->start);
  if (auto why = mm_walk::upper_unsupported(w, op.start, op.end, "mmap")) return why;
  // A range no VMA covers has no entries in the kernel: zap_pte_range cleared them and
  // free_pgtables freed their tables. A world written with entries there is refused.
  std::optional<u64> stale;
  mm_walk::for_each_pte_word(w, op.start, op.end, [&](u64 addr, u64 word) {
    if (!stale && !word_none(Level::Pte, w.geom.levels, word)) stale = addr;
  });
  if (stale)
    return fmt::format("{:#x} holds a PTE that is not none where no VMA is: no kernel leaves one "
                       "there to map over",
                       *stale);
  return std::nullopt;
}

void apply_mmap(World& w, const MmOp& op) {
  // mmap_region (mm/mmap.c:1687-1851 at v5.7): a new private anonymous VMA with the flags of
  // PROT (calc_vm_prot_bits, :1434-1435) and nothing mapped; no invalidation. vma_merge
  // (:1732) is not modelled (section 12).
  Vma v;
  v.start = op.start;
  v.end = op.end;
  v.flags = op.prot == Prot::None ? 0 : op.prot == Prot::Read ? vm::READ : vm::READ | vm::WRITE;
  v.anonymous = true;
  (void)w.vmas.insert(v, w.geom.page_size()); // mmap_unsupported found no VMA there
}

std::optional<std::string> cpu_access(World& w, const MmOp& op) {
  const bool write = op.kind == MmOpKind::CpuWrite;
  // the CPU's faults are not hmm's: the log keeps what the parties asked
  RunLog<Event> log = w.log;
  std::optional<std::string> why;
  for (u64 a = op.start; a < op.end && !why; a += w.geom.page_size())
    why = cpu_access_page(w, a, write);
  w.log = std::move(log);
  return why;
}

std::optional<std::string> cpu_access_unsupported(const World& w, const MmOp& op) {
  World copy = w;
  return cpu_access(copy, op);
}

} // namespace hmmspec
