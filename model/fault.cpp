// SPDX-License-Identifier: GPL-2.0-or-later
#include "model/fault.h"

#include <algorithm>

#include "model/swap_layout.h"

namespace hmmspec {

using namespace x86;

namespace {

struct Ctx {
  World& w;
  const Vma& vma;
  u64 addr; // page aligned
  bool write;
  const Geometry& g() const { return w.geom; }
  u64 page() const { return w.geom.page_size(); }
};

// The word for an entry the fault model installs. A pfn that came from a raw word may not
// fit: like pfn_pte and pfn_pmd, the pfn is masked to the entry's pfn field (and a huge pfn to
// its alignment) rather than the entry being dropped.
u64 enc(const World& w, Level l, const Entry& e, Context c = Context::Normal) {
  Entry m = e;
  m.pfn &= x86::PHYSICAL_MASK >> w.geom.page_shift;
  if (m.kind == Kind::Huge) m.pfn &= ~((w.geom.size(l) >> w.geom.page_shift) - 1);
  return encode(w.geom, l, m, c).word;
}

} // namespace

// F-OOM: the allocators can run dry (a table already at the last physical pfn, or the page
// allocator past 52 physical bits); __handle_mm_fault then returns VM_FAULT_OOM and nothing
// changes.
std::optional<u64> new_pfns(World& w, u64 count) {
  const u64 max_pfn = x86::PHYSICAL_MASK >> w.geom.page_shift;
  if (w.next_pfn > max_pfn || count > max_pfn - w.next_pfn) return std::nullopt;
  u64 p = (w.next_pfn + count - 1) & ~(count - 1);
  if (p > max_pfn || count - 1 > max_pfn - p) return std::nullopt;
  return w.alloc_pfns(count);
}

namespace {

// A private mapping of anonymous memory (not shmem): zero page on read, reuse on write.
bool private_anon(const Vma& v) {
  return v.anonymous && !(v.flags & vm::SHARED);
}
bool shared_writable(const Vma& v) {
  return (v.flags & (vm::SHARED | vm::WRITE)) == (vm::SHARED | vm::WRITE);
}

// F-NEW-PAGE: a fresh page for a none PTE (do_anonymous_page, do_fault).
unsigned fault_none_pte(Ctx& c, u64* slot) {
  if (private_anon(c.vma) && !c.write) { // F-ANON-ZERO: read maps the shared zero page
    *slot = enc(c.w, Level::Pte, Entry{.kind = Kind::Zero, .pfn = c.w.zero_pfn});
    return 0;
  }
  // F-ANON-WRITE / F-FILE-READ / F-FILE-WRITE: a new page, writable only for a write fault
  // (page-cache pages are mapped read-only on read: write-notify).
  auto pfn = new_pfns(c.w, 1);
  if (!pfn) return fault::OOM;
  *slot = enc(c.w, Level::Pte, Entry{.kind = Kind::Page, .pfn = *pfn, .write = c.write});
  return 0;
}

// F-COW: wp_page_copy: a new page replaces the old one under an invalidation.
unsigned cow_pte(Ctx& c, u64* slot) {
  auto pfn = new_pfns(c.w, 1);
  if (!pfn) return fault::OOM;
  c.w.invalidate(c.addr, c.addr + c.page());
  *slot = enc(c.w, Level::Pte, Entry{.kind = Kind::Page, .pfn = *pfn, .write = true});
  return 0;
}

void make_pte_writable(u64* slot) {
  *slot |= RW | DIRTY;
}

KernelVersion version(const Ctx& c) {
  return c.w.geom.kernel;
}

// A WARN_ON_ONCE of the kernel at `where` (file:line in the version's tree): reported the
// first time only, as the kernel prints it once per boot and a world is one boot.
void warn_once(Ctx& c, std::string where) {
  KernelReport r{KernelReport::Kind::Warn, std::move(where), c.addr};
  auto same_site = [&](const KernelReport& x) { return x.kind == r.kind && x.where == r.where; };
  if (std::none_of(c.w.reports.begin(), c.w.reports.end(), same_site))
    c.w.reports.push_back(std::move(r));
}

// handle_pte_marker (6.1 mm/memory.c:3747-3765; 6.12 mm/memory.c:3994-4015).
unsigned fault_pte_marker(Ctx& c, u64* slot, const Entry& e) {
  if (version(c) == KernelVersion::V6_1) {
    // F-MARKER-ANON: a marker in an anonymous VMA, or an empty one, is a WARN_ON_ONCE and
    // SIGBUS (6.1 mm/memory.c:3757-3758).
    if (private_anon(c.vma) || !e.marker) {
      warn_once(c, "mm/memory.c:3757");
      return fault::VM_SIGBUS;
    }
  } else {
    if (!e.marker) { // F-MARKER-ANON in 6.12: only an empty marker (6.12 mm/memory.c:4003)
      warn_once(c, "mm/memory.c:4003");
      return fault::VM_SIGBUS;
    }
    if (e.marker & kMarkerPoisoned) return fault::HWPOISON; // F-MARKER-POISONED (:4007-4008)
  }
  // F-MARKER-UFFD-WP: pte_marker_handle_uffd_wp: the world has no userfaultfd, so no VMA is
  // registered for write protection (userfaultfd_wp(vma) is false) and the marker is cleared
  // (pte_marker_clear, 6.1 mm/memory.c:3714-3726, 3741-3742; 6.12 :3950-3968, 3988-3989). The
  // fault returns 0; the next fault at the page finds a none PTE.
  *slot = 0;
  return 0;
}

// do_wp_page on a present, read-only PTE (mm/memory.c at v5.7; docs/fault-model.md, F-COW).
unsigned write_protect_fault(Ctx& c, u64* slot, const Entry& e) {
  if (e.kind == Kind::Zero) return cow_pte(c, slot); // F-COW: the zero page is always copied
  if (e.special) { // no struct page: wp_pfn_shared in place, or copied
    if (!shared_writable(c.vma)) return cow_pte(c, slot);
    make_pte_writable(slot); // F-MKWRITE
    return 0;
  }
  if (c.vma.anonymous && !(c.vma.flags & vm::SHARED)) {
    if (c.w.shared_pfns.contains(e.pfn))
      return cow_pte(c, slot); // F-COW: a page mapped more than once (fork, KSM)
    make_pte_writable(slot);   // F-REUSE: wp_page_reuse, no notifier
    return 0;
  }
  if (!(c.vma.flags & vm::SHARED)) return cow_pte(c, slot); // F-COW: private file page
  make_pte_writable(slot); // F-MKWRITE: page_mkwrite on a shared mapping
  return 0;
}

unsigned fault_pte(Ctx& c, u64* slot) {
  Entry e = classify(c.g(), Level::Pte, *slot, c.w.zero_pfn);
  switch (e.kind) {
  case Kind::None:
    return fault_none_pte(c, slot);
  case Kind::Page:
  case Kind::Zero:
    if (c.write && !e.write) return write_protect_fault(c, slot, e);
    return 0; // F-PRESENT: accessed (and dirty) bits only
  case Kind::Protnone:
    // F-NUMA: do_numa_page restores access with the saved write bit; the write itself is not
    // handled by this fault (docs/fault-model.md).
    *slot = enc(c.w, Level::Pte, Entry{.kind = Kind::Page, .pfn = e.pfn, .write = e.write});
    return 0;
  case Kind::Swap: { // F-SWAPIN: a new page; a write maps it writable (exclusively owned)
    auto pfn = new_pfns(c.w, 1);
    if (!pfn) return fault::OOM;
    *slot = enc(c.w, Level::Pte, Entry{.kind = Kind::Page, .pfn = *pfn, .write = c.write});
    return 0;
  }
  case Kind::Migration: // F-MIGRATION-FAULT: waits, and the migration completes (a
    // read-exclusive entry of 6.x gives a read-only page, as a read entry does)
    *slot = enc(c.w, Level::Pte, Entry{.kind = Kind::Page, .pfn = e.pfn, .write = e.write});
    return 0;
  case Kind::Device: { // F-DEVICE-MIGRATE: migrate_to_ram, whatever the owner
    auto pfn = new_pfns(c.w, 1);
    if (!pfn) return fault::OOM;
    c.w.invalidate(c.addr, c.addr + c.page());
    *slot = enc(c.w, Level::Pte, Entry{.kind = Kind::Page, .pfn = *pfn, .write = e.write});
    return 0;
  }
  case Kind::Exclusive: // F-DEVICE-EXCLUSIVE: remove_device_exclusive_entry (6.x)
    // restores the page under an invalidation of the page (6.1 mm/memory.c:3656-3693,
    // restore_exclusive_pte :727-766; 6.12 :3889-3929, :721-765): writable and dirty for a
    // write entry.
    c.w.invalidate(c.addr, c.addr + c.page());
    *slot = enc(c.w, Level::Pte, Entry{.kind = Kind::Page, .pfn = e.pfn, .write = e.write});
    return 0;
  case Kind::Marker:
    return fault_pte_marker(c, slot, e);
  case Kind::SwapinError: // F-SWAPIN-ERROR: 6.1 do_swap_page (6.1 mm/memory.c:3820-3821)
    return fault::VM_SIGBUS;
  case Kind::Hwpoison: // F-HWPOISON
    return fault::HWPOISON;
  default:
    return 0;
  }
}

// F-THP-SPLIT under an invalidation of the PMD range, for the fault at c.addr: its PTE in the
// new table, or nothing when no table could be allocated (nothing changed).
u64* split_huge_pmd(Ctx& c, u64* pmd_slot, const Entry& e) {
  const Geometry& g = c.g();
  u64* ptes = split_huge_pmd_to_table(c.w, pmd_slot, e);
  if (!ptes) return nullptr;
  const u64 base = c.addr & g.mask(Level::Pmd);
  c.w.invalidate(base, base + g.size(Level::Pmd));
  return ptes + g.index(Level::Pte, c.addr);
}

// v5.7 do_huge_pmd_wp_page for a shared THP or the huge zero page (mm/huge_memory.c:1375-1515
// at v5.7). THP is taken to be in "madvise" mode throughout the model (F-THP-ZERO), so
// __transparent_hugepage_enabled is VM_HUGEPAGE (include/linux/huge_mm.h:133-160 at v5.7).
unsigned copy_huge_pmd_v5_7(Ctx& c, u64* slot, const Entry& e) {
  const Geometry& g = c.g();
  const u64 base = c.addr & g.mask(Level::Pmd);
  const u64 pages = g.size(Level::Pmd) >> g.page_shift;
  if (c.vma.flags & vm::HUGEPAGE) {
    // F-THP-COPY: a new THP (zeroed for the huge zero page, a copy otherwise) replaces the
    // PMD, writable, under one invalidation of the PMD range (mm/huge_memory.c:1424-1433,
    // 1472-1492 at v5.7).
    if (auto pfn = new_pfns(c.w, pages)) {
      c.w.invalidate(base, base + g.size(Level::Pmd));
      *slot = enc(c.w, Level::Pmd, Entry{.kind = Kind::Huge, .pfn = *pfn, .write = true});
      return 0;
    }
  }
  // No THP (not enabled for the VMA, or none to allocate): the huge zero page is split and the
  // fault falls back to the PTE (mm/huge_memory.c:1435-1437 at v5.7): F-THP-SPLIT, then F-COW.
  if (e.pfn != huge_zero_pfn(c.w)) {
    // F-THP-COPY-PAGES: do_huge_pmd_wp_page_fallback (mm/huge_memory.c:1258-1373 at v5.7) copies
    // every page of the THP into a new page: the PMD becomes a table of new writable pages,
    // under one invalidation of the PMD range. When a page cannot be had it returns
    // VM_FAULT_OOM and the PMD is split instead (:1439-1443).
    const u64 next = c.w.next_pfn; // pages allocated before a failure are freed again
    std::vector<u64> copies;
    for (u64 i = 0; i < pages; ++i) {
      auto pfn = new_pfns(c.w, 1);
      if (!pfn) break;
      copies.push_back(*pfn);
    }
    auto t = copies.size() == pages ? c.w.alloc_table(Level::Pte) : std::nullopt;
    if (!t) c.w.next_pfn = next;
    if (t) {
      c.w.invalidate(base, base + g.size(Level::Pmd));
      u64* ptes = c.w.table_words_mut(*t);
      for (u64 i = 0; i < pages; ++i)
        ptes[i] = enc(c.w, Level::Pte, Entry{.kind = Kind::Page, .pfn = copies[i], .write = true});
      *slot = enc(c.w, Level::Pmd, Entry{.kind = Kind::Table, .pfn = *t});
      return 0;
    }
  }
  if (u64* pte = split_huge_pmd(c, slot, e)) return cow_pte(c, pte);
  return fault::OOM; // F-OOM
}

unsigned fault_pmd(Ctx& c, u64* slot) {
  const Geometry& g = c.g();
  Entry e = classify(g, Level::Pmd, *slot, c.w.zero_pfn);
  switch (e.kind) {
  case Kind::None: {
    u64 base = c.addr & g.mask(Level::Pmd);
    bool fits = base >= c.vma.start && base + g.size(Level::Pmd) <= c.vma.end;
    if ((c.vma.flags & vm::HUGEPAGE) && private_anon(c.vma) && fits) {
      if (!c.write) { // F-THP-ZERO: a read maps the huge zero page
        *slot = enc(c.w, Level::Pmd, Entry{.kind = Kind::Huge, .pfn = huge_zero_pfn(c.w)});
      } else { // F-THP-ALLOC: a write allocates a writable THP
        auto pfn = new_pfns(c.w, g.size(Level::Pmd) >> g.page_shift);
        if (!pfn) return fault::OOM;
        *slot = enc(c.w, Level::Pmd, Entry{.kind = Kind::Huge, .pfn = *pfn, .write = true});
      }
      return 0;
    }
    auto t = c.w.alloc_table(Level::Pte);
    if (!t) return fault::OOM;
    *slot = enc(c.w, Level::Pmd, Entry{.kind = Kind::Table, .pfn = *t});
    return fault_pte(c, c.w.table_words_mut(*t) + g.index(Level::Pte, c.addr));
  }
  case Kind::Huge:
    if (e.protnone) { // F-THP-NUMA: do_huge_pmd_numa_page restores access in place:
      // PRESENT replaces PROTNONE and the pfn bits are stored uninverted again (pmd_modify).
      u64 field = (*slot & PSE) ? huge_pfn_mask(g.shift(Level::Pmd)) : pfn_mask(g.page_shift);
      *slot = ((*slot & ~PROTNONE) | PRESENT) ^ field;
      return 0;
    }
    if (!(*slot & PRESENT) || !c.write || e.write) return 0; // F-PRESENT
    if (e.devmap ||
        (private_anon(c.vma) && !c.w.shared_pfns.contains(e.pfn) && e.pfn != huge_zero_pfn(c.w))) {
      *slot |= RW | DIRTY; // F-THP-REUSE: written in place (fsdax, or an exclusive THP)
      return 0;
    }
    if ((c.vma.flags & vm::SHARED) && !c.vma.anonymous) {
      *slot |= RW | DIRTY; // F-MKWRITE on a shared file THP
      return 0;
    }
    if (!private_anon(c.vma)) {
      // F-THP-ZAP: __split_huge_pmd_locked clears a PMD of a VMA that is not anonymous
      // (huge_memory.c:2236-2255); the fault falls back and refaults the page from a none PMD.
      u64 base = c.addr & g.mask(Level::Pmd);
      c.w.invalidate(base, base + g.size(Level::Pmd));
      *slot = 0;
      return fault_pmd(c, slot);
    }
    // Only a shared THP or the huge zero page of a private anonymous VMA gets here.
    if (version(c) == KernelVersion::V5_7) return copy_huge_pmd_v5_7(c, slot, e);
    // F-THP-SPLIT then F-COW of the one page: 6.x do_huge_pmd_wp_page splits and falls back
    // (6.1 mm/huge_memory.c:1338-1339, 1407-1409; 6.12 :1830-1831, 1900-1902). The subpage is
    // shared too: it is copied.
    if (u64* pte = split_huge_pmd(c, slot, e)) return cow_pte(c, pte);
    return fault::OOM;  // F-OOM
  case Kind::Migration: // F-PMD-MIGRATION-FAULT: waits, and the migration completes
    *slot = enc(c.w, Level::Pmd,
                Entry{.kind = Kind::Huge,
                      .pfn = e.pfn & ~((g.size(Level::Pmd) >> g.page_shift) - 1),
                      .write = e.write});
    return 0;
  case Kind::Swap:
  case Kind::Device:
  case Kind::Hwpoison:
    return 0; // F-PMD-SWAP: is_swap_pmd without migration: nothing is done
  case Kind::Bad:
    // F-PMD-BAD: handle_pte_fault's pmd_trans_unstable check finds pmd_bad and clears the
    // entry (pmd_clear_bad, include/asm-generic/pgtable.h:1003-1045); nothing else is done.
    *slot = 0;
    return 0;
  case Kind::Table: {
    u64* ptes = c.w.table_words_mut(table_pfn(g, *slot));
    if (!ptes) return fault::VM_SIGBUS; // F-NO-TABLE
    return fault_pte(c, ptes + g.index(Level::Pte, c.addr));
  }
  default:
    return 0;
  }
}

unsigned fault_pud(Ctx& c, u64* slot) {
  const Geometry& g = c.g();
  Entry e = classify(g, Level::Pud, *slot, c.w.zero_pfn);
  switch (e.kind) {
  case Kind::None: {
    auto t = c.w.alloc_table(Level::Pmd);
    if (!t) return fault::OOM;
    *slot = enc(c.w, Level::Pud, Entry{.kind = Kind::Table, .pfn = *t});
    return fault_pmd(c, c.w.table_words_mut(*t) + g.index(Level::Pmd, c.addr));
  }
  case Kind::Huge:
    // F-HUGE-PUD: a read (or a write to a writable PUD) only sets the accessed bit; a write to
    // a read-only one goes to the filesystem's huge_fault (made writable, present) for a file
    // VMA. Anonymous PUD THPs do not exist in v5.7: the kernel would walk the leaf as a table,
    // the model refuses with SIGBUS.
    if (!c.write || (e.write && !e.protnone && (*slot & PRESENT))) return 0;
    if (c.vma.anonymous) return fault::VM_SIGBUS;
    *slot = enc(c.w, Level::Pud,
                Entry{.kind = Kind::Huge, .pfn = e.pfn, .write = true, .devmap = e.devmap});
    return 0;
  default: {
    u64* pmds = c.w.table_words_mut(table_pfn(g, *slot));
    if (!pmds) return fault::VM_SIGBUS; // F-NO-TABLE
    return fault_pmd(c, pmds + g.index(Level::Pmd, c.addr));
  }
  }
}

// set_huge_ptep_writable: the slot's word gains RW and DIRTY in place. A protnone slot (which
// only raw words make: change_prot_numa skips hugetlb VMAs) is made present first, its pfn bits
// stored uninverted, so the written page is accessible (F-HUGETLB-PROTNONE-WRITE).
void make_slot_writable(Ctx& c, u64* slot) {
  if ((*slot & (PROTNONE | PRESENT)) == PROTNONE)
    *slot = ((*slot & ~PROTNONE) | PRESENT) ^ pfn_mask(c.g().page_shift);
  *slot |= RW | DIRTY;
}

// hugetlb_fault at the VMA's huge page size (mm/hugetlb.c at v5.7; docs/fault-model.md).
unsigned fault_hugetlb(Ctx& c) {
  const Geometry& g = c.g();
  Level l = c.vma.hugetlb_size == g.size(Level::Pud) ? Level::Pud : Level::Pmd;
  u64 base = c.addr & ~(c.vma.hugetlb_size - 1);
  u64* slot = c.w.ensure_slot(l, base);
  if (!slot) return fault::VM_SIGBUS; // F-NO-TABLE
  Entry e = classify(g, l, *slot, c.w.zero_pfn, Context::HugetlbSlot);
  u64 pages = c.vma.hugetlb_size >> g.page_shift;
  auto put = [&](u64 pfn, bool write) {
    *slot =
        enc(c.w, l, Entry{.kind = Kind::Huge, .pfn = pfn, .write = write}, Context::HugetlbSlot);
  };
  switch (e.kind) {
  case Kind::None: { // F-HUGETLB-NEW: writable on a write, or on a shared writable mapping
    auto pfn = new_pfns(c.w, pages);
    if (!pfn) return fault::OOM;
    put(*pfn, c.write || shared_writable(c.vma));
    return 0;
  }
  case Kind::Migration: // F-HUGETLB-MIGRATION: waits, and the migration completes
    put(e.pfn & ~(pages - 1), e.write);
    return 0;
  case Kind::Hwpoison: // F-HUGETLB-HWPOISON
    return fault::HWPOISON_LARGE;
  case Kind::Marker: // F-HUGETLB-MARKER (6.x): handled as a none slot (6.1 mm/hugetlb.c:
    // 6126-6133), but a poisoned marker is HWPOISON_LARGE first in 6.12 (6.12 mm/hugetlb.c:
    // 6448-6466)
    if (e.marker & kMarkerPoisoned) return fault::HWPOISON_LARGE;
    {
      auto pfn = new_pfns(c.w, pages);
      if (!pfn) return fault::OOM;
      put(*pfn, c.write || shared_writable(c.vma));
    }
    return 0;
  case Kind::Huge:
  case Kind::Protnone:
    if (!c.write || e.write) return 0; // F-PRESENT (a protnone slot stays protnone)
    if (c.vma.flags & vm::SHARED) {
      make_slot_writable(c, slot); // F-MKWRITE: huge_pte_mkwrite in place
    } else if (c.vma.anonymous && !c.w.shared_pfns.contains(e.pfn)) {
      make_slot_writable(c,
                         slot); // F-HUGETLB-REUSE: hugetlb_cow keeps an anonymous page mapped once
    } else {                    // F-HUGETLB-COW
      auto pfn = new_pfns(c.w, pages);
      if (!pfn) return fault::OOM;
      c.w.invalidate(base, base + c.vma.hugetlb_size);
      put(*pfn, true);
    }
    return 0;
  default:
    return 0; // F-HUGETLB-NOTPRESENT: other non-present slots are left alone
  }
}

unsigned fault_body(Ctx& c) {
  auto inj = c.w.injections.find(c.addr);
  if (inj != c.w.injections.end()) {
    Injection& i = inj->second;
    if (i.error) return i.error; // F-INJECT-ERROR
    if (i.no_progress) {         // F-INJECT-NO-PROGRESS
      if (i.no_progress != kForever) --i.no_progress;
      return 0;
    }
    if (i.invalidate) { // F-INJECT-INVALIDATE: once, then the fault proceeds
      i.invalidate = false;
      c.w.invalidate(c.addr, c.addr + c.page());
    }
  }
  if (c.vma.hugetlb()) return fault_hugetlb(c);
  const Geometry& g = c.g();
  // PGD and P4D: none entries get a table (p4d_alloc, pud_alloc); others are followed.
  u64 table = c.w.root_pfn();
  for (Level l = Level::Pgd; l != Level::Pud; l = below(l)) {
    if (l == Level::P4d && g.p4d_folded()) continue;
    u64* words = c.w.table_words_mut(table);
    if (!words) return fault::VM_SIGBUS; // F-NO-TABLE
    u64* slot = words + g.index(l, c.addr);
    if (word_none(l, g.levels, *slot)) {
      Level next = below(l);
      if (next == Level::P4d && g.p4d_folded()) next = Level::Pud;
      auto t = c.w.alloc_table(next);
      if (!t) return fault::OOM; // F-OOM
      *slot = enc(c.w, l, Entry{.kind = Kind::Table, .pfn = *t});
    }
    table = table_pfn(g, *slot);
  }
  u64* puds = c.w.table_words_mut(table);
  if (!puds) return fault::VM_SIGBUS;
  return fault_pud(c, puds + g.index(Level::Pud, c.addr));
}

} // namespace

u64 huge_zero_pfn(const World& w) {
  u64 pages = w.geom.size(Level::Pmd) >> w.geom.page_shift;
  return (w.zero_pfn + pages) & ~(pages - 1);
}

unsigned handle_mm_fault(World& w, const Vma& vma, u64 addr, unsigned flags) {
  Ctx c{w, vma, addr & ~(w.geom.page_size() - 1), (flags & fault::FLAG_WRITE) != 0};
  unsigned result = fault_body(c);
  w.log.push_back(Event{Event::Type::Fault, c.addr, flags, result});
  return result;
}

void migration_entry_wait(World& w, u64 addr) {
  addr &= ~(w.geom.page_size() - 1);
  w.log.push_back(Event{.type = Event::Type::Wait, .addr = addr, .level = Level::Pte});
  u64* slot = w.find_slot_mut(Level::Pte, addr);
  if (!slot) return;
  Entry e = classify(w.geom, Level::Pte, *slot, w.zero_pfn);
  if (e.kind == Kind::Migration)
    *slot = enc(w, Level::Pte, Entry{.kind = Kind::Page, .pfn = e.pfn, .write = e.write});
}

void pmd_migration_entry_wait(World& w, u64 addr) {
  const Geometry& g = w.geom;
  addr &= g.mask(Level::Pmd);
  w.log.push_back(Event{.type = Event::Type::Wait, .addr = addr, .level = Level::Pmd});
  u64* slot = w.find_slot_mut(Level::Pmd, addr);
  if (!slot) return;
  Entry e = classify(g, Level::Pmd, *slot, w.zero_pfn);
  if (e.kind == Kind::Migration)
    *slot = enc(w, Level::Pmd,
                Entry{.kind = Kind::Huge,
                      .pfn = e.pfn & ~((g.size(Level::Pmd) >> g.page_shift) - 1),
                      .write = e.write});
}

void split_huge_pmd(World& w, u64* slot, u64 base) {
  Entry e = classify(w.geom, Level::Pmd, *slot, w.zero_pfn);
  if (e.kind != Kind::Huge) return; // not trans-huge or devmap: nothing to split
  const Vma* vma = w.vmas.containing(base);
  const bool private_anon = vma && vma->anonymous && !(vma->flags & vm::SHARED);
  if (!private_anon || e.devmap) { // F-THP-ZAP: not an anonymous VMA
    *slot = 0;
    return;
  }
  split_huge_pmd_to_table(w, slot, e); // F-THP-SPLIT (left as it was without a table)
}

u64* split_huge_pmd_to_table(World& w, u64* pmd_slot, const Entry& e) {
  const Geometry& g = w.geom;
  auto t = w.alloc_table(Level::Pte); // (the kernel uses the table deposited with the THP)
  if (!t) return nullptr;
  u64* ptes = w.table_words_mut(*t);
  const bool zero = e.pfn == huge_zero_pfn(w);
  if (!zero) w.pte_mapped_thps.insert(e.pfn); // the pages stay one compound page
  for (unsigned i = 0; i < g.entries(Level::Pte); ++i) {
    Entry pe = zero ? Entry{.kind = Kind::Zero, .pfn = w.zero_pfn}
                    : Entry{.kind = Kind::Page, .pfn = e.pfn + i, .write = e.write};
    ptes[i] = enc(w, Level::Pte, pe);
  }
  *pmd_slot = enc(w, Level::Pmd, Entry{.kind = Kind::Table, .pfn = *t});
  return ptes;
}

void split_huge_pud(World& w, u64 addr) {
  u64* slot = w.find_slot_mut(Level::Pud, addr);
  if (!slot) return;
  u64 v = *slot;
  const u64 devmap = devmap_bit(w.geom.kernel);
  if ((v & (PSE | devmap)) == PSE || (v & devmap)) { // pud_trans_huge || pud_devmap
    u64 base = addr & w.geom.mask(Level::Pud);
    w.invalidate(base, base + w.geom.size(Level::Pud));
    *slot = 0;
  }
}

} // namespace hmmspec
