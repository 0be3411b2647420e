// SPDX-License-Identifier: GPL-2.0-or-later
// The walker. One class, instantiated twice: for ranges whose requests are uniform (the need
// of a page does not depend on its input, impl/shortcuts.h S2, S3) and for per-page requests.
// The structure follows mm/pagewalk.c level by level with the hmm.c callbacks written in
// place (no indirect calls); runs are handled as runs: fills, pfn runs of huge entries, plain
// PTEs in blocks, request scans without per-page branches.
//
// Exactness: every read of a table word happens in the seed's order relative to every write
// (bad PGD/P4D clears, split_huge_pud, faults, migration waits), every service that changes
// the world is the shared one of model/fault.h, and `last`, the walk count and every pfns[]
// write are the seed's. Loop counts mirror the seed's loops, so unaligned ranges give the
// seed's results too (they write one entry past the count: walker_pfns_needed).
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include "impl/shortcuts.h"
#include "impl/walker.h"
#include "impl/walker_in_place.h"
#include "impl/walker_lookups.h"
#include "model/fault.h"
#include "model/race.h"

namespace hmmspec {

namespace {

using namespace x86;
using walker_detail::DeviceOwners;
using walker_detail::kEBUSY;
using walker_detail::kEFAULT;
using walker_detail::kEINVAL;
using walker_detail::kEPERM;
using walker_detail::TableCache;

// The CPU flags a mapping gives, as an index: 0, V, V|W (hmm.c:181-188, 227-234, 401-408).
enum Cpu : unsigned { kCpuNone = 0, kCpuV = 1, kCpuVW = 2 };

// The run p[0] = first, p[i + 1] = p[i] + step (S16), compiled for the widest vector unit the
// machine has (the choice is made once, when the program is loaded; one call covers a whole huge
// entry).
__attribute__((target_clones("avx512f", "avx2", "default"))) void
pfn_run_by_step(u64* p, u64 n, u64 first, u64 step) {
  u64 v = first;
  for (u64 i = 0; i < n; ++i) {
    p[i] = v;
    v = shortcut::pfn_run_next(v, step);
  }
}

// Entries of the largest PTE table (9 index bits at most, geometry.h).
constexpr u64 kMaxPtes = 512;
constexpr u64 kPlainBlock = 32;

// The constants of Walker::plain_run (S19), held in a local value so the compiler knows the
// stores to pfns[] cannot change them.
struct PlainRun : shortcut::PlainRunConsts<u64, unsigned> {
  bool simple; // S9: pfn_shift == PAGE_SHIFT and W is the RW bit: output = (w & (PFN_MASK|RW)) | V

  // S9: the output of a plain PTE.
  u64 output(u64 w) const { return shortcut::plain_output(w, pm, up, down, V, W); }
  u64 simple_output(u64 w) const { return shortcut::simple_output(w, pm, V); }

  // S19: non-zero when the PTE stops the run: not plain (S7), or needing a fault (S6, S3).
  template <bool PerPage>
  u64 stops_one(u64 w, u64 req) const {
    return shortcut::plain_pte_stops<PerPage>(*this, w, req);
  }

  // Whether a block of kPlainBlock PTEs holds one that stops the run. The common test is one
  // bit operation per PTE (S19 without S7); special PTEs (the zero page among them) get the
  // exact test, as S7's word is non-zero only with SPECIAL set.
  template <bool PerPage>
  bool stops(const u64* __restrict ptes, const u64* __restrict reqs) const {
    u64 bad = 0, special = 0;
    for (u64 k = 0; k < kPlainBlock; ++k) {
      bad |= shortcut::plain_stop_bits(ptes[k], bad_clear, bad_set);
      special |= ptes[k] & SPECIAL;
    }
    if constexpr (PerPage) {
      const u64 m = mask, d = def, v = V, w = W;
      for (u64 k = 0; k < kPlainBlock; ++k) {
        const u64 t = shortcut::effective_request(reqs[k], m, d);
        bad |= shortcut::present_needs_fault(ptes[k], t, v, w, disjoint);
      }
    }
    if (bad) return true;
    if (!special) return false;
    for (u64 k = 0; k < kPlainBlock; ++k) bad |= stops_one<PerPage>(ptes[k], reqs[k]);
    return bad != 0;
  }

