// SPDX-License-Identifier: GPL-2.0-or-later
#include "tests/unit/walker_worlds.h"

#include <fmt/format.h>

#include "model/fault.h"

namespace hmmspec::walker_test {

using namespace x86;

namespace {
// A word at `l` the level's bad test rejects (and that is not none), or 0.
u64 bad_word(Gen& g, const Geometry& geom, Level l) {
  for (int tries = 0; tries < 64; ++tries) {
    u64 w = (0x3000 + g.below(16)) << geom.page_shift;
    w |= g.pick<u64>({PRESENT, PRESENT | RW, KERNPG_TABLE, PAGE_TABLE, USER, 0});
    w |= g.pick<u64>({0, SPECIAL, NX, PCD, PWT, GLOBAL, DEVMAP, 1ull << 11});
    if (word_bad(geom, l, w) && !word_none(l, geom.levels, w)) return w;
  }
  return 0;
}

u64 some_pfn(Gen& g, const World& w) {
  if (g.chance(15)) return w.zero_pfn;
  return 0x1000 + g.below(64);
}

// A random entry word for slot (l, addr): every kind the level can hold, bad and raw words.
// With `rare`, only the kinds few words would otherwise hold (migration, devmap, device).
u64 random_word(Gen& g, World& w, Level l, Context ctx, bool rare = false) {
  const Geometry& geom = w.geom;
  if (!rare && g.chance(8)) return 0;
  if (!rare && g.chance(8)) { // raw: interesting bits with a pfn or swap fields
    u64 word = g.bits() & g.pick<u64>({0xfff, 0xffffull << 12, ~0ull, 0xf800000000000fffull});
    return word | g.pick<u64>({0, PRESENT, PSE, PROTNONE, DEVMAP, SPECIAL});
  }
  Entry e;
  const bool leaf = l == Level::Pte || ctx == Context::HugetlbSlot;
  if (leaf) {
    e.kind = g.pick({Kind::Page, Kind::Page, Kind::Page, Kind::Zero, Kind::Protnone, Kind::Swap,
                     Kind::Migration, Kind::Migration, Kind::Device, Kind::Device, Kind::Hwpoison,
                     Kind::None});
    if (l != Level::Pte && (e.kind == Kind::Page || e.kind == Kind::Zero)) e.kind = Kind::Huge;
  } else if (l == Level::Pmd) {
    e.kind = g.pick({Kind::Table, Kind::Table, Kind::Huge, Kind::Huge, Kind::Migration, Kind::Swap,
                     Kind::Device, Kind::Hwpoison, Kind::Bad});
  } else if (l == Level::Pud) {
    e.kind = g.pick({Kind::Table, Kind::Table, Kind::Table, Kind::Huge, Kind::Bad});
  } else {
    e.kind = g.pick({Kind::Table, Kind::Table, Kind::Table, Kind::Bad});
  }
  if (rare) {
    if (leaf) e.kind = g.pick({Kind::Migration, Kind::Device, Kind::Hwpoison, Kind::Protnone});
    if (l == Level::Pmd && !leaf) e.kind = g.pick({Kind::Migration, Kind::Huge});
    if (l == Level::Pud && !leaf) e.kind = Kind::Huge;
  }
  e.write = g.chance(50);
  e.pfn = some_pfn(g, w);
  switch (e.kind) {
  case Kind::Page:
    e.special = g.chance(15);
    e.devmap = g.chance(8);
    break;
  case Kind::Zero:
    e.pfn = w.zero_pfn;
    break;
  case Kind::Swap:
    e.swap_type = unsigned(g.below(MAX_SWAPFILES));
    e.offset = g.below(1000);
    break;
  case Kind::Device:
    e.pfn = kDevBase + g.below(8);
    break;
  case Kind::Huge: {
    u64 pages = geom.size(l) >> geom.page_shift;
    e.pfn = (0x4000 + g.below(8) * pages) & ~(pages - 1);
    if (g.chance(10)) e.pfn = huge_zero_pfn(w);
    e.devmap = g.chance(rare ? 70 : 30);
    e.protnone = ctx == Context::Normal && g.chance(15);
    e.special = g.chance(10);
    break;
  }
  case Kind::Table: {
    Level next = below(l);
    if (next == Level::P4d && geom.p4d_folded()) next = Level::Pud;
    if (g.chance(75)) {
      if (auto t = w.alloc_table(next)) e.pfn = *t;
    } else if (g.chance(50) && !w.tables().empty()) {
      auto it = w.tables().begin();
      std::advance(it, g.below(w.tables().size()));
      e.pfn = it->first; // a table reachable along two paths
    } else {
      e.pfn = w.next_table_pfn() + 100 + g.below(4); // memory holding no table
    }
    break;
  }
  case Kind::Bad:
    return bad_word(g, geom, l);
  default:
    break;
  }
  Encoded enc = encode(geom, l, e, ctx);
  return enc.error ? 0 : enc.word;
}

// A VMA: anywhere, or (around) the part of the address space [lo, hi) the range covers.
Vma random_vma(Gen& g, const Geometry& geom, u64 lo, u64 hi) {
  Vma v;
  v.flags = 0;
  if (g.chance(92)) v.flags |= vm::READ;
  if (g.chance(65)) v.flags |= vm::WRITE;
  if (g.chance(20)) v.flags |= vm::SHARED;
  if (g.chance(30)) v.flags |= vm::HUGEPAGE;
  if (g.chance(4)) v.flags |= vm::IO;
  if (g.chance(4)) v.flags |= vm::PFNMAP;
  if (g.chance(4)) v.flags |= vm::MIXEDMAP;
  v.anonymous = g.chance(70);
  u64 align = geom.page_size();
  if (g.chance(15)) {
    v.flags |= vm::HUGETLB;
    v.hugetlb_size = g.chance(70) ? geom.size(Level::Pmd) : geom.size(Level::Pud);
    align = v.hugetlb_size;
  }
  u64 slots = geom.va_limit() / align;
  u64 a = g.below(slots), b = g.below(slots);
  if (g.chance(60)) { // around the range: most pages of the range lie in VMAs
    a = lo / align - std::min(lo / align, g.below(3));
    b = std::min(slots, (hi + align - 1) / align + g.below(3));
    if (g.chance(40)) a += g.below(b - a);
  }
  if (a > b) std::swap(a, b);
  if (a == b) b = a + 1;
  if (g.chance(30) && b - a > 16) b = a + 1 + g.below(16);
  v.start = a * align;
  v.end = b * align;
  return v;
}

} // namespace

Scenario random_scenario(u64 seed) {
  Gen g(seed);
  const char* gname = g.pick<const char*>({"tiny", "tiny", "tiny-la57", "tiny3"});
  Scenario s;
  s.name = fmt::format("walker-random-{}", seed);
  s.world = World(*builtin_geometry(gname));
  World& w = s.world;
  const Geometry& geom = w.geom;
  const u64 page = geom.page_size();

  const u64 pages = geom.va_limit() / page;
  u64 a = g.below(pages), b = g.below(pages + 1);
  if (a > b) std::swap(a, b);
  if (a == b && !g.chance(3)) b = std::min(pages, a + 1 + g.below(pages - a));
  for (u64 i = 0, n = g.below(5); i < n; ++i)
    (void)w.vmas.insert(random_vma(g, geom, a * page, b * page), page);
  for (u64 i = 0; i < 4; ++i) w.device_owner[kDevBase + i] = g.below(3);
  if (g.chance(30)) w.shared_pfns.insert(0x1000 + g.below(64));

  const std::vector<Level> levels =
      geom.p4d_folded()
          ? std::vector<Level>{Level::Pgd, Level::Pud, Level::Pmd, Level::Pte}
          : std::vector<Level>{Level::Pgd, Level::P4d, Level::Pud, Level::Pmd, Level::Pte};
  // Mostly lower levels, written after the paths to them exist.
  for (u64 i = 0, n = 4 + g.below(60); i < n; ++i) {
    Level l = g.chance(70) ? g.pick({Level::Pte, Level::Pte, Level::Pmd})
                           : levels[g.below(levels.size())];
    u64 addr = g.below(geom.va_limit() / page) * page;
    u64* slot = w.ensure_slot(l, addr);
    if (!slot) continue;
    *slot = random_word(g, w, l, w.context_at(l, addr));
  }
  // Dense PTE runs, so plain runs and fault spans are exercised.
  for (u64 i = 0, n = g.below(4); i < n; ++i) {
    u64 base = g.below(geom.va_limit() / geom.size(Level::Pmd)) * geom.size(Level::Pmd);
    for (u64 a = base; a < base + geom.size(Level::Pmd); a += page) {
      u64* slot = w.ensure_slot(Level::Pte, a);
      if (!slot || w.context_at(Level::Pte, a) != Context::Normal) break;
      *slot = g.chance(80)
                  ? encode(geom, Level::Pte,
                           Entry{.kind = Kind::Page, .pfn = some_pfn(g, w), .write = g.chance(50)})
                        .word
                  : random_word(g, w, Level::Pte, Context::Normal);
    }
  }

  // Rare kinds inside the range.
  for (u64 i = 0, n = b > a ? g.below(6) : 0; i < n; ++i) {
    Level l = g.pick({Level::Pte, Level::Pmd, Level::Pmd, Level::Pud});
    u64 addr = (a + g.below(b - a)) * page;
    u64* slot = w.ensure_slot(l, addr);
    if (slot) *slot = random_word(g, w, l, w.context_at(l, addr), true);
  }
  for (u64 i = 0, n = g.below(4); i < n; ++i) {
    Injection inj;
    switch (g.below(4)) {
    case 0:
      inj.error = g.pick<unsigned>({fault::VM_SIGBUS, fault::HWPOISON, fault::OOM, fault::MAJOR});
      break;
    case 1:
      inj.invalidate = true;
      break;
    case 2:
      inj.no_progress = unsigned(1 + g.below(3));
      break;
    default:
      inj.no_progress = kForever;
      break;
    }
    w.injections[g.below(geom.va_limit() / page) * page] = inj;
  }

  HmmRange& r = s.range;
  r.start = a * page;
  r.end = b * page;
  if (g.chance(20))
    r.flags = {g.pick<u64>({1, 4, 1ull << 63, 3}), g.pick<u64>({2, 0, 1, 6, 1ull << 62})};
  if (g.chance(20))
    r.values = {g.pick<u64>({~1ull, 0, 7}), g.pick<u64>({0, 1, ~1ull}),
                g.pick<u64>({~3ull, ~1ull, 5})};
  if (g.chance(25)) r.pfn_shift = std::uint8_t(g.below(20));
  r.dev_private_owner = g.below(3);
  const u64 V = r.flags[HMM_PFN_VALID], W = r.flags[HMM_PFN_WRITE];
  switch (g.below(5)) {
  case 0: // uniform (amdgpu-like)
    r.pfn_flags_mask = 0;
    r.default_flags = g.pick<u64>({0, V, V | W, W});
    break;
  case 1: // nothing can be requested
    r.pfn_flags_mask = W;
    r.default_flags = g.pick<u64>({0, W});
    break;
  case 2: // odd masks
    r.pfn_flags_mask = g.pick<u64>({V, W, V | W, g.bits()});
    r.default_flags = g.pick<u64>({0, V, W, g.bits() & 7});
    break;
  default: // per page (nouveau-like)
    r.pfn_flags_mask = ~0ull;
    r.default_flags = g.pick<u64>({0, 0, V});
    break;
  }
  r.pfns.assign(b > a ? b - a : 0, 0);
  const unsigned density = unsigned(g.pick<u64>({0, 2, 10, 30, 100}));
  const bool settled = g.chance(35); // requests a present page satisfies, as a driver re-asking
  for (u64 i = 0; i < r.pfns.size(); ++i) {
    u64& req = r.pfns[i];
    if (settled) {
      Entry e = w.entry_at(Level::Pte, r.start + i * page);
      if (e.kind == Kind::Page || e.kind == Kind::Zero) req = e.write && g.chance(50) ? V | W : V;
      if (e.kind == Kind::Device) req = g.pick<u64>({0, V, V | W});
      if (!g.chance(3)) continue;
    }
    if (g.chance(density)) req = g.pick<u64>({V, V | W, W, V, g.bits()});
  }
  w.notifier = Notifier{r.start, r.end, g.below(5), 0};
  if (g.chance(20)) w.notifier = Notifier{0, geom.va_limit(), w.notifier.seq, 0};
  r.notifier_seq = g.chance(95) ? w.notifier.seq : w.notifier.seq + 1;
  s.options.restart_budget = unsigned(g.pick<u64>({3, 40}));
  return s;
}

Scenario random_large_scenario(u64 seed) {
  Gen g(seed);
  Scenario s;
  s.name = fmt::format("walker-large-{}", seed);
  s.world = World(*builtin_geometry(g.chance(80) ? "x86_64" : "x86_64-la57"));
  World& w = s.world;
  const Geometry& geom = w.geom;
  const u64 page = geom.page_size(), pmd = geom.size(Level::Pmd);
  const u64 base = (1 + g.below(1000)) * geom.size(Level::Pud);
  const u64 npmd = 32;
  Vma v{.start = base, .end = base + npmd * pmd, .flags = vm::READ | vm::WRITE};
  if (g.chance(30)) v.start += g.below(npmd) * pmd; // a gap first
  v.anonymous = g.chance(70);
  (void)w.vmas.insert(v, page);
  for (u64 i = 0; i < 4; ++i) w.device_owner[kDevBase + i] = g.below(3);
  const unsigned plain = unsigned(g.pick<u64>({50, 90, 100}));
  for (u64 m = 0; m < npmd; ++m) {
    const u64 at = base + m * pmd;
    u64* slot = w.ensure_slot(Level::Pmd, at);
    switch (g.below(10)) {
    case 0:
      break; // none: a hole
    case 1:
      *slot = random_word(g, w, Level::Pmd, Context::Normal, true);
      break;
    case 2:
      *slot = random_word(g, w, Level::Pmd, Context::Normal);
      break;
    default:
      for (u64 a = at; a < at + pmd; a += page) {
        u64* pte = w.ensure_slot(Level::Pte, a);
        if (!pte) break;
        Entry e{.kind = Kind::Page,
                .pfn = some_pfn(g, w),
                .write = g.chance(50),
                .special = g.chance(2)};
        if (g.chance(4)) e = Entry{.kind = Kind::Zero, .pfn = w.zero_pfn}; // special, yet plain
        *pte = g.chance(plain) ? encode(geom, Level::Pte, e).word
                               : random_word(g, w, Level::Pte, Context::Normal);
      }
    }
  }
  HmmRange& r = s.range;
  r.start = base + g.below(npmd * pmd / page / 2) * page;
  r.end = base + npmd * pmd - g.below(npmd * pmd / page / 2) * page;
  r.pfn_flags_mask = g.chance(70) ? ~0ull : 0;
  r.default_flags = g.pick<u64>({0, 0, 1, 3});
  r.dev_private_owner = g.below(3);
  r.pfns.assign((r.end - r.start) / page, 0);
  const unsigned density = unsigned(g.pick<u64>({0, 1, 20, 100}));
  const bool settled = g.chance(50);         // requests the entries satisfy, a few others
  const u64 stray = g.chance(50) ? 4000 : 0; // one page in `stray` asks V or V|W whatever it is
  if (settled) {
    r.pfn_flags_mask = ~0ull;
    r.default_flags = 0;
  }
  for (u64 i = 0; i < r.pfns.size(); ++i) {
    u64& req = r.pfns[i];
    if (settled) {
      Entry e = w.entry_at(Level::Pte, r.start + i * page);
      if ((e.kind == Kind::Page && !e.special) || e.kind == Kind::Zero)
        req = e.write && g.chance(50) ? 3 : 1;
      if (e.kind == Kind::Device && w.owner_of(e.pfn) == r.dev_private_owner)
        req = g.pick<u64>({0, 1, 3});
      if (stray && g.below(stray) == 0) req = g.pick<u64>({1, 3});
    } else if (g.chance(density)) {
      req = g.pick<u64>({1, 3, 1, 2});
    }
  }
  w.notifier = Notifier{r.start, r.end, 0, 0};
  r.notifier_seq = 0;
  s.options.restart_budget = 100;
  return s;
}

} // namespace hmmspec::walker_test
