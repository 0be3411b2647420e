// SPDX-License-Identifier: GPL-2.0-or-later
// The walker of 6.1 and 6.12. The structure follows 6.x mm/pagewalk.c level by level with the
// mm/hmm.c callbacks written in place (no indirect calls); the two versions differ only where
// their sources do (the PUD, 6.12's vm_normal_page warning and hugetlb VMA lock), tested on a
// flag of the walker. Fills are runs, huge entries are pfn runs, and a present PTE that maps a
// normal page and needs no fault (the common case) takes a path of a few bit operations; every
// other PTE goes through the whole of hmm_vma_handle_pte.
//
// Exactness: every read of a table word happens in the kernel's order relative to every write
// (bad PGD/P4D clears, split_huge_pud, faults, migration waits), every service that changes the
// world is the shared one of model/fault.h, and `last`, the walk count, every hmm_pfns[] write
// and every report are the kernel's. Loop counts mirror the kernel's loops, so unaligned ranges
// give its results too (they write one entry past the count: walker_pfns_needed).
#include "impl/walker_v6.h"

#include <algorithm>
#include <cstring>

#include "impl/walker_lookups.h"
#include "model/fault.h"
#include "model/race.h"
#include "model/range_v6.h"
#include "model/swap_layout.h"

namespace hmmspec {

namespace {

using namespace x86;
using walker_detail::DeviceOwners;
using walker_detail::kEBUSY;
using walker_detail::kEFAULT;
using walker_detail::kEINVAL;
using walker_detail::kEPERM;
using walker_detail::TableCache;

// Not a kernel value: 6.12's walk_pud_range would look at the same PUD for ever.
constexpr int kLivelock = 1;

constexpr u64 kV = hmm6::VALID, kW = hmm6::WRITE;

class WalkerV6 {
public:
  WalkerV6(World& w, const HmmRange& r, u64* pfns, std::vector<KernelReport>& reports)
      : w_(w), g_(w.geom), pfns_(pfns), reports_(reports), start_(r.start), end_(r.end),
        seq_(r.notifier_seq), ps_(g_.page_shift), page_(g_.page_size()),
        pfn_mask_(pfn_mask(g_.page_shift)), zero_pfn_(w.zero_pfn), highest_(w.highest_memmap_pfn),
        mask_(r.pfn_flags_mask), def_(r.default_flags), owner_(r.dev_private_owner),
        devmap_(devmap_bit(g_.kernel)), types_(swap_types(g_.kernel)),
        swp_pfn_mask_(swp_pfn_mask(g_)), v612_(g_.kernel == KernelVersion::V6_12),
        five_(!g_.p4d_folded()),
        may_fault_(((r.default_flags | r.pfn_flags_mask) & hmm6::REQ_FAULT) != 0),
        pmd_order_(order_of(g_.size(Level::Pmd))), pud_order_(order_of(g_.size(Level::Pud))),
        zero_bits_(w.zero_pfn << g_.page_shift),
        per_page_((r.pfn_flags_mask & (hmm6::REQ_FAULT | hmm6::REQ_WRITE)) != 0),
        memmap_(w.highest_memmap_pfn < (pfn_mask_ >> ps_)),
        need_ro_((r.default_flags & hmm6::REQ_FAULT) && (r.default_flags & hmm6::REQ_WRITE) ? RW
                                                                                            : 0),
        cache_(w) {}

  // hmm_range_fault (6.1 mm/hmm.c:572-598, 6.12 mm/hmm.c:581-607) with the restart budget of
  // RunOptions: the last walk's result as is, 0 on success.
  WalkerResult run(const RunOptions& o) {
    last_ = start_;
    WalkerResult res;
    for (;;) {
      if (w_.notifier.seq != seq_) { // mmu_interval_check_retry
        res.ret = kEBUSY;
        return res;
      }
      if (res.walks >= o.restart_budget) { // the kernel would walk again, for ever
        res.livelock = true;
        res.ret = kEBUSY;
        return res;
      }
      ++res.walks;
      int ret = walk_page_range(last_, end_);
      if (ret == kLivelock) {
        res.livelock = true;
        res.ret = kEBUSY;
        return res;
      }
      if (ret == kEBUSY) continue;
      res.ret = ret;
      return res;
    }
  }

private:
  // The order of a mapping of `size` bytes (PMD_SHIFT - PAGE_SHIFT, huge_page_order, ...).
  u64 order_of(u64 size) const {
    u64 order = 0;
    while ((page_ << order) < size) ++order;
    return order;
  }