  template <bool Simple>
  void write(const u64* __restrict ptes, u64* __restrict out) const {
    for (u64 k = 0; k < kPlainBlock; ++k)
      out[k] = Simple ? simple_output(ptes[k]) : output(ptes[k]);
  }
};

template <bool PerPage>
class Walker {
public:
  Walker(World& w, const HmmRange& r, u64* pfns)
      : w_(w), g_(w.geom), pfns_(pfns), start_(r.start), end_(r.end), seq_(r.notifier_seq),
        ps_(g_.page_shift), page_(g_.page_size()), pfn_mask_(pfn_mask(g_.page_shift)),
        zero_pfn_(w.zero_pfn), zero_bits_(shortcut::zero_bits(w.zero_pfn, g_.page_shift)),
        V_(r.flags[HMM_PFN_VALID]), W_(r.flags[HMM_PFN_WRITE]), mask_(r.pfn_flags_mask),
        def_(r.default_flags), cpu_{0, V_, V_ | W_}, error_(r.values[HMM_PFN_ERROR]),
        none_(r.values[HMM_PFN_NONE]), special_(r.values[HMM_PFN_SPECIAL]),
        shift_(r.pfn_shift & 63u), owner_(r.dev_private_owner), five_(!g_.p4d_folded()), cache_(w) {
    for (unsigned c = 0; c < 3; ++c) need_[c] = pte_need(0, cpu_[c]);
  }

  // hmm_range_fault (hmm.c:575-598) with the restart budget of RunOptions.
  WalkerResult run(const RunOptions& o) {
    last_ = start_;
    WalkerResult res;
    for (;;) {
      if (w_.notifier.seq != seq_) { // hmm.c:588-590
        res.ret = kEBUSY;
        return res;
      }
      if (res.walks >= o.restart_budget) { // the seed would walk again, for ever
        res.livelock = true;
        res.ret = kEBUSY;
        return res;
      }
      ++res.walks;
      int ret = walk_page_range(last_, end_);
      if (ret == kEBUSY) continue; // hmm.c:593
      res.ret = ret ? long(ret) : long((last_ - start_) >> ps_);
      return res;
    }
  }

private:
  // --- pfns[] and requests -------------------------------------------------------------

  u64* out(u64 addr) const { return pfns_ + ((addr - start_) >> ps_); }
  // Iterations of the seed's `for (; addr < end; addr += PAGE_SIZE)` loops.
  u64 pages_upto(u64 addr, u64 end) const { return addr < end ? ((end - addr - 1) >> ps_) + 1 : 0; }
  // The seed's npages = (end - addr) >> PAGE_SHIFT.
  u64 npages(u64 addr, u64 end) const { return (end - addr) >> ps_; }

  // hmm_pte_need_fault (hmm.c:98-128): S17.
  unsigned pte_need(u64 req, u64 cpu) const {
    return shortcut::pte_need(req, cpu, V_, W_, mask_, def_);
  }
  unsigned need(u64 req, Cpu c) const {
    if constexpr (PerPage) return pte_need(req, cpu_[c]);
    return need_[c];
  }

  // hmm_range_need_fault (hmm.c:130-155) over [addr, end). Uniform requests need no reads
  // (S2, S3); per-page ones are scanned without branches per page (S4), or not at all (S5).
  unsigned range_need(u64 addr, u64 end, Cpu c) const {
    u64 n = npages(addr, end);
    if (n == 0) return 0;
    if constexpr (!PerPage) {
      return need_[c];
    } else {
      const u64 cpu = cpu_[c];
      if (shortcut::cpu_satisfies_all(cpu, V_, W_)) return 0;
      const u64* p = pfns_ + ((addr - start_) >> ps_);
      const u64 mask = mask_, def = def_, V = V_, W = W_;
      u64 any_v = 0, any_vw = 0;
      for (u64 i = 0; i < n;) {
        u64 stop = std::min(n, i + 4096);
        for (; i < stop; ++i) {
          const u64 t = shortcut::effective_request(p[i], mask, def);
          any_v |= t & V;
          any_vw |= shortcut::asks_valid_and_write(t, V, W);
        }
        if (any_vw) break; // nothing more can be learnt (hmm.c:151-152 stops at ALL)
      }
      return shortcut::range_need_from(any_v != 0, any_vw != 0, cpu, V, W);
    }
  }

