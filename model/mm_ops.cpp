// SPDX-License-Identifier: GPL-2.0-or-later
#include "model/mm_ops.h"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <vector>

#include "model/mm_ops_parts.h"
#include "model/mm_walk.h"
#include "model/name_table.h"

namespace hmmspec {

using namespace x86;
using mm_walk::for_each_pte;
using mm_walk::pieces;

namespace {

constexpr std::array<std::pair<MmOpKind, std::string_view>, 13> kKinds{{
    {MmOpKind::Mprotect, "mprotect"},
    {MmOpKind::Munmap, "munmap"},
    {MmOpKind::MadviseDontneed, "madvise-dontneed"},
    {MmOpKind::Fork, "fork"},
    {MmOpKind::MigrateToDevice, "migrate-to-device"},
    {MmOpKind::MigrateToRam, "migrate-to-ram"},
    {MmOpKind::Reclaim, "reclaim"},
    {MmOpKind::ThpSplit, "thp-split"},
    {MmOpKind::ThpCollapse, "thp-collapse"},
    {MmOpKind::Mmap, "mmap"},
    {MmOpKind::CpuRead, "cpu-read"},
    {MmOpKind::CpuWrite, "cpu-write"},
    {MmOpKind::ForkChild, "fork-child"},
}};
constexpr std::array<std::pair<Prot, std::string_view>, 3> kProts{{
    {Prot::None, "none"},
    {Prot::Read, "r"},
    {Prot::ReadWrite, "rw"},
}};

// Bits of a present PTE that pte_modify keeps (_PAGE_CHG_MASK,
// arch/x86/include/asm/pgtable_types.h:128-131 at v5.7): the pfn, PCD, PWT, SPECIAL,
// ACCESSED, DIRTY, SOFT_DIRTY, DEVMAP and UFFD_WP; _PAGE_ENC is 0 here.
u64 chg_mask(const Geometry& g) {
  return pfn_mask(g.page_shift) | PCD | PWT | SPECIAL | ACCESSED | DIRTY | SOFT_DIRTY | DEVMAP |
         UFFD_WP;
}

// vm_get_page_prot for a VMA's new flags (protection_map, arch/x86/include/asm/pgtable_types.h:
// 181-187 and 235-247 at v5.7): PAGE_NONE for none; PAGE_READONLY (r) and PAGE_COPY (rw,
// private) are both PRESENT|USER|ACCESSED|NX.
u64 page_prot(Prot p) {
  return p == Prot::None ? (PROTNONE | ACCESSED) : (PRESENT | USER | ACCESSED | NX);
}

// vm_flags of calc_vm_prot_bits (include/linux/mman.h at v5.7).
u64 prot_bits(Prot p) {
  return p == Prot::None ? 0 : p == Prot::Read ? vm::READ : vm::READ | vm::WRITE;
}

// pte_modify with flip_protnone_guard (arch/x86/include/asm/pgtable.h:636-648 and
// pgtable-invert.h:16-37 at v5.7): the kept bits of the old word, the new protection's other
// bits, and the pfn inverted when the word goes from present to not present or back.
u64 pte_modify(const Geometry& g, u64 old, u64 prot) {
  const u64 chg = chg_mask(g);
  u64 val = (old & chg) | (prot & ~chg);
  auto needs_invert = [](u64 v) { return v != 0 && !(v & PRESENT); };
  if (needs_invert(old) != needs_invert(val)) {
    const u64 m = pfn_mask(g.page_shift);
    val = (val & ~m) | (~val & m);
  }
  return val;
}

// change_pte_range on one PTE (mm/mprotect.c:76-175 at v5.7; dirty_accountable is false for
// every VMA this model accepts, mprotect.c:484): a present PTE (protnone included) takes the
// new protection; a write migration or write device-private entry becomes its read variant,
// keeping the swap soft-dirty (RW) and uffd-wp (USER) bits that swp_entry_to_pte drops
// (migration: both; device-private: uffd-wp only, mprotect.c:146-165); others are left.
void change_pte(World& w, u64* slot, u64 prot) {
  const u64 old = *slot;
  Entry e = classify(w.geom, Level::Pte, old, w.zero_pfn);
  switch (e.kind) {
  case Kind::Page:
  case Kind::Zero:
  case Kind::Protnone:
    *slot = pte_modify(w.geom, old, prot);
    return;
  case Kind::Migration:
  case Kind::Device: {
    if (!e.write) return;
    const u64 keep = e.kind == Kind::Migration ? (RW | USER) : USER;
    e.write = false;
    Encoded enc = encode(w.geom, Level::Pte, e);
    if (!enc.error) *slot = enc.word | (old & keep);
    return;
  }
  default:
    return;
  }
}

// Whether a table holds a PMD that is not none in [start, end) (change_pmd_range starts its
// invalidation at the first such PMD of each PUD entry, mm/mprotect.c:240-248 at v5.7). Returns
// the first such address, or nothing.
std::optional<u64> first_populated_pmd(const World& w, u64 start, u64 end) {
  const Geometry& g = w.geom;
  for (u64 a = start; a < end;) {
    if (w.entry_at(Level::Pmd, a).kind == Kind::Table) return a;
    u64 next = (a & g.mask(Level::Pmd)) + g.size(Level::Pmd);
    if (next <= a) break;
    a = next;
  }
  return std::nullopt;
}

// zap_pte_range on [start, end) (mm/memory.c:1034-1145 at v5.7): every PTE that is not
// pte_none is cleared (present ones by ptep_get_and_clear_full, swap-type ones by
// pte_clear_not_present_full); words that pte_none accepts are left.
void zap_ptes(World& w, u64 start, u64 end) {
  const unsigned levels = w.geom.levels;
  for_each_pte(w, start, end, [&](u64, u64* slot) {
    if (!word_none(Level::Pte, levels, *slot)) *slot = 0;
  });
}

} // namespace

std::string_view mm_op_name(MmOpKind k) {
  return name_in(kKinds, k);
}

std::optional<MmOpKind> mm_op_from_name(std::string_view s) {
  return value_in(kKinds, s);
}

std::string mm_op_names() {
  return names_in(kKinds);
}

bool mm_op_has_range(MmOpKind k) {
  return k != MmOpKind::Fork && k != MmOpKind::ForkChild;
}

bool mm_op_has_prot(MmOpKind k) {
  return k == MmOpKind::Mprotect || k == MmOpKind::Mmap;
}

std::string_view prot_name(Prot p) {
  return name_in(kProts, p);
}

std::optional<Prot> prot_from_name(std::string_view s) {
  return value_in(kProts, s);
}

std::string describe(const MmOp& op) {
  if (!mm_op_has_range(op.kind)) return std::string(mm_op_name(op.kind));
  std::string s = fmt::format("{} {:#x}+{:#x}", mm_op_name(op.kind), op.start, op.end - op.start);
  if (mm_op_has_prot(op.kind)) s += fmt::format(" {}", prot_name(op.prot));
  return s;
}

std::optional<std::string> mm_op_unsupported(const World& w, const MmOp& op) {
  if (op.kind == MmOpKind::Fork) return fork_unsupported(w);
  if (op.kind == MmOpKind::ForkChild) return fork_child_unsupported(w);
  if (op.kind == MmOpKind::MigrateToDevice || op.kind == MmOpKind::MigrateToRam)
    return migrate_unsupported(w, op);
  if (op.kind == MmOpKind::Reclaim) return reclaim_unsupported(w, op);
  if (op.kind == MmOpKind::ThpSplit) return thp_split_unsupported(w, op);
  if (op.kind == MmOpKind::ThpCollapse) return thp_collapse_unsupported(w, op);
  if (op.kind == MmOpKind::Mmap) return mmap_unsupported(w, op);
  if (op.kind == MmOpKind::CpuRead || op.kind == MmOpKind::CpuWrite)
    return cpu_access_unsupported(w, op);
  const std::string what(mm_op_name(op.kind));
  const std::vector<Vma> ps = pieces(w, op.start, op.end);
  if (op.kind == MmOpKind::Munmap) {
    if (ps.empty())
      return fmt::format("{:#x}-{:#x} meets no VMA: the munmap would change nothing", op.start,
                         op.end);
  } else {
    // do_mprotect_pkey (mm/mprotect.c:553-566, 625) and madvise (mm/madvise.c:1115-1133) at
    // v5.7: a hole in the range makes the call fail with -ENOMEM
    if (auto hole = mm_walk::first_hole(ps, op.start, op.end))
      return fmt::format("{:#x} is in no VMA: the kernel's {} would fail with -ENOMEM", *hole,
                         what);
  }
  for (const Vma& p : ps) {
    if (p.hugetlb())
      return fmt::format("the VMA at {:#x} is hugetlb: {} of hugetlb VMAs is not modelled", p.start,
                         what);
    if (p.flags & vm::HUGEPAGE)
      return fmt::format("the VMA at {:#x} is VM_HUGEPAGE: {} of THPs is not modelled", p.start,
                         what);
    if (op.kind == MmOpKind::MadviseDontneed && (p.flags & vm::PFNMAP))
      return fmt::format("the VMA at {:#x} is VM_PFNMAP: madvise(MADV_DONTNEED) fails with "
                         "-EINVAL there (can_madv_lru_vma, mm/madvise.c:767 at v5.7)",
                         p.start);
    if (op.kind == MmOpKind::Mprotect && op.prot == Prot::ReadWrite && (p.flags & vm::SHARED))
      return fmt::format("the VMA at {:#x} is shared: mprotect(rw) of a shared VMA is not "
                         "modelled",
                         p.start);
    // the upper entries over the piece: tables or none (huge and bad ones are left out)
    if (auto why = mm_walk::upper_unsupported(w, p.start, p.end, what)) return why;
  }
  return std::nullopt;
}

std::optional<std::string> apply_mm_op_line(World& w, const MmOp& op) {
  if (op.kind != MmOpKind::ThpCollapse) return apply_mm_op(w, op);
  if (auto why = thp_collapse_unsupported(w, op, false)) return why;
  (void)apply_mm_op(w, op); // where this world already has what to collapse
  return std::nullopt;
}

std::optional<std::string> apply_mm_op_event(World& w, const MmOp& op) {
  if (op.kind == MmOpKind::ForkChild)
    return "fork-child makes the calls after it the child's, which a driver loop of the parent "
           "cannot be: it is an operation between calls";
  return apply_mm_op_line(w, op);
}

std::optional<std::string> apply_mm_op(World& w, const MmOp& op) {
  if (op.kind == MmOpKind::CpuRead || op.kind == MmOpKind::CpuWrite) {
    // made on a copy, kept when every access completes: a refusal leaves `w` as it was
    World after = w;
    if (auto why = cpu_access(after, op)) return why;
    w = std::move(after);
    return std::nullopt;
  }
  if (auto why = mm_op_unsupported(w, op)) return why;
  const Geometry& g = w.geom;
  switch (op.kind) {
  case MmOpKind::Munmap:
    // __do_munmap (mm/mmap.c:2743-2851 at v5.7): the VMAs split at both ends, then
    // unmap_region: unmap_vmas zaps [start, end) under one invalidation (mm/memory.c:1334-1347)
    // and free_pgtables frees tables no VMA needs any more (not modelled: the emptied tables
    // stay, and no walk reads them, as no VMA covers them)
    w.invalidate(op.start, op.end);
    for (const Vma& p : pieces(w, op.start, op.end)) zap_ptes(w, p.start, p.end);
    w.vmas.erase(op.start, op.end);
    return std::nullopt;
  case MmOpKind::MadviseDontneed:
    // madvise_dontneed_single_vma per VMA (mm/madvise.c:754-758 at v5.7): zap_page_range, one
    // invalidation of the VMA's part (mm/memory.c:1356-1372); the VMA stays
    for (const Vma& p : pieces(w, op.start, op.end)) {
      w.invalidate(p.start, p.end);
      zap_ptes(w, p.start, p.end);
    }
    return std::nullopt;
  case MmOpKind::Mprotect: {
    // mprotect_fixup per VMA (mm/mprotect.c:400-500 at v5.7): nothing when the flags do not
    // change (mprotect.c:410); else the VMA split at the range's ends (mprotect.c:467-473), its
    // flags set, and change_protection with the new vm_page_prot (mprotect.c:485-487), which
    // invalidates from the first populated PMD of each PUD entry to that entry's end
    // (change_pmd_range, mprotect.c:240-248)
    const u64 rwx = prot_bits(op.prot);
    const u64 prot = page_prot(op.prot);
    for (const Vma& p : pieces(w, op.start, op.end)) {
      if (((p.flags & ~(vm::READ | vm::WRITE | vm::EXEC)) | rwx) == p.flags) continue;
      for (u64 a = p.start; a < p.end;) {
        u64 next = std::min(p.end, (a & g.mask(Level::Pud)) + g.size(Level::Pud));
        if (next <= a) next = p.end;
        if (auto first = first_populated_pmd(w, a, next)) w.invalidate(*first, next);
        a = next;
      }
      for_each_pte(w, p.start, p.end, [&](u64, u64* slot) { change_pte(w, slot, prot); });
    }
    w.vmas.set_protection(op.start, op.end, rwx);
    return std::nullopt;
  }
  case MmOpKind::Fork:
    apply_fork(w);
    return std::nullopt;
  case MmOpKind::ForkChild:
    apply_fork_child(w);
    return std::nullopt;
  case MmOpKind::MigrateToDevice:
  case MmOpKind::MigrateToRam:
    apply_migrate(w, op);
    return std::nullopt;
  case MmOpKind::Reclaim:
    apply_reclaim(w, op);
    return std::nullopt;
  case MmOpKind::ThpSplit:
    apply_thp_split(w, op);
    return std::nullopt;
  case MmOpKind::ThpCollapse:
    apply_thp_collapse(w, op);
    return std::nullopt;
  case MmOpKind::Mmap:
    apply_mmap(w, op);
    return std::nullopt;
  case MmOpKind::CpuRead:
  case MmOpKind::CpuWrite:
    break; // made above
  }
  return std::nullopt;
}

} // namespace hmmspec