  // --- hmm_pfns[] and requests ----------------------------------------------------------

  u64* out(u64 addr) const { return pfns_ + ((addr - start_) >> ps_); }
  // Iterations of the kernel's `for (; addr < end; addr += PAGE_SIZE)` loops.
  u64 pages_upto(u64 addr, u64 end) const { return addr < end ? ((end - addr - 1) >> ps_) + 1 : 0; }
  // The kernel's npages = (end - addr) >> PAGE_SHIFT.
  u64 npages(u64 addr, u64 end) const { return (end - addr) >> ps_; }

  // hmm_pte_need_fault (6.1 mm/hmm.c:86-118) with the fixed bits: REQ_FAULT is VALID and
  // REQ_WRITE is WRITE.
  unsigned pte_need(u64 req, u64 cpu) const {
    const u64 t = (req & mask_) | def_;
    if (!(t & hmm6::REQ_FAULT)) return 0;
    if ((t & hmm6::REQ_WRITE) && !(cpu & kW)) return HMM_NEED_FAULT | HMM_NEED_WRITE_FAULT;
    if (!(cpu & kV)) return HMM_NEED_FAULT;
    return 0;
  }

  // hmm_range_need_fault (6.1 mm/hmm.c:120-145) over npages from addr.
  unsigned range_need(u64 addr, u64 end, u64 cpu) const {
    if (!may_fault_) return 0;
    const u64 n = npages(addr, end);
    const u64* p = out(addr);
    unsigned need = 0;
    for (u64 i = 0; i < n; ++i) {
      need |= pte_need(p[i], cpu);
      if (need == (HMM_NEED_FAULT | HMM_NEED_WRITE_FAULT)) break;
    }
    return need;
  }

  // hmm_pfns_fill (6.1 mm/hmm.c:42-50).
  void fill(u64 addr, u64 end, u64 value) {
    u64* p = out(addr);
    const u64 n = pages_upto(addr, end);
    if (value == 0)
      std::memset(p, 0, n * sizeof(u64));
    else
      std::fill_n(p, n, value);
  }

  // The pfn runs of 6.1 mm/hmm.c:205-206, 455-456, 501-502: (pfn + i) | cpu_flags, which is
  // (pfn | cpu_flags) + i: the CPU flags lie in bits 56-63, and pfn + i stays below 2^56 (a pfn
  // has at most 52 - PAGE_SHIFT bits, a range at most 57 - PAGE_SHIFT bits of pages). One add
  // per page, which vectorizes.
  static void fill_pfn_run(u64* __restrict p, u64 n, u64 pfn, u64 cpu) {
    const u64 first = pfn | cpu;
    for (u64 i = 0; i < n; ++i) p[i] = first + i;
  }

  // --- hmm_vma_fault and the hole -------------------------------------------------------

  // hmm_vma_fault (6.1 mm/hmm.c:63-84): every page of [addr, end), then a restart. 6.12's hole
  // callback in a hugetlb VMA runs under the hugetlb VMA lock, which every hugetlb_fault takes
  // again (6.12 mm/pagewalk.c:294-305, mm/hugetlb.c:6439): a report per fault.
  int fault(u64 addr, u64 end, unsigned required, const Vma& vma, bool hugetlb_locked = false) {
    last_ = addr;
    unsigned flags = fault::FLAG_REMOTE;
    if (required & HMM_NEED_WRITE_FAULT) {
      if (!(vma.flags & vm::WRITE)) return kEPERM;
      flags |= fault::FLAG_WRITE;
    }
    for (; addr < end; addr += page_) {
      if (hugetlb_locked) reports_.push_back(hugetlb_vma_lock_recursion(addr));
      const unsigned result = handle_mm_fault(w_, vma, addr, flags);
      // fault-returned (model/race.h): back in hmm_vma_fault (6.1, 6.12 mm/hmm.c:79-82)
      if (!w_.races.empty()) fire_race(w_, RacePoint::FaultReturned, addr);
      if (result & fault::ERROR) return kEFAULT;
    }
    return kEBUSY;
  }

  // hmm_vma_walk_hole (6.1 mm/hmm.c:147-169): `last` is left alone.
  int hole(u64 addr, u64 end, const Vma* vma, bool hugetlb_locked = false) {
    unsigned required = range_need(addr, end, 0);
    if (!vma) {
      if (required) return kEFAULT;
      fill(addr, end, hmm6::ERROR);
      return 0;
    }
    if (required) return fault(addr, end, required, *vma, hugetlb_locked);
    fill(addr, end, 0);
    return 0;
  }