  // hmm_pfns_fill (hmm.c:52-63). A value whose eight bytes are equal (0 for NONE in both v5.7
  // drivers) is written with memset, which the C library does with its widest stores.
  void fill(u64 addr, u64 end, u64 value) {
    u64* p = out(addr);
    const u64 n = pages_upto(addr, end);
    if (value == (value & 0xff) * 0x0101010101010101ull)
      std::memset(p, int(value & 0xff), n * sizeof(u64));
    else
      std::fill_n(p, n, value);
  }

  // The pfn runs of hmm.c:207-209, 454-457 and 499-502: (pfn + i) << pfn_shift | V | cpu.
  // When the flag bits lie below the shifted pfn (S16), that is first + i * (1 << pfn_shift).
  void fill_pfn_run(u64* p, u64 n, u64 pfn, u64 cpu) const {
    const u64 flags = V_ | cpu;
    const unsigned s = shift_;
    if (shortcut::flags_below_shift(flags, s)) {
      pfn_run_by_step(p, n, shortcut::pfn_run_first(pfn, flags, s), shortcut::pfn_run_step(s));
    } else {
      for (u64 i = 0; i < n; ++i) p[i] = ((pfn + i) << s) | flags;
    }
  }

  // --- hmm_vma_fault and the hole ------------------------------------------------------

  // hmm_vma_fault (hmm.c:76-96): every page of [addr, end), then a restart.
  int fault(u64 addr, u64 end, unsigned required, const Vma& vma) {
    last_ = addr;
    unsigned flags = fault::FLAG_REMOTE;
    if (required & HMM_NEED_WRITE_FAULT) {
      if (!(vma.flags & vm::WRITE)) return kEPERM;
      flags |= fault::FLAG_WRITE;
    }
    for (; addr < end; addr += page_) {
      const unsigned result = handle_mm_fault(w_, vma, addr, flags);
      if (!w_.races.empty()) fire_race(w_, RacePoint::FaultReturned, addr); // the fault returned
      if (result & fault::ERROR) return kEFAULT;
    }
    return kEBUSY;
  }

  // hmm_vma_walk_hole (hmm.c:157-179).
  int hole(u64 addr, u64 end, const Vma* vma) {
    unsigned required = range_need(addr, end, kCpuNone);
    if (!vma) {
      if (required) return kEFAULT;
      fill(addr, end, error_);
      return 0;
    }
    if (required) return fault(addr, end, required, *vma);
    last_ = addr;
    fill(addr, end, none_);
    return 0;
  }

  // --- walk_page_range (mm/pagewalk.c:379-432) and test_walk ----------------------------

  int walk_page_range(u64 start, u64 end) {
    if (start >= end) return kEINVAL;
    const std::vector<Vma>& vmas = w_.vmas.all();
    auto vma = std::upper_bound(vmas.begin(), vmas.end(), start,
                                [](u64 a, const Vma& v) { return a < v.end; }); // find_vma
    u64 next;
    do {
      const Vma* cur = nullptr;
      if (vma == vmas.end()) {
        next = end;
      } else if (start < vma->start) {
        next = std::min(end, vma->start);
      } else {
        cur = &*vma;
        next = std::min(end, vma->end);
        ++vma;
        int t = walk_test(start, next, *cur);
        if (t > 0) continue;
        if (t < 0) return t;
      }
      int err = (cur && cur->hugetlb()) ? walk_hugetlb_range(start, next, *cur)
                                        : walk_pgd_range(start, next, cur);
      if (err) return err;
    } while (start = next, start < end);
    return 0;
  }

