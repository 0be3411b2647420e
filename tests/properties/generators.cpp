// SPDX-License-Identifier: GPL-2.0-or-later
#include "tests/properties/generators.h"

#include <algorithm>

#include "model/vma.h"
#include "model/world.h"

namespace hmmspec::props {

namespace {

using rc::Gen;
namespace gen = rc::gen;

// Where descriptions live: the whole address space of a tiny geometry, or a window of the
// x86_64 one just below a PMD, PUD or PGD boundary.
struct Window {
  u64 first = 0;
  u64 pages = 0;
};

Window window_for(const Geometry& g, unsigned choice) {
  const u64 all = g.va_limit() >> g.page_shift;
  if (all <= 4096) return Window{0, all};
  const u64 boundaries[] = {0, (g.size(Level::Pmd) >> g.page_shift) - 16,
                            (g.size(Level::Pud) >> g.page_shift) - 16,
                            (g.size(Level::Pgd) >> g.page_shift) - 16};
  return Window{boundaries[choice % 4], 48};
}

// Bits a raw word is made of: every bit x86_bits.h names, plus the two unnamed software bits.
const std::vector<u64>& raw_flag_bits() {
  static const std::vector<u64> bits = {
      x86::PRESENT, x86::RW,     x86::USER,    x86::PWT,   x86::PCD,   x86::ACCESSED, x86::DIRTY,
      x86::PSE,     x86::GLOBAL, x86::SPECIAL, 1ull << 10, 1ull << 11, x86::DEVMAP,   x86::NX};
  return bits;
}

u64 bits_from_mask(unsigned mask) {
  u64 w = 0;
  const auto& bits = raw_flag_bits();
  for (std::size_t i = 0; i < bits.size(); ++i)
    if (mask & (1u << i)) w |= bits[i];
  return w;
}

// A pfn for a raw word: an ordinary page, a device page, a table (so that raw pointers meet
// the tables the builder allocates) or a huge-aligned pfn.
Gen<u64> gen_raw_pfn() {
  return gen::weightedOneOf<u64>({
      {3, gen::map(gen::inRange(0u, 10u), [](unsigned s) { return page_pfn(s); })},
      {1, gen::map(gen::inRange(0u, kDevicePfns), [](unsigned s) { return device_pfn(s); })},
      {3, gen::map(gen::inRange<u64>(0, 12), [](u64 k) { return World::kTablePfnBase + k; })},
      {1, gen::elementOf(std::vector<u64>{0x400, 0x800, 0x40000, 0x100})},
  });
}

Gen<u64> gen_raw_word(unsigned page_shift) {
  return gen::weightedOneOf<u64>({
      // flag bits and a pfn, as page-table words look
      {4, gen::apply(
              [page_shift](unsigned mask, u64 pfn) {
                return bits_from_mask(mask) | ((pfn << page_shift) & x86::pfn_mask(page_shift));
              },
              gen::inRange(0u, 1u << 14), gen_raw_pfn())},
      // a swap-type word of any type, with some of the bits a swap word may carry
      {2, gen::apply(
              [](unsigned type, u64 pfn, unsigned low) {
                return x86::swp_word(type, pfn) |
                       (bits_from_mask(low) & (x86::RW | x86::USER | x86::ACCESSED | x86::DIRTY |
                                               x86::GLOBAL | x86::PSE));
              },
              gen::inRange(0u, 32u), gen_raw_pfn(), gen::inRange(0u, 1u << 14))},
      {1, gen::arbitrary<u64>()},
  });
}

// A word that is a table pointer but for one flag: most such words are *_bad at their level.
Gen<u64> gen_bad_word(unsigned page_shift) {
  return gen::apply(
      [page_shift](u64 k, u64 bit, bool clear_rw) {
        u64 w = x86::PAGE_TABLE | ((World::kTablePfnBase + k) << page_shift);
        w ^= bit;
        if (clear_rw) w &= ~x86::RW;
        return w;
      },
      gen::inRange<u64>(0, 12),
      gen::elementOf(std::vector<u64>{x86::PWT, x86::PCD, x86::GLOBAL, x86::SPECIAL, 1ull << 10,
                                      1ull << 11, x86::NX, x86::PSE, x86::DEVMAP}),
      gen::weightedElement<bool>({{4, false}, {1, true}}));
}

Gen<Kind> gen_kind(Level l) {
  switch (l) {
  case Level::Pte:
    return gen::weightedElement<Kind>({{6, Kind::Page},
                                       {1, Kind::None},
                                       {2, Kind::Zero},
                                       {2, Kind::Protnone},
                                       {2, Kind::Swap},
                                       {2, Kind::Migration},
                                       {3, Kind::Device},
                                       {1, Kind::Hwpoison}});
  case Level::Pmd:
    return gen::weightedElement<Kind>({{4, Kind::Table},
                                       {4, Kind::Huge},
                                       {1, Kind::None},
                                       {2, Kind::Migration},
                                       {1, Kind::Swap},
                                       {1, Kind::Device},
                                       {1, Kind::Hwpoison},
                                       {1, Kind::Protnone},
                                       {1, Kind::Bad}});
  case Level::Pud:
    return gen::weightedElement<Kind>({{4, Kind::Table},
                                       {3, Kind::Huge},
                                       {1, Kind::None},
                                       {1, Kind::Protnone},
                                       {1, Kind::Bad},
                                       {1, Kind::Migration}});
  default:
    return gen::weightedElement<Kind>({{4, Kind::Table}, {1, Kind::None}, {2, Kind::Bad}});
  }
}

Gen<EntryDesc> gen_entry(const Geometry& g, const Window& win, u64 first, u64 pages) {
  return gen::exec([=] {
    EntryDesc e;
    e.level = g.p4d_folded()
                  ? *gen::weightedElement<Level>(
                        {{8, Level::Pte}, {4, Level::Pmd}, {2, Level::Pud}, {1, Level::Pgd}})
                  : *gen::weightedElement<Level>({{8, Level::Pte},
                                                  {4, Level::Pmd},
                                                  {2, Level::Pud},
                                                  {1, Level::P4d},
                                                  {1, Level::Pgd}});
    // Mostly at or next to the range; sometimes anywhere in the window.
    u64 lo = std::max<u64>(first, win.first + 4) - 4;
    u64 hi = std::min<u64>(first + pages + 4, win.first + win.pages);
    e.page = *gen::weightedOneOf<u64>({{6, gen::inRange<u64>(lo, std::max(hi, lo + 1))},
                                       {1, gen::inRange<u64>(win.first, win.first + win.pages)}});
    bool raw = *gen::weightedElement<bool>({{6, false}, {1, true}});
    e.kind = *gen_kind(e.level);
    e.pfn_sel = *gen::inRange(0u, 40u);
    e.write = *gen::arbitrary<bool>();
    e.special = *gen::weightedElement<bool>({{5, false}, {1, true}});
    e.devmap = *gen::weightedElement<bool>({{4, false}, {1, true}});
    e.protnone = *gen::weightedElement<bool>({{5, false}, {1, true}});
    e.swap_type = *gen::inRange(0u, 27u);
    if (e.kind == Kind::Bad) {
      e.word = *gen_bad_word(g.page_shift);
    } else if (raw) {
      e.raw = true;
      e.word = *gen_raw_word(g.page_shift);
    }
    return e;
  });
}

Gen<u64> gen_vma_flags() {
  using namespace vm;
  return gen::weightedElement<u64>({{8, READ | WRITE},
                                    {3, READ},
                                    {2, READ | WRITE | SHARED},
                                    {2, READ | WRITE | HUGEPAGE},
                                    {1, READ | HUGEPAGE},
                                    {1, WRITE},
                                    {1, READ | IO},
                                    {1, READ | WRITE | PFNMAP},
                                    {1, READ | MIXEDMAP},
                                    {1, EXEC},
                                    {1, READ | WRITE | EXEC}});
}

Gen<VmaDesc> gen_vma(const Window& win, u64 first, u64 pages, bool covering) {
  return gen::exec([=] {
    VmaDesc v;
    if (covering) {
      u64 before = *gen::inRange<u64>(0, 6);
      v.first_page = std::max(first, win.first + before) - before;
      v.pages = (first - v.first_page) + pages + *gen::inRange<u64>(0, 6);
    } else {
      u64 lo = std::max<u64>(first, win.first + 8) - 8;
      v.first_page = *gen::inRange<u64>(lo, std::max(first + pages + 8, lo + 1));
      v.pages = *gen::inRange<u64>(1, 12);
    }
    v.flags = *gen_vma_flags();
    v.anonymous = *gen::weightedElement<bool>({{3, true}, {1, false}});
    v.huge_level =
        *gen::weightedElement<Level>({{14, Level::Pte}, {3, Level::Pmd}, {1, Level::Pud}});
    return v;
  });
}

Gen<InjectionDesc> gen_injection(u64 first, u64 pages) {
  return gen::exec([=] {
    InjectionDesc i;
    i.page = *gen::inRange<u64>(first, first + std::max<u64>(pages, 1));
    switch (*gen::inRange(0, 3)) {
    case 0:
      i.error = *gen::elementOf(std::vector<unsigned>{
          fault::VM_SIGBUS, fault::OOM, fault::HWPOISON, fault::VM_SIGSEGV, fault::HWPOISON_LARGE,
          fault::FALLBACK, fault::MAJOR, fault::VM_SIGBUS | fault::MAJOR});
      break;
    case 1:
      i.invalidate = true;
      break;
    default:
      i.no_progress = *gen::weightedElement<unsigned>({{4, 1}, {2, 2}, {1, 3}, {1, kForever}});
      break;
    }
    return i;
  });
}

// A request or mask word in the range's encoding.
Gen<u64> gen_request(u64 v, u64 w) {
  return gen::weightedOneOf<u64>(
      {{4, gen::just<u64>(0)},
       {4, gen::just(v)},
       {3, gen::just(v | w)},
       {1, gen::just(w)},
       {1, gen::just<u64>(~0ull)},
       {1, gen::arbitrary<u64>()},
       {1, gen::map(gen::inRange<u64>(0, 1 << 12), [v](u64 low) { return v | low; })}});
}

Gen<RangeDesc> gen_range(const Window& win) {
  return gen::exec([=] {
    RangeDesc r;
    r.pages = *gen::weightedOneOf<u64>(
        {{12, gen::inRange<u64>(1, 25)}, {3, gen::inRange<u64>(25, 41)}, {1, gen::just<u64>(0)}});
    r.pages = std::min(r.pages, win.pages);
    r.first_page = *gen::inRange<u64>(win.first, win.first + win.pages - r.pages + 1);
    switch (*gen::weightedElement<int>({{6, 0}, {3, 1}, {1, 2}})) {
    case 0:
      r.flags = {1, 2};
      break;
    case 1: { // distinct single bits anywhere in the word
      unsigned a = *gen::inRange(0u, 64u);
      unsigned b = *gen::suchThat(gen::inRange(0u, 64u), [a](unsigned x) { return x != a; });
      r.flags = {1ull << a, 1ull << b};
      break;
    }
    default: { // anything: overlapping, multi-bit or zero patterns
      auto any =
          gen::weightedOneOf<u64>({{2, gen::elementOf(std::vector<u64>{0, 1, 2, 3, 5, 0x1000})},
                                   {1, gen::arbitrary<u64>()}});
      r.flags = {*any, *any};
      break;
    }
    }
    const u64 v = r.flags[0], w = r.flags[1];
    switch (*gen::weightedElement<int>({{3, 0}, {3, 1}, {2, 2}})) {
    case 0: // nouveau (ERROR and SPECIAL alias)
      r.values = {~1ull, 0, ~1ull};
      break;
    case 1: // amdgpu
      r.values = {0xfffffffffffffffeull, 0, 0xfffffffffffffffcull};
      break;
    default: {
      auto any = gen::weightedOneOf<u64>(
          {{3, gen::elementOf(
                   std::vector<u64>{0, ~0ull, ~1ull, ~3ull, v, v | w, (0x200ull << 12) | v})},
           {1, gen::arbitrary<u64>()}});
      r.values = {*any, *any, *any};
      break;
    }
    }
    r.default_flags = *gen::weightedOneOf<u64>({{8, gen::just<u64>(0)},
                                                {2, gen::just(v)},
                                                {1, gen::just(v | w)},
                                                {1, gen::just(w)},
                                                {1, gen::arbitrary<u64>()}});
    r.pfn_flags_mask = *gen::weightedOneOf<u64>({{8, gen::just<u64>(~0ull)},
                                                 {2, gen::just<u64>(0)},
                                                 {1, gen::just(w)},
                                                 {1, gen::just(v)},
                                                 {1, gen::arbitrary<u64>()}});
    r.pfn_shift = *gen::weightedOneOf<std::uint8_t>({{6, gen::just<std::uint8_t>(12)},
                                                     {3, gen::inRange<std::uint8_t>(0, 17)},
                                                     {1, gen::inRange<std::uint8_t>(0, 64)}});
    r.dev_private_owner = *gen::inRange<u64>(0, 3);
    r.notifier = *gen::weightedElement<NotifierMode>(
        {{8, NotifierMode::Range}, {1, NotifierMode::Disjoint}, {1, NotifierMode::FirstPage}});
    r.notifier_seq = *gen::inRange<u64>(0, 4);
    r.stale = *gen::weightedElement<bool>({{15, false}, {1, true}});
    r.requests = *gen::container<std::vector<u64>>(r.pages, gen_request(v, w));
    return r;
  });
}

} // namespace

Gen<WorldDesc> gen_world_desc() {
  return gen::exec([] {
    WorldDesc d;
    d.geometry = *gen::weightedElement<std::string>(
        {{6, "tiny"}, {2, "tiny-la57"}, {2, "tiny3"}, {1, "x86_64"}});
    Geometry g = *builtin_geometry(d.geometry);
    Window win = window_for(g, *gen::inRange(0u, 4u));
    d.range = *gen_range(win);
    const u64 first = d.range.first_page, pages = d.range.pages;
    if (*gen::weightedElement<bool>({{6, true}, {1, false}}))
      d.vmas.push_back(*gen_vma(win, first, pages, true));
    auto more_vmas = *gen::inRange(0, 3);
    for (int i = 0; i < more_vmas; ++i) d.vmas.push_back(*gen_vma(win, first, pages, false));
    d.entries = *gen::scale(0.3, gen::container<std::vector<EntryDesc>>(
                                     gen_entry(g, win, first, std::max<u64>(pages, 1))));
    d.owners = *gen::container<std::vector<std::pair<u64, u64>>>(
        *gen::inRange(0u, kDevicePfns + 1),
        gen::pair(gen::map(gen::inRange(0u, kDevicePfns), [](unsigned s) { return device_pfn(s); }),
                  gen::inRange<u64>(0, 3)));
    d.shared_pfns = *gen::container<std::vector<u64>>(
        *gen::inRange(0, 3),
        gen::map(gen::inRange(0u, 10u), [](unsigned s) { return page_pfn(s); }));
    d.injections = *gen::container<std::vector<InjectionDesc>>(
        *gen::weightedElement<int>({{6, 0}, {2, 1}, {1, 2}}), gen_injection(first, pages));
    return d;
  });
}

Gen<WorldDesc> gen_world_desc_with_races() {
  return gen::exec([] {
    WorldDesc d = *gen_world_desc();
    const u64 first = d.range.first_page, pages = std::max<u64>(d.range.pages, 1);
    d.races = *gen::container<std::vector<RaceDesc>>(*gen::inRange(1, 4), gen::exec([=] {
      RaceDesc r;
      r.page = *gen::inRange<u64>(first, first + pages);
      r.point = *gen::element(RacePoint::PmdSeen, RacePoint::PmdReread, RacePoint::PudLocked,
                              RacePoint::FaultReturned);
      r.op = *gen::element(RaceOp::Zap, RaceOp::Split);
      r.at = *gen::weightedElement<unsigned>({{4, 1}, {1, 2}, {1, 3}});
      return r;
    }));
    return d;
  });
}

// An mm operation of any kind (model/mm_op.h) over pages at and around the range.
Gen<MmOpDesc> gen_mm_op(u64 first, u64 pages) {
  return gen::exec([=] {
    MmOpDesc op;
    op.kind = *gen::weightedElement<MmOpKind>({{3, MmOpKind::Mprotect},
                                               {3, MmOpKind::Munmap},
                                               {3, MmOpKind::MadviseDontneed},
                                               {1, MmOpKind::Fork},
                                               {1, MmOpKind::MigrateToDevice},
                                               {1, MmOpKind::MigrateToRam},
                                               {1, MmOpKind::Reclaim},
                                               {1, MmOpKind::ThpSplit},
                                               {1, MmOpKind::ThpCollapse},
                                               {1, MmOpKind::Mmap},
                                               {2, MmOpKind::CpuRead},
                                               {2, MmOpKind::CpuWrite},
                                               {1, MmOpKind::ForkChild}});
    op.first_page = *gen::inRange<u64>(first - std::min<u64>(first, 2), first + pages + 2);
    op.pages = *gen::inRange<u64>(1, pages + 3);
    op.prot = *gen::element(Prot::None, Prot::Read, Prot::ReadWrite);
    return op;
  });
}

Gen<WorldDesc> gen_world_desc_with_calls() {
  return gen::exec([] {
    WorldDesc d =
        *gen::weightedOneOf<WorldDesc>({{2, gen_world_desc()}, {1, gen_world_desc_with_races()}});
    const u64 first = d.range.first_page, pages = std::max<u64>(d.range.pages, 1);
    d.calls = *gen::container<std::vector<CallDesc>>(*gen::inRange(1, 4), gen::exec([=] {
      CallDesc c;
      c.ops = *gen::container<std::vector<MmOpDesc>>(
          *gen::weightedElement<int>({{1, 0}, {5, 1}, {2, 2}}), gen_mm_op(first, pages));
      return c;
    }));
    // a third under the driver loop, with up to two events at its points
    if (*gen::weightedElement<bool>({{2, false}, {1, true}})) {
      DriverDesc dd;
      dd.chunk_pages = *gen::element<u64>(1, 2, 4, 64);
      dd.tries = *gen::element(1u, 2u, 8u);
      dd.events = *gen::container<std::vector<DriverEventDesc>>(*gen::inRange(0, 3), gen::exec([=] {
        DriverEventDesc e;
        e.point = *gen::element(DriverPoint::BeforeCall, DriverPoint::AfterCall);
        e.op = *gen_mm_op(first, pages);
        e.at = *gen::weightedElement<unsigned>({{3, 1}, {1, 2}, {1, 3}});
        return e;
      }));
      d.driver = dd;
    }
    return d;
  });
}

void showValue(const WorldDesc& d, std::ostream& os) {
  os << "\n----- scenario file (save as x.hmm; replay with `hmmspec run x.hmm`) -----\n"
     << scenario_text(d) << "----- end of scenario file -----\n";
}

} // namespace hmmspec::props
