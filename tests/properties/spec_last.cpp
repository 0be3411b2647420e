// SPDX-License-Identifier: GPL-2.0-or-later
#include "tests/properties/spec_last.h"

#include <map>
#include <span>

#include "model/outcome.h"
#include "model/vma.h"
#include "tests/properties/walk_facts.h"

namespace hmmspec::props {

using namespace x86;

namespace {

enum class Stop { None, Efault, Eperm, Fault, Wait };

// One fault-free walk attempt from range->start (walk_page_range with hmm's callbacks).
struct Walk {
  const World& w;
  const HmmRange& r;
  const Geometry& g;
  u64 last;
  const Vma* vma = nullptr; // the VMA being walked (null in gaps)
  Stop stop = Stop::None;
  u64 where = 0;
  std::string why;
  std::map<const u64*, u64> cleared{}; // words the walk has cleared so far

  // A table word as the walk reads it now: bad PGD/P4D entries and huge PUDs it cleared
  // (mm/pagewalk.c:180, 215, 155-158) read as none afterwards, also through other pointers.
  u64 rd(const u64* p) const {
    auto it = cleared.find(p);
    return it == cleared.end() ? *p : it->second;
  }

  std::size_t index(u64 addr) const { return (addr - r.start) >> g.page_shift; }
  u64 request(u64 addr) const { return r.pfns[index(addr)]; }

  // hmm_range_need_fault over [a, b) with one cpu_flags (hmm.c:130-155).
  unsigned need(u64 a, u64 b, u64 cpu) const {
    std::span<const u64> reqs(r.pfns.data() + index(a), index(b) - index(a));
    return range_need_fault(r, reqs, cpu);
  }

  bool halt(Stop s, u64 at, std::string rule) {
    stop = s;
    where = at;
    why = std::move(rule);
    return false;
  }

  // hmm_vma_fault (hmm.c:76-96) is needed: -EPERM without faulting when a write fault is
  // needed in a VMA without VM_WRITE, else faults (not fault-free).
  bool fault(u64 at, unsigned required, std::string rule) {
    if ((required & HMM_NEED_WRITE_FAULT) && !(vma->flags & vm::WRITE))
      return halt(Stop::Eperm, at, rule + ", write fault in a VMA without VM_WRITE");
    return halt(Stop::Fault, at, std::move(rule));
  }

  // hmm_vma_walk_hole (hmm.c:157-179): a gap's ERROR fill leaves `last`; a hole in a VMA
  // moves it to the hole's start.
  bool hole(u64 a, u64 b, bool in_vma) {
    unsigned req = need(a, b, 0);
    if (!in_vma) return req ? halt(Stop::Efault, a, "hole without a VMA, requested") : true;
    if (req) return fault(a, req, "hole in a VMA, requested");
    last = a;
    why = "hole in a VMA (last = hole start)";
    return true;
  }

  // hmm_vma_handle_pte (hmm.c:236-317), without its fault paths.
  bool pte(u64 addr, u64 word) {
    u64 req = request(addr);
    if ((word & ~KNL_ERRATUM_MASK) == 0) {
      unsigned required = pte_need_fault(r, req, 0);
      return required ? fault(addr, required, "pte none, requested") : true;
    }
    if (!(word & (PRESENT | PROTNONE))) {
      unsigned type = swp_type(word);
      bool device = type == SWP_DEVICE_READ || type == SWP_DEVICE_WRITE;
      if (device && w.owner_of(swp_offset(word)) == r.dev_private_owner) return true;
      unsigned required = pte_need_fault(r, req, 0);
      if (!required) return true;
      if (type < MAX_SWAPFILES) return fault(addr, required, "swap entry, requested");
      if (type == SWP_MIGRATION_READ || type == SWP_MIGRATION_WRITE)
        return halt(Stop::Wait, addr, "migration entry, requested");
      return halt(Stop::Efault, addr, "non-present entry, requested");
    }
    if (unsigned required = pte_need_fault(r, req, pte_cpu_flags(r, word)))
      return fault(addr, required, "present pte, request not met");
    if ((word & SPECIAL) && pte_pfn(g, word) != w.zero_pfn && pte_need_fault(r, req, 0))
      return halt(Stop::Efault, addr, "special pte, requested");
    return true;
  }