  // hmm_vma_walk_test (hmm.c:511-544).
  int walk_test(u64 start, u64 end, const Vma& vma) {
    if (!(vma.flags & (vm::IO | vm::PFNMAP | vm::MIXEDMAP)) && (vma.flags & vm::READ)) return 0;
    if (range_need(start, end, kCpuNone)) return kEFAULT;
    fill(start, end, error_);
    last_ = end;
    return 1;
  }

  // --- PGD, P4D (mm/pagewalk.c:168-235) ----------------------------------------------------

  // p?d_none_or_clear_bad: a bad entry is cleared (the word becomes 0) and read as none.
  bool none_or_clear_bad(Level l, u64 table, unsigned i, u64 word) {
    if (word_none(l, g_.levels, word)) return true;
    if (!word_bad(g_, l, word)) return false;
    w_.table_words_mut(table)[i] = 0; // a non-zero word lies in a real table
    return true;
  }

  int walk_pgd_range(u64 addr, u64 end, const Vma* vma) {
    const u64 root = w_.root_pfn();
    const u64* t = cache_.words(Level::Pgd, root);
    do {
      u64 next = g_.addr_end(Level::Pgd, addr, end);
      unsigned i = g_.index(Level::Pgd, addr);
      u64 e = t[i];
      int err;
      if (none_or_clear_bad(Level::Pgd, root, i, e))
        err = hole(addr, next, vma);
      else if (five_)
        err = walk_p4d_range(table_pfn(g_, e), addr, next, vma);
      else
        err = walk_pud_range(table_pfn(g_, e), addr, next, vma);
      if (err) return err;
      addr = next;
    } while (addr != end);
    return 0;
  }

  int walk_p4d_range(u64 table, u64 addr, u64 end, const Vma* vma) {
    const u64* t = cache_.words(Level::P4d, table);
    do {
      u64 next = g_.addr_end(Level::P4d, addr, end);
      unsigned i = g_.index(Level::P4d, addr);
      u64 e = t[i];
      int err = none_or_clear_bad(Level::P4d, table, i, e)
                    ? hole(addr, next, vma)
                    : walk_pud_range(table_pfn(g_, e), addr, next, vma);
      if (err) return err;
      addr = next;
    } while (addr != end);
    return 0;
  }

  // --- PUD (mm/pagewalk.c:119-166, hmm.c:410-468) -----------------------------------------

  int walk_pud_range(u64 table, u64 addr, u64 end, const Vma* vma) {
    if (!vma) { // a gap: every PUD chunk is a hole (pagewalk.c:132)
      do {
        u64 next = g_.addr_end(Level::Pud, addr, end);
        if (int err = hole(addr, next, nullptr)) return err;
        addr = next;
      } while (addr != end);
      return 0;
    }
    const u64* t = cache_.words(Level::Pud, table);
    do {
      u64 next = g_.addr_end(Level::Pud, addr, end);
      unsigned i = g_.index(Level::Pud, addr);
      int err = 0;
      for (;;) { // pagewalk.c:130 `again`
        u64 pud = t[i];
        if (word_none(Level::Pud, g_.levels, pud)) {
          err = hole(addr, next, vma);
          break;
        }
        if (!shortcut::pud_huge_or_devmap(pud)) { // hmm.c:418-421: descend
          err = walk_pmd_range(table_pfn(g_, pud), addr, next, *vma);
          break;
        }
        // pud-locked (model/race.h): an event may land before hmm.c:425 reads the PUD
        if (!w_.races.empty() && fire_race(w_, RacePoint::PudLocked, addr)) {
          pud = t[i];
          if (word_none(Level::Pud, g_.levels, pud)) { // hmm.c:426-430, ACTION_CONTINUE
            err = hole(addr, next, vma);
            break;
          }
        }
        if ((pud & PSE) && (pud & DEVMAP)) { // hmm.c:432-460, ACTION_CONTINUE
          err = devmap_pud(pud, addr, next, *vma);
          break;
        }
        split_huge_pud(w_, addr); // hmm.c:463, pagewalk.c:155-158: cleared, then `again`
        if (u64 now = t[i]; !word_none(Level::Pud, g_.levels, now)) {
          // Not reached while the world's PUD slot is the walker's (it is, unless a table is
          // reachable along two paths); the seed then descends through pud_page_vaddr.
          u64 mask = (now & PSE) ? huge_pfn_mask(g_.shift(Level::Pud)) : pfn_mask_;
          err = walk_pmd_range((now & mask) >> ps_, addr, next, *vma);
          break;
        }
      }
      if (err) return err;
      addr = next;
    } while (addr != end);
    return 0;
  }

