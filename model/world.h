// SPDX-License-Identifier: GPL-2.0-or-later
// TRUSTED: part of the specification. The simulated world every party reads and changes:
// geometry, page tables as raw words, VMAs, ZONE_DEVICE owners, the zero pfn, the interval
// notifier, the fault-injection plan and the log of faults and migration waits.
//
// Page tables live in physical memory: each table has a pfn (from a reserved region) and
// `geom.max_entries()` contiguous 64-bit words, so a PTE pointer can be incremented across a
// PMD chunk as hmm.c:383 does. A pointer word is followed through its raw pfn bits; physical
// memory that holds no table reads as zeros and is never written (rule W-ZERO-MEMORY).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/entry.h"
#include "model/geometry.h"
#include "model/kernel_report.h"
#include "model/mm_op.h"
#include "model/run_log.h"
#include "model/vma.h"

namespace hmmspec {

// handle_mm_fault flags (FAULT_FLAG_*) and result bits (VM_FAULT_*), kernel values. The two
// signal bits keep their VM_ prefix: SIGBUS and SIGSEGV are <signal.h> macros.
namespace fault {
inline constexpr unsigned FLAG_WRITE = 0x01;
inline constexpr unsigned FLAG_REMOTE = 0x80;
inline constexpr unsigned OOM = 0x1;
inline constexpr unsigned VM_SIGBUS = 0x2;
inline constexpr unsigned MAJOR = 0x4;
inline constexpr unsigned WRITE = 0x8;
inline constexpr unsigned HWPOISON = 0x10;
inline constexpr unsigned HWPOISON_LARGE = 0x20;
inline constexpr unsigned VM_SIGSEGV = 0x40;
inline constexpr unsigned NOPAGE = 0x100;
inline constexpr unsigned LOCKED = 0x200;
inline constexpr unsigned RETRY = 0x400;
inline constexpr unsigned FALLBACK = 0x800;
inline constexpr unsigned ERROR =
    OOM | VM_SIGBUS | VM_SIGSEGV | HWPOISON | HWPOISON_LARGE | FALLBACK;
} // namespace fault

struct Table {
  Level level = Level::Pte; // the level whose entries it holds
  std::vector<u64> words;   // geom.max_entries() words
  bool operator==(const Table&) const = default;
};

// The mmu interval notifier of the range (include/linux/mmu_notifier.h at v5.7; hmm.c:588-590): one
// subscription over [start, end); any invalidation that overlaps it moves `seq` to a new value.
struct Notifier {
  u64 start = 0;
  u64 end = 0;
  u64 seq = 0;           // the subscription's invalidate_seq
  u64 invalidations = 0; // how many invalidations hit it
  bool operator==(const Notifier&) const = default;
};

// What the fault model does instead of, or besides, its normal outcome at one page.
struct Injection {
  unsigned error = 0;       // VM_FAULT_* bits returned, with no change to the world
  bool invalidate = false;  // fire an invalidation over the page, then fault normally
  unsigned no_progress = 0; // this many calls return 0 and change nothing (0xffffffff: forever)
  bool operator==(const Injection&) const = default;
};
inline constexpr unsigned kForever = 0xffffffffu;

// A named interleaving point of the v5.7 walk, where another thread's change can land
// (docs/spec.md, "Races"; model/race.h).
enum class RacePoint : std::uint8_t {
  PmdSeen,   // walk_pmd_range saw the PMD not none, before hmm.c:333 reads it
  PmdReread, // between hmm.c:333 and hmm.c:361 reading a huge PMD
  PudLocked, // pud_trans_huge_lock took a huge or devmap PUD, before hmm.c:425 reads it
  // handle_mm_fault returned for the page at ADDR inside hmm_vma_fault (hmm.c:92-93), before
  // the walk ends with -EBUSY and hmm_range_fault checks the notifier again (hmm.c:586-590)
  FaultReturned,
};
// What lands there: the entry cleared (zap), or a huge PMD split (__split_huge_pmd). ZapSilent
// is a planted fault, for testing the checkers only: a zap with no invalidation.
enum class RaceOp : std::uint8_t { Zap, Split, ZapSilent };

// One event of a `race` line: the `at`-th time the walk reaches `point` for the entry at
// `addr` (aligned to the point's level; every walk of every call counts), `op` changes the
// world (model/race.h fire_race).
struct Race {
  u64 addr = 0;
  RacePoint point = RacePoint::PmdSeen;
  RaceOp op = RaceOp::Zap;
  bool fired = false;
  unsigned at = 1;      // the reach it fires at (1: the first)
  unsigned reached = 0; // the reaches so far
  bool operator==(const Race&) const = default;
};

// A point of the driver loop where the driver holds neither the mmap lock nor its own lock, so
// that another thread's mm operation of any kind can land there (lib/test_hmm.c:350-360 at
// 6.1; docs/spec.md, D-EVENT).
enum class DriverPoint : std::uint8_t {
  BeforeCall, // after mmu_interval_read_begin, before mmap_read_lock (lib/test_hmm.c:350-351)
  AfterCall,  // after mmap_read_unlock, before the driver lock and its mmu_interval_read_retry
              // (lib/test_hmm.c:353-361); reached only by a try whose call returned
};

// One event of a `during` line: the `at`-th time the driver loop reaches `point` (every try of
// every chunk of every call counts), `op` is applied to the world (model/driver.h).
struct DriverEvent {
  DriverPoint point = DriverPoint::AfterCall;
  MmOp op;
  unsigned at = 1;
  unsigned reached = 0;
  bool fired = false;
  bool operator==(const DriverEvent&) const = default;
};

// One line of the log of what the parties asked of the world.
struct Event {
  enum class Type : std::uint8_t { Fault, Wait } type = Type::Fault;
  u64 addr = 0;
  unsigned flags = 0;       // Fault: FAULT_FLAG_* passed
  unsigned result = 0;      // Fault: VM_FAULT_* returned
  Level level = Level::Pte; // Wait: PTE (migration_entry_wait) or PMD (pmd_migration_entry_wait)
  bool operator==(const Event&) const = default;
};
std::string describe(const Event& e);

class World {
public:
  explicit World(Geometry g = Geometry{});

