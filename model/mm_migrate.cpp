// SPDX-License-Identifier: GPL-2.0-or-later
// M-MIGRATE-TO-DEVICE and M-MIGRATE-TO-RAM (docs/spec.md, section 12): one migrate_vma_setup,
// migrate_vma_pages, migrate_vma_finalize sequence of a driver over [start, end) of one VMA
// (mm/migrate.c:2686-2729, 2870-2947, 2956-3010 at v5.7), with the driver allocating a new
// page for every page collected, as lib/test_hmm.c's dmirror_migrate and dmirror_devmem_fault
// do. To the device, src_owner is NULL: present pages are collected (mm/migrate.c:2296-2308)
// and become device-private entries of the device (op.owner). Back, src_owner is the device's
// owner: its device-private entries are collected (mm/migrate.c:2283-2295) and become present
// anonymous pages.
#include <fmt/format.h>

#include "model/mm_ops_parts.h"
#include "model/mm_walk.h"

namespace hmmspec {

using namespace x86;
using mm_walk::for_each_pte;
using mm_walk::for_each_pte_word;

namespace {

// The page of a present PTE that migrate_vma_collect_pmd collects: vm_normal_page finds it
// and it has a mapping (mm/migrate.c:2305-2314 at v5.7). Zero-page, special and devmap PTEs
// are refused by migrate_unsupported before.
bool collected_present(const Entry& e) {
  return (e.kind == Kind::Page && !e.special && !e.devmap) || e.kind == Kind::Protnone;
}

// pte_mkold(mk_pte(new, vma->vm_page_prot)) of remove_migration_pte (mm/migrate.c:236 at v5.7):
// protection_map for a private VMA (arch/x86/include/asm/pgtable_types.h:235-247 at v5.7):
// PAGE_NONE without READ, WRITE and EXEC (PROTNONE, the pfn inverted); else PAGE_READONLY or
// PAGE_COPY (PRESENT|USER|NX), without NX when EXEC. pte_mkold leaves ACCESSED out.
u64 new_pte(const World& w, const Vma& v, u64 pfn) {
  const unsigned ps = w.geom.page_shift;
  if (!(v.flags & (vm::READ | vm::WRITE | vm::EXEC)))
    return PROTNONE | (~(pfn << ps) & pfn_mask(ps));
  return PRESENT | USER | ((v.flags & vm::EXEC) ? 0 : NX) | (pfn << ps);
}

// One collected page at slot, migrated to a new page (mm/migrate.c:2328-2358, then
// remove_migration_pte :205-283 at v5.7). The migration entry made on collection keeps
// pte_soft_dirty and pte_uffd_wp of the old word as swap bits (:2343-2346): for a
// device-private word these read bits 11 and 10 of its (inverted) offset, as the v5.7 code does.
void migrate_page(World& w, const Vma& v, u64* slot, const Entry& e, bool to_device, u64 owner) {
  const u64 old = *slot;
  const bool write_entry = (e.kind == Kind::Device) ? e.write : (old & RW) != 0; // :2293, :2307
  const bool soft_dirty = old & SOFT_DIRTY;
  const bool uffd_wp = old & UFFD_WP;
  const u64 pfn = w.alloc_pfns(1);
  if (w.shared_pfns.contains(e.pfn)) w.shared_pfns.insert(pfn); // mapped elsewhere too
  u64 pte = new_pte(w, v, pfn);
  if (soft_dirty) pte |= SOFT_DIRTY; // :237-238
  if (write_entry && (v.flags & vm::WRITE))
    pte |= RW; // :244-245, maybe_mkwrite
  else if (!write_entry && uffd_wp)
    pte |= UFFD_WP; // :246-247
  if (!to_device) {
    *slot = pte;
    return;
  }
  // :249-255: a device-private entry, writable as the PTE just made (uffd-wp pages refused)
  w.device_owner[pfn] = owner;
  *slot =
      encode(w.geom, Level::Pte, Entry{.kind = Kind::Device, .pfn = pfn, .write = (pte & RW) != 0})
          .word;
}

} // namespace

std::optional<std::string> migrate_unsupported(const World& w, const MmOp& op) {
  const std::string_view what = mm_op_name(op.kind);
  const bool to_device = op.kind == MmOpKind::MigrateToDevice;
  if (!op.owner)
    return fmt::format("the scenario's dev_private_owner is NULL: {} needs the device's owner",
                       what);
  // migrate_vma_setup (mm/migrate.c:2692-2701 at v5.7): -EINVAL unless the range is in one VMA
  // that is neither hugetlb nor VM_SPECIAL (nor DAX)
  const Vma* v = w.vmas.containing(op.start);
  if (!v || op.end > v->end)
    return fmt::format("{:#x}-{:#x} is not inside one VMA: migrate_vma_setup fails with -EINVAL "
                       "(mm/migrate.c:2697-2700 at v5.7)",
                       op.start, op.end);
  if (v->hugetlb() || (v->flags & (vm::IO | vm::PFNMAP | vm::MIXEDMAP)))
    return fmt::format("the VMA at {:#x} is hugetlb or VM_SPECIAL: migrate_vma_setup fails with "
                       "-EINVAL (mm/migrate.c:2694-2696 at v5.7)",
                       v->start);
  if (!v->anonymous || (v->flags & vm::SHARED))
    return fmt::format("the VMA at {:#x} is not private anonymous memory: only that migrates to "
                       "device-private memory at v5.7 (mm/migrate.c:2912-2920); {} of other "
                       "VMAs is not modelled",
                       v->start, what);
  if (auto why = mm_walk::upper_unsupported(w, op.start, op.end, what)) return why;
  if (!to_device) return std::nullopt;
  // a hole or the zero page is collected with no page (mm/migrate.c:2173-2188, 2272-2276,
  // 2300-2304 at v5.7): whether it gets a device page is the driver's choice (lib/test_hmm.c
  // allocates one, v5.7's nouveau does not), so it is left out
  const auto no_page = [&](u64 addr, std::string_view is) {
    return fmt::format("{:#x} {}: migrate_vma collects it with no page (mm/migrate.c:2173-2188, "
                       "2272-2276, 2300-2304 at v5.7), and whether the driver gives it a device "
                       "page is the driver's choice; not modelled",
                       addr, is);
  };
  std::optional<std::string> why;
  const Geometry& g = w.geom;
  u64 at = op.start;
  for_each_pte_word(w, op.start, op.end, [&](u64 addr, u64 word) {
    if (why) return;
    if (addr != at) {
      why = no_page(at, "is a hole (no PTE table)");
      return;
    }
    at = addr + g.page_size();
    const Entry e = classify(g, Level::Pte, word, w.zero_pfn);
    if (e.kind == Kind::None)
      why = no_page(addr, "is a none PTE");
    else if (e.kind == Kind::Zero)
      why = no_page(addr, "maps the zero page");
    else if (e.kind == Kind::Page && (e.special || e.devmap))
      why = fmt::format("{:#x} is a special PTE in an anonymous VMA (vm_normal_page would report "
                        "a bad page map, mm/memory.c at v5.7): not modelled",
                        addr);
    else if (collected_present(e) && (word & UFFD_WP))
      why = fmt::format("{:#x} has the uffd-wp bit: remove_migration_pte sets _PAGE_UFFD_WP on "
                        "the device-private entry it makes (mm/migrate.c:253-254 at v5.7), in "
                        "the entry's offset; not modelled",
                        addr);
  });
  if (!why && at < op.end) why = no_page(at, "is a hole (no PTE table)");
  return why;
}

void apply_migrate(World& w, const MmOp& op) {
  const bool to_device = op.kind == MmOpKind::MigrateToDevice;
  const Vma v = *w.vmas.containing(op.start);
  // migrate_vma_collect: one invalidation of the range (mm/migrate.c:2392-2394 at v5.7); with
  // no hole collected, migrate_vma_pages makes none (:2892-2901)
  w.invalidate(op.start, op.end);
  for_each_pte(w, op.start, op.end, [&](u64, u64* slot) {
    const Entry e = classify(w.geom, Level::Pte, *slot, w.zero_pfn);
    if (to_device ? collected_present(e)
                  : (e.kind == Kind::Device && w.owner_of(e.pfn) == op.owner))
      migrate_page(w, v, slot, e, to_device, op.owner);
  });
}

} // namespace hmmspec