  // hmm.c:432-460: a devmap PUD, whole.
  int devmap_pud(u64 pud, u64 addr, u64 end, const Vma& vma) {
    if (!(pud & PRESENT)) return hole(addr, end, &vma);
    Cpu c = (pud & RW) ? kCpuVW : kCpuV;
    if (unsigned required = range_need(addr, end, c)) return fault(addr, end, required, vma);
    u64 pfn = huge_pfn(g_, Level::Pud, pud) + ((addr & ~g_.mask(Level::Pud)) >> ps_);
    fill_pfn_run(out(addr), npages(addr, end), pfn, cpu_[c]);
    last_ = end;
    return 0;
  }

  // --- PMD (mm/pagewalk.c:61-117, hmm.c:319-397) ------------------------------------------

  int walk_pmd_range(u64 table, u64 addr, u64 end, const Vma& vma) {
    const u64* t = cache_.words(Level::Pmd, table);
    do {
      u64 next = g_.addr_end(Level::Pmd, addr, end);
      const u64* slot = t + g_.index(Level::Pmd, addr);
      u64 pmd = *slot;
      // pmd-seen (model/race.h): an event may land before hmm.c:333 reads the PMD again
      if (!word_none(Level::Pmd, g_.levels, pmd) && !w_.races.empty() &&
          fire_race(w_, RacePoint::PmdSeen, addr))
        pmd = *slot; // hmm.c:333; none: hmm.c:334-335, the same hole
      int err = word_none(Level::Pmd, g_.levels, pmd) ? hole(addr, next, &vma)
                                                      : walk_pmd(slot, pmd, addr, next, vma);
      if (err) return err;
      addr = next;
    } while (addr != end);
    return 0;
  }

  // hmm_vma_walk_pmd (hmm.c:319-397) on a PMD that is not none, read from slot.
  int walk_pmd(const u64* slot, u64 pmd, u64 start, u64 end, const Vma& vma) {
    if (!shortcut::pmd_present(pmd)) {
      unsigned type = shortcut::swap_type(pmd);
      if (type == SWP_MIGRATION_READ || type == SWP_MIGRATION_WRITE) { // hmm.c:337-344
        if (range_need(start, end, kCpuNone)) {
          last_ = start;
          pmd_migration_entry_wait(w_, start);
          return kEBUSY;
        }
        fill(start, end, none_);
        return 0;
      }
      if (range_need(start, end, kCpuNone)) return kEFAULT; // hmm.c:346-350
      fill(start, end, error_);
      return 0;
    }
    if (shortcut::pmd_huge_or_devmap(pmd)) {
      // pmd-reread (model/race.h): an event may land before hmm.c:361 reads the PMD again
      if (!w_.races.empty() && fire_race(w_, RacePoint::PmdReread, start)) {
        pmd = *slot;
        if (!shortcut::pmd_huge_or_devmap(pmd)) // hmm.c:362-365: goto again
          return word_none(Level::Pmd, g_.levels, pmd) ? hole(start, end, &vma)
                                                       : walk_pmd(slot, pmd, start, end, vma);
      }
      return handle_pmd(pmd, start, end, vma);
    }
    if (word_bad(g_, Level::Pmd, pmd)) { // hmm.c:376-380
      if (range_need(start, end, kCpuNone)) return kEFAULT;
      fill(start, end, error_);
      return 0;
    }
    return walk_ptes(table_pfn(g_, pmd), start, end, vma);
  }

  // hmm_vma_handle_pmd (hmm.c:191-212).
  int handle_pmd(u64 pmd, u64 addr, u64 end, const Vma& vma) {
    Cpu c = shortcut::protnone(pmd) ? kCpuNone : (pmd & RW) ? kCpuVW : kCpuV;
    if (unsigned required = range_need(addr, end, c)) return fault(addr, end, required, vma);
    u64 pfn = huge_pfn(g_, Level::Pmd, pmd) + ((addr & ~g_.mask(Level::Pmd)) >> ps_);
    fill_pfn_run(out(addr), pages_upto(addr, end), pfn, cpu_[c]);
    last_ = end;
    return 0;
  }