  // --- walk_page_range (6.1 mm/pagewalk.c:436-484, 6.12 mm/pagewalk.c:452-500) ----------

  int walk_page_range(u64 start, u64 end) {
    if (start >= end) return kEINVAL;
    const std::vector<Vma>& vmas = w_.vmas.all();
    auto vma = std::upper_bound(vmas.begin(), vmas.end(), start,
                                [](u64 a, const Vma& v) { return a < v.end; }); // find_vma
    u64 next;
    do {
      int err;
      if (vma == vmas.end()) { // after the last VMA: one hole, no table read
        next = end;
        err = hole(start, next, nullptr);
      } else if (start < vma->start) { // a gap: one hole, no table read
        next = std::min(end, vma->start);
        err = hole(start, next, nullptr);
      } else {
        const Vma& cur = *vma;
        next = std::min(end, cur.end);
        ++vma;
        int t = walk_test(start, next, cur);
        if (t > 0) continue;
        if (t < 0) return t;
        err =
            cur.hugetlb() ? walk_hugetlb_range(start, next, cur) : walk_pgd_range(start, next, cur);
      }
      if (err) return err;
    } while (start = next, start < end);
    return 0;
  }

  // hmm_vma_walk_test (6.1 mm/hmm.c:511-543): VM_MIXEDMAP is walked; a skipped VMA leaves
  // `last` alone.
  int walk_test(u64 start, u64 end, const Vma& vma) {
    if (!(vma.flags & (vm::IO | vm::PFNMAP)) && (vma.flags & vm::READ)) return 0;
    if (range_need(start, end, 0)) return kEFAULT;
    fill(start, end, hmm6::ERROR);
    return 1;
  }

  // --- PGD, P4D (6.1 mm/pagewalk.c:213-279) --------------------------------------------

  // p?d_none_or_clear_bad: a bad entry is cleared (the word becomes 0) and read as none.
  bool none_or_clear_bad(Level l, u64 table, unsigned i, u64 word) {
    if (word_none(l, g_.levels, word)) return true;
    if (!word_bad(g_, l, word)) return false;
    w_.table_words_mut(table)[i] = 0; // a non-zero word lies in a real table
    return true;
  }

  int walk_pgd_range(u64 addr, u64 end, const Vma& vma) {
    const u64 root = w_.root_pfn();
    const u64* t = cache_.words(Level::Pgd, root);
    do {
      u64 next = g_.addr_end(Level::Pgd, addr, end);
      unsigned i = g_.index(Level::Pgd, addr);
      u64 e = t[i];
      int err;
      if (none_or_clear_bad(Level::Pgd, root, i, e))
        err = hole(addr, next, &vma);
      else if (five_)
        err = walk_p4d_range(table_pfn(g_, e), addr, next, vma);
      else
        err = walk_pud_range(table_pfn(g_, e), addr, next, vma);
      if (err) return err;
      addr = next;
    } while (addr != end);
    return 0;
  }

  int walk_p4d_range(u64 table, u64 addr, u64 end, const Vma& vma) {
    const u64* t = cache_.words(Level::P4d, table);
    do {
      u64 next = g_.addr_end(Level::P4d, addr, end);
      unsigned i = g_.index(Level::P4d, addr);
      u64 e = t[i];
      int err = none_or_clear_bad(Level::P4d, table, i, e)
                    ? hole(addr, next, &vma)
                    : walk_pud_range(table_pfn(g_, e), addr, next, vma);
      if (err) return err;
      addr = next;
    } while (addr != end);
    return 0;
  }

  // --- PUD (6.1 mm/pagewalk.c:161-211 with mm/hmm.c:410-466; 6.12 mm/pagewalk.c:80-106,
  // 157-204 with mm/hmm.c:411-462) ------------------------------------------------------

  int walk_pud_range(u64 table, u64 addr, u64 end, const Vma& vma) {
    const u64* t = cache_.words(Level::Pud, table);
    do {
      u64 next = g_.addr_end(Level::Pud, addr, end);
      if (int err = walk_pud(t + g_.index(Level::Pud, addr), addr, next, vma)) return err;
      addr = next;
    } while (addr != end);
    return 0;
  }

