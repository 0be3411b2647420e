// SPDX-License-Identifier: GPL-2.0-or-later
// The byte encoding of a fuzz case (version kEncodingVersion), stated once for both
// directions: io_case reads a case from a FuzzedDataProvider-like source (CaseReader) or
// writes the choices that read back as a given case (CaseWriter). Every field is one or two
// integer choices; a choice is a selector into a small table of interesting values (tables
// repeat values to weight them) with a last selector meaning "a raw value follows".
// Whatever the bytes, each choice lands in range, so every input decodes.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <vector>

#include "fuzz/fuzz_case.h"
#include "model/fault.h"
#include "model/range_v6.h"

namespace hmmspec::fuzz {

// Reads choices from a provider with FuzzedDataProvider's interface.
// `pinned`, if given, replaces the geometry selector read (the choice is still consumed, so
// the rest of the input reads alike): focused campaigns on one geometry. `encoding`, below
// kEncodingVersion, reads the input as that encoding did (the choices later encodings add
// after it are not read): how the corpus is carried to a new encoding.
template <typename Provider>
class CaseReader {
public:
  static constexpr bool kReading = true;
  explicit CaseReader(Provider& p, std::optional<u64> pinned = std::nullopt,
                      unsigned encoding = kEncodingVersion)
      : p_(p), pinned_(pinned), encoding_(encoding) {}
  u64 get(u64 lo, u64 hi) { return p_.template ConsumeIntegralInRange<std::uint64_t>(lo, hi); }
  bool get_flag() { return p_.ConsumeBool(); }
  std::optional<u64> pinned_geometry() const { return pinned_; }
  unsigned encoding() const { return encoding_; }

private:
  Provider& p_;
  std::optional<u64> pinned_;
  unsigned encoding_;
};

// Records the choices that read back as given values; bytes() lays them out the way
// FuzzedDataProvider consumes them (integers from the end, most significant byte first).
class CaseWriter {
public:
  static constexpr bool kReading = false;
  void put(u64 v, u64 lo, u64 hi) { choices_.push_back({hi - lo, v - lo}); }
  void put_flag(bool b) { choices_.push_back({255, b ? 1u : 0u}); }
  // `header` is byte 0 (input_header of the case's version).
  std::vector<std::uint8_t> bytes(std::uint8_t header = kEncodingVersion) const;

private:
  struct Choice {
    u64 range, offset;
  };
  std::vector<Choice> choices_;
};

namespace io {

inline constexpr u64 kMaxRaw = ~0ull;
inline constexpr u64 kPfnLimit = (1ull << 52) - 1; // any pfn a 52-bit physical address allows
inline constexpr u64 kPageLimit = 1ull << 45;      // any page number (or end) of a 57-bit space
inline constexpr u64 kNearSlack = 64;              // near addresses: base-64 .. base+191
inline constexpr u64 kMaxRangePages = 1024;
inline constexpr u64 kMaxBudget = 64; // walk attempts: livelocks stay quick
inline constexpr std::size_t kMaxVmas = 8, kMaxOps = 256, kMaxOwners = 16, kMaxShared = 8,
                             kMaxInjections = 8;
inline constexpr std::size_t kMaxRaces = 3, kMaxCalls = 3, kMaxCallOps = 2;

// The mm operations a later call of a case may make, by selector (model/mm_ops.h). To add a
// kind, append it here and read its parameters in mm_op below: the selector's range grows, so
// every input with a call means something else: bump kEncodingVersion (fuzz_case.h) and
// re-encode the corpus (docs/fuzzing.md, "Changing the encoding").
inline constexpr std::array<MmOpKind, 3> kFuzzMmOpKinds{MmOpKind::Mprotect, MmOpKind::Munmap,
                                                        MmOpKind::MadviseDontneed};

// A number in [lo, hi].
template <typename Io>
void num(Io& io, u64& v, u64 lo, u64 hi) {
  if constexpr (Io::kReading) {
    v = io.get(lo, hi);
  } else {
    v = std::clamp(v, lo, hi);
    io.put(v, lo, hi);
  }
}

template <typename Io>
void flag(Io& io, bool& b) {
  if constexpr (Io::kReading)
    b = io.get_flag();
  else
    io.put_flag(b);
}

// One of `table`, or (last selector) a raw value in [raw_lo, raw_hi].
template <typename Io>
void pick(Io& io, u64& v, std::initializer_list<u64> table, u64 raw_lo, u64 raw_hi) {
  const u64 n = table.size();
  if constexpr (Io::kReading) {
    u64 s = io.get(0, n);
    v = s < n ? table.begin()[s] : io.get(raw_lo, raw_hi);
  } else {
    auto it = std::find(table.begin(), table.end(), v);
    if (it != table.end()) {
      io.put(u64(it - table.begin()), 0, n);
    } else {
      io.put(n, 0, n);
      num(io, v, raw_lo, raw_hi);
    }
  }
}

// One of `table` only (a value not in it is written as the first entry).
template <typename Io>
void choose(Io& io, u64& v, std::initializer_list<u64> table) {
  const u64 n = table.size();
  if constexpr (Io::kReading) {
    v = table.begin()[io.get(0, n - 1)];
  } else {
    auto it = std::find(table.begin(), table.end(), v);
    if (it == table.end()) it = table.begin(), v = *it;
    io.put(u64(it - table.begin()), 0, n - 1);
  }
}

// A list: its length (a few, mostly; rarely up to `max`), then its elements.
template <typename Io, typename T, typename F>
void list(Io& io, std::vector<T>& v, std::size_t max, F&& each) {
  const std::array<u64, 8> common{0, 1, 1, 2, 2, 3, 4, 6};
  u64 n = std::min<u64>(v.size(), max);
  if constexpr (Io::kReading) {
    u64 sel = io.get(0, 31);
    n = sel < 24 ? common[sel % 8] : sel < 31 ? io.get(0, 16) : io.get(0, max);
  } else {
    auto it = std::find(common.begin(), common.end(), n);
    if (it != common.end()) {
      io.put(u64(it - common.begin()), 0, 31);
    } else if (n <= 16) {
      io.put(24, 0, 31);
      io.put(n, 0, 16);
    } else {
      io.put(31, 0, 31);
      io.put(n, 0, max);
    }
  }
  v.resize(std::min<u64>(n, max));
  for (T& e : v) each(e);
}

// What later choices are resolved against: the geometry and what was decoded before.
struct Frame {
  Geometry g;
  u64 va_pages = 0;
  u64 huge_zero_pfn = 0;
};

// A page number in [0, limit]: inside [base, base + span) (most often), near base, a few
// entries of some level from the bottom or the top of the address space, or anywhere.
template <typename Io>
void page(Io& io, u64& p, u64 base, u64 span, u64 limit, const Frame& f) {
  span = std::max<u64>(span, 1);
  if constexpr (Io::kReading) {
    u64 mode = io.get(0, 7);
    if (mode <= 3) {
      p = base + io.get(0, span - 1);
    } else if (mode <= 5) {
      p = base + io.get(0, 4 * kNearSlack - 1);
      p = p < kNearSlack ? 0 : p - kNearSlack;
    } else if (mode == 6) {
      Level l = static_cast<Level>(io.get(1, 4));
      u64 per = f.g.size(l) >> f.g.page_shift, k = io.get(0, 15);
      bool top = io.get_flag();
      u64 reach = std::min(k * per, f.va_pages);
      p = (top ? f.va_pages - reach : reach) + io.get(0, 4 * kNearSlack - 1);
      p = p < kNearSlack ? 0 : p - kNearSlack;
    } else {
      p = io.get(0, kPageLimit) % (limit + 1);
    }
    p = std::min(p, limit);
  } else {
    p = std::min(p, limit);
    if (p >= base && p - base < span) {
      io.put(0, 0, 7);
      io.put(p - base, 0, span - 1);
    } else if (p + kNearSlack >= base && p + kNearSlack - base < 4 * kNearSlack) {
      io.put(4, 0, 7);
      io.put(p + kNearSlack - base, 0, 4 * kNearSlack - 1);
    } else {
      io.put(7, 0, 7);
      io.put(p, 0, kPageLimit);
    }
  }
}

// A pfn: a ZONE_DEVICE pfn of the pool, the zero pfn, a small pfn, one the allocator is
// about to hand out, the huge zero page, or anything.
template <typename Io>
void pfn(Io& io, u64& v, const FuzzCase& c, const Frame& f) {
  if constexpr (Io::kReading) {
    switch (io.get(0, 7)) {
    case 0:
    case 1:
      v = kDevicePfnBase + io.get(0, kDevicePfns - 1);
      break;
    case 2:
      v = c.zero_pfn;
      break;
    case 3:
    case 6:
      v = io.get(0, 0xfff);
      break;
    case 4:
      v = c.next_pfn + io.get(0, 63);
      break;
    case 5:
      v = f.huge_zero_pfn;
      break;
    default:
      v = io.get(0, kPfnLimit);
      break;
    }
  } else {
    v = std::min(v, kPfnLimit);
    if (v >= kDevicePfnBase && v < kDevicePfnBase + kDevicePfns) {
      io.put(0, 0, 7);
      io.put(v - kDevicePfnBase, 0, kDevicePfns - 1);
    } else if (v == c.zero_pfn) {
      io.put(2, 0, 7);
    } else if (v <= 0xfff) {
      io.put(3, 0, 7);
      io.put(v, 0, 0xfff);
    } else if (v >= c.next_pfn && v - c.next_pfn <= 63) {
      io.put(4, 0, 7);
      io.put(v - c.next_pfn, 0, 63);
    } else if (v == f.huge_zero_pfn) {
      io.put(5, 0, 7);
    } else {
      io.put(7, 0, 7);
      io.put(v, 0, kPfnLimit);
    }
  }
}

// A raw word: a literal (any 64 bits; flag bits around a pfn; a swap-type word) or a
// pointer to one of the tables with some flag bits flipped.
template <typename Io>
void word(Io& io, FuzzWord& w, const FuzzCase& c, const Frame& f) {
  if constexpr (Io::kReading) {
    u64 mode = io.get(0, 3);
    w = FuzzWord{};
    if (mode == 0) {
      w.word = io.get(0, kMaxRaw);
    } else if (mode == 1) {
      u64 low = io.get(0, 0xfff), p = 0;
      pfn(io, p, c, f);
      u64 high = io.get(0, 0xfff);
      w.word = low | ((p << f.g.page_shift) & x86::PHYSICAL_MASK & ~0xfffull) | (high << 52);
    } else if (mode == 2) {
      unsigned type = unsigned(io.get(0, 31));
      u64 offset = 0;
      pfn(io, offset, c, f);
      w.word = x86::swp_word(type, offset);
    } else {
      w.pointer = true;
      w.table = io.get(0, 255);
      w.garble = io.get(0, 0xfff);
      w.garble |= io.get(0, 0xfff) << 52;
    }
  } else {
    if (!w.pointer) {
      io.put(0, 0, 3);
      io.put(w.word, 0, kMaxRaw);
    } else {
      w.table = std::min<u64>(w.table, 255);
      w.garble &= 0xfffull | (0xfffull << 52);
      io.put(3, 0, 3);
      io.put(w.table, 0, 255);
      io.put(w.garble & 0xfff, 0, 0xfff);
      io.put(w.garble >> 52, 0, 0xfff);
    }
  }
}

// The 9 vm_flags the decoder draws from, by bit of an explicit flags choice.
inline constexpr std::array<u64, 9> kVmFlags{vm::READ,    vm::WRITE,    vm::EXEC,
                                             vm::SHARED,  vm::PFNMAP,   vm::IO,
                                             vm::HUGETLB, vm::MIXEDMAP, vm::HUGEPAGE};

template <typename Io>
void vma_flags(Io& io, u64& flags) {
  const u64 rw = vm::READ | vm::WRITE;
  const u64 huge = vm::HUGETLB;
  const std::array<u64, 8> common{rw,
                                  rw,
                                  vm::READ,
                                  rw | vm::HUGEPAGE,
                                  rw | vm::SHARED,
                                  rw | huge,
                                  vm::READ | huge,
                                  rw | vm::SHARED | huge};
  u64 bits = 0;
  if constexpr (Io::kReading) {
    u64 sel = io.get(0, common.size());
    if (sel < common.size()) {
      flags = common[sel];
      return;
    }
    bits = io.get(0, (1u << kVmFlags.size()) - 1);
    flags = 0;
    for (unsigned i = 0; i < kVmFlags.size(); ++i)
      if (bits & (1ull << i)) flags |= kVmFlags[i];
  } else {
    u64 known = 0;
    for (unsigned i = 0; i < kVmFlags.size(); ++i)
      if (flags & kVmFlags[i]) bits |= 1ull << i, known |= kVmFlags[i];
    flags = known;
    auto it = std::find(common.begin(), common.end(), flags);
    if (it != common.end()) {
      io.put(u64(it - common.begin()), 0, common.size());
    } else {
      io.put(common.size(), 0, common.size());
      io.put(bits, 0, (1u << kVmFlags.size()) - 1);
    }
  }
}

// The number of pages of a range: mostly a few, sometimes up to 64, rarely up to 1,024.
template <typename Io>
void range_pages(Io& io, u64& n) {
  const std::array<u64, 16> common{1, 1, 2, 2, 3, 4, 5, 6, 8, 8, 12, 16, 16, 24, 32, 64};
  if constexpr (Io::kReading) {
    u64 sel = io.get(0, 255);
    n = sel < 192 ? common[sel % 16] : sel < 255 ? io.get(1, 64) : io.get(65, kMaxRangePages);
  } else {
    n = std::clamp<u64>(n, 1, kMaxRangePages);
    auto it = std::find(common.begin(), common.end(), n);
    if (it != common.end()) {
      io.put(u64(it - common.begin()), 0, 255);
    } else if (n <= 64) {
      io.put(192, 0, 255);
      io.put(n, 1, 64);
    } else {
      io.put(255, 0, 255);
      io.put(n, 65, kMaxRangePages);
    }
  }
}

// Where a new table goes: just above the tables the world allocated, or anywhere.
template <typename Io>
void new_table_pfn(Io& io, u64& pfn) {
  const u64 base = World::kTablePfnBase;
  if constexpr (Io::kReading) {
    pfn = io.get(0, 3) < 3 ? base + io.get(0, 63) : io.get(0, kPfnLimit);
  } else {
    pfn = std::min(pfn, kPfnLimit);
    if (pfn >= base && pfn - base < 64) {
      io.put(0, 0, 3);
      io.put(pfn - base, 0, 63);
    } else {
      io.put(3, 0, 3);
      io.put(pfn, 0, kPfnLimit);
    }
  }
}

// A short list: none (half the time), 1, 2 or 3 elements. An exhausted input reads none.
template <typename Io, typename T, typename F>
void short_list(Io& io, std::vector<T>& v, F&& each) {
  constexpr std::array<u64, 8> lengths{0, 0, 0, 0, 1, 1, 2, 3};
  u64 n = std::min<u64>(v.size(), 3);
  if constexpr (Io::kReading) {
    n = lengths[io.get(0, 7)];
  } else {
    io.put(u64(std::find(lengths.begin(), lengths.end(), n) - lengths.begin()), 0, 7);
  }
  v.resize(n);
  for (T& e : v) each(e);
}

// A race event: its point, its operation (zap only at pud-locked), its entry among the
// candidates (race_candidates: mostly one of the first few). A fault-returned race (encoding
// 4: race_more) is written here as pmd-seen, its operation kept.
template <typename Io>
void race(Io& io, FuzzRace& r) {
  const bool more = !Io::kReading && r.point == RacePoint::FaultReturned;
  u64 point = more ? 0 : static_cast<u64>(r.point), op = static_cast<u64>(r.op);
  num(io, point, 0, 2); // pmd-seen, pmd-reread, pud-locked (RacePoint)
  if (!more) r.point = static_cast<RacePoint>(point);
  if (point == static_cast<u64>(RacePoint::PudLocked)) {
    r.op = RaceOp::Zap;
  } else {
    num(io, op, 0, 1); // zap, split (RaceOp)
    r.op = static_cast<RaceOp>(op);
  }
  pick(io, r.entry, {0, 0, 1, 2, 3}, 0, 255);
}

// Encoding 4: a race's point moved to fault-returned (its entry then a page of the range),
// and its reach.
template <typename Io>
void race_more(Io& io, FuzzRace& r) {
  u64 fault_returned = r.point == RacePoint::FaultReturned ? 3 : 0;
  num(io, fault_returned, 0, 3); // 3: fault-returned
  if (fault_returned == 3) r.point = RacePoint::FaultReturned;
  pick(io, r.at, {1, 1, 1, 2, 3}, 1, 16);
}

// The mm operation kinds encoding 4 adds (mm_op_more): its selector 0 is the kind mm_op read.
inline constexpr std::array<MmOpKind, 6> kFuzzMoreMmOpKinds{
    MmOpKind::Fork,    MmOpKind::MigrateToDevice, MmOpKind::MigrateToRam,
    MmOpKind::Reclaim, MmOpKind::ThpSplit,        MmOpKind::ThpCollapse};

// The position of k in a table of kinds, or nothing.
template <std::size_t N>
std::optional<u64> kind_index(const std::array<MmOpKind, N>& kinds, MmOpKind k) {
  auto it = std::find(kinds.begin(), kinds.end(), k);
  if (it == kinds.end()) return std::nullopt;
  return u64(it - kinds.begin());
}

inline bool more_kind(MmOpKind k) {
  return kind_index(kFuzzMoreMmOpKinds, k).has_value();
}

// The mm operation kinds encoding 5 adds (mm_op_fifth): mmap, the CPU's accesses and
// fork-child.
inline constexpr std::array<MmOpKind, 4> kFuzzFifthMmOpKinds{
    MmOpKind::Mmap, MmOpKind::CpuRead, MmOpKind::CpuWrite, MmOpKind::ForkChild};

inline bool fifth_kind(MmOpKind k) {
  return kind_index(kFuzzFifthMmOpKinds, k).has_value();
}

// An mm operation: its kind (kFuzzMmOpKinds), where it starts (mostly in the range), how many
// pages (a few, or as many as the range has), and its kind's parameters. A kind of encoding 4
// (mm_op_more) or 5 (mm_op_fifth) is written here as munmap, which has none.
template <typename Io>
void mm_op(Io& io, FuzzMmOp& op, u64 range_start, u64 range_pages, const Frame& f) {
  const bool more = !Io::kReading && (more_kind(op.kind) || fifth_kind(op.kind));
  u64 sel = 0;
  if constexpr (!Io::kReading) {
    sel = kind_index(kFuzzMmOpKinds, more ? MmOpKind::Munmap : op.kind).value_or(0);
  }
  num(io, sel, 0, kFuzzMmOpKinds.size() - 1);
  if (!more) op.kind = kFuzzMmOpKinds[sel];
  page(io, op.page, range_start, range_pages, f.va_pages - 1, f);
  pick(io, op.pages, {1, 1, 2, 4, range_pages, 16}, 1, kMaxRangePages);
  switch (kFuzzMmOpKinds[sel]) {
  case MmOpKind::Mprotect: {
    u64 prot = static_cast<u64>(op.prot);
    num(io, prot, 0, 2); // none, r, rw (Prot)
    op.prot = static_cast<Prot>(prot);
    break;
  }
  default:
    if (!more) op.prot = Prot::Read; // (the default: unused; mmap's is read by mm_op_fifth)
    break;
  }
}

// Encoding 4: an operation's kind moved to one of kFuzzMoreMmOpKinds (mostly not).
template <typename Io>
void mm_op_more(Io& io, FuzzMmOp& op) {
  u64 sel = 0;
  if constexpr (!Io::kReading) {
    if (auto i = kind_index(kFuzzMoreMmOpKinds, op.kind)) sel = 3 + *i;
  }
  num(io, sel, 0, 2 + kFuzzMoreMmOpKinds.size()); // 0-2: the kind mm_op read
  if (sel >= 3) {
    op.kind = kFuzzMoreMmOpKinds[sel - 3];
    op.prot = Prot::Read;
  }
}

// Encoding 5: an operation's kind moved to mmap (with its PROT), cpu-read, cpu-write or
// fork-child (mostly not: selectors 0 and 5-7 keep the kind read before).
template <typename Io>
void mm_op_fifth(Io& io, FuzzMmOp& op) {
  u64 sel = 0;
  if constexpr (!Io::kReading) {
    if (auto i = kind_index(kFuzzFifthMmOpKinds, op.kind)) sel = 1 + *i;
  }
  num(io, sel, 0, 7);
  if (sel < 1 || sel > kFuzzFifthMmOpKinds.size()) return;
  op.kind = kFuzzFifthMmOpKinds[sel - 1];
  if (op.kind == MmOpKind::Mmap) {
    u64 prot = static_cast<u64>(op.prot);
    num(io, prot, 0, 2); // none, r, rw (Prot)
    op.prot = static_cast<Prot>(prot);
  } else {
    op.prot = Prot::Read;
  }
}

// A later call: no operation (a call again on the world the last one left), one or two.
template <typename Io>
void call(Io& io, FuzzCall& c, u64 range_start, u64 range_pages, const Frame& f) {
  constexpr std::array<u64, 8> counts{0, 1, 1, 1, 1, 1, 2, 2};
  u64 n = std::min<u64>(c.ops.size(), kMaxCallOps);
  if constexpr (Io::kReading) {
    n = counts[io.get(0, 7)];
  } else {
    io.put(u64(std::find(counts.begin(), counts.end(), n) - counts.begin()), 0, 7);
  }
  c.ops.resize(n);
  for (FuzzMmOp& op : c.ops) mm_op(io, op, range_start, range_pages, f);
}

// Encoding 4: the driver loop (1/4 of the inputs that get that far), its chunk and tries,
// and up to three `during` events, each an operation of any kind at a point and reach.
template <typename Io>
void driver(Io& io, std::optional<FuzzDriver>& d, u64 range_start, u64 range_pages,
            const Frame& f) {
  u64 has = d ? 1 : 0;
  num(io, has, 0, 3); // 1: a driver loop
  if (has != 1) {
    d.reset();
    return;
  }
  if (!d) d.emplace();
  pick(io, d->chunk_pages, {64, 1, 2, 4, 16}, 1, kMaxRangePages);
  pick(io, d->tries, {8, 1, 2, 3}, 1, 16);
  short_list(io, d->events, [&](FuzzDriverEvent& e) {
    u64 point = static_cast<u64>(e.point);
    num(io, point, 0, 1); // before-call, after-call (DriverPoint)
    e.point = static_cast<DriverPoint>(point);
    mm_op(io, e.op, range_start, range_pages, f);
    mm_op_more(io, e.op);
    pick(io, e.at, {1, 1, 2, 3}, 1, 16);
  });
}

} // namespace io

// The whole encoding, in input order (the first choices come off the end of the input).
template <typename Io>
void io_case(Io& s, FuzzCase& c) {
  using namespace io;
  // geometry: 0-6 tiny, 7-9 tiny3, 10-12 tiny-la57, 13 x86_64, 14 x86_64-la57, 15 custom
  num(s, c.geometry, 0, 15);
  if constexpr (Io::kReading)
    if (auto pin = s.pinned_geometry()) c.geometry = *pin;
  if (c.geometry == 15) {
    num(s, c.page_shift, 12, 16);
    flag(s, c.la57);
    for (u64& b : c.bits) num(s, b, 1, 9);
  }
  Frame f;
  f.g = case_geometry(c);
  f.va_pages = f.g.va_limit() >> f.g.page_shift;
  pick(s, c.zero_pfn, {0x100, 0x100, 0, kDevicePfnBase}, 0, kPfnLimit);
  pick(s, c.next_pfn, {0x10000}, 0, kPfnLimit);
  {
    World w(f.g);
    w.zero_pfn = c.zero_pfn;
    f.huge_zero_pfn = huge_zero_pfn(w);
  }

  // the range: shape 0-29 normal, 30 empty, 31 inverted
  u64 shape = 0, npages = 0;
  if constexpr (!Io::kReading) {
    c.start_page = std::min(c.start_page, f.va_pages);
    c.end_page = std::min(c.end_page, f.va_pages);
    if (c.end_page > c.start_page) {
      npages = std::min(c.end_page - c.start_page, kMaxRangePages);
      c.end_page = c.start_page + npages;
    } else if (c.end_page == c.start_page) {
      shape = 30;
    } else {
      shape = 31;
      npages = std::min(c.start_page - c.end_page, kMaxRangePages);
      c.end_page = c.start_page - npages;
    }
  }
  num(s, shape, 0, 31);
  page(s, c.start_page, 0, 4 * kNearSlack, f.va_pages - (shape == 31 ? 0 : 1), f);
  if (shape != 30) range_pages(s, npages);
  if constexpr (Io::kReading) {
    if (shape == 30) {
      c.end_page = c.start_page;
    } else if (shape == 31) {
      c.end_page = c.start_page - std::min(npages, c.start_page);
    } else {
      npages = std::min({npages, f.va_pages, kMaxRangePages});
      c.start_page = std::min(c.start_page, f.va_pages - npages);
      c.end_page = c.start_page + npages;
    }
  }
  const u64 pages_in_range = c.end_page > c.start_page ? c.end_page - c.start_page : 0;

  // 6.x: the fixed bits of the 6.x API (model/range_v6.h); the range's v5.7 fields keep
  // HmmRange's defaults, as a parsed 6.x scenario has them
  const bool v6 = has_v6_api(c.kernel);
  if (v6) {
    const HmmRange def;
    c.flags = def.flags, c.values = def.values, c.pfn_shift = def.pfn_shift;
    bool override_requests = true;
    if constexpr (!Io::kReading)
      override_requests =
          c.default_flags != def.default_flags || c.pfn_flags_mask != def.pfn_flags_mask;
    flag(s, override_requests);
    if (override_requests) {
      const u64 v = hmm6::REQ_FAULT, w = hmm6::REQ_WRITE;
      pick(s, c.default_flags, {0, v, w, v | w, ~0ull}, 0, kMaxRaw);
      pick(s, c.pfn_flags_mask, {~0ull, 0, v, w, v | w}, 0, kMaxRaw);
    } else {
      c.default_flags = def.default_flags, c.pfn_flags_mask = def.pfn_flags_mask;
    }
  }
  // the driver's encoding (v5.7): 0 the defaults of HmmRange, 1 nouveau, 2 amdgpu, 3 explicit
  if (!v6) {
    HmmRange def, nv, amd;
    apply_driver_encoding(nv, "nouveau");
    apply_driver_encoding(amd, "amdgpu");
    auto same_encoding = [&](const HmmRange& r) {
      return r.flags == c.flags && r.values == c.values && r.pfn_shift == c.pfn_shift;
    };
    u64 enc = 3;
    bool override_requests = true;
    if constexpr (!Io::kReading) {
      const HmmRange* base = nullptr;
      if (same_encoding(def))
        enc = 0, base = &def;
      else if (same_encoding(nv))
        enc = 1, base = &nv;
      else if (same_encoding(amd))
        enc = 2, base = &amd;
      if (base)
        override_requests =
            c.default_flags != base->default_flags || c.pfn_flags_mask != base->pfn_flags_mask;
      else
        override_requests =
            c.default_flags != def.default_flags || c.pfn_flags_mask != def.pfn_flags_mask;
    }
    num(s, enc, 0, 3);
    if (enc == 3) {
      for (u64& fl : c.flags) {
        u64 m = 0;
        if constexpr (!Io::kReading) m = std::popcount(fl) == 1 ? 0 : fl == 0 ? 2 : 3;
        num(s, m, 0, 3);
        if (m <= 1) {
          u64 bit = std::countr_zero(fl | (1ull << 63));
          num(s, bit, 0, 63);
          fl = 1ull << bit;
        } else if (m == 2) {
          fl = 0;
        } else {
          num(s, fl, 0, kMaxRaw);
        }
      }
      for (unsigned i = 0; i < 3; ++i) {
        u64 prev = i ? c.values[i - 1] : ~1ull;
        pick(s, c.values[i], {~1ull, 0, ~3ull, ~0ull, 1, 2, prev}, 0, kMaxRaw);
      }
      pick(s, c.pfn_shift, {12, 12, 0}, 0, 63);
    }
    if constexpr (Io::kReading) {
      const HmmRange& base = enc == 1 ? nv : enc == 2 ? amd : def;
      if (enc != 3) c.flags = base.flags, c.values = base.values, c.pfn_shift = base.pfn_shift;
      c.default_flags = base.default_flags;
      c.pfn_flags_mask = base.pfn_flags_mask;
    }
    flag(s, override_requests);
    if (override_requests) {
      const u64 v = c.flags[HMM_PFN_VALID], w = c.flags[HMM_PFN_WRITE];
      pick(s, c.default_flags, {0, v, w, v | w, ~0ull}, 0, kMaxRaw);
      pick(s, c.pfn_flags_mask, {~0ull, 0, v, w, v | w}, 0, kMaxRaw);
    }
  }
  pick(s, c.dev_private_owner, {0, 1, 2}, 0, kMaxRaw);

  // requests: 0 none, 1 one for every page, 2-3 per page
  {
    const u64 v = v6 ? hmm6::REQ_FAULT : c.flags[HMM_PFN_VALID];
    const u64 w = v6 ? hmm6::REQ_WRITE : c.flags[HMM_PFN_WRITE];
    u64 mode = 2;
    if constexpr (!Io::kReading) {
      c.requests.resize(pages_in_range, 0);
      bool all_zero =
          std::all_of(c.requests.begin(), c.requests.end(), [](u64 r) { return r == 0; });
      bool uniform = std::all_of(c.requests.begin(), c.requests.end(),
                                 [&](u64 r) { return r == c.requests.front(); });
      mode = all_zero ? 0 : uniform ? 1 : 2;
    }
    num(s, mode, 0, 3);
    if (mode == 0) {
      c.requests.assign(pages_in_range, 0);
    } else if (mode == 1) {
      u64 r = c.requests.empty() ? 0 : c.requests.front();
      pick(s, r, {0, v, v | w, w, ~0ull}, 0, kMaxRaw);
      c.requests.assign(pages_in_range, r);
    } else {
      c.requests.resize(pages_in_range, 0);
      for (u64 i = 0; i < pages_in_range; ++i) {
        u64 prev = i ? c.requests[i - 1] : 0;
        pick(s, c.requests[i], {prev, 0, v, v | w, prev, w, ~0ull}, 0, kMaxRaw);
      }
    }
  }

  // the notifier: 0-4 over the range, fresh; 5 over the range, stale; 6-7 explicit
  {
    u64 mode = 6;
    if constexpr (!Io::kReading) {
      bool over_range = c.notifier_start == c.start_page && c.notifier_end == c.end_page;
      if (over_range && c.notifier_seq == 0 && c.caller_seq == 0)
        mode = 0;
      else if (over_range && c.notifier_seq != 0 && c.caller_seq == c.notifier_seq - 1)
        mode = 5;
    }
    num(s, mode, 0, 7);
    if (mode <= 4) {
      c.notifier_seq = c.caller_seq = 0;
    } else if (mode == 5) {
      pick(s, c.notifier_seq, {1, 2}, 1, kMaxRaw);
      c.caller_seq = c.notifier_seq - 1;
    } else {
      page(s, c.notifier_start, c.start_page, pages_in_range, f.va_pages, f);
      page(s, c.notifier_end, c.notifier_start, pages_in_range + 1, f.va_pages, f);
      if (c.notifier_end < c.notifier_start) std::swap(c.notifier_start, c.notifier_end);
      pick(s, c.notifier_seq, {0, 1, 2}, 0, kMaxRaw);
      u64 caller = c.caller_seq;
      pick(s, caller, {c.notifier_seq, c.notifier_seq - 1}, 0, kMaxRaw);
      c.caller_seq = caller;
    }
    if (mode <= 5) c.notifier_start = c.start_page, c.notifier_end = c.end_page;
  }

  // VMAs: most cover the range (a few pages either side), the others anywhere near it
  list(s, c.vmas, kMaxVmas, [&](FuzzVma& v) {
    const unsigned ps = f.g.page_shift;
    u64 start = v.start >> ps, pages = (v.end - std::min(v.end, v.start)) >> ps;
    u64 mode = 3;
    num(s, mode, 0, 3);
    if (mode <= 1) {
      u64 lead = 0, tail = 0;
      pick(s, lead, {0, 0, 1, 2, 4}, 0, 4 * kNearSlack);
      pick(s, tail, {0, 0, 1, 2, 4}, 0, 4 * kNearSlack);
      start = std::min(c.start_page - std::min(lead, c.start_page), f.va_pages - 1);
      pages = std::max<u64>(1, std::max(c.start_page, c.end_page) + tail - start);
    } else {
      page(s, start, c.start_page, pages_in_range, f.va_pages - 1, f);
      pick(s, pages, {1, 2, 4, 8, 16, 64}, 1, kPageLimit);
    }
    vma_flags(s, v.flags);
    bool file = !v.anonymous;
    flag(s, file);
    v.anonymous = !file;
    bool pud = false;
    if (v.flags & vm::HUGETLB) {
      if constexpr (!Io::kReading) pud = v.hugetlb_size == f.g.size(Level::Pud);
      flag(s, pud);
    }
    if constexpr (Io::kReading) {
      u64 s0 = start << ps, e0 = std::min(start + pages, f.va_pages) << ps;
      v.hugetlb_size = 0;
      if (v.flags & vm::HUGETLB) {
        u64 hs = f.g.size(pud ? Level::Pud : Level::Pmd);
        v.hugetlb_size = hs;
        s0 &= ~(hs - 1);
        e0 = std::min((e0 + hs - 1) & ~(hs - 1), f.g.va_limit());
      }
      v.start = s0;
      v.end = e0;
    }
  });

  // page-table ops
  list(s, c.ops, kMaxOps, [&](FuzzOp& op) {
    u64 sel = op.type == FuzzOp::Type::Word ? 6 : op.type == FuzzOp::Type::Table ? 7 : 0;
    num(s, sel, 0, 7);
    if (sel <= 5) {
      op.type = FuzzOp::Type::Entry;
      u64 level = idx(op.level);
      choose(s, level, {0, 0, 0, 0, 1, 1, 2, 3, 4});
      op.level = static_cast<Level>(level);
      if (op.level == Level::P4d && f.g.p4d_folded()) op.level = Level::Pgd;
      page(s, op.page, c.start_page, pages_in_range, f.va_pages - 1, f);
      u64 form = static_cast<u64>(op.form);
      num(s, form, 0, (v6 ? kFormsV6 : kForms) - 1);
      op.form = static_cast<Form>(form);
      switch (op.form) {
      case Form::Page:
        pfn(s, op.pfn, c, f);
        flag(s, op.write), flag(s, op.special), flag(s, op.devmap);
        break;
      case Form::Zero:
        flag(s, op.write);
        break;
      case Form::Migration:
        pfn(s, op.pfn, c, f);
        flag(s, op.write);
        if (v6 && !op.write) flag(s, op.exclusive); // 6.x: read-exclusive migration
        if (!v6 || op.write) op.exclusive = false;
        break;
      case Form::Protnone:
      case Form::Device:
      case Form::Exclusive:
        pfn(s, op.pfn, c, f);
        flag(s, op.write);
        break;
      case Form::Marker:
        num(s, op.marker, 0, 3); // uffd-wp, poisoned (6.12), both, or none
        break;
      case Form::SwapinError:
        pfn(s, op.pfn, c, f);
        break;
      case Form::Hwpoison:
        pfn(s, op.pfn, c, f);
        break;
      case Form::Swap:
        num(s, op.swap_type, 0, x86::MAX_SWAPFILES - 1);
        pfn(s, op.pfn, c, f);
        break;
      case Form::Huge:
        pfn(s, op.pfn, c, f);
        flag(s, op.write), flag(s, op.devmap), flag(s, op.protnone), flag(s, op.special);
        break;
      case Form::Raw:
        word(s, op.raw, c, f);
        break;
      case Form::None:
      case Form::Table:
        break;
      }
    } else if (sel == 6) {
      op.type = FuzzOp::Type::Word;
      num(s, op.table, 0, 255);
      num(s, op.index, 0, 511);
      word(s, op.raw, c, f);
    } else {
      op.type = FuzzOp::Type::Table;
      u64 level = idx(op.level);
      num(s, level, 0, 4);
      op.level = static_cast<Level>(level);
      new_table_pfn(s, op.pfn);
    }
  });

  list(s, c.owners, kMaxOwners, [&](FuzzOwner& o) {
    pfn(s, o.pfn, c, f);
    pick(s, o.owner, {0, 1, 2}, 0, kMaxRaw);
  });
  list(s, c.shared_pfns, kMaxShared, [&](u64& p) { pfn(s, p, c, f); });
  if (v6) { // device-coherent pages (World::coherent_pfns) and the end of the memmap
    list(s, c.coherent_pfns, kMaxShared, [&](u64& p) { pfn(s, p, c, f); });
    pick(s, c.highest_memmap_pfn, {~0ull, ~0ull, ~0ull, 0xfff, c.next_pfn}, 0, kPfnLimit);
  } else {
    c.coherent_pfns.clear();
    c.highest_memmap_pfn = ~0ull;
  }
  list(s, c.injections, kMaxInjections, [&](FuzzInjection& in) {
    page(s, in.page, c.start_page, pages_in_range, f.va_pages - 1, f);
    u64 error = in.what.error, np = in.what.no_progress;
    pick(s, error,
         {0, 0, 0, 0, 0, 0, 0, 0, fault::OOM, fault::VM_SIGBUS, fault::HWPOISON, fault::VM_SIGSEGV,
          fault::MAJOR, fault::RETRY, fault::HWPOISON_LARGE},
         0, 0xffffffff);
    flag(s, in.what.invalidate);
    pick(s, np, {0, 0, 0, 0, 1, 2, kForever}, 0, 0xffffffff);
    in.what.error = unsigned(error);
    in.what.no_progress = unsigned(np);
  });
  pick(s, c.budget, {4, 8, 2, 16}, 1, kMaxBudget);

  // encoding 3, v5.7 only: race events, then the calls after the first (read last, so that an
  // input that ends before them has neither)
  if (!v6) {
    short_list(s, c.races, [&](FuzzRace& r) { race(s, r); });
    short_list(s, c.calls, [&](FuzzCall& k) { call(s, k, c.start_page, pages_in_range, f); });
  } else {
    c.races.clear();
    c.calls.clear();
  }
  // encoding 4, v5.7 only, after all of encoding 3: the races' reach and the fault-returned
  // point, the operations' further kinds, then the driver loop
  if (!v6) {
    for (FuzzRace& r : c.races) race_more(s, r);
    for (FuzzCall& k : c.calls)
      for (FuzzMmOp& op : k.ops) mm_op_more(s, op);
    driver(s, c.driver, c.start_page, pages_in_range, f);
  } else {
    c.driver.reset();
  }
  // encoding 5, v5.7 only, after all of encoding 4: mmap, the CPU's accesses and fork-child
  // among the kinds of the calls' operations and then of the loop's events (not read when the input
  // is read as an earlier encoding)
  bool fifth = true;
  if constexpr (Io::kReading) fifth = s.encoding() >= 5;
  if (!v6 && fifth) {
    for (FuzzCall& k : c.calls)
      for (FuzzMmOp& op : k.ops) mm_op_fifth(s, op);
    if (c.driver)
      for (FuzzDriverEvent& e : c.driver->events) mm_op_fifth(s, e.op);
  }
}

} // namespace hmmspec::fuzz