  // hmm_vma_walk_pmd (hmm.c:319-397) on the PMD chunk [a, b).
  bool pmd(u64 word, const u64* ptes, u64 a, u64 b) {
    if (word_none(Level::Pmd, g.levels, word)) return hole(a, b, true);
    bool present = word & (PRESENT | PROTNONE | PSE);
    unsigned type = swp_type(word);
    if (!present && (type == SWP_MIGRATION_READ || type == SWP_MIGRATION_WRITE))
      return need(a, b, 0) ? halt(Stop::Wait, a, "pmd migration entry, requested") : true;
    if (!present) return need(a, b, 0) ? halt(Stop::Efault, a, "pmd not present, requested") : true;
    if ((word & DEVMAP) || (word & PSE)) {
      bool protnone = (word & (PROTNONE | PRESENT)) == PROTNONE;
      u64 cpu = protnone ? 0 : cpu_flags_for(r, true, word & RW);
      if (unsigned required = need(a, b, cpu))
        return fault(a, required, "huge pmd, request not met");
      last = b;
      why = "huge pmd (last = chunk end)";
      return true;
    }
    if (word_bad(g, Level::Pmd, word))
      return need(a, b, 0) ? halt(Stop::Efault, a, "pmd_bad, requested") : true;
    for (u64 addr = a; addr < b; addr += g.page_size())
      if (!pte(addr, rd(ptes + g.index(Level::Pte, addr)))) return false;
    last = b;
    why = "pte table walked (last = chunk end)";
    return true;
  }

  bool pmd_range(const u64* t, u64 a, u64 b) {
    for (u64 addr = a, next; addr != b; addr = next) {
      next = g.addr_end(Level::Pmd, addr, b);
      u64 word = rd(t + g.index(Level::Pmd, addr));
      if (!pmd(word, w.table_words(table_pfn(g, word)), addr, next)) return false;
    }
    return true;
  }

  // walk_pud_range with hmm_vma_walk_pud (mm/pagewalk.c:119-166, hmm.c:410-468).
  bool pud_range(const u64* t, u64 a, u64 b) {
    for (u64 addr = a, next; addr != b; addr = next) {
      next = g.addr_end(Level::Pud, addr, b);
      const u64* slot = t + g.index(Level::Pud, addr);
      u64 word = rd(slot);
      if (word_none(Level::Pud, g.levels, word)) {
        if (!hole(addr, next, true)) return false;
        continue;
      }
      bool trans_huge = (word & (PSE | DEVMAP)) == PSE;
      if (trans_huge || (word & DEVMAP)) {
        if ((word & PSE) && (word & DEVMAP) && (word & PRESENT)) {
          if (unsigned required = need(addr, next, cpu_flags_for(r, true, word & RW)))
            return fault(addr, required, "devmap pud, request not met");
          last = next;
          why = "devmap pud (last = chunk end)";
          continue;
        }
        // a non-present devmap PUD is a hole; any other huge PUD is cleared, then a hole
        if (!((word & PSE) && (word & DEVMAP))) cleared[slot] = 0;
        if (!hole(addr, next, true)) return false;
        continue;
      }
      if (!pmd_range(w.table_words(table_pfn(g, word)), addr, next)) return false;
    }
    return true;
  }