  // One PUD chunk, from the `again` label of walk_pud_range.
  int walk_pud(const u64* slot, u64 addr, u64 end, const Vma& vma) {
    for (;;) {
      const u64 pud = *slot;
      if (word_none(Level::Pud, g_.levels, pud)) return hole(addr, end, &vma);
      const bool present = pud & PRESENT, pse = pud & PSE, devmap = pud & devmap_;
      if (!pse && !devmap) { // pud_trans_huge_lock takes no lock: ACTION_SUBTREE, descend
        // 6.12 walk_pmd_range asks for a PUD that is not present again, and it is the same
        // PUD every time (6.12 mm/pagewalk.c:103-106, 199-200).
        if (v612_ && !present) return kLivelock;
        return walk_pmd_range(table_pfn(g_, pud), addr, end, vma);
      }
      // pud-locked (model/race.h): an event may land before hmm reads the PUD under the lock
      // (6.1 mm/hmm.c:425, 6.12 mm/hmm.c:426); none then is a hole, unsplit (6.1 :426-429, 6.12
      // :427-430 as not present)
      if (!w_.races.empty() && fire_race(w_, RacePoint::PudLocked, addr) &&
          word_none(Level::Pud, g_.levels, *slot))
        return hole(addr, end, &vma);
      if (v612_) {
        // 6.12 mm/hmm.c:426-431: not present is a hole; a present leaf devmap PUD is handled.
        if (!present) return hole(addr, end, &vma);
        if (pse && devmap) return devmap_pud(pud, addr, end, vma);
      } else {
        // 6.1 mm/hmm.c:431-440: pud_huge (not none, not a table) && pud_devmap.
        const bool pud_huge = (pud & (PRESENT | PSE)) != PRESENT;
        if (pud_huge && devmap) {
          if (!present) return hole(addr, end, &vma);
          return devmap_pud(pud, addr, end, vma);
        }
      }
      // ACTION_SUBTREE: split_huge_pud clears it, and the walk looks at the PUD again
      // (6.1 mm/pagewalk.c:190-193; 6.12 through walk_pmd_range's ACTION_AGAIN).
      split_huge_pud(w_, addr);
    }
  }

  // A present devmap PUD, whole (6.1 mm/hmm.c:442-457): pud_to_hmm_pfn_flags with the order.
  int devmap_pud(u64 pud, u64 addr, u64 end, const Vma& vma) {
    const u64 cpu = ((pud & RW) ? (kV | kW) : kV) | hmm6::pfn_flags_order(pud_order_);
    if (unsigned required = range_need(addr, end, cpu)) return fault(addr, end, required, vma);
    u64 pfn = huge_pfn(g_, Level::Pud, pud) + ((addr & ~g_.mask(Level::Pud)) >> ps_);
    fill_pfn_run(out(addr), npages(addr, end), pfn, cpu);
    return 0;
  }

  // --- PMD (6.1 mm/pagewalk.c:100-159, mm/hmm.c:320-397) ---------------------------------

  int walk_pmd_range(u64 table, u64 addr, u64 end, const Vma& vma) {
    const u64* t = cache_.words(Level::Pmd, table);
    do {
      u64 next = g_.addr_end(Level::Pmd, addr, end);
      const u64* slot = t + g_.index(Level::Pmd, addr);
      u64 pmd = *slot;
      // pmd-seen (model/race.h): an event may land before hmm reads the PMD (6.1, 6.12
      // mm/hmm.c:335); none then is a hole (:336-337)
      if (!word_none(Level::Pmd, g_.levels, pmd) && !w_.races.empty() &&
          fire_race(w_, RacePoint::PmdSeen, addr))
        pmd = *slot;
      int err = word_none(Level::Pmd, g_.levels, pmd) ? hole(addr, next, &vma)
                                                      : walk_pmd(slot, pmd, addr, next, vma);
      if (err) return err;
      addr = next;
    } while (addr != end);
    return 0;
  }

  // hmm_vma_walk_pmd (6.1 mm/hmm.c:320-397) on a PMD that is not none.
  int walk_pmd(const u64* slot, u64 pmd, u64 start, u64 end, const Vma& vma) {
    if (!(pmd & (PRESENT | PROTNONE | PSE))) { // !pmd_present: a swap-type word
      const unsigned type = swp_type(pmd);
      if (is_migration(type)) { // 6.1 mm/hmm.c:338-345
        if (range_need(start, end, 0)) {
          last_ = start;
          pmd_migration_entry_wait(w_, start);
          return kEBUSY;
        }
        fill(start, end, 0);
        return 0;
      }
      if (range_need(start, end, 0)) return kEFAULT; // 6.1 mm/hmm.c:347-351
      fill(start, end, hmm6::ERROR);
      return 0;
    }
    if (pmd & (PSE | devmap_)) { // devmap || trans_huge
      // pmd-reread (model/race.h): an event may land before hmm's second read of the huge
      // PMD (6.1 mm/hmm.c:364, 6.12 mm/hmm.c:364); no longer huge: `goto again` (6.1 :365-367,
      // 6.12 :365-366)
      if (!w_.races.empty() && fire_race(w_, RacePoint::PmdReread, start)) {
        pmd = *slot;
        if (!(pmd & (PSE | devmap_)))
          return word_none(Level::Pmd, g_.levels, pmd) ? hole(start, end, &vma)
                                                       : walk_pmd(slot, pmd, start, end, vma);
      }
      return handle_pmd(pmd, start, end, vma);
    }
    if (word_bad(g_, Level::Pmd, pmd)) { // 6.1 mm/hmm.c:377-381
      if (range_need(start, end, 0)) return kEFAULT;
      fill(start, end, hmm6::ERROR);
      return 0;
    }
    return walk_ptes(table_pfn(g_, pmd), start, end, vma);
  }