  // --- PTEs (hmm.c:382-396 with hmm_vma_handle_pte, hmm.c:236-317) -----------------------

  int walk_ptes(u64 table, u64 addr, u64 end, const Vma& vma) {
    const u64* ptes = cache_.words(Level::Pte, table) + g_.index(Level::Pte, addr);
    u64* pfns = out(addr);
    const u64 n = pages_upto(addr, end);
    u64 i = plain_run(ptes, pfns, 0, n);
    while (i < n) {
      i = decode_run(ptes, pfns, i, std::min(n, i + kMaxPtes));
      if (i == n) break;
      u64 a = addr + (i << ps_);
      if (int r = handle_pte(ptes[i], a, end, pfns[i], vma)) {
        last_ = a; // hmm.c:389
        return r;
      }
      ++i;
    }
    last_ = addr + (n << ps_); // hmm.c:395: the address the loop stopped at
    return 0;
  }

  // hmm_vma_handle_pte for the PTEs [i, n) without a branch per page: each is decoded (S18)
  // into its output and whether it stops the run (it needs a fault, a wait or an error, which
  // handle_pte then does exactly). With uniform requests the default flags stand for every
  // request (S2, S3). Device-private entries are resolved afterwards, in order.
  // Outputs are written only up to the first stop; returns its index (n when none).
  u64 decode_run(const u64* ptes, u64* pfns, u64 i, u64 n) {
    u64 tmp[kMaxPtes];
    std::uint16_t devs[kMaxPtes];
    unsigned ndev = 0;
    const shortcut::PteDecoder<u64, unsigned> dk{
        pfn_mask_, ps_, zero_pfn_, V_, W_, none_, special_, shortcut::disjoint_bit(V_, W_), shift_};
    const u64 mask = mask_, def = def_, V = V_, W = W_;
    const unsigned s = shift_;
    u64 stop_at = n;
    for (u64 k = i; k < n; ++k) {
      const u64 t = PerPage ? shortcut::effective_request(pfns[k], mask, def) : def;
      const shortcut::PteDecoded<u64> d = shortcut::decode_pte(dk, ptes[k], t); // S18
      tmp[k - i] = d.out;
      devs[ndev] = std::uint16_t(k - i);
      ndev += unsigned(d.dev);
      if (d.stop) {
        stop_at = k;
        break;
      }
    }
    for (unsigned d = 0; d < ndev; ++d) { // hmm.c:262-275 for device-private entries
      const u64 k = i + devs[d];
      if (k >= stop_at) break;
      const u64 w = ptes[k], off = swp_offset(w);
      if (owners_.matches(w_, owner_, off)) {
        tmp[k - i] = ((off << s) | V) | (shortcut::swap_type(w) == SWP_DEVICE_WRITE ? W : 0);
      } else if (need(pfns[k], kCpuNone)) {
        stop_at = k; // a foreign page with a request: handle_pte returns -EFAULT
        break;
      }
    }
    std::copy_n(tmp, stop_at - i, pfns + i);
    return stop_at;
  }

