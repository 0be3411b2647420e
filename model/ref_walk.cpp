// SPDX-License-Identifier: GPL-2.0-or-later
#include "model/ref_walk.h"

#include <fmt/format.h>

#include <optional>
#include <span>
#include <stdexcept>

#include "model/fault.h"
#include "model/outcome.h"
#include "model/race.h"
#include "model/range_v6.h"
#include "model/ref_lookup.h"

namespace hmmspec {

using namespace x86;

namespace {

constexpr long kBusy = -err::kEBUSY;
constexpr long kFault = -err::kEFAULT;
constexpr long kPerm = -err::kEPERM;
constexpr long kInval = -err::kEINVAL;

// What a chunk decision leaves for the pages of the chunk when the walk goes on.
enum class Fill : std::uint8_t {
  Value,  // one of values[]: NONE or ERROR (hmm_pfns_fill, hmm.c:52-63)
  Pfn,    // a huge entry's pfn plus the page's offset in it, | V | cpu_flags
  PerPte, // every page decided on its own by the PTE table (hmm.c:382-392)
};

// The decision taken at a chunk's first page, for every page of [start, end).
struct Verdict {
  u64 start = 0;
  u64 end = 0;
  Fill fill = Fill::Value;
  HmmPfnValue value = HMM_PFN_NONE;
  u64 cpu_flags = 0;
  std::vector<RuleId> rules; // recorded for every page of the chunk
  bool covers(u64 addr) const { return start <= addr && addr < end; }
};

const Geometry& geom(const RefCall& c) {
  return c.world.geom;
}
// Whether the world follows a 6.x kernel (the fixed-bit API and the 6.1/6.12 walk), and 6.12.
bool v6(const RefCall& c) {
  return has_v6_api(c.world.geom.kernel);
}
bool v6_12(const RefCall& c) {
  return c.world.geom.kernel == KernelVersion::V6_12;
}
u64 page_size(const RefCall& c) {
  return c.world.geom.page_size();
}
u64 V(const RefCall& c) {
  return c.range.flags[HMM_PFN_VALID];
}
u64 W(const RefCall& c) {
  return c.range.flags[HMM_PFN_WRITE];
}

// The page index of an address: (addr - range->start) >> PAGE_SHIFT, as everywhere in hmm.c.
std::size_t index_of(const RefCall& c, u64 addr) {
  return std::size_t((addr - c.range.start) >> geom(c).page_shift);
}

void note(RefCall& c, u64 addr, RuleId r) {
  if (c.trace) c.trace->page(addr, c.walk, r);
}

// The next page after addr, or `end` when adding a page would wrap around the address space
// (only an unaligned end near 2^64 can do that; the loops below must still end).
u64 next_page(const RefCall& c, u64 addr, u64 end) {
  u64 n = addr + page_size(c);
  return n > addr ? n : end;
}

void note_all(RefCall& c, u64 start, u64 end, const std::vector<RuleId>& rules) {
  for (u64 a = start; a < end; a = next_page(c, a, end))
    for (RuleId r : rules) note(c, a, r);
}

void event(RefCall& c, std::string text) {
  if (c.trace) c.trace->event(std::move(text));
}

// The logged event the world just appended, as an event of this walk.
void event_from_log(RefCall& c) {
  if (!c.world.log.empty()) event(c, describe(c.world.log.back()));
}

// The entry that maps addr at the lowest level a lookup reaches, for the trace.
std::string leaf_text(const World& w, u64 addr) {
  for (Level l : {Level::Pte, Level::Pmd, Level::Pud}) {
    const u64* slot = w.find_slot(l, addr);
    if (!slot) continue;
    Entry e = classify(w.geom, l, *slot, w.zero_pfn, w.context_at(l, addr));
    return fmt::format("{} {}", level_name(l), describe(e));
  }
  return "no table";
}

u64 request_at(const RefCall& c, u64 addr) {
  std::size_t i = index_of(c, addr);
  return i < c.pfns.size() ? c.pfns[i] : 0;
}

void write_output(RefCall& c, u64 addr, u64 word) {
  std::size_t i = index_of(c, addr);
  if (i < c.pfns.size()) c.pfns[i] = word;
  if (c.trace) c.trace->wrote(addr, c.walk);
}

// R-REQUEST and R-NEED-NOTHING, noted for a page whose request they shape.
void note_request(RefCall& c, u64 addr) {
  u64 stored = request_at(c, addr);
  u64 req = (stored & c.range.pfn_flags_mask) | c.range.default_flags; // hmm.c:113
  u64 vw = V(c) | W(c);
  if ((req & vw) != (stored & vw)) note(c, addr, RuleId::Request);
  if ((req & W(c)) && !(req & V(c))) note(c, addr, RuleId::NeedNothing);
}

// The rule naming a non-zero need: a write fault or a read fault.
RuleId need_rule(unsigned need) {
  return (need & HMM_NEED_WRITE_FAULT) ? RuleId::NeedWrite : RuleId::NeedRead;
}

// hmm_range_need_fault (hmm.c:130-155) over the requests of a chunk, one cpu_flags for all.
// Adds the need rules to `rules`: R-NEED-OR when the chunk needs more than its first page.
unsigned chunk_need(const RefCall& c, u64 start, u64 end, u64 cpu_flags,
                    std::vector<RuleId>& rules) {
  std::size_t i = index_of(c, start), n = std::size_t((end - start) >> geom(c).page_shift);
  if (i > c.pfns.size()) i = c.pfns.size();
  if (n > c.pfns.size() - i) n = c.pfns.size() - i;
  unsigned need = range_need_fault(c.range, std::span<const u64>(c.pfns.data() + i, n), cpu_flags);
  if (need) {
    rules.push_back(need_rule(need));
    if (need != pte_need_fault(c.range, request_at(c, start), cpu_flags))
      rules.push_back(RuleId::NeedOr);
  }
  return need;
}

// The CPU flags of a mapping in the driver's encoding (hmm.c:181-188, 227-234, 401-408).
u64 cpu_flags(const RefCall& c, bool accessible, bool writable) {
  return cpu_flags_for(c.range, accessible, writable);
}

// Writes a pfn output. v5.7: hmm_device_entry_from_pfn | cpu_flags, noting R-OUTPUT-VALID when
// the CPU flags lack VALID (the encoder adds it anyway). 6.x: pfn | cpu_flags (the flags may
// carry a map order), noting R-OUTPUT-CPU-FLAGS when they lack VALID: the output has none.
void write_pfn(RefCall& c, u64 addr, u64 pfn, u64 cpu) {
  if (v6(c)) {
    write_output(c, addr, hmm6::pfn_output(pfn, cpu));
    if (!(cpu & hmm6::VALID)) note(c, addr, RuleId::OutputCpuFlags);
    return;
  }
  write_output(c, addr, device_entry_from_pfn(c.range, pfn) | cpu);
  if (!(cpu & V(c))) note(c, addr, RuleId::OutputValid);
}

// The order of a mapping of `size` bytes: PMD_SHIFT - PAGE_SHIFT, PUD_SHIFT - PAGE_SHIFT and
// huge_page_order in the world's geometry.
unsigned order_of_size(const RefCall& c, u64 size) {
  unsigned order = 0;
  while ((geom(c).page_size() << order) < size) ++order;
  return order;
}

// R-OUTPUT-WRITE, noted when an output carries W that the page's request did not ask for
// (a request asks for write only with both V and W, hmm.c:116-122).
void note_output_write(RefCall& c, u64 addr, u64 req, u64 cpu) {
  u64 eff = (req & c.range.pfn_flags_mask) | c.range.default_flags;
  bool asked = (eff & V(c)) && (eff & W(c));
  if ((cpu & W(c)) && !asked) note(c, addr, RuleId::OutputWrite);
}

// Whether the walk holds the hugetlb VMA lock while it faults: 6.12 walk_hugetlb_range holds
// it around pte_hole (6.12 mm/pagewalk.c:294-305); its hugetlb_entry callback drops it (6.12
// mm/hmm.c:495-505) and 6.1 takes none.
enum class VmaLock : std::uint8_t { None, HugetlbHeld };

bool fire_at(RefCall& c, RacePoint point, u64 addr);

// hmm_vma_fault (hmm.c:76-96): last = start of the span; -EPERM for a write fault on a VMA
// without VM_WRITE; else handle_mm_fault on every page of [start, end) in order, -EFAULT at the
// first VM_FAULT_ERROR, -EBUSY when all succeed. The notifier is not looked at in between.
// Under the hugetlb VMA lock each fault takes it again (R-HUGETLB-HOLE-LOCKED).
long vma_fault(RefCall& c, const Vma& vma, u64 start, u64 end, unsigned need,
               VmaLock lock = VmaLock::None) {
  c.last = start;
  const bool write = need & HMM_NEED_WRITE_FAULT;
  if (write && !(vma.flags & vm::WRITE)) {
    note(c, start, RuleId::FaultEperm);
    return kPerm;
  }
  const unsigned flags = fault::FLAG_REMOTE | (write ? fault::FLAG_WRITE : 0);
  for (u64 a = start; a < end; a = next_page(c, a, end)) {
    note(c, a, RuleId::FaultSpan);
    if (write) note(c, a, RuleId::FaultWrite);
    const bool narrate = c.trace && c.trace->wants_event(); // the text only while it is kept
    std::string before = narrate ? leaf_text(c.world, a) : std::string();
    u64 seq = c.world.notifier.seq;
    if (lock == VmaLock::HugetlbHeld) { // hugetlb_fault's take (6.12 mm/hugetlb.c:6439)
      note(c, a, RuleId::HugetlbHoleLocked);
      c.reports.push_back(hugetlb_vma_lock_recursion(a));
    }
    unsigned result = handle_mm_fault(c.world, vma, a, flags);
    if (c.trace && !narrate) {
      c.trace->event({}); // counted as omitted
    } else if (c.trace && !c.world.log.empty()) {
      std::string after = leaf_text(c.world, a);
      std::string text = describe(c.world.log.back()) + ": " + before;
      if (after != before) text += " -> " + after;
      if (c.world.notifier.seq != seq)
        text += fmt::format("; notifier seq {} -> {}", seq, c.world.notifier.seq);
      event(c, std::move(text));
    }
    if (!c.world.races.empty()) fire_at(c, RacePoint::FaultReturned, a); // hmm.c:92-93
    if (result & fault::ERROR) {
      note(c, a, RuleId::FaultEfault);
      return kFault;
    }
  }
  note(c, start, RuleId::FaultEbusy);
  return kBusy;
}

// Ends the walk at a chunk decision: its rules go to every page of the chunk first.
long stop(RefCall& c, const Verdict& v, long ret) {
  note_all(c, v.start, v.end, v.rules);
  return ret;
}

long stop_with_fault(RefCall& c, const Verdict& v, const Vma& vma, unsigned need,
                     VmaLock lock = VmaLock::None) {
  note_all(c, v.start, v.end, v.rules);
  return vma_fault(c, vma, v.start, v.end, need, lock);
}

// hmm_vma_walk_hole (hmm.c:157-179) over the verdict's chunk; `lock` is what the walker holds.
std::optional<long> decide_hole(RefCall& c, const Portion& p, Verdict& v,
                                VmaLock lock = VmaLock::None) {
  unsigned need = chunk_need(c, v.start, v.end, 0, v.rules);
  if (!p.vma) {
    if (need) {
      v.rules.push_back(RuleId::HoleGapEfault);
      return stop(c, v, kFault);
    }
    v.rules.push_back(RuleId::HoleGapError); // last is left alone
    v.value = HMM_PFN_ERROR;
    return std::nullopt;
  }
  if (need) {
    v.rules.push_back(RuleId::HoleVmaFault);
    return stop_with_fault(c, v, *p.vma, need, lock);
  }
  v.value = HMM_PFN_NONE;
  if (v6(c)) { // R-HOLE-VMA-EMPTY (6.1 mm/hmm.c:168): last is left alone
    v.rules.push_back(RuleId::HoleVmaEmpty);
    return std::nullopt;
  }
  v.rules.push_back(RuleId::HoleVmaNone);
  c.last = v.start; // the hole's start, not its end
  return std::nullopt;
}

// hmm_vma_walk_test for a rejected VMA portion (hmm.c:533-543).
std::optional<long> decide_unsupported(RefCall& c, Verdict& v) {
  unsigned need = chunk_need(c, v.start, v.end, 0, v.rules);
  if (need) {
    v.rules.push_back(RuleId::VmaUnsupportedEfault);
    return stop(c, v, kFault);
  }
  v.value = HMM_PFN_ERROR;
  if (v6(c)) { // R-VMA-UNSUPPORTED-SKIP (6.1 mm/hmm.c:539-542): last is left alone
    v.rules.push_back(RuleId::VmaUnsupportedSkip);
    return std::nullopt;
  }
  v.rules.push_back(RuleId::VmaUnsupportedFill);
  c.last = v.end;
  return std::nullopt;
}

// A huge entry handled whole (hmm_vma_handle_pmd hmm.c:191-212, the devmap PUD hmm.c:442-459;
// 6.1 mm/hmm.c:187-208, 446-457): the OR of the chunk's needs against its cpu flags faults the
// chunk, else a pfn fill (last = chunk end in v5.7; left alone in 6.x).
std::optional<long> decide_huge(RefCall& c, const Portion& p, Verdict& v, u64 cpu, RuleId fill,
                                RuleId fault) {
  unsigned need = chunk_need(c, v.start, v.end, cpu, v.rules);
  if (need) {
    v.rules.push_back(fault);
    return stop_with_fault(c, v, *p.vma, need);
  }
  v.rules.push_back(fill);
  v.fill = Fill::Pfn;
  v.cpu_flags = cpu;
  if (!v6(c)) c.last = v.end;
  return std::nullopt;
}

// A PMD decided for its whole chunk without a fault: migration (hmm.c:337-344), another
// non-present entry (hmm.c:346-350) or pmd_bad (hmm.c:376-380).
std::optional<long> decide_pmd_other(RefCall& c, const Site& s, Verdict& v) {
  unsigned need = chunk_need(c, v.start, v.end, 0, v.rules);
  switch (s.kind) {
  case SiteKind::PmdMigration:
    if (need) {
      v.rules.push_back(RuleId::PmdMigrationWait);
      note_all(c, v.start, v.end, v.rules);
      c.last = v.start;
      pmd_migration_entry_wait(c.world, v.start);
      event_from_log(c);
      return kBusy;
    }
    v.rules.push_back(RuleId::PmdMigrationNone);
    v.value = HMM_PFN_NONE;
    return std::nullopt;
  case SiteKind::PmdNotPresent:
    v.rules.push_back(need ? RuleId::PmdNotPresentEfault : RuleId::PmdNotPresentError);
    break;
  default: // pmd_bad: the entry is left as it is
    v.rules.push_back(need ? RuleId::PmdBadEfault : RuleId::PmdBadError);
    break;
  }
  if (need) return stop(c, v, kFault);
  v.value = HMM_PFN_ERROR;
  return std::nullopt;
}

// hmm_vma_walk_hugetlb_entry (hmm.c:474-506; 6.1 mm/hmm.c:472-506; 6.12 mm/hmm.c:468-515):
// only the chunk's first request is read.
std::optional<long> decide_hugetlb(RefCall& c, const Portion& p, const Site& s, Verdict& v) {
  // pte_to_hmm_pfn_flags on the slot: 0 when none, not present or protnone; 6.x ORs in the
  // order of the huge page (6.1 mm/hmm.c:491-492).
  bool accessible =
      s.entry.kind == Kind::Huge || s.entry.kind == Kind::Page || s.entry.kind == Kind::Zero;
  const u64 order = order_of_size(c, p.vma->hugetlb_size);
  u64 cpu = v6(c) ? hmm6::hugetlb_cpu_flags(accessible, bool(s.word & RW), order)
                  : cpu_flags(c, accessible, s.word & RW);
  if (v6(c)) v.rules.push_back(RuleId::HugetlbSlotAny);
  v.rules.push_back(RuleId::HugetlbFirstRequest);
  unsigned need = pte_need_fault(c.range, request_at(c, v.start), cpu);
  if (need) {
    v.rules.push_back(need_rule(need));
    v.rules.push_back(RuleId::HugetlbFault);
    return stop_with_fault(c, v, *p.vma, need);
  }
  v.rules.push_back(v6(c) ? RuleId::HugetlbFillOrder : RuleId::HugetlbFill);
  v.fill = Fill::Pfn;
  v.cpu_flags = cpu;
  if (!v6(c)) c.last = v.end;
  return std::nullopt;
}

// The decision for the chunk starting at the current page, from that page's site. Returns
// the walk's result when the decision ends the walk, else leaves the verdict in `v`.
std::optional<long> decide_chunk(RefCall& c, const Portion& p, const Site& s, Verdict& v,
                                 std::optional<RuleId> race) {
  v = Verdict{s.chunk.start, s.chunk.end, Fill::Value, HMM_PFN_NONE, 0, {}};
  if (p.vma && s.kind != SiteKind::Unsupported)
    v.rules.push_back(v6(c) ? RuleId::VmaSupportedMixedmap : RuleId::VmaSupported);
  if (race) v.rules.push_back(*race); // R-RACE-PMD-AGAIN
  // A PMD-level site was reached by descending through a PUD (R-PUD-TABLE; in 6.12 the PUD
  // was present, R-PUD-TABLE-PRESENT).
  const bool hugetlb = s.kind == SiteKind::HugetlbSlot || s.cause == RuleId::HugetlbNoSlot ||
                       s.cause == RuleId::HugetlbNoSlotUpper;
  if ((s.level == Level::Pmd || s.level == Level::Pte) && !hugetlb)
    v.rules.push_back(v6_12(c) ? RuleId::PudTablePresent : RuleId::PudTable);
  switch (s.kind) {
  case SiteKind::Unsupported:
    return decide_unsupported(c, v);
  case SiteKind::BadTop: { // p?d_none_or_clear_bad: cleared, then a hole
    u64* words = c.world.table_words_mut(s.table);
    if (words) words[s.index] = 0;
    event(c, fmt::format("clear bad {} entry for {:#x} (was {:#x})", level_name(s.level),
                         s.chunk.start, s.word));
    v.rules.push_back(s.cause);
    return decide_hole(c, p, v);
  }
  case SiteKind::Hole:
    if (hugetlb) v.rules.push_back(RuleId::HugetlbChunk);
    v.rules.push_back(s.cause);
    // 6.12 walk_hugetlb_range calls pte_hole under the hugetlb VMA lock (mm/pagewalk.c:294-305)
    return decide_hole(c, p, v, hugetlb && v6_12(c) ? VmaLock::HugetlbHeld : VmaLock::None);
  case SiteKind::PudSplit: { // ACTION_SUBTREE: split_huge_pud clears it, then it is none
    u64 seq = c.world.notifier.seq;
    split_huge_pud(c.world, s.chunk.start);
    event(c, fmt::format("split (clear) pud for {:#x} (was {:#x}); notifier seq {} -> {}",
                         s.chunk.start, s.word, seq, c.world.notifier.seq));
    v.rules.push_back(RuleId::PudSplit);
    return decide_hole(c, p, v);
  }
  case SiteKind::PudLivelock: // 6.12: walk_pud_range looks at this PUD again, for ever
    v.rules.push_back(RuleId::PudAgainLivelock);
    c.livelock = true;
    return stop(c, v, kBusy);
  case SiteKind::PudDevmap: { // pud_to_hmm_pfn_flags: present here, so V or V|W (6.x: | order)
    const u64 order = order_of_size(c, geom(c).size(Level::Pud));
    const u64 cpu = v6(c) ? hmm6::pud_cpu_flags(true, bool(s.word & RW), order)
                          : cpu_flags(c, true, s.word & RW);
    return decide_huge(c, p, v, cpu, s.cause, RuleId::PudDevmapFault);
  }
  case SiteKind::PmdHuge: { // pmd_to_hmm_pfn_flags: 0 when protnone (6.x: else | order)
    const u64 order = order_of_size(c, geom(c).size(Level::Pmd));
    const u64 cpu = v6(c) ? hmm6::pmd_cpu_flags(s.entry.protnone, bool(s.word & RW), order)
                          : cpu_flags(c, !s.entry.protnone, s.word & RW);
    return decide_huge(c, p, v, cpu, s.cause, RuleId::PmdHugeFault);
  }
  case SiteKind::PmdMigration:
  case SiteKind::PmdNotPresent:
  case SiteKind::PmdBad:
    return decide_pmd_other(c, s, v);
  case SiteKind::Pte:
    v.rules.push_back(s.cause); // R-PMD-TABLE, or R-PMD-TABLE-PTES in 6.x
    v.fill = Fill::PerPte;
    return std::nullopt;
  case SiteKind::HugetlbSlot:
    v.rules.push_back(RuleId::HugetlbChunk);
    return decide_hugetlb(c, p, s, v);
  }
  return std::nullopt;
}

// An event of the world fires at an interleaving point (model/race.h): noted in the trace.
bool fire_at(RefCall& c, RacePoint point, u64 addr) {
  const u64 seq = c.world.notifier.seq;
  const Level l = race_level(point);
  auto word = [&] {
    const u64* slot = c.world.find_slot(l, addr);
    return slot ? *slot : 0;
  };
  const u64 before = word();
  if (!fire_race(c.world, point, addr)) return false;
  event(c, fmt::format("race at {} for {:#x}: {} {:#x} -> {:#x}; notifier seq {} -> {}",
                       race_point_name(point), addr, level_name(l), before, word(), seq,
                       c.world.notifier.seq));
  return true;
}

// The interleaving points the walk passes on its way to the decision for the chunk of site s
// (model/race.h), in the kernel's order. An event that fires changes the world, and the site
// is then what hmm reads afterwards:
// - pud-locked: hmm_vma_walk_pud took the lock of a trans-huge or devmap PUD (hmm.c:415-421)
//   and reads it (hmm.c:425): none is R-RACE-PUD-NONE (hmm.c:426-430; 6.1 mm/hmm.c:417-429,
//   6.12 mm/hmm.c:418-430).
// - pmd-seen: walk_pmd_range found the PMD not none and called hmm_vma_walk_pmd, whose own
//   read (hmm.c:333) finds it none: R-RACE-PMD-NONE (hmm.c:334-335).
// - pmd-reread: the PMD was huge at hmm.c:333-352, and is not at hmm.c:361:
//   R-RACE-PMD-AGAIN (hmm.c:362-365), read again from hmm.c:332 and handled as it now is.
// Returns R-RACE-PMD-AGAIN when that path was taken.
std::optional<RuleId> pass_race_points(RefCall& c, const Portion& p, Site& s, u64 addr) {
  if (c.world.races.empty() || !p.vma) return std::nullopt;
  // (the holes of a PUD pud_trans_huge_lock took: a devmap or trans-huge one not present)
  const bool pud_locked = s.kind == SiteKind::PudDevmap || s.kind == SiteKind::PudSplit ||
                          (s.kind == SiteKind::Hole && (s.cause == RuleId::PudDevmapAbsent ||
                                                        s.cause == RuleId::PudDevmapNotPresent ||
                                                        s.cause == RuleId::PudNotPresent));
  if (pud_locked) {
    if (fire_at(c, RacePoint::PudLocked, addr)) {
      s = look_up(c.world, addr, p);
      if (s.kind == SiteKind::Hole && s.cause == RuleId::PudNone) s.cause = RuleId::RacePudNone;
    }
    return std::nullopt;
  }
  const bool pmd_entry = s.kind == SiteKind::PmdMigration || s.kind == SiteKind::PmdNotPresent ||
                         s.kind == SiteKind::PmdHuge || s.kind == SiteKind::PmdBad ||
                         s.kind == SiteKind::Pte;
  if (!pmd_entry) return std::nullopt;
  auto none_is_race = [&] {
    if (s.kind == SiteKind::Hole && s.cause == RuleId::PmdNone) s.cause = RuleId::RacePmdNone;
  };
  if (fire_at(c, RacePoint::PmdSeen, addr)) {
    s = look_up(c.world, addr, p);
    none_is_race();
  }
  if (s.kind != SiteKind::PmdHuge || !fire_at(c, RacePoint::PmdReread, addr)) return std::nullopt;
  s = look_up(c.world, addr, p);
  if (s.kind == SiteKind::PmdHuge) return std::nullopt; // still huge: handled as such
  none_is_race();
  return RuleId::RacePmdAgain;
}

// The pfn a page of a huge entry maps: the entry's pfn plus the page's offset inside it
// (hmm.c:207, 454, 499; the kernel increments from the chunk start, which is the same).
u64 huge_page_pfn(const RefCall& c, const Site& s, u64 addr) {
  const Geometry& g = geom(c);
  switch (s.kind) {
  case SiteKind::PmdHuge:
    return huge_pfn(g, Level::Pmd, s.word) + ((addr & ~g.mask(Level::Pmd)) >> g.page_shift);
  case SiteKind::PudDevmap:
    return huge_pfn(g, Level::Pud, s.word) + ((addr & ~g.mask(Level::Pud)) >> g.page_shift);
  case SiteKind::HugetlbSlot:
    return pte_pfn(g, s.word) + ((addr & ~s.hmask) >> g.page_shift);
  default:
    throw std::logic_error("reference: a pfn fill over a page that is not in a huge entry");
  }
}

// hmm_vma_handle_pte (hmm.c:236-317) for one page of a PMD table chunk ending at chunk_end.
long decide_pte_v5_7(RefCall& c, const Portion& p, const Site& s, u64 addr, u64 chunk_end) {
  const HmmRange& r = c.range;
  const u64 req = request_at(c, addr);
  const Entry& e = s.entry;
  const Geometry& g = geom(c);
  // A fault span from this page to the end of the PMD chunk (hmm.c:313-316).
  auto fault = [&](RuleId row, unsigned need) {
    note(c, addr, row);
    note(c, addr, need_rule(need));
    note(c, addr, RuleId::PteFaultSpan);
    return vma_fault(c, *p.vma, addr, chunk_end, need);
  };
  switch (e.kind) {
  case Kind::None: {
    unsigned need = pte_need_fault(r, req, 0);
    if (need) return fault(RuleId::PteNoneFault, need);
    note(c, addr, RuleId::PteNone);
    write_output(c, addr, r.values[HMM_PFN_NONE]);
    return 0;
  }
  case Kind::Swap:
  case Kind::Migration:
  case Kind::Device:
  case Kind::Hwpoison: {
    if (e.kind == Kind::Device && c.world.owner_of(e.pfn) == r.dev_private_owner) {
      note(c, addr, RuleId::PteDeviceOwned);
      u64 out = device_entry_from_pfn(r, e.pfn) | V(c);
      if (e.write) out |= W(c);
      write_output(c, addr, out);
      return 0;
    }
    unsigned need = pte_need_fault(r, req, 0);
    if (!need) {
      note(c, addr, RuleId::PteNonPresentNone);
      write_output(c, addr, r.values[HMM_PFN_NONE]);
      return 0;
    }
    if (e.kind == Kind::Swap) return fault(RuleId::PteSwapFault, need);
    c.last = addr;
    if (e.kind == Kind::Migration) {
      note(c, addr, RuleId::PteMigrationWait);
      migration_entry_wait(c.world, addr);
      event_from_log(c);
      return kBusy;
    }
    note(c, addr, RuleId::PteNonPresentEfault);
    return kFault;
  }
  default: { // present: a page, the zero page, or protnone (pte_present includes PROTNONE)
    const bool protnone = e.kind == Kind::Protnone;
    const u64 cpu = cpu_flags(c, !protnone, s.word & RW);
    if (protnone) note(c, addr, RuleId::PteProtnone);
    unsigned need = pte_need_fault(r, req, cpu);
    if (need) return fault(RuleId::PtePresentFault, need);
    const u64 pfn = pte_pfn(g, s.word);
    if ((s.word & SPECIAL) && pfn != c.world.zero_pfn) {
      if (pte_need_fault(r, req, 0)) {
        note(c, addr, RuleId::PteSpecialEfault);
        c.last = addr;
        return kFault;
      }
      note(c, addr, RuleId::PteSpecial);
      write_output(c, addr, r.values[HMM_PFN_SPECIAL]);
      return 0;
    }
    note(c, addr, pfn == c.world.zero_pfn && !protnone ? RuleId::PteZero : RuleId::PtePage);
    write_pfn(c, addr, pfn, cpu);
    note_output_write(c, addr, req, cpu);
    return 0;
  }
  }
}

// print_bad_pte (6.1 mm/memory.c:519-568; 6.12 mm/memory.c:498-547): "BUG: Bad page map" for
// the page at addr. The kernel prints a burst of 60, then nothing for the rest of the minute
// (6.1 mm/memory.c:536-549); a call takes no time, so a call reports at most 60.
void print_bad_pte(RefCall& c, u64 addr) {
  note(c, addr, RuleId::PteBadPte);
  if (c.bad_ptes == 60) return;
  ++c.bad_ptes;
  c.reports.push_back(KernelReport{KernelReport::Kind::BadPte, "", addr});
}

// vm_normal_page(vma, addr, pte) (6.1 mm/memory.c:612-673; 6.12 mm/memory.c:594-658) on x86-64
// (CONFIG_ARCH_HAS_PTE_SPECIAL): whether the PTE maps a page with a struct page that hmm may
// report, with what the kernel prints on the way. No VMA of the world has
// vm_ops->find_special_page.
bool vm_normal_page(RefCall& c, const Vma& vma, u64 addr, u64 word) {
  const u64 pfn = pte_pfn(geom(c), word);
  if (word & SPECIAL) { // pte_special (6.1 mm/memory.c:617-639)
    if (vma.flags & (vm::PFNMAP | vm::MIXEDMAP)) return false;
    if (pfn == c.world.zero_pfn) return false;
    if (word & devmap_bit(geom(c).kernel)) return false; // pte_devmap
    print_bad_pte(c, addr);
    return false;
  }
  if (pfn > c.world.highest_memmap_pfn) { // 6.1 mm/memory.c:661-665: no struct page
    print_bad_pte(c, addr);
    return false;
  }
  if (v6_12(c) && pfn == c.world.zero_pfn) {
    // VM_WARN_ON_ONCE(is_zero_pfn(pfn)) (6.12 mm/memory.c:656): the zero page is mapped special;
    // once per call, as the kernel party reports a *_ONCE check.
    note(c, addr, RuleId::PteZeroWarn);
    if (!c.zero_warned)
      c.reports.push_back(KernelReport{KernelReport::Kind::Warn, "mm/memory.c:656", 0});
    c.zero_warned = true;
  }
  return true;
}

// hmm_vma_handle_pte of 6.1 and 6.12 (6.1 mm/hmm.c:223-318; 6.12 identical but for ptep_get) for
// one page of a PMD table chunk ending at chunk_end.
long decide_pte_v6(RefCall& c, const Portion& p, const Site& s, u64 addr, u64 chunk_end) {
  const HmmRange& r = c.range;
  const u64 req = request_at(c, addr);
  const Entry& e = s.entry;
  // A fault span from this page to the end of the PMD chunk (6.1 mm/hmm.c:314-317).
  auto fault = [&](RuleId row, unsigned need) {
    note(c, addr, row);
    note(c, addr, need_rule(need));
    note(c, addr, RuleId::PteFaultSpan);
    return vma_fault(c, *p.vma, addr, chunk_end, need);
  };
  switch (e.kind) {
  case Kind::Marker: // pte_none_mostly: a PTE marker reads as none (6.1 mm/hmm.c:234)
    note(c, addr, RuleId::PteMarkerNone);
    [[fallthrough]];
  case Kind::None: { // 6.1 mm/hmm.c:234-241
    unsigned need = pte_need_fault(r, req, 0);
    if (need) return fault(RuleId::PteNoneFault, need);
    note(c, addr, RuleId::PteNone);
    write_output(c, addr, r.values[HMM_PFN_NONE]);
    return 0;
  }
  case Kind::Swap:
  case Kind::Migration:
  case Kind::Device:
  case Kind::Hwpoison:
  case Kind::Exclusive:
  case Kind::SwapinError: { // !pte_present (6.1 mm/hmm.c:243-286)
    if (e.kind == Kind::Device && c.world.owner_of(e.pfn) == r.dev_private_owner) {
      // swp_offset_pfn | VALID [| WRITE] (6.1 mm/hmm.c:250-258): e.pfn is swp_offset_pfn
      note(c, addr, RuleId::PteDeviceOwnedPfn);
      write_output(c, addr, hmm6::device_private_output(e.pfn, e.write));
      return 0;
    }
    unsigned need = pte_need_fault(r, req, 0);
    if (!need) {
      note(c, addr, RuleId::PteNonPresentNone);
      write_output(c, addr, r.values[HMM_PFN_NONE]);
      return 0;
    }
    switch (e.kind) {
    case Kind::Swap: // !non_swap_entry
      return fault(RuleId::PteSwapFault, need);
    case Kind::Device: // another owner's: do_swap_page migrates it (6.1 mm/hmm.c:270-271)
      return fault(RuleId::PteDeviceFault, need);
    case Kind::Exclusive: // 6.1 mm/hmm.c:273-274
      return fault(RuleId::PteExclusiveFault, need);
    case Kind::Migration: // any of the three (is_migration_entry, 6.1 mm/hmm.c:276-281)
      note(c, addr, RuleId::PteMigrationWait);
      c.last = addr;
      migration_entry_wait(c.world, addr);
      event_from_log(c);
      return kBusy;
    default: // hwpoison, 6.1's swapin error: -EFAULT (6.1 mm/hmm.c:283-285), last left alone
      note(c, addr, RuleId::PteNonswapEfault);
      return kFault;
    }
  }
  default: { // present: a page, the zero page, or protnone (pte_present includes PROTNONE)
    const bool protnone = e.kind == Kind::Protnone;
    const u64 cpu = hmm6::pte_cpu_flags(!protnone, bool(s.word & RW)); // 6.1 mm/hmm.c:215-221
    if (protnone) note(c, addr, RuleId::PteProtnone);
    unsigned need = pte_need_fault(r, req, cpu);
    if (need) return fault(RuleId::PtePresentFault, need);
    // 6.1 mm/hmm.c:300-309: vm_normal_page is asked first (and may print), then the devmap
    // and zero-pfn bypasses.
    const u64 pfn = pte_pfn(geom(c), s.word);
    const bool normal = vm_normal_page(c, *p.vma, addr, s.word);
    const bool devmap = s.word & devmap_bit(geom(c).kernel), zero = pfn == c.world.zero_pfn;
    if (!normal && !devmap && !zero) {
      if (pte_need_fault(r, req, 0)) {
        note(c, addr, RuleId::PteNotNormalEfault);
        return kFault;
      }
      note(c, addr, RuleId::PteNotNormal);
      write_output(c, addr, r.values[HMM_PFN_ERROR]);
      return 0;
    }
    RuleId row = RuleId::PtePage;
    if (!normal)
      row = devmap ? RuleId::PteDevmap : RuleId::PteZero;
    else if (zero && !protnone)
      row = RuleId::PteZero;
    note(c, addr, row);
    write_pfn(c, addr, pfn, cpu); // 6.1 mm/hmm.c:311
    note_output_write(c, addr, req, cpu);
    return 0;
  }
  }
}

long decide_pte(RefCall& c, const Portion& p, const Site& s, u64 addr, u64 chunk_end) {
  return v6(c) ? decide_pte_v6(c, p, s, addr, chunk_end)
               : decide_pte_v5_7(c, p, s, addr, chunk_end);
}

// One page of the walk: its output from the chunk's verdict, or its own PTE decision.
long visit_page(RefCall& c, const Portion& p, const Site& s, const Verdict& v, u64 addr) {
  for (RuleId rule : v.rules) note(c, addr, rule);
  note_request(c, addr);
  switch (v.fill) {
  case Fill::Value:
    write_output(c, addr, c.range.values[v.value]);
    return 0;
  case Fill::Pfn: {
    u64 req = request_at(c, addr);
    write_pfn(c, addr, huge_page_pfn(c, s, addr), v.cpu_flags);
    note_output_write(c, addr, req, v.cpu_flags);
    return 0;
  }
  case Fill::PerPte: {
    if (s.kind != SiteKind::Pte)
      throw std::logic_error("reference: a page of a PMD table chunk is not under that table");
    long ret = decide_pte(c, p, s, addr, v.end);
    if (v6(c)) return ret; // 6.1 mm/hmm.c:385-395: last is left as the PTE left it
    if (ret) {
      c.last = addr; // hmm.c:389
      return ret;
    }
    u64 next = next_page(c, addr, v.end);
    if (next >= v.end) c.last = next; // hmm.c:395: the address the loop stopped at
    return 0;
  }
  }
  return 0;
}

} // namespace

long reference_walk(RefCall& c) {
  const u64 from = c.last, end = c.range.end;
  if (from >= end) return kInval; // pagewalk.c:392-393
  Verdict v;
  for (u64 addr = from; addr < end; addr = next_page(c, addr, end)) {
    Portion p = portion_of(c.world, addr, from, end);
    Site s = look_up(c.world, addr, p); // (pass_race_points may look it up again)
    if (!v.covers(addr)) { // the first page of a new chunk: the walker's callback is called
      if (s.chunk.start != addr)
        throw std::logic_error(
            fmt::format("reference: chunk of {:#x} starts at {:#x}", addr, s.chunk.start));
      if (addr == p.start) note(c, addr, RuleId::Regions);
      note(c, addr, RuleId::Chunk);
      std::optional<RuleId> race = pass_race_points(c, p, s, addr);
      if (std::optional<long> ret = decide_chunk(c, p, s, v, race)) return *ret;
    }
    if (long ret = visit_page(c, p, s, v, addr)) return ret;
  }
  return 0;
}

} // namespace hmmspec