  // hmm_vma_handle_pmd (6.1 mm/hmm.c:187-208) with pmd_to_hmm_pfn_flags (6.1 mm/hmm.c:177-185).
  int handle_pmd(u64 pmd, u64 addr, u64 end, const Vma& vma) {
    const bool protnone = (pmd & (PROTNONE | PRESENT)) == PROTNONE;
    const u64 cpu =
        protnone ? 0 : ((pmd & RW) ? (kV | kW) : kV) | hmm6::pfn_flags_order(pmd_order_);
    if (unsigned required = range_need(addr, end, cpu)) return fault(addr, end, required, vma);
    u64 pfn = huge_pfn(g_, Level::Pmd, pmd) + ((addr & ~g_.mask(Level::Pmd)) >> ps_);
    fill_pfn_run(out(addr), pages_upto(addr, end), pfn, cpu);
    return 0;
  }

  // --- PTEs (6.1 mm/hmm.c:383-396 with hmm_vma_handle_pte, mm/hmm.c:223-318) --------------

  // The loop of 6.1 mm/hmm.c:383-395, kBlock PTEs at a time. A present PTE without SPECIAL
  // whose pfn has a struct page and is not the zero pfn is a normal page (vm_normal_page prints
  // nothing for it): when it needs no fault its output is pfn | cpu_flags. With uniform
  // requests a block of such PTEs is checked whole and written (plain_block); any other block
  // is decoded without a branch per PTE (decode_run) up to the first PTE handle_pte must take.
  // Nothing before that PTE changes the world, so reading ahead of it is not observable.
  static constexpr u64 kBlock = 32;

  // With uniform requests, a block of kBlock PTEs that are all plain gets its outputs (and
  // true); else nothing is written. Uniform: pfn_flags_mask has neither REQ_FAULT nor
  // REQ_WRITE, so the request bits are default_flags' alone. Memmap: some pfn may lack a
  // struct page (highest_memmap_pfn). The constants are held in locals, so the compiler knows
  // that the stores to hmm_pfns[] cannot change them, and both loops vectorize.
  template <bool Memmap>
  bool plain_block(const u64* __restrict ptes, u64* __restrict pfns) const {
    const u64 pm = pfn_mask_, zb = zero_bits_, need_ro = need_ro_, highest = highest_;
    const unsigned ps = ps_;
    u64 bad = 0;
    for (u64 k = 0; k < kBlock; ++k) {
      const u64 pte = ptes[k];
      // not present, special, the zero pfn, or a read-only page asked for write
      bad |= ((pte & (PRESENT | SPECIAL)) ^ PRESENT) | u64((pte & pm) == zb) | (~pte & need_ro);
      if constexpr (Memmap) bad |= u64(((pte & pm) >> ps) > highest);
    }
    if (bad) return false;
    static_assert(kW == RW << 61);
    for (u64 k = 0; k < kBlock; ++k) {
      const u64 pte = ptes[k];
      pfns[k] = ((pte & pm) >> ps) | kV | ((pte & RW) << 61); // pfn | VALID [| WRITE]: RW is bit 1
    }
    return true;
  }

  int walk_ptes(u64 table, u64 addr, u64 end, const Vma& vma) {
    if (per_page_) {
      return memmap_ ? walk_ptes<true, true>(table, addr, end, vma)
                     : walk_ptes<true, false>(table, addr, end, vma);
    }
    return memmap_ ? walk_ptes<false, true>(table, addr, end, vma)
                   : walk_ptes<false, false>(table, addr, end, vma);
  }

