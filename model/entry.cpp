// SPDX-License-Identifier: GPL-2.0-or-later
#include "model/entry.h"

#include <array>
#include <fmt/format.h>

#include "model/swap_layout.h"

namespace hmmspec {

using namespace x86;

namespace {

constexpr std::array<std::string_view, 14> kKindNames{
    "none",   "table",    "page", "zero", "protnone",  "swap",   "migration",
    "device", "hwpoison", "huge", "bad",  "exclusive", "marker", "swapin-error"};

// The swap-type kinds of a non-present word, by its type in g.kernel's numbering
// (model/swap_layout.h; is_migration_entry, is_device_private_entry, ... of swapops.h).
Entry classify_swap(const Geometry& g, u64 word) {
  const SwapTypes t = swap_types(g.kernel);
  Entry e;
  e.word = word;
  unsigned type = swp_type(word);
  u64 offset = swp_offset(word);
  u64 pfn = offset & swp_pfn_mask(g); // swp_offset_pfn (6.x); the whole offset in v5.7
  if (type < t.max_swapfiles) {
    e.kind = Kind::Swap;
    e.swap_type = type;
    e.offset = offset;
  } else if (type == t.hwpoison) {
    e.kind = Kind::Hwpoison;
    e.pfn = pfn;
  } else if (type == t.migration_read || type == t.migration_read_exclusive ||
             type == t.migration_write) {
    e.kind = Kind::Migration;
    e.write = type == t.migration_write;
    e.exclusive = type == t.migration_read_exclusive;
    e.pfn = pfn;
  } else if (type == t.device_write || type == t.device_read) {
    e.kind = Kind::Device;
    e.write = type == t.device_write;
    e.pfn = pfn;
  } else if (type == t.exclusive_write || type == t.exclusive_read) {
    e.kind = Kind::Exclusive;
    e.write = type == t.exclusive_write;
    e.pfn = pfn;
  } else if (type == t.pte_marker) {
    e.kind = Kind::Marker;
    e.marker = unsigned(offset & pte_marker_mask(g.kernel)); // pte_marker_get
  } else {
    e.kind = Kind::SwapinError; // the one type left: 6.1's SWP_SWAPIN_ERROR
    e.pfn = offset;
  }
  return e;
}

// A PTE (or a hugetlb slot read as a PTE): not present, protnone, or mapping a page.
Entry classify_pte_like(const Geometry& g, Level l, u64 word, u64 zero_pfn) {
  if (!(word & (PRESENT | PROTNONE))) return classify_swap(g, word);
  Entry e;
  e.word = word;
  e.pfn = pte_pfn(g, word);
  e.write = word & RW;
  e.special = word & SPECIAL;
  e.devmap = word & devmap_bit(g.kernel); // pte_devmap
  if ((word & (PROTNONE | PRESENT)) == PROTNONE)
    e.kind = Kind::Protnone;
  else if (l != Level::Pte)
    e.kind = Kind::Huge;
  else
    e.kind = e.pfn == zero_pfn ? Kind::Zero : Kind::Page;
  return e;
}

Entry classify_huge(const Geometry& g, Level l, u64 word) {
  Entry e;
  e.kind = Kind::Huge;
  e.word = word;
  e.pfn = huge_pfn(g, l, word);
  e.write = word & RW;
  e.devmap = word & devmap_bit(g.kernel); // pmd_devmap, pud_devmap
  e.special = word & SPECIAL;
  e.protnone = (word & (PROTNONE | PRESENT)) == PROTNONE;
  return e;
}

Entry classify_table_or_bad(const Geometry& g, Level l, u64 word) {
  Entry e;
  e.word = word;
  if (word_bad(g, l, word)) {
    e.kind = Kind::Bad;
  } else {
    e.kind = Kind::Table;
    e.pfn = table_pfn(g, word);
  }
  return e;
}

std::string hex(u64 v) {
  return fmt::format("{:#x}", v);
}

bool fits_pfn(const Geometry& g, u64 pfn) {
  return pfn <= (PHYSICAL_MASK >> g.page_shift);
}

Encoded encode_fail(std::string msg) {
  return Encoded{0, std::move(msg)};
}

// Why g.kernel cannot hold e (a kind or variant of another version), or nothing.
std::optional<std::string> version_error(const Geometry& g, const Entry& e) {
  const SwapTypes t = swap_types(g.kernel);
  const std::string v(version_name(g.kernel));
  if (e.kind == Kind::Exclusive && t.exclusive_write == kNoType)
    return "device-exclusive entries do not exist in v" + v;
  if (e.kind == Kind::Marker && t.pte_marker == kNoType) return "PTE markers do not exist in v" + v;
  if (e.kind == Kind::SwapinError && t.swapin_error == kNoType)
    return "swapin-error entries exist only in 6.1 (6.12 writes a poisoned PTE marker)";
  if (e.kind == Kind::Migration && e.exclusive && t.migration_read_exclusive == kNoType)
    return "read-exclusive migration entries do not exist in v" + v;
  if (e.kind == Kind::Marker && (e.marker & kMarkerPoisoned) &&
      !(pte_marker_mask(g.kernel) & kMarkerPoisoned))
    return "the poisoned PTE marker exists only in 6.12";
  if (e.kind == Kind::Marker && (e.marker & ~pte_marker_mask(g.kernel)))
    return "unknown PTE marker bits " + hex(e.marker & ~pte_marker_mask(g.kernel));
  return std::nullopt;
}

// The swap-type kinds: a type of g.kernel's numbering and an offset (pfn_swap_entry layout).
Encoded encode_swap(const Geometry& g, Level l, const Entry& e, Context ctx) {
  const std::string name(kind_name(e.kind));
  if (e.kind == Kind::Exclusive || e.kind == Kind::SwapinError) {
    if (l != Level::Pte || ctx == Context::HugetlbSlot)
      return encode_fail(name + " entries exist only in PTEs");
  } else if (e.kind == Kind::Marker) {
    if (l != Level::Pte && ctx != Context::HugetlbSlot)
      return encode_fail("PTE markers exist only in PTEs and hugetlb slots");
  } else if (l != Level::Pte && l != Level::Pmd && ctx != Context::HugetlbSlot) {
    return encode_fail(name + " entries exist only in PTEs, PMDs and hugetlb slots");
  }
  if (auto err = version_error(g, e)) return encode_fail(*err);
  const SwapTypes t = swap_types(g.kernel);
  unsigned type = 0;
  u64 offset = e.pfn;
  bool pfn_entry = false; // is_pfn_swap_entry: the offset holds a pfn (SWP_PFN_BITS in 6.x)
  switch (e.kind) {
  case Kind::Swap:
    if (e.swap_type >= t.max_swapfiles)
      return encode_fail(fmt::format("swap type must be below {} in v{}", t.max_swapfiles,
                                     version_name(g.kernel)));
    type = e.swap_type;
    offset = e.offset;
    break;
  case Kind::Migration:
    if (e.write && e.exclusive)
      return encode_fail("a migration entry is write or read-exclusive, not both");
    type =
        e.write ? t.migration_write : (e.exclusive ? t.migration_read_exclusive : t.migration_read);
    pfn_entry = true;
    break;
  case Kind::Device:
    type = e.write ? t.device_write : t.device_read;
    pfn_entry = true;
    break;
  case Kind::Exclusive:
    type = e.write ? t.exclusive_write : t.exclusive_read;
    pfn_entry = true;
    break;
  case Kind::Hwpoison:
    type = t.hwpoison;
    pfn_entry = true;
    break;
  case Kind::Marker:
    if (!e.marker) return encode_fail("a PTE marker needs uffd-wp or poisoned");
    type = t.pte_marker;
    offset = e.marker;
    break;
  default: // SwapinError
    type = t.swapin_error;
    break;
  }
  if (pfn_entry && has_v6_api(g.kernel) && offset > swp_pfn_mask(g))
    return encode_fail(fmt::format("pfn {} does not fit in the {} pfn bits of a swap entry "
                                   "(MAX_PHYSMEM_BITS - PAGE_SHIFT)",
                                   hex(offset), swp_pfn_bits(g)));
  if (offset > SWP_OFFSET_MAX)
    return encode_fail("swap offset " + hex(offset) + " does not fit in 50 bits");
  return {swp_word(type, offset), std::nullopt};
}

} // namespace

std::string_view kind_name(Kind k) {
  return kKindNames[static_cast<unsigned>(k)];
}

std::optional<Kind> kind_from_name(std::string_view s) {
  for (unsigned i = 0; i < kKindNames.size(); ++i)
    if (kKindNames[i] == s) return static_cast<Kind>(i);
  return std::nullopt;
}

u64 pte_pfn(const Geometry& g, u64 word) {
  return ((word ^ protnone_mask(word)) & pfn_mask(g.page_shift)) >> g.page_shift;
}

u64 huge_pfn(const Geometry& g, Level l, u64 word) {
  u64 mask = (word & PSE) ? huge_pfn_mask(g.shift(l)) : pfn_mask(g.page_shift);
  return ((word ^ protnone_mask(word)) & mask) >> g.page_shift;
}

u64 table_pfn(const Geometry& g, u64 word) {
  return (word & pfn_mask(g.page_shift)) >> g.page_shift;
}

bool word_none(Level l, unsigned levels, u64 word) {
  if (l == Level::Pgd && levels == 5) return word == 0; // pgd_none: no A/D workaround
  return (word & ~KNL_ERRATUM_MASK) == 0;
}

bool word_bad(const Geometry& g, Level l, u64 word) {
  u64 ptemask = pfn_mask(g.page_shift);
  switch (l) {
  case Level::Pte:
    return false;
  case Level::Pmd: { // pmd_bad: flags other than USER must be exactly _KERNPG_TABLE; from 6.1
    // on ACCESSED is ignored too (6.1 arch/x86/include/asm/pgtable.h:817-821, 6.12 :1099-1103)
    u64 flags = word & ~((word & PSE) ? huge_pfn_mask(g.shift(l)) : ptemask);
    if (has_v6_api(g.kernel)) return (flags & ~(USER | ACCESSED)) != (KERNPG_TABLE & ~ACCESSED);
    return (flags & ~USER) != KERNPG_TABLE;
  }
  case Level::Pud: { // pud_bad: no flag outside _KERNPG_TABLE | USER
    u64 flags = word & ~((word & PSE) ? huge_pfn_mask(g.shift(l)) : ptemask);
    return (flags & ~(KERNPG_TABLE | USER)) != 0;
  }
  case Level::P4d: // p4d_bad with page-table isolation: NX ignored too
    return ((word & ~ptemask) & ~(KERNPG_TABLE | USER | NX)) != 0;
  case Level::Pgd:
    if (g.levels == 4) return ((word & ~ptemask) & ~(KERNPG_TABLE | USER | NX)) != 0;
    return ((word & ~ptemask) & ~(USER | NX)) != KERNPG_TABLE; // pgd_bad, 5-level
  }
  return false;
}

Entry classify(const Geometry& g, Level l, u64 word, u64 zero_pfn, Context ctx) {
  if (word_none(l, g.levels, word)) return Entry{.kind = Kind::None, .word = word};
  if (l == Level::Pte || ctx == Context::HugetlbSlot)
    return classify_pte_like(g, l, word, zero_pfn);
  const u64 devmap = devmap_bit(g.kernel);
  switch (l) {
  case Level::Pmd:
    if (!(word & (PRESENT | PROTNONE | PSE))) return classify_swap(g, word); // !pmd_present
    if ((word & devmap) || (word & PSE)) return classify_huge(g, l, word);   // devmap||trans_huge
    return classify_table_or_bad(g, l, word);
  case Level::Pud:
    if ((word & (PSE | devmap)) == PSE || (word & devmap)) return classify_huge(g, l, word);
    return classify_table_or_bad(g, l, word);
  default:
    return classify_table_or_bad(g, l, word);
  }
}

Encoded encode(const Geometry& g, Level l, const Entry& e, Context ctx) {
  const unsigned ps = g.page_shift;
  const bool leaf_level = l == Level::Pte || ctx == Context::HugetlbSlot;
  auto fail = [](std::string msg) { return Encoded{0, std::move(msg)}; };
  auto need_pfn = [&]() -> std::optional<std::string> {
    if (!fits_pfn(g, e.pfn)) return "pfn " + hex(e.pfn) + " does not fit in 52 physical bits";
    return std::nullopt;
  };
  switch (e.kind) {
  case Kind::None:
    return {0, std::nullopt};
  case Kind::Table:
    if (l == Level::Pte || ctx == Context::HugetlbSlot)
      return fail("a table pointer cannot be a leaf");
    if (auto err = need_pfn()) return fail(*err);
    return {PAGE_TABLE | (e.pfn << ps), std::nullopt};
  case Kind::Page:
  case Kind::Zero: {
    if (l != Level::Pte)
      return fail(std::string(kind_name(e.kind)) + " entries exist only in PTEs");
    if (auto err = need_pfn()) return fail(*err);
    u64 w = PRESENT | USER | ACCESSED | (e.pfn << ps);
    if (e.write) w |= RW | DIRTY;
    if (e.special || e.kind == Kind::Zero) w |= SPECIAL;
    if (e.devmap) w |= devmap_bit(g.kernel) | SPECIAL; // pte_mkdevmap sets both
    return {w, std::nullopt};
  }
  case Kind::Protnone: {
    if (!leaf_level) return fail("protnone at a PMD or PUD is written 'huge ... protnone'");
    if (auto err = need_pfn()) return fail(*err);
    u64 w = PROTNONE | ACCESSED | (~(e.pfn << ps) & pfn_mask(ps));
    if (l != Level::Pte) w |= PSE;
    if (e.write) w |= RW;
    return {w, std::nullopt};
  }
  case Kind::Swap:
  case Kind::Migration:
  case Kind::Device:
  case Kind::Hwpoison:
  case Kind::Exclusive:
  case Kind::Marker:
  case Kind::SwapinError:
    return encode_swap(g, l, e, ctx);
  case Kind::Huge: {
    if (l != Level::Pmd && l != Level::Pud) return fail("huge entries exist only in PMDs and PUDs");
    if (auto err = need_pfn()) return fail(*err);
    u64 align = (1ull << (g.shift(l) - ps)) - 1;
    if (e.pfn & align)
      return fail("huge pfn " + hex(e.pfn) + " is not aligned to the " +
                  std::string(level_name(l)) + " page size");
    if (e.protnone && ctx == Context::HugetlbSlot)
      return fail("a protnone hugetlb slot is written 'protnone'");
    u64 w = PSE | USER | ACCESSED;
    w |= e.protnone ? (PROTNONE | (~(e.pfn << ps) & huge_pfn_mask(g.shift(l))))
                    : (PRESENT | (e.pfn << ps));
    if (e.write) w |= RW | DIRTY;
    if (e.devmap) w |= devmap_bit(g.kernel);
    if (e.special) w |= SPECIAL;
    return {w, std::nullopt};
  }
  case Kind::Bad:
    if (l == Level::Pte || ctx == Context::HugetlbSlot) return fail("a leaf entry is never bad");
    // The word must read as bad where it is stored: *_bad alone also accepts PSE/DEVMAP words
    // (huge at PMD/PUD) and non-present PMD words (swap-type), which are tested first.
    if (classify(g, l, e.word, 0).kind != Kind::Bad)
      return fail(hex(e.word) + " is not a bad " + std::string(level_name(l)) + " word");
    return {e.word, std::nullopt};
  }
  return fail("unknown kind");
}

std::string describe(const Entry& e) {
  std::string s(kind_name(e.kind));
  switch (e.kind) {
  case Kind::None:
    break;
  case Kind::Zero:
    if (e.write) s += " write";
    break;
  case Kind::Bad:
    s += ' ';
    s += hex(e.word); // (two steps: GCC 12 -Wrestrict false positive, bug 105329)
    break;
  case Kind::Swap:
    s += " type=" + std::to_string(e.swap_type) + " offset=" + hex(e.offset);
    break;
  case Kind::Marker:
    if (e.marker & kMarkerUffdWp) s += " uffd-wp";
    if (e.marker & kMarkerPoisoned) s += " poisoned";
    if (e.marker & ~(kMarkerUffdWp | kMarkerPoisoned))
      s += " bits=" + hex(e.marker & ~(kMarkerUffdWp | kMarkerPoisoned));
    if (!e.marker) s += " empty";
    break;
  default:
    s += " pfn=" + hex(e.pfn);
    if (e.write) s += " write";
    if (e.special) s += " special";
    if (e.devmap) s += " devmap";
    if (e.protnone) s += " protnone";
    if (e.exclusive) s += " exclusive";
    break;
  }
  return s;
}

} // namespace hmmspec
