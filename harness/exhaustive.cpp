// SPDX-License-Identifier: GPL-2.0-or-later
#include "harness/exhaustive.h"

#include <fmt/format.h>

#include "harness/parties.h"
#include "model/fault.h"
#include "model/range_v6.h"
#include "model/swap_layout.h"

namespace hmmspec {

namespace {

constexpr unsigned kPteKinds = 12;   // the PTE palette (v5.7)
constexpr unsigned kPteKindsV6 = 17; // the PTE palette of 6.x: v5.7's and five 6.x-only kinds
constexpr unsigned kPmdKinds = 8;    // the PMD palette besides "a PTE table"
constexpr unsigned kSlotKinds = 7;   // the hugetlb slot palette
constexpr unsigned kUpperShapes = 6; // the sides that are not tables down to the PMDs
constexpr unsigned kInjections = 5;  // what handle_mm_fault is told to do besides its job
constexpr u64 kOwner = 1;            // dev_private_owner, and the owner of kOwnDevicePfn
constexpr u64 kOwnDevicePfn = 0x300;
constexpr u64 kForeignDevicePfn = 0x301; // owner 2
constexpr u64 kSharedPfnBase = 0x250;    // pages mapped twice: a write fault copies them
constexpr u64 kCoherentPfn = 0x302;      // 6.x: device-coherent memory, owner kOwner

constexpr const char* kPteNames[kPteKindsV6] = {
    "none", "page-ro", "page-rw", "zero", "special", "protnone-rw", "swap", "migration",
    "device-own-rw", "device-foreign", "hwpoison", "page-ro-shared",
    // 6.x only
    "exclusive-rw", "migration-read-exclusive", "marker-uffd-wp", "swapin-error",
    "coherent-page-rw"};

// The PTE palette of the geometry's kernel version.
unsigned pte_kinds(const Geometry& g) {
  return has_v6_api(g.kernel) ? kPteKindsV6 : kPteKinds;
}

// The name of PTE kind `kind` (6.12 has no swapin-error entry: a poisoned PTE marker instead,
// what 6.12 writes where 6.1 wrote one).
std::string_view pte_name(const Geometry& g, unsigned kind) {
  if (kind == 15 && swap_types(g.kernel).swapin_error == kNoType) return "marker-poisoned";
  return kPteNames[kind];
}

// What a PMD-level entry of the range can be made: the PMD palette and the hugetlb slot
// palette draw from these.
enum class PmdShape {
  None,         // the PMD table exists, the entry is none
  HugeRo,       // a huge page
  HugeRw,       // a writable huge page
  HugeProtnone, // a writable huge page, PROT_NONE
  HugeDevmapRw, // a writable huge devmap page
  Protnone,     // a writable PROT_NONE entry (a hugetlb slot)
  Migration,    // a migration entry
  MigrationRw,  // a migration entry of a writable page
  Hwpoison,     // a hardware-poisoned page (a hugetlb slot)
  Swap,         // a swap entry
  BadPteTable,  // a present pointer to a PTE table without RW: pmd_bad
};
struct PmdChoice {
  const char* name;
  PmdShape shape;
};
constexpr PmdChoice kPmdPalette[kPmdKinds] = {{"none", PmdShape::None},
                                              {"huge-ro", PmdShape::HugeRo},
                                              {"huge-rw", PmdShape::HugeRw},
                                              {"huge-protnone", PmdShape::HugeProtnone},
                                              {"huge-devmap-rw", PmdShape::HugeDevmapRw},
                                              {"pmd-migration", PmdShape::MigrationRw},
                                              {"pmd-swap", PmdShape::Swap},
                                              {"pmd-bad", PmdShape::BadPteTable}};
constexpr PmdChoice kSlotPalette[kSlotKinds] = {{"none", PmdShape::None},
                                                {"huge-ro", PmdShape::HugeRo},
                                                {"huge-rw", PmdShape::HugeRw},
                                                {"protnone", PmdShape::Protnone},
                                                {"migration", PmdShape::Migration},
                                                {"hwpoison", PmdShape::Hwpoison},
                                                {"swap", PmdShape::Swap}};

constexpr const char* kInjectionNames[kInjections] = {
    "none", "sigbus at the first page", "sigbus at the last page",
    "an invalidation at the first page", "no progress once at the first page"};
constexpr const char* kUpperNames[kUpperShapes] = {
    "pgd-none", "pgd-bad", "pud-none", "pud-trans-huge", "pud-devmap-rw", "pud-devmap-ro"};

// "exhaustive-tiny-2p-case-7", "exhaustive-6.1-tiny-2p-case-7".
std::string case_name(const Geometry& g, unsigned pages, u64 number) {
  const std::string version =
      g.kernel == KernelVersion::V5_7 ? "" : fmt::format("{}-", version_name(g.kernel));
  return fmt::format("exhaustive-{}{}-{}p-case-{}", version, g.name, pages, number);
}

u64 align_up(u64 v, u64 a) {
  return (v + a - 1) & ~(a - 1);
}

u64 power(u64 base, std::size_t exp) {
  u64 p = 1;
  while (exp--) p *= base;
  return p;
}

// The PTE of palette entry `kind` for the i-th page of the range.
Entry pte_entry(const World& w, unsigned kind, u64 i) {
  switch (kind) {
  case 1:
    return Entry{.kind = Kind::Page, .pfn = 0x200 + i};
  case 2:
    return Entry{.kind = Kind::Page, .pfn = 0x200 + i, .write = true};
  case 3:
    return Entry{.kind = Kind::Zero, .pfn = w.zero_pfn};
  case 4:
    return Entry{.kind = Kind::Page, .pfn = 0x210 + i, .special = true};
  case 5:
    return Entry{.kind = Kind::Protnone, .pfn = 0x220 + i, .write = true};
  case 6:
    return Entry{.kind = Kind::Swap, .swap_type = 1, .offset = 0x55 + i};
  case 7:
    return Entry{.kind = Kind::Migration, .pfn = 0x230 + i};
  case 8:
    return Entry{.kind = Kind::Device, .pfn = kOwnDevicePfn, .write = true};
  case 9:
    return Entry{.kind = Kind::Device, .pfn = kForeignDevicePfn};
  case 10:
    return Entry{.kind = Kind::Hwpoison, .pfn = 0x240 + i};
  case 11:
    return Entry{.kind = Kind::Page, .pfn = kSharedPfnBase + i};
  case 12: // 6.x: a page handed to the device exclusively (make_device_exclusive_range)
    return Entry{.kind = Kind::Exclusive, .pfn = 0x260 + i, .write = true};
  case 13:
    return Entry{.kind = Kind::Migration, .pfn = 0x230 + i, .exclusive = true};
  case 14:
    return Entry{.kind = Kind::Marker, .marker = kMarkerUffdWp};
  case 15:
    if (swap_types(w.geom.kernel).swapin_error == kNoType)
      return Entry{.kind = Kind::Marker, .marker = kMarkerPoisoned};
    return Entry{.kind = Kind::SwapinError, .pfn = 0x77 + i};
  case 16:
    return Entry{.kind = Kind::Page, .pfn = kCoherentPfn, .write = true};
  default:
    return Entry{};
  }
}

void put(World& w, Level l, u64 addr, const Entry& e) {
  // the palettes are built to fit: a failure here is a bug of this file
  if (auto err = w.put_entry(l, addr, e, w.context_at(l, addr)))
    throw std::logic_error(fmt::format("exhaustive: cannot place {} at {} {:#x}: {}", describe(e),
                                       level_name(l), addr, *err));
}

// Makes the PMD-level entry at `pmd` the given shape; huge pages map `huge_pfn`.
void put_pmd(World& w, u64 pmd, PmdShape shape, u64 huge_pfn) {
  switch (shape) {
  case PmdShape::None:
    (void)w.ensure_slot(Level::Pmd, pmd);
    break;
  case PmdShape::HugeRo:
    put(w, Level::Pmd, pmd, Entry{.kind = Kind::Huge, .pfn = huge_pfn});
    break;
  case PmdShape::HugeRw:
    put(w, Level::Pmd, pmd, Entry{.kind = Kind::Huge, .pfn = huge_pfn, .write = true});
    break;
  case PmdShape::HugeProtnone:
    put(w, Level::Pmd, pmd,
        Entry{.kind = Kind::Huge, .pfn = huge_pfn, .write = true, .protnone = true});
    break;
  case PmdShape::HugeDevmapRw:
    put(w, Level::Pmd, pmd,
        Entry{.kind = Kind::Huge, .pfn = huge_pfn, .write = true, .devmap = true});
    break;
  case PmdShape::Protnone:
    put(w, Level::Pmd, pmd, Entry{.kind = Kind::Protnone, .pfn = huge_pfn, .write = true});
    break;
  case PmdShape::Migration:
    put(w, Level::Pmd, pmd, Entry{.kind = Kind::Migration, .pfn = huge_pfn});
    break;
  case PmdShape::MigrationRw:
    put(w, Level::Pmd, pmd, Entry{.kind = Kind::Migration, .pfn = huge_pfn, .write = true});
    break;
  case PmdShape::Hwpoison:
    put(w, Level::Pmd, pmd, Entry{.kind = Kind::Hwpoison, .pfn = huge_pfn});
    break;
  case PmdShape::Swap:
    put(w, Level::Pmd, pmd, Entry{.kind = Kind::Swap, .swap_type = 1, .offset = 0x66});
    break;
  case PmdShape::BadPteTable: {
    (void)w.ensure_slot(Level::Pmd, pmd);
    u64 t = *w.alloc_table(Level::Pte);
    u64* slot = w.find_slot_mut(Level::Pmd, pmd);
    *slot = encode(w.geom, Level::Pmd,
                   Entry{.kind = Kind::Bad,
                         .word = (x86::PAGE_TABLE & ~x86::RW) | (t << w.geom.page_shift)})
                .word;
    break;
  }
  }
}

} // namespace

struct ExhaustiveSpace::Layout {
  std::string name;
  std::vector<Vma> vmas;
  bool hugetlb = false;
};

namespace {

std::vector<ExhaustiveSpace::Layout> layouts_for(const Geometry& g, u64 boundary, u64 start) {
  using L = ExhaustiveSpace::Layout;
  const u64 lo = boundary - g.size(Level::Pud), hi = boundary + g.size(Level::Pud);
  const u64 rw = vm::READ | vm::WRITE;
  const u64 second = start + g.page_size();
  return {
      L{"anon-rw", {Vma{lo, hi, rw, true, 0}}, false},
      L{"anon-ro", {Vma{lo, hi, vm::READ, true, 0}}, false},
      L{"file-shared-rw", {Vma{lo, hi, rw | vm::SHARED, false, 0}}, false},
      L{"anon-thp", {Vma{lo, hi, rw | vm::HUGEPAGE, true, 0}}, false},
      L{"gap-left", {Vma{boundary, hi, rw, true, 0}}, false},
      L{"pfnmap-right",
        {Vma{lo, boundary, rw, true, 0}, Vma{boundary, hi, rw | vm::PFNMAP, true, 0}},
        false},
      L{"vma-split-after-first-page",
        {Vma{lo, second, vm::READ, true, 0}, Vma{second, hi, rw, true, 0}},
        false},
      L{"hugetlb-pmd", {Vma{lo, hi, rw | vm::HUGETLB, true, g.size(Level::Pmd)}}, true},
      L{"no-vma", {}, false},
  };
}

} // namespace

std::optional<ExhaustiveSpace> ExhaustiveSpace::make(const Geometry& g, unsigned pages,
                                                     std::string* error) {
  if (pages < 1 || pages > 8) {
    *error = "--pages must be between 1 and 8";
    return std::nullopt;
  }
  if (g.size(Level::Pud) < (u64(pages) << g.page_shift) || g.size(Level::Pgd) >= (1ull << 40)) {
    *error = fmt::format("geometry {} is not a tiny geometry (a PUD must cover the range and "
                         "PGD entries must be small)",
                         g.name);
    return std::nullopt;
  }
  ExhaustiveSpace s;
  s.geom_ = g;
  s.pages_ = pages;
  s.boundary_ = g.size(Level::Pgd);
  s.start_ = s.boundary_ - (u64(pages / 2) << g.page_shift);
  s.end_ = s.start_ + (u64(pages) << g.page_shift);
  for (u64 a = s.start_; a < s.end_; a += g.page_size()) {
    Side& side = a < s.boundary_ ? s.left_ : s.right_;
    side.addr = a;
    u64 pmd = a & g.mask(Level::Pmd);
    if (side.regions.empty() || side.regions.back().pmd != pmd)
      side.regions.push_back(Region{pmd, {}});
    side.regions.back().pages.push_back(a);
  }
  if (s.left_.regions.empty()) s.left_.addr = s.boundary_ - g.page_size();
  return s;
}

std::uint64_t ExhaustiveSpace::request_count() const {
  return power(3, pages_) + power(2, pages_) + 3;
}

std::uint64_t ExhaustiveSpace::side_count(const Layout& l, const Side& s) const {
  if (s.regions.empty()) return 1; // no page of the range on this side: nothing to vary
  u64 tables = 1;
  for (const Region& r : s.regions)
    tables *= l.hugetlb ? kSlotKinds : kPmdKinds + power(pte_kinds(geom_), r.pages.size());
  return kUpperShapes + tables;
}

std::uint64_t ExhaustiveSpace::layout_count(const Layout& l) const {
  return kInjections * side_count(l, left_) * side_count(l, right_) * request_count();
}

std::uint64_t ExhaustiveSpace::count() const {
  u64 n = 0;
  for (const Layout& l : layouts_for(geom_, boundary_, start_)) n += layout_count(l);
  return n;
}

std::string ExhaustiveSpace::apply_side(World& w, const Layout& l, const Side& side,
                                        std::uint64_t choice) const {
  const Geometry& g = geom_;
  if (side.regions.empty()) return "outside the range";
  const u64 pud_pfn = align_up(0x40000, g.size(Level::Pud) >> g.page_shift) +
                      (side.addr >= boundary_ ? (g.size(Level::Pud) >> g.page_shift) : 0);
  if (choice < kUpperShapes) {
    switch (choice) {
    case 0:
      break;  // the root entry stays none
    case 1: { // a root entry with a flag no table pointer has: *_bad, cleared by the walker
      u64 word = x86::PAGE_TABLE | x86::SPECIAL | (u64(0x7000) << g.page_shift);
      *w.ensure_slot(Level::Pgd, side.addr) =
          encode(g, Level::Pgd, Entry{.kind = Kind::Bad, .word = word}).word;
      break;
    }
    case 2:
      (void)w.ensure_slot(Level::Pud, side.addr); // tables down to a none PUD
      break;
    case 3:
      put(w, Level::Pud, side.addr, Entry{.kind = Kind::Huge, .pfn = pud_pfn});
      break;
    case 4:
      put(w, Level::Pud, side.addr,
          Entry{.kind = Kind::Huge, .pfn = pud_pfn, .write = true, .devmap = true});
      break;
    case 5:
      put(w, Level::Pud, side.addr, Entry{.kind = Kind::Huge, .pfn = pud_pfn, .devmap = true});
      break;
    }
    return kUpperNames[choice];
  }
  u64 c = choice - kUpperShapes;
  std::string text = "tables:";
  const u64 pmd_pages = g.size(Level::Pmd) >> g.page_shift;
  for (const Region& r : side.regions) {
    const u64 huge_pfn =
        align_up(0x1000, pmd_pages) + ((r.pmd >> g.shift(Level::Pmd)) % 64) * pmd_pages;
    const u64 radix = l.hugetlb ? kSlotKinds : kPmdKinds + power(pte_kinds(geom_), r.pages.size());
    u64 digit = c % radix;
    c /= radix;
    text += fmt::format(" pmd {:#x}=", r.pmd);
    if (l.hugetlb || digit < kPmdKinds) {
      const PmdChoice& choice = l.hugetlb ? kSlotPalette[digit] : kPmdPalette[digit];
      put_pmd(w, r.pmd, choice.shape, huge_pfn);
      text += choice.name;
      continue;
    }
    digit -= kPmdKinds;
    text += "[";
    for (u64 a : r.pages) {
      unsigned kind = unsigned(digit % pte_kinds(g));
      digit /= pte_kinds(g);
      u64 i = (a - start_) >> g.page_shift;
      Entry e = pte_entry(w, kind, i);
      if (kind == 11) w.shared_pfns.insert(e.pfn);
      if (kind == 0)
        (void)w.ensure_slot(Level::Pte, a);
      else
        put(w, Level::Pte, a, e);
      text += fmt::format("{}{}", a == r.pages.front() ? "" : " ", pte_name(g, kind));
    }
    text += "]";
  }
  return text;
}

void ExhaustiveSpace::build_world(Scenario& s, const Layout& l, unsigned injection,
                                  std::uint64_t left, std::uint64_t right) const {
  s.world = World(geom_);
  World& w = s.world;
  for (const Vma& v : l.vmas)
    if (auto e = w.vmas.insert(v, geom_.page_size()))
      throw std::logic_error("exhaustive: layout " + l.name + ": " + *e);
  w.device_owner[kOwnDevicePfn] = kOwner;
  w.device_owner[kForeignDevicePfn] = 2;
  if (has_v6_api(geom_.kernel)) {
    w.device_owner[kCoherentPfn] = kOwner;
    w.coherent_pfns.insert(kCoherentPfn);
  }
  std::string l_text = apply_side(w, l, left_, left);
  std::string r_text = apply_side(w, l, right_, right);
  w.notifier = Notifier{start_, end_, 0, 0};
  const u64 last_page = end_ - geom_.page_size();
  switch (injection) {
  case 1:
    w.injections[start_] = Injection{.error = fault::VM_SIGBUS};
    break;
  case 2:
    w.injections[last_page] = Injection{.error = fault::VM_SIGBUS};
    break;
  case 3:
    w.injections[start_] = Injection{.invalidate = true};
    break;
  case 4:
    w.injections[start_] = Injection{.no_progress = 1};
    break;
  default:
    break;
  }
  s.text = fmt::format("layout {}; injection: {}; below {:#x}: {}; from {:#x}: {}", l.name,
                       kInjectionNames[injection], boundary_, l_text, boundary_, r_text);
}

HmmRange ExhaustiveSpace::base_range() const {
  HmmRange r;
  if (!has_v6_api(geom_.kernel)) apply_driver_encoding(r, "amdgpu"); // 6.x: the fixed bits
  r.start = start_;
  r.end = end_;
  r.dev_private_owner = kOwner;
  r.notifier_seq = 0;
  return r;
}

std::string ExhaustiveSpace::apply_requests(HmmRange& r, std::uint64_t req) const {
  const bool v6 = has_v6_api(geom_.kernel);
  const u64 V = v6 ? hmm6::REQ_FAULT : r.flags[HMM_PFN_VALID];
  const u64 W = v6 ? hmm6::REQ_WRITE : r.flags[HMM_PFN_WRITE];
  const u64 per_page = power(3, pages_), w_only = power(2, pages_);
  r.pfns.assign(pages_, 0);
  std::string text;
  if (req < per_page) {
    r.default_flags = 0;
    r.pfn_flags_mask = ~0ull;
    for (unsigned i = 0; i < pages_; ++i, req /= 3) {
      r.pfns[i] = req % 3 == 0 ? 0 : req % 3 == 1 ? V : (V | W);
      text += std::string(i ? "," : "") + (req % 3 == 0 ? "-" : req % 3 == 1 ? "V" : "VW");
    }
    return "per page " + text;
  }
  req -= per_page;
  if (req < w_only) {
    r.default_flags = V;
    r.pfn_flags_mask = W;
    for (unsigned i = 0; i < pages_; ++i, req /= 2) {
      r.pfns[i] = req % 2 ? W : 0;
      text += std::string(i ? "," : "") + (req % 2 ? "W" : "-");
    }
    return "default_flags V, pfn_flags_mask W, per page " + text;
  }
  req -= w_only;
  r.default_flags = req == 0 ? V : req == 1 ? (V | W) : 0;
  r.pfn_flags_mask = 0;
  return req == 0   ? "default_flags V, mask 0"
         : req == 1 ? "default_flags VW, mask 0"
                    : "nothing requested (defaults and mask 0)";
}

Scenario ExhaustiveSpace::scenario(std::uint64_t number) const {
  Scenario s;
  std::uint64_t index = number;
  for (const Layout& l : layouts_for(geom_, boundary_, start_)) {
    u64 n = layout_count(l);
    if (index >= n) {
      index -= n;
      continue;
    }
    const u64 req = index % request_count();
    const u64 pair = index / request_count();
    const u64 left_n = side_count(l, left_), right_n = side_count(l, right_);
    build_world(s, l, unsigned(pair / (left_n * right_n)), (pair / right_n) % left_n,
                pair % right_n);
    s.range = base_range();
    s.text += "; requests " + apply_requests(s.range, req);
    s.name = case_name(geom_, pages_, number);
    return s;
  }
  throw std::out_of_range("exhaustive: no such case");
}

std::uint64_t ExhaustiveSpace::run(
    const std::vector<Party>& parties, std::uint64_t first, std::uint64_t end,
    const std::function<bool(std::uint64_t, const Scenario&, const ScenarioRun&)>& visit,
    const std::function<void(std::uint64_t)>& tick) const {
  const std::vector<Party> ordered = ground_truth_first(parties);
  u64 index = 0, done = 0;
  Scenario s;
  for (const Layout& l : layouts_for(geom_, boundary_, start_)) {
    const u64 n = layout_count(l), reqs = request_count();
    if (first >= index + n) {
      index += n;
      continue;
    }
    if (index >= end) break;
    const u64 left_n = side_count(l, left_), right_n = side_count(l, right_);
    for (unsigned inj = 0; inj < kInjections; ++inj) {
      for (u64 left = 0; left < left_n; ++left) {
        for (u64 right = 0; right < right_n; ++right, index += reqs) {
          if (first >= index + reqs) continue;
          if (index >= end) return done;
          build_world(s, l, inj, left, right);
          const std::string world_text = s.text;
          s.range = base_range();
          for (u64 req = first > index ? first - index : 0; req < reqs && index + req < end;
               ++req) {
            std::string req_text = apply_requests(s.range, req);
            ScenarioRun result = run_scenario(s, ordered);
            if ((++done & 255) == 0) tick(done);
            if (!result.divergence) continue;
            s.text = world_text + "; requests " + req_text;
            s.name = case_name(geom_, pages_, index + req);
            if (!visit(index + req, s, result)) return done;
            s.text = world_text;
          }
        }
      }
    }
  }
  return done;
}

} // namespace hmmspec