  Geometry geom;
  VmaList vmas;
  u64 zero_pfn = 0x100;            // the shared zero page
  u64 next_pfn = 0x10000;          // the deterministic page allocator (grows upwards)
  std::map<u64, u64> device_owner; // ZONE_DEVICE pfn -> pgmap->owner (0 is NULL)
  // ZONE_DEVICE pfns that are device-coherent memory (6.x MEMORY_DEVICE_COHERENT, mapped by
  // present PTEs) rather than device-private; each also has an owner in device_owner.
  std::set<u64> coherent_pfns;
  // The highest pfn with a struct page (6.x vm_normal_page: a PTE mapping a pfn above it is a
  // bad page map). The default gives every pfn a struct page.
  u64 highest_memmap_pfn = ~0ull;
  std::set<u64> shared_pfns; // pages mapped more than once: a write fault copies them
  // The first pfns of THPs that PTEs map since a split (F-THP-SPLIT): their pages are
  // PageCompound, which khugepaged will not collapse (M-THP-COLLAPSE). Only a split adds one;
  // a scenario file does not write them.
  std::set<u64> pte_mapped_thps;
  std::map<u64, Injection> injections;    // page address -> injection
  std::vector<Race> races;                // events at interleaving points, in line order
  std::vector<DriverEvent> driver_events; // events at the driver loop's points, in line order
  Notifier notifier;
  RunLog<Event> log; // as runs (model/run_log.h): a fault per page of a span is one run
  // What the kernel services (the fault model, model/fault.h) printed, in order: like the
  // log, part of the world every party shares. Empty in v5.7 worlds.
  std::vector<KernelReport> reports;