  template <bool PerPage, bool Memmap>
  int walk_ptes(u64 table, u64 addr, u64 end, const Vma& vma) {
    const u64* ptes = cache_.words(Level::Pte, table) + g_.index(Level::Pte, addr);
    u64* pfns = out(addr);
    const u64 n = pages_upto(addr, end);
    u64 i = 0;
    while (i < n) {
      const u64 stop = std::min(n, i + kBlock);
      if (!PerPage && stop - i == kBlock && plain_block<Memmap>(ptes + i, pfns + i)) {
        i = stop;
        continue;
      }
      i = decode_run<PerPage>(ptes, pfns, i, stop);
      if (i == stop) continue;
      if (int r = handle_pte(ptes[i], addr + (i << ps_), end, pfns[i], vma)) return r;
      ++i;
    }
    return 0;
  }

  // hmm_vma_handle_pte for the PTEs [i, n) (at most kBlock) without a branch per PTE: each is
  // decoded into its output and whether handle_pte must take it (it needs a fault, a wait or an
  // error, or vm_normal_page prints for it or finds no page). Device-private entries are
  // resolved afterwards, in order. Outputs are written only up to the first PTE handle_pte
  // must take; returns its index (n when none).
  template <bool PerPage>
  u64 decode_run(const u64* ptes, u64* pfns, u64 i, u64 n) {
    u64 tmp[kBlock];
    unsigned char devs[kBlock];
    unsigned ndev = 0;
    u64 stop_at = n;
    const u64 pm = pfn_mask_, zero = zero_pfn_, highest = highest_, mask = mask_, def = def_;
    const u64 devmap = devmap_, dr = types_.device_read, dw = types_.device_write;
    const u64 v612 = v612_ ? 1 : 0;
    const unsigned ps = ps_;
    for (u64 k = i; k < n; ++k) {
      const u64 pte = ptes[k];
      const u64 t = PerPage ? (pfns[k] & mask) | def : def;
      const u64 av = t >> 63, aw = (t >> 62) & 1;               // asks for a fault, for write
      const u64 p = pte & PRESENT, pres = p | ((pte >> 8) & 1); // pte_present: P or PROTNONE
      const u64 none = u64((pte & ~KNL_ERRATUM_MASK) == 0);
      const u64 type = pte >> 59;
      const u64 dev = (pres ^ 1) & (none ^ 1) & (u64(type == dr) | u64(type == dw));
      const u64 cw = p & (pte >> 1);                           // CPU flags: VALID = p, WRITE = cw
      const u64 need = av & ((aw & (cw ^ 1)) | (p ^ 1)) & 1;   // hmm_pte_need_fault, present
      const u64 pfn = ((pte ^ (u64(0) - (p ^ 1))) & pm) >> ps; // pte_pfn (protnone inverted)
      const u64 sp = (pte >> 9) & 1, dm = u64((pte & devmap) != 0), z = u64(pfn == zero);
      // vm_normal_page prints, finds no page, or (6.12) warns: handle_pte says what happens
      const u64 odd =
          (sp & (dm ^ 1) & (z ^ 1)) | ((sp ^ 1) & u64(pfn > highest)) | (v612 & (sp ^ 1) & z);
      const u64 stop = (pres & (need | odd)) | ((pres ^ 1) & av & (dev ^ 1));
      tmp[k - i] = (u64(0) - pres) & (pfn | (kV * p) | (kW * cw));
      devs[ndev] = static_cast<unsigned char>(k - i);
      ndev += unsigned(dev);
      if (stop) {
        stop_at = k;
        break;
      }
    }
    for (unsigned d = 0; d < ndev; ++d) { // 6.1 mm/hmm.c:250-267 for device-private entries
      const u64 k = i + devs[d];
      if (k >= stop_at) break;
      const u64 pte = ptes[k], pfn = swp_offset(pte) & swp_pfn_mask_;
      if (owners_.matches(w_, owner_, pfn)) {
        tmp[k - i] = hmm6::device_private_output(pfn, (pte >> 59) == dw);
      } else if (pte_need(pfns[k], 0)) {
        stop_at = k; // another owner's page with a request: handle_pte faults it
        break;
      }
    }
    std::copy_n(tmp, stop_at - i, pfns + i);
    return stop_at;
  }

  bool is_migration(unsigned type) const {
    return type == types_.migration_read || type == types_.migration_write ||
           type == types_.migration_read_exclusive;
  }

  // print_bad_pte (6.1 mm/memory.c:519-568): a burst of 60 reports, then none for the minute.
  void print_bad_pte(u64 addr) {
    if (bad_ptes_ == 60) return;
    ++bad_ptes_;
    reports_.push_back(KernelReport{KernelReport::Kind::BadPte, "", addr});
  }

