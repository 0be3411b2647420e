// SPDX-License-Identifier: GPL-2.0-or-later
#include "model/world.h"

#include <fmt/format.h>

namespace hmmspec {

std::string describe(const Event& e) {
  if (e.type == Event::Type::Wait) return fmt::format("wait {} {:#x}", level_name(e.level), e.addr);
  std::string s =
      fmt::format("fault {:#x} {}", e.addr, (e.flags & fault::FLAG_WRITE) ? "write" : "read");
  if (e.result & fault::ERROR) s += fmt::format(" -> {:#x}", e.result);
  return s;
}

World::World(Geometry g) : geom(std::move(g)) {
  zeros_.assign(geom.max_entries(), 0);
  root_ = *alloc_table(Level::Pgd);
}

const u64* World::table_words(u64 pfn) const {
  auto it = tables_.find(pfn);
  return it == tables_.end() ? zeros_.data() : it->second.words.data();
}

u64* World::table_words_mut(u64 pfn) {
  auto it = tables_.find(pfn);
  return it == tables_.end() ? nullptr : it->second.words.data();
}

std::optional<u64> World::alloc_table(Level level, std::optional<u64> pfn) {
  u64 p = pfn.value_or(next_table_);
  if (tables_.contains(p) || p > (x86::PHYSICAL_MASK >> geom.page_shift)) return std::nullopt;
  tables_.emplace(p, Table{level, std::vector<u64>(geom.max_entries(), 0)});
  if (p >= next_table_) next_table_ = p + 1;
  return p;
}

namespace {
// Whether a lookup goes below an upper entry: a table pointer, or a bad word (neither the
// walker nor __handle_mm_fault checks pud_bad; a bad PMD is refused by hmm itself and cleared
// by the fault path, F-PMD-BAD, so going below one only serves readers of the raw tables).
bool descends(Kind k) {
  return k == Kind::Table || k == Kind::Bad;
}
} // namespace

const u64* World::find_slot(Level level, u64 addr) const {
  if (level == Level::P4d && geom.p4d_folded()) return nullptr;
  u64 table = root_;
  for (Level l = Level::Pgd;; l = below(l)) {
    if (l == Level::P4d && geom.p4d_folded()) continue;
    if (!tables_.contains(table)) return nullptr;
    const u64* slot = table_words(table) + geom.index(l, addr);
    if (l == level) return slot;
    Entry e = classify(geom, l, *slot, zero_pfn);
    if (!descends(e.kind)) return nullptr;
    table = table_pfn(geom, *slot);
  }
}

u64* World::find_slot_mut(Level level, u64 addr) {
  return const_cast<u64*>(static_cast<const World*>(this)->find_slot(level, addr));
}

u64* World::ensure_slot(Level level, u64 addr, Level* blocked_at) {
  if (level == Level::P4d && geom.p4d_folded()) return nullptr;
  u64 table = root_;
  for (Level l = Level::Pgd;; l = below(l)) {
    if (l == Level::P4d && geom.p4d_folded()) continue;
    u64* words = table_words_mut(table);
    if (!words) {
      if (blocked_at) *blocked_at = l;
      return nullptr;
    }
    u64* slot = words + geom.index(l, addr);
    if (l == level) return slot;
    Level next = below(l);
    if (next == Level::P4d && geom.p4d_folded()) next = Level::Pud;
    Entry e = classify(geom, l, *slot, zero_pfn);
    if (e.kind == Kind::None) {
      auto t = alloc_table(next);
      if (!t) { // no table pfn left
        if (blocked_at) *blocked_at = l;
        return nullptr;
      }
      *slot = encode(geom, l, Entry{.kind = Kind::Table, .pfn = *t}).word;
    } else if (!descends(e.kind)) {
      if (blocked_at) *blocked_at = l;
      return nullptr;
    }
    table = table_pfn(geom, *slot);
  }
}

std::optional<std::string> World::put_entry(Level level, u64 addr, const Entry& e, Context ctx) {
  Encoded enc = encode(geom, level, e, ctx);
  if (enc.error) return enc.error;
  u64* slot = ensure_slot(level, addr);
  if (!slot) return std::string("blocked");
  *slot = enc.word;
  return std::nullopt;
}

Entry World::entry_at(Level level, u64 addr, Context ctx) const {
  const u64* slot = find_slot(level, addr);
  return slot ? classify(geom, level, *slot, zero_pfn, ctx) : Entry{};
}

u64 World::owner_of(u64 pfn) const {
  auto it = device_owner.find(pfn);
  return it == device_owner.end() ? 0 : it->second;
}

void World::invalidate(u64 start, u64 end) {
  if (start < notifier.end && notifier.start < end) {
    notifier.seq += 1;
    notifier.invalidations += 1;
  }
}

u64 World::alloc_pfns(u64 count) {
  u64 p = (next_pfn + count - 1) & ~(count - 1);
  next_pfn = p + count;
  return p;
}

Context World::context_at(Level level, u64 addr) const {
  const Vma* v = vmas.containing(addr);
  if (v && v->hugetlb() && v->hugetlb_size == geom.size(level)) return Context::HugetlbSlot;
  return Context::Normal;
}

} // namespace hmmspec