  // --- physical memory holding page tables ---
  static constexpr u64 kTablePfnBase = 0x8000000; // tables are allocated from here upwards
  u64 root_pfn() const { return root_; }
  const std::map<u64, Table>& tables() const { return tables_; }
  // The words at a physical table pfn: a table's words, or zeros where no table is.
  const u64* table_words(u64 pfn) const;
  u64* table_words_mut(u64 pfn); // nullptr where no table is (W-ZERO-MEMORY)
  // Allocates a zeroed table for `level` (at `pfn` if given and free); returns its pfn.
  std::optional<u64> alloc_table(Level level, std::optional<u64> pfn = std::nullopt);
  u64 next_table_pfn() const { return next_table_; }

  // --- entries by address, following Table-classified pointers from the root ---
  // The word of `level` covering addr, or nullptr when an upper entry on the way is not a
  // table pointer (or points where no table is).
  const u64* find_slot(Level level, u64 addr) const;
  u64* find_slot_mut(Level level, u64 addr);
  // Like find_slot_mut, but allocates tables for none upper entries on the way. Returns
  // nullptr and the blocking level when an upper entry is neither none nor a table.
  u64* ensure_slot(Level level, u64 addr, Level* blocked_at = nullptr);
  // Encodes `e` for (level, ctx) and stores it at its slot, allocating tables on the way.
  // Returns the encoder's error, or "blocked" when an upper entry is neither none nor a table
  // (the world is then unchanged but for tables allocated on the way).
  std::optional<std::string> put_entry(Level level, u64 addr, const Entry& e, Context ctx);
  // The classified entry at a level (None where the path is missing).
  Entry entry_at(Level level, u64 addr, Context ctx = Context::Normal) const;
  // Calls f(level, first address covered, word, context) for every non-zero word reachable
  // from the root, depth first in address order, going below Table and Bad entries that
  // point to a table (hugetlb slots are leaves).
  // A table reached through several pointers is visited once, under the first.
  template <typename F>
  void visit(F&& f) const {
    std::set<u64> seen;
    visit_table(root_, Level::Pgd, 0, f, seen);
  }

  // --- services the kernel provides to hmm, shared by every party ---
  // The device page's owner (pgmap->owner); an unregistered pfn has the NULL owner 0.
  u64 owner_of(u64 pfn) const;
  // An invalidation of [start, end): moves the notifier's seq if it overlaps.
  void invalidate(u64 start, u64 end);
  // Allocates `count` pages aligned to `count` (a power of two); returns the first pfn.
  u64 alloc_pfns(u64 count);
  // The Context in which the entry at (level, addr) is read: HugetlbSlot when addr lies in a
  // hugetlb VMA whose huge page size is that level's size.
  Context context_at(Level level, u64 addr) const;

  // Every table word and every part of the state, in one comparison (the log included).
  bool operator==(const World&) const = default;

private:
  template <typename F>
  void visit_table(u64 pfn, Level l, u64 base, F& f, std::set<u64>& seen) const {
    if (l == Level::P4d && geom.p4d_folded()) l = Level::Pud;
    auto it = tables_.find(pfn);
    if (it == tables_.end() || !seen.insert(pfn).second) return;
    const std::vector<u64>& words = it->second.words;
    for (unsigned i = 0; i < geom.entries(l); ++i) {
      u64 w = words[i];
      if (w == 0) continue;
      u64 addr = base + (u64(i) << geom.shift(l));
      Context ctx = context_at(l, addr);
      f(l, addr, w, ctx);
      if (l == Level::Pte || ctx == Context::HugetlbSlot) continue;
      Kind k = classify(geom, l, w, zero_pfn).kind;
      if (k == Kind::Table || k == Kind::Bad)
        visit_table(table_pfn(geom, w), below(l), addr, f, seen);
    }
  }

  std::map<u64, Table> tables_;
  u64 root_ = 0;
  u64 next_table_ = kTablePfnBase;
  std::vector<u64> zeros_; // the contents of memory that holds no table
};

} // namespace hmmspec