  // The run of plain PTEs from index i that need no fault (S19): their outputs are written (S9)
  // in blocks of kPlainBlock, each checked whole before it is written; returns the first
  // index not handled. The block loops have no branch and are left to the vectorizer.
  u64 plain_run(const u64* ptes, u64* pfns, u64 i, u64 n) const {
    PlainRun c;
    c.pm = pfn_mask_;
    c.zb = zero_bits_;
    c.V = V_;
    c.W = W_;
    c.mask = mask_;
    c.def = def_;
    c.disjoint = shortcut::disjoint_bit(V_, W_);
    // With per-page requests the need is S6's, tested per PTE; with uniform ones it is known
    // for a read-only and for a writable page (S3, S19).
    c.bad_clear = shortcut::plain_bad_clear(PerPage ? 0u : need_[kCpuV]);
    c.bad_set = shortcut::plain_bad_set(PerPage ? 0u : need_[kCpuVW]);
    c.up = shortcut::output_shift_up(shift_, ps_); // ((w & pm) >> ps) << s as one shift (S9)
    c.down = shortcut::output_shift_down(shift_, ps_);
    c.simple = shortcut::simple_output_applies(shift_, ps_, W_);
    if (c.simple) {
      while (i + kPlainBlock <= n && !c.stops<PerPage>(ptes + i, pfns + i)) {
        c.write<true>(ptes + i, pfns + i);
        i += kPlainBlock;
      }
    } else {
      while (i + kPlainBlock <= n && !c.stops<PerPage>(ptes + i, pfns + i)) {
        c.write<false>(ptes + i, pfns + i);
        i += kPlainBlock;
      }
    }
    for (; i < n; ++i) {
      if (c.stops_one<PerPage>(ptes[i], pfns[i])) return i;
      pfns[i] = c.output(ptes[i]);
    }
    return i;
  }

  // hmm_vma_handle_pte (hmm.c:236-317) for one PTE; `end` is the PMD chunk's end.
  int handle_pte(u64 pte, u64 addr, u64 end, u64& pfn, const Vma& vma) {
    const u64 req = pfn;
    if (word_none(Level::Pte, g_.levels, pte)) { // hmm.c:247-253
      if (unsigned required = need(req, kCpuNone)) return fault(addr, end, required, vma);
      pfn = none_;
      return 0;
    }
    if (!(pte & (PRESENT | PROTNONE))) { // hmm.c:255-290
      unsigned type = shortcut::swap_type(pte);
      if (type == SWP_DEVICE_READ || type == SWP_DEVICE_WRITE) {
        u64 dev = swp_offset(pte);
        if (owners_.matches(w_, owner_, dev)) { // hmm.c:262-269
          pfn = ((dev << shift_) | V_) | (type == SWP_DEVICE_WRITE ? W_ : 0);
          return 0;
        }
      }
      unsigned required = need(req, kCpuNone);
      if (!required) {
        pfn = none_;
        return 0;
      }
      if (type < MAX_SWAPFILES) return fault(addr, end, required, vma);
      if (type == SWP_MIGRATION_READ || type == SWP_MIGRATION_WRITE) {
        last_ = addr;
        migration_entry_wait(w_, addr);
        return kEBUSY;
      }
      return kEFAULT;
    }
    Cpu c = Cpu(shortcut::pte_cpu_index(pte)); // S1
    if (unsigned required = need(req, c)) return fault(addr, end, required, vma);
    u64 p = pte_pfn(g_, pte);
    if ((pte & SPECIAL) && p != zero_pfn_) { // hmm.c:301-308
      if (need(req, kCpuNone)) return kEFAULT;
      pfn = special_;
      return 0;
    }
    pfn = ((p << shift_) | V_) | cpu_[c]; // hmm.c:310
    return 0;
  }

  // --- hugetlb (mm/pagewalk.c:238-271, hmm.c:474-506) -------------------------------------

  int walk_hugetlb_range(u64 addr, u64 end, const Vma& vma) {
    const u64 sz = vma.hugetlb_size, hmask = ~(sz - 1);
    do {
      u64 boundary = (addr & hmask) + sz;
      u64 next = boundary < end ? boundary : end;
      const u64* slot = huge_pte_offset(addr & hmask, sz);
      int err = slot ? hugetlb_entry(*slot, hmask, addr, next, vma) : hole(addr, next, &vma);
      if (err) return err;
      addr = next;
    } while (addr != end);
    return 0;
  }