  // vm_normal_page (6.1 mm/memory.c:612-673; 6.12 mm/memory.c:594-658) on x86-64: whether the
  // PTE maps a page with a struct page, with what the kernel prints on the way.
  bool vm_normal_page(const Vma& vma, u64 addr, u64 pte, u64 pfn) {
    if (pte & SPECIAL) {
      if (vma.flags & (vm::PFNMAP | vm::MIXEDMAP)) return false;
      if (pfn == zero_pfn_) return false;
      if (pte & devmap_) return false;
      print_bad_pte(addr);
      return false;
    }
    if (pfn > highest_) {
      print_bad_pte(addr);
      return false;
    }
    if (v612_ && pfn == zero_pfn_ && !zero_warned_) { // VM_WARN_ON_ONCE (6.12 mm/memory.c:656)
      zero_warned_ = true;
      reports_.push_back(KernelReport{KernelReport::Kind::Warn, "mm/memory.c:656", 0});
    }
    return true;
  }

  // hmm_vma_handle_pte (6.1 mm/hmm.c:223-318) for one PTE; `end` is the PMD chunk's end.
  int handle_pte(u64 pte, u64 addr, u64 end, u64& hmm_pfn, const Vma& vma) {
    const u64 req = hmm_pfn;
    const bool none = (pte & ~KNL_ERRATUM_MASK) == 0; // pte_none
    if (none || (!(pte & (PRESENT | PROTNONE)) && swp_type(pte) == types_.pte_marker)) {
      // pte_none_mostly: none, or a PTE marker (6.1 mm/hmm.c:234-241)
      if (unsigned required = pte_need(req, 0)) return fault(addr, end, required, vma);
      hmm_pfn = 0;
      return 0;
    }
    if (!(pte & (PRESENT | PROTNONE))) { // !pte_present (6.1 mm/hmm.c:243-286)
      const unsigned type = swp_type(pte);
      const bool device = type == types_.device_read || type == types_.device_write;
      if (device) {
        const u64 pfn = swp_offset(pte) & swp_pfn_mask_; // swp_offset_pfn
        if (owners_.matches(w_, owner_, pfn)) {
          hmm_pfn = hmm6::device_private_output(pfn, type == types_.device_write);
          return 0;
        }
      }
      unsigned required = pte_need(req, 0);
      if (!required) {
        hmm_pfn = 0;
        return 0;
      }
      // a swap entry, another owner's device-private page, a device-exclusive entry: faulted
      if (type < types_.max_swapfiles || device || type == types_.exclusive_read ||
          type == types_.exclusive_write)
        return fault(addr, end, required, vma);
      if (is_migration(type)) {
        last_ = addr;
        migration_entry_wait(w_, addr);
        return kEBUSY;
      }
      return kEFAULT; // hwpoison, 6.1's swapin error: `last` is left alone
    }
    const u64 cpu = (pte & PRESENT) ? ((pte & RW) ? (kV | kW) : kV) : 0; // protnone: 0
    if (unsigned required = pte_need(req, cpu)) return fault(addr, end, required, vma);
    const u64 pfn = ((pte ^ protnone_mask(pte)) & pfn_mask_) >> ps_; // pte_pfn
    const bool normal = vm_normal_page(vma, addr, pte, pfn);
    if (!normal && !(pte & devmap_) && pfn != zero_pfn_) { // 6.1 mm/hmm.c:300-309
      if (pte_need(req, 0)) return kEFAULT;
      hmm_pfn = hmm6::ERROR;
      return 0;
    }
    hmm_pfn = pfn | cpu; // 6.1 mm/hmm.c:311
    return 0;
  }

  // --- hugetlb (6.1 mm/pagewalk.c:285-319, 6.12 mm/pagewalk.c:274-308; mm/hmm.c:472-506) --

  int walk_hugetlb_range(u64 addr, u64 end, const Vma& vma) {
    const u64 sz = vma.hugetlb_size, hmask = ~(sz - 1);
    const u64 cpu_order = hmm6::pfn_flags_order(order_of(sz));
    do {
      u64 boundary = (addr & hmask) + sz;
      u64 next = boundary < end ? boundary : end; // hugetlb_entry_end
      const u64* slot = huge_pte_offset(addr & hmask, sz);
      int err = slot ? hugetlb_entry(*slot, hmask, cpu_order, addr, next, vma)
                     : hole(addr, next, &vma, v612_);
      if (err) return err;
      addr = next;
    } while (addr != end);
    return 0;
  }