  // walk_pgd_range and walk_p4d_range: none and bad entries are holes, bad ones cleared
  // (p?d_none_or_clear_bad), in VMAs and gaps alike; in a gap, the PUD level is all holes.
  bool upper_range(Level l, const u64* t, u64 a, u64 b, bool in_vma) {
    for (u64 addr = a, next; addr != b; addr = next) {
      next = g.addr_end(l, addr, b);
      const u64* slot = t + g.index(l, addr);
      const u64 word = rd(slot);
      const bool none = word_none(l, g.levels, word);
      bool ok = true;
      if (none || word_bad(g, l, word)) {
        if (!none) cleared[slot] = 0;
        ok = hole(addr, next, in_vma);
      } else if (l == Level::Pgd && !g.p4d_folded()) {
        ok = upper_range(Level::P4d, w.table_words(table_pfn(g, word)), addr, next, in_vma);
      } else if (!in_vma) {
        ok = hole(addr, next, false);
      } else {
        ok = pud_range(w.table_words(table_pfn(g, word)), addr, next);
      }
      if (!ok) return false;
    }
    return true;
  }

  // walk_hugetlb_range with hmm_vma_walk_hugetlb_entry (mm/pagewalk.c:238-271, hmm.c:474-506).
  bool hugetlb_range(const Vma& v, u64 a, u64 b) {
    const u64 size = v.hugetlb_size;
    for (u64 addr = a, next; addr != b; addr = next) {
      next = std::min((addr & ~(size - 1)) + size, b);
      auto slot = huge_slot(w, addr & ~(size - 1), size, [this](const u64* p) { return rd(p); });
      if (!slot) {
        if (!hole(addr, next, true)) return false;
        continue;
      }
      if (unsigned required = pte_need_fault(r, request(addr), pte_cpu_flags(r, rd(slot->word))))
        return fault(addr, required, "hugetlb, first page's request not met");
      last = next;
      why = "hugetlb (last = chunk end)";
    }
    return true;
  }

  // walk_page_range (mm/pagewalk.c:379-432) with hmm_vma_walk_test (hmm.c:511-544).
  void run() {
    const std::vector<Vma>& vmas = w.vmas.all();
    std::size_t i = 0;
    while (i < vmas.size() && vmas[i].end <= r.start) ++i;
    u64 root_words = w.root_pfn();
    const u64* root = w.table_words(root_words);
    for (u64 addr = r.start; addr < r.end;) {
      if (i == vmas.size() || addr < vmas[i].start) {
        vma = nullptr;
        u64 next = i == vmas.size() ? r.end : std::min(r.end, vmas[i].start);
        if (!upper_range(Level::Pgd, root, addr, next, false)) return;
        addr = next;
        continue;
      }
      const Vma& v = vmas[i++];
      vma = &v;
      u64 next = std::min(r.end, v.end);
      if (!vma_supported(v)) {
        if (need(addr, next, 0)) {
          halt(Stop::Efault, addr, "unsupported VMA, requested");
          return;
        }
        last = next;
        why = "unsupported VMA (last = its end)";
      } else if (v.hugetlb()) {
        if (!hugetlb_range(v, addr, next)) return;
      } else if (!upper_range(Level::Pgd, root, addr, next, true)) {
        return;
      }
      addr = next;
    }
  }
};

} // namespace

LastRule fault_free_return(const World& w, const HmmRange& r) {
  if (w.notifier.seq != r.notifier_seq)
    return LastRule{true, -err::kEBUSY, r.start, "stale notifier"};
  if (r.start >= r.end) return LastRule{true, -err::kEINVAL, r.start, "start >= end"};
  Walk walk{w, r, w.geom, r.start, nullptr, Stop::None, 0, {}, {}};
  walk.run();
  switch (walk.stop) {
  case Stop::Efault:
    return LastRule{true, -err::kEFAULT, walk.where, walk.why};
  case Stop::Eperm:
    return LastRule{true, -err::kEPERM, walk.where, walk.why};
  case Stop::Fault:
  case Stop::Wait:
    return LastRule{false, 0, walk.where, walk.why};
  case Stop::None:
    break;
  }
  return LastRule{true, long((walk.last - r.start) >> w.geom.page_shift), walk.last, walk.why};
}

} // namespace hmmspec::props