  // huge_pte_offset (mm/hugetlb.c, CONFIG_ARCH_WANT_GENERAL_HUGETLB) with x86's predicates.
  const u64* huge_pte_offset(u64 addr, u64 sz) {
    const u64* pgd = cache_.words(Level::Pgd, w_.root_pfn()) + g_.index(Level::Pgd, addr);
    const u64* p4d = pgd;
    if (five_) {
      if (!(*pgd & PRESENT)) return nullptr; // pgd_present
      p4d = cache_.words(Level::P4d, table_pfn(g_, *pgd)) + g_.index(Level::P4d, addr);
    }
    if (!(*p4d & PRESENT)) return nullptr; // p4d_present
    const u64* pud = cache_.words(Level::Pud, table_pfn(g_, *p4d)) + g_.index(Level::Pud, addr);
    if (sz != g_.size(Level::Pud) && word_none(Level::Pud, g_.levels, *pud)) return nullptr;
    if ((*pud & PSE) || !(*pud & PRESENT)) return pud; // pud_huge || !pud_present
    const u64* pmd = cache_.words(Level::Pmd, table_pfn(g_, *pud)) + g_.index(Level::Pmd, addr);
    if (sz != g_.size(Level::Pmd) && word_none(Level::Pmd, g_.levels, *pmd)) return nullptr;
    if (shortcut::pmd_huge(*pmd) || !shortcut::pmd_present(*pmd)) return pmd;
    return nullptr;
  }

  // hmm_vma_walk_hugetlb_entry (hmm.c:474-506): the first page's request decides.
  int hugetlb_entry(u64 entry, u64 hmask, u64 start, u64 end, const Vma& vma) {
    const u64 req = *out(start);
    Cpu c = Cpu(shortcut::pte_cpu_index(entry)); // S1
    if (unsigned required = need(req, c)) return fault(start, end, required, vma);
    u64 pfn = pte_pfn(g_, entry) + ((start & ~hmask) >> ps_);
    fill_pfn_run(out(start), pages_upto(start, end), pfn, cpu_[c]);
    last_ = end;
    return 0;
  }

  // --- state ---------------------------------------------------------------------------
  World& w_;
  const Geometry& g_;
  u64* const pfns_;
  const u64 start_, end_, seq_;
  const unsigned ps_;
  const u64 page_, pfn_mask_, zero_pfn_, zero_bits_;
  const u64 V_, W_, mask_, def_;
  const std::array<u64, 3> cpu_; // the CPU flag words of kCpuNone, kCpuV, kCpuVW
  const u64 error_, none_, special_;
  const unsigned shift_;
  const u64 owner_;
  const bool five_;                // 5-level paging: P4D is a level of its own
  std::array<unsigned, 3> need_{}; // uniform requests: the need for each Cpu
  TableCache cache_;
  DeviceOwners owners_;
  u64 last_ = 0; // hmm_vma_walk.last (hmm.c:29-32)
};

bool unaligned(const Geometry& g, const HmmRange& r) {
  return ((r.start | r.end) & (g.page_size() - 1)) != 0;
}

} // namespace

std::size_t walker_pfns_needed(const Geometry& g, const HmmRange& r) {
  if (r.start >= r.end) return 0;
  return std::size_t((r.end - r.start) >> g.page_shift) + (unaligned(g, r) ? 1 : 0);
}

WalkerResult walker_hmm_range_fault_in_place(World& w, const HmmRange& r, std::span<u64> pfns,
                                             const RunOptions& o) {
  const u64 V = r.flags[HMM_PFN_VALID], W = r.flags[HMM_PFN_WRITE];
  const bool per_page = !shortcut::never_needs(r.default_flags, r.pfn_flags_mask, V) &&
                        !shortcut::uniform_request(r.pfn_flags_mask, V, W);
  if (per_page) return Walker<true>(w, r, pfns.data()).run(o);
  return Walker<false>(w, r, pfns.data()).run(o);
}

Outcome walker_hmm_range_fault(const World& w, const HmmRange& r, const RunOptions& o) {
  Outcome out;
  out.world = w;
  out.pfns = r.pfns;
  const std::size_t size = out.pfns.size();
  const std::size_t needed = walker_pfns_needed(w.geom, r);
  if (needed > size) out.pfns.resize(needed, 0); // the spare entries are not part of the outcome
  WalkerResult res = walker_hmm_range_fault_in_place(out.world, r, out.pfns, o);
  out.pfns.resize(size);
  out.ret = res.ret;
  out.walks = res.walks;
  out.livelock = res.livelock;
  return out;
}

} // namespace hmmspec