  // huge_pte_offset of 6.1 mm/hugetlb.c:7269-7295 (6.12's hugetlb_walk reaches the same,
  // mm/hugetlb.c:7471-7497): the PUD for a PUD-size page, else the PMD below a present PUD,
  // whatever either holds.
  const u64* huge_pte_offset(u64 addr, u64 sz) {
    const u64* p4d = cache_.words(Level::Pgd, w_.root_pfn()) + g_.index(Level::Pgd, addr);
    if (five_) {
      if (!(*p4d & PRESENT)) return nullptr; // pgd_present
      p4d = cache_.words(Level::P4d, table_pfn(g_, *p4d)) + g_.index(Level::P4d, addr);
    }
    if (!(*p4d & PRESENT)) return nullptr; // p4d_present
    const u64* pud = cache_.words(Level::Pud, table_pfn(g_, *p4d)) + g_.index(Level::Pud, addr);
    if (sz == g_.size(Level::Pud)) return pud;
    if (!(*pud & PRESENT)) return nullptr;
    const u64 frame = *pud & ((*pud & PSE) ? huge_pfn_mask(g_.shift(Level::Pud)) : pfn_mask_);
    return cache_.words(Level::Pmd, frame >> ps_) + g_.index(Level::Pmd, addr);
  }

  // hmm_vma_walk_hugetlb_entry (6.1 mm/hmm.c:472-506): the first page's request decides.
  int hugetlb_entry(u64 entry, u64 hmask, u64 order, u64 start, u64 end, const Vma& vma) {
    const u64 req = *out(start);
    const u64 cpu = ((entry & PRESENT) ? ((entry & RW) ? (kV | kW) : kV) : 0) | order;
    if (unsigned required = pte_need(req, cpu)) return fault(start, end, required, vma);
    u64 pfn = pte_pfn(g_, entry) + ((start & ~hmask) >> ps_);
    fill_pfn_run(out(start), pages_upto(start, end), pfn, cpu);
    return 0;
  }

  // --- state ---------------------------------------------------------------------------
  World& w_;
  const Geometry& g_;
  u64* const pfns_;
  std::vector<KernelReport>& reports_;
  const u64 start_, end_, seq_;
  const unsigned ps_;
  const u64 page_, pfn_mask_, zero_pfn_, highest_;
  const u64 mask_, def_, owner_, devmap_;
  const SwapTypes types_;
  const u64 swp_pfn_mask_;
  const bool v612_; // 6.12 (else 6.1)
  const bool five_; // 5-level paging: P4D is a level of its own
  const bool may_fault_;
  const u64 pmd_order_, pud_order_;
  const u64 zero_bits_; // the zero pfn where a PTE holds its pfn (zero_pfn << PAGE_SHIFT)
  const bool per_page_; // pfn_flags_mask lets hmm_pfns[] ask: requests differ per page
  const bool memmap_;   // some pfn a PTE can hold is above highest_memmap_pfn
  const u64 need_ro_;   // uniform requests: RW when a read-only page needs a fault, else 0
  TableCache cache_;
  DeviceOwners owners_;
  u64 last_ = 0;             // hmm_vma_walk.last
  unsigned bad_ptes_ = 0;    // print_bad_pte reports made in this call
  bool zero_warned_ = false; // 6.12's VM_WARN_ON_ONCE in vm_normal_page
};

bool unaligned(const Geometry& g, const HmmRange& r) {
  return ((r.start | r.end) & (g.page_size() - 1)) != 0;
}

} // namespace

WalkerResult walker_v6_hmm_range_fault_in_place(World& w, const HmmRange& r, std::span<u64> pfns,
                                                const RunOptions& o,
                                                std::vector<KernelReport>& reports) {
  return WalkerV6(w, r, pfns.data(), reports).run(o);
}

Outcome walker_v6_hmm_range_fault(const World& w, const HmmRange& r, const RunOptions& o) {
  Outcome out;
  out.world = w;
  out.pfns = r.pfns;
  const std::size_t size = out.pfns.size();
  std::size_t needed = 0;
  if (r.start < r.end)
    needed = std::size_t((r.end - r.start) >> w.geom.page_shift) + (unaligned(w.geom, r) ? 1 : 0);
  if (needed > size) out.pfns.resize(needed, 0); // the spare entries are not part of the outcome
  WalkerResult res = walker_v6_hmm_range_fault_in_place(out.world, r, out.pfns, o, out.reports);
  out.pfns.resize(size);
  out.ret = res.ret;
  out.walks = res.walks;
  out.livelock = res.livelock;
  return out;
}

} // namespace hmmspec
