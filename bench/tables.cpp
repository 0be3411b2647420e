// SPDX-License-Identifier: GPL-2.0-or-later
#include "bench/tables.h"

#include <algorithm>
#include <random>

#include "model/translate.h"

namespace hmmspec::bench {

namespace {

using namespace x86;

constexpr u64 kGiB = 1ull << 30;
constexpr u64 kBase = 1ull << 40;              // 1 TiB: every table starts at a PGD boundary
constexpr u64 kV = 1, kW = 2;                  // the flags of the default encoding (range.h)
constexpr u64 kPage = 4096, kPmd = 2ull << 20; // the x86-64 geometry's page and PMD sizes

// A table's size divided by 2^shrink, but never below `floor` (a page, or a PMD for a table
// of huge pages): a shrunk table still holds what its title says.
u64 shrunk(u64 size, unsigned shrink, u64 floor) {
  return std::max(size >> std::min(shrink, 63u), floor);
}

// The end of the PMD chunk at `addr` within the range: a shrunk table's range can end
// inside its first chunk.
u64 chunk_end(const BenchTable& t, u64 addr) {
  const u64 pmd = t.world.geom.size(Level::Pmd);
  return std::min(t.range.end, (addr & ~(pmd - 1)) + pmd);
}

// A table with one VMA [kBase, kBase + size) and the range over it.
BenchTable with_vma(std::string id, std::string title, std::string bound, u64 size, u64 flags) {
  BenchTable t{std::move(id), std::move(title), std::move(bound),
               World{},       HmmRange{},       RunOptions{}};
  const u64 page = t.world.geom.page_size();
  (void)t.world.vmas.insert(Vma{.start = kBase, .end = kBase + size, .flags = flags}, page);
  t.range.start = kBase;
  t.range.end = kBase + size;
  t.range.pfns.assign(size / page, 0);
  t.world.notifier = Notifier{t.range.start, t.range.end, 0, 0};
  t.range.notifier_seq = 0;
  return t;
}

// The PTE table covering the PMD chunk at `addr` (allocated on the way), as a word array.
u64* pte_table(World& w, u64 addr) {
  return w.ensure_slot(Level::Pte, addr & w.geom.mask(Level::Pmd));
}

u64 pte_word(const World& w, const Entry& e) {
  return encode(w.geom, Level::Pte, e).word;
}

// (a) 64 GiB anonymous VMA without page tables, nothing requested (mask 0, defaults 0: the
// short-circuit of hmm.c:144-146). One hole: the whole range becomes NONE.
BenchTable table_a(unsigned shrink) {
  BenchTable t = with_vma("a", "64 GiB anonymous VMA, no page tables, nothing requested", "memset",
                          shrunk(64 * kGiB, shrink, kPage), vm::READ | vm::WRITE);
  t.range.pfn_flags_mask = 0;
  t.range.default_flags = 0;
  return t;
}

// (b) 1 GiB of the same with default_flags = V: the first walk faults every page in (the zero
// page), the second reads them.
BenchTable table_b(unsigned shrink) {
  BenchTable t =
      with_vma("b", "1 GiB anonymous VMA, no page tables, default_flags = V (faults every page)",
               "memset", shrunk(kGiB, shrink, kPage), vm::READ | vm::WRITE);
  t.range.pfn_flags_mask = 0;
  t.range.default_flags = kV;
  return t;
}

// (c) 8 GiB of writable THPs, write requested for the whole range (amdgpu style).
BenchTable table_c(unsigned shrink) {
  BenchTable t = with_vma("c", "8 GiB THP-mapped, writable, default_flags = V|W", "memset",
                          shrunk(8 * kGiB, shrink, kPmd), vm::READ | vm::WRITE | vm::HUGEPAGE);
  World& w = t.world;
  const u64 pmd = w.geom.size(Level::Pmd), per = pmd >> w.geom.page_shift;
  for (u64 a = t.range.start, pfn = 0x100000; a < t.range.end; a += pmd, pfn += per)
    *w.ensure_slot(Level::Pmd, a) =
        encode(w.geom, Level::Pmd, Entry{.kind = Kind::Huge, .pfn = pfn, .write = true}).word;
  t.range.pfn_flags_mask = 0;
  t.range.default_flags = kV | kW;
  return t;
}

// (d) 1 GiB of present PTEs, each read-only or writable at random, V requested (amdgpu style).
BenchTable table_d(unsigned shrink) {
  BenchTable t =
      with_vma("d", "1 GiB PTE-mapped, present, mixed read-only and writable, default_flags = V",
               "memcpy", shrunk(kGiB, shrink, kPage), vm::READ | vm::WRITE);
  World& w = t.world;
  std::mt19937_64 rng(4);
  const u64 page = w.geom.page_size(), pmd = w.geom.size(Level::Pmd);
  u64 pfn = 0x200000;
  for (u64 a = t.range.start; a < t.range.end; a += pmd) {
    u64* ptes = pte_table(w, a);
    for (u64 i = 0; i < (chunk_end(t, a) - a) / page; ++i)
      ptes[i] = pte_word(w, Entry{.kind = Kind::Page, .pfn = pfn++, .write = (rng() & 1) != 0});
  }
  t.range.pfn_flags_mask = 0;
  t.range.default_flags = kV;
  return t;
}

// (e) 1 GiB of every PTE kind at random with per-page requests (mask all ones). Each page
// asks only what its entry satisfies without a fault, so the call completes in one walk
// with every page reported (no -EFAULT, no restart): none, swap, migration, hwpoison, protnone,
// special and foreign device-private entries ask nothing; present pages ask V or, when
// writable, V|W; own device-private pages ask anything (the request is ignored, hmm.c:262).
BenchTable table_e(unsigned shrink) {
  BenchTable t =
      with_vma("e", "1 GiB random mix of every PTE kind, per-page requests (mask all ones)",
               "memcpy", shrunk(kGiB, shrink, kPage), vm::READ | vm::WRITE);
  World& w = t.world;
  const u64 page = w.geom.page_size(), pmd = w.geom.size(Level::Pmd);
  constexpr u64 kDev = 0x3000000, kOwner = 1;
  for (u64 i = 0; i < 64; ++i) w.device_owner[kDev + i] = i < 32 ? kOwner : 2;
  t.range.dev_private_owner = kOwner;
  t.range.pfn_flags_mask = ~0ull;
  t.range.default_flags = 0;
  std::mt19937_64 rng(5);
  u64 pfn = 0x200000;
  for (u64 a = t.range.start; a < t.range.end; a += pmd) {
    u64* ptes = pte_table(w, a);
    for (u64 i = 0; i < (chunk_end(t, a) - a) / page; ++i) {
      u64& req = t.range.pfns[(a - t.range.start) / page + i];
      const u64 r = rng();
      const bool write = (r >> 8) & 1;
      Entry e;
      switch (r % 16) {
      case 0:
        break; // none
      case 1:
      case 2:
      case 3: // read-only page
        e = Entry{.kind = Kind::Page, .pfn = pfn++};
        req = (r >> 9) & 1 ? kV : 0;
        break;
      case 4:
      case 5:
      case 6: // writable page
        e = Entry{.kind = Kind::Page, .pfn = pfn++, .write = true};
        req = (r >> 9) & 1 ? kV | kW : kV;
        break;
      case 7:
        e = Entry{.kind = Kind::Page, .pfn = pfn++, .write = write, .special = true};
        break;
      case 8:
        e = Entry{.kind = Kind::Page, .pfn = pfn++, .write = write, .devmap = true};
        break;
      case 9:
        e = Entry{.kind = Kind::Zero, .pfn = w.zero_pfn};
        req = kV;
        break;
      case 10:
        e = Entry{.kind = Kind::Protnone, .pfn = pfn++, .write = write};
        break;
      case 11:
        e = Entry{
            .kind = Kind::Swap, .swap_type = unsigned(r >> 20) % 4, .offset = (r >> 24) & 0xffff};
        break;
      case 12:
        e = Entry{.kind = Kind::Migration, .pfn = pfn++, .write = write};
        break;
      case 13: // own device-private page
        e = Entry{.kind = Kind::Device, .pfn = kDev + ((r >> 20) % 32), .write = write};
        req = kV | kW;
        break;
      case 14:
        e = Entry{.kind = Kind::Device, .pfn = kDev + 32 + ((r >> 20) % 32), .write = write};
        break;
      default:
        e = Entry{.kind = Kind::Hwpoison, .pfn = pfn++};
        break;
      }
      ptes[i] = pte_word(w, e);
    }
  }
  return t;
}

// (f) 10,000 small VMAs (1-16 pages) with gaps (1-16 pages) and mixed flags: readable,
// writable, shared file, and unsupported ones (write-only, VM_IO, VM_PFNMAP). Pages are
// mostly present; present pages of supported VMAs ask V, everything else asks nothing.
BenchTable table_f(unsigned shrink) {
  BenchTable t{"f",        "10,000 small VMAs with gaps and mixed flags, per-page requests",
               "memcpy",   World{},
               HmmRange{}, RunOptions{}};
  World& w = t.world;
  const u64 page = w.geom.page_size();
  std::mt19937_64 rng(6);
  const u64 count = std::max<u64>(1, 10000 >> shrink);
  struct Piece {
    u64 start, end;
    bool supported;
  };
  std::vector<Piece> pieces;
  u64 a = kBase;
  for (u64 i = 0; i < count; ++i) {
    a += (1 + rng() % 16) * page; // the gap before it
    const u64 len = (1 + rng() % 16) * page;
    Vma v{.start = a, .end = a + len};
    switch (rng() % 8) {
    case 0:
      v.flags = vm::WRITE;
      break; // no VM_READ: unsupported
    case 1:
      v.flags = vm::READ | vm::IO;
      break;
    case 2:
      v.flags = vm::READ | vm::PFNMAP;
      break;
    case 3:
      v.flags = vm::READ | vm::WRITE | vm::SHARED;
      v.anonymous = false;
      break;
    case 4:
      v.flags = vm::READ;
      break;
    default:
      v.flags = vm::READ | vm::WRITE;
      break;
    }
    (void)w.vmas.insert(v, page);
    pieces.push_back({v.start, v.end, (v.flags & vm::READ) && !(v.flags & (vm::IO | vm::PFNMAP))});
    a += len;
  }
  t.range.start = kBase;
  t.range.end = a + page; // ends in a gap
  t.range.pfns.assign((t.range.end - t.range.start) / page, 0);
  t.range.pfn_flags_mask = ~0ull;
  t.range.default_flags = 0;
  u64 pfn = 0x200000;
  for (const Piece& p : pieces)
    for (u64 x = p.start; x < p.end; x += page) {
      if (rng() % 10 == 0) continue; // none
      *w.ensure_slot(Level::Pte, x) =
          pte_word(w, Entry{.kind = Kind::Page, .pfn = pfn++, .write = (rng() & 1) != 0});
      if (p.supported && rng() % 2) t.range.pfns[(x - t.range.start) / page] = kV;
    }
  w.notifier = Notifier{t.range.start, t.range.end, 0, 0};
  t.range.notifier_seq = 0;
  return t;
}

} // namespace

const std::vector<std::string>& table_ids() {
  static const std::vector<std::string> ids{"a", "b", "c", "d", "e", "f"};
  return ids;
}

std::optional<BenchTable> make_table(const std::string& id, unsigned shrink) {
  if (id == "a") return table_a(shrink);
  if (id == "b") return table_b(shrink);
  if (id == "c") return table_c(shrink);
  if (id == "d") return table_d(shrink);
  if (id == "e") return table_e(shrink);
  if (id == "f") return table_f(shrink);
  return std::nullopt;
}

std::optional<BenchTable> table_in_version(const BenchTable& t, KernelVersion v) {
  const KernelVersion from = t.world.geom.kernel;
  if (from == v) return t;
  auto world = translate_world(t.world, v);
  if (!std::holds_alternative<World>(world)) return std::nullopt;
  BenchTable out{t.id,
                 t.title,
                 t.bound,
                 std::move(std::get<World>(world)),
                 translate_range(t.range, from, v),
                 t.options};
  return out;
}

} // namespace hmmspec::bench
