// SPDX-License-Identifier: GPL-2.0-or-later
#include "proofs/views.h"

#include <array>
#include <fmt/format.h>

namespace hmmspec::proofs {

std::string_view path_name(Path p) {
  static constexpr std::array<std::string_view, 15> names{
      "hole",   "cleared-hole",     "descend", "swap", "hwpoison",    "migration",
      "device", "nonpresent-error", "present", "huge", "devmap-fill", "split",
      "bad",    "hugetlb-entry",    "invalid"};
  return names[static_cast<unsigned>(p)];
}

const std::vector<Slot>& classifier_slots() {
  static const std::vector<Slot> slots{
      {"pte", Level::Pte, Context::Normal, 4, "hmm.c:236-317"},
      {"pmd", Level::Pmd, Context::Normal, 4, "hmm.c:319-397, pagewalk.c:61-117"},
      {"pud", Level::Pud, Context::Normal, 4, "hmm.c:410-468, pagewalk.c:119-166"},
      {"pmd_hugetlb", Level::Pmd, Context::HugetlbSlot, 4, "hmm.c:474-506"},
      {"pud_hugetlb", Level::Pud, Context::HugetlbSlot, 4, "hmm.c:474-506"},
      {"pgd_4level", Level::Pgd, Context::Normal, 4, "pagewalk.c:168-235"},
      {"p4d_5level", Level::P4d, Context::Normal, 5, "pagewalk.c:168-199"},
      {"pgd_5level", Level::Pgd, Context::Normal, 5, "pagewalk.c:201-235"},
  };
  return slots;
}

Geometry slot_geometry(const Slot& s) {
  return *builtin_geometry(s.levels == 5 ? "x86_64-la57" : "x86_64");
}

View normalize(View v) {
  bool has_pfn = false, has_access = false, has_write = false;
  switch (v.path) {
  case Path::Descend:
    has_pfn = true;
    break;
  case Path::Device:
    has_pfn = has_write = true;
    break;
  case Path::Present:
  case Path::Huge:
  case Path::DevmapFill:
  case Path::HugetlbEntry:
    has_pfn = has_access = true;
    has_write = v.accessible;
    break;
  default:
    break;
  }
  if (!has_pfn) v.pfn = 0;
  if (!has_access) v.accessible = false;
  if (!has_write) v.writable = false;
  if (v.path != Path::Present) v.special = false;
  return v;
}

View model_view(const Slot& s, const Entry& e, const Geometry& g, u64 zero_pfn) {
  View v;
  v.pfn = e.pfn;
  v.writable = e.write;
  if (s.ctx == Context::HugetlbSlot) {
    switch (e.kind) {
    case Kind::Huge:
      v.path = Path::HugetlbEntry;
      v.accessible = true;
      break;
    case Kind::None:
    case Kind::Swap:
    case Kind::Hwpoison:
    case Kind::Migration:
    case Kind::Device:
    case Kind::Protnone:
      v.path = Path::HugetlbEntry;
      break;
    default:
      v.path = Path::Invalid;
    }
    return normalize(v);
  }
  switch (s.level) {
  case Level::Pte:
    switch (e.kind) {
    case Kind::None:
      v.path = Path::Hole;
      break;
    case Kind::Swap:
      v.path = Path::Swap;
      break;
    case Kind::Hwpoison:
      v.path = Path::Hwpoison;
      break;
    case Kind::Migration:
      v.path = Path::Migration;
      break;
    case Kind::Device:
      v.path = Path::Device;
      break;
    case Kind::Protnone:
      v.path = Path::Present;
      v.special = e.special && e.pfn != zero_pfn;
      break;
    case Kind::Zero:
      v.path = Path::Present;
      v.accessible = true;
      break;
    case Kind::Page:
      v.path = Path::Present;
      v.accessible = true;
      v.special = e.special;
      break;
    default:
      v.path = Path::Invalid;
    }
    break;
  case Level::Pmd:
    switch (e.kind) {
    case Kind::None:
      v.path = Path::Hole;
      break;
    case Kind::Migration:
      v.path = Path::Migration;
      break;
    case Kind::Swap:
    case Kind::Device:
    case Kind::Hwpoison:
      v.path = Path::NonPresentError;
      break;
    case Kind::Huge:
      v.path = Path::Huge;
      v.accessible = !e.protnone;
      break;
    case Kind::Bad:
      v.path = Path::Bad;
      break;
    case Kind::Table:
      v.path = Path::Descend;
      break;
    default:
      v.path = Path::Invalid;
    }
    break;
  case Level::Pud:
    switch (e.kind) {
    case Kind::None:
      v.path = Path::Hole;
      break;
    case Kind::Huge:
      if (!e.devmap) {
        v.path = Path::Split;
      } else if (e.protnone) {
        v.path = Path::Hole;
      } else {
        v.path = Path::DevmapFill;
        v.accessible = true;
      }
      break;
    case Kind::Table:
      v.path = Path::Descend;
      break;
    case Kind::Bad: // not checked by the walker at this level: descended like a table
      v.path = Path::Descend;
      v.pfn = table_pfn(g, e.word);
      break;
    default:
      v.path = Path::Invalid;
    }
    break;
  case Level::P4d:
  case Level::Pgd:
    switch (e.kind) {
    case Kind::None:
      v.path = Path::Hole;
      break;
    case Kind::Bad:
      v.path = Path::ClearedHole;
      break;
    case Kind::Table:
      v.path = Path::Descend;
      break;
    default:
      v.path = Path::Invalid;
    }
    break;
  }
  return normalize(v);
}

std::string describe_view(const View& v) {
  std::string s(path_name(v.path));
  switch (v.path) {
  case Path::Descend:
    s += fmt::format(" table={:#x}", v.pfn);
    break;
  case Path::Device:
    s += fmt::format(" pfn={:#x}{}", v.pfn, v.writable ? " write" : "");
    break;
  case Path::Present:
  case Path::Huge:
  case Path::DevmapFill:
  case Path::HugetlbEntry:
    s += fmt::format(" pfn={:#x} cpu={}{}", v.pfn, v.accessible ? (v.writable ? "V|W" : "V") : "0",
                     v.special ? " special" : "");
    break;
  default:
    break;
  }
  return s;
}

} // namespace hmmspec::proofs
