// SPDX-License-Identifier: GPL-2.0-or-later
#include "model/vma.h"

#include <algorithm>
#include <fmt/format.h>

namespace hmmspec {

std::optional<std::string> VmaList::insert(const Vma& v, u64 page_size) {
  if (v.start >= v.end) return "a VMA must have start < end";
  if ((v.start | v.end) & (page_size - 1)) return "VMA bounds must be page aligned";
  if (v.hugetlb()) {
    if (v.hugetlb_size == 0) return "a hugetlb VMA needs a huge page size";
    if ((v.start | v.end) & (v.hugetlb_size - 1))
      return "hugetlb VMA bounds must be aligned to its huge page size";
  } else if (v.hugetlb_size != 0) {
    return "only hugetlb VMAs have a huge page size";
  }
  auto pos = std::lower_bound(vmas_.begin(), vmas_.end(), v.start,
                              [](const Vma& a, u64 s) { return a.start < s; });
  if (pos != vmas_.end() && pos->start < v.end)
    return fmt::format("VMA {:#x}-{:#x} overlaps VMA {:#x}-{:#x}", v.start, v.end, pos->start,
                       pos->end);
  if (pos != vmas_.begin() && std::prev(pos)->end > v.start)
    return fmt::format("VMA {:#x}-{:#x} overlaps VMA {:#x}-{:#x}", v.start, v.end,
                       std::prev(pos)->start, std::prev(pos)->end);
  vmas_.insert(pos, v);
  return std::nullopt;
}

const Vma* VmaList::find_vma(u64 addr) const {
  auto it = std::upper_bound(vmas_.begin(), vmas_.end(), addr,
                             [](u64 a, const Vma& v) { return a < v.end; });
  return it == vmas_.end() ? nullptr : &*it;
}

const Vma* VmaList::containing(u64 addr) const {
  const Vma* v = find_vma(addr);
  return (v && v->start <= addr) ? v : nullptr;
}

void VmaList::split_at(u64 addr) {
  auto it = std::upper_bound(vmas_.begin(), vmas_.end(), addr,
                             [](u64 a, const Vma& v) { return a < v.end; });
  if (it == vmas_.end() || it->start >= addr) return;
  Vma low = *it;
  low.end = addr;
  it->start = addr;
  vmas_.insert(it, low);
}

void VmaList::erase(u64 start, u64 end) {
  split_at(start);
  split_at(end);
  std::erase_if(vmas_, [&](const Vma& v) { return v.start >= start && v.end <= end; });
}

void VmaList::set_protection(u64 start, u64 end, u64 rwx) {
  auto flags = [rwx](const Vma& v) { return (v.flags & ~(vm::READ | vm::WRITE | vm::EXEC)) | rwx; };
  // a VMA whose flags do not change is not split (mm/mprotect.c:410 at v5.7)
  if (const Vma* v = containing(start); v && flags(*v) != v->flags) split_at(start);
  if (const Vma* v = containing(end); v && flags(*v) != v->flags) split_at(end);
  for (Vma& v : vmas_)
    if (v.start >= start && v.end <= end) v.flags = flags(v);
}

} // namespace hmmspec
