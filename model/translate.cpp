// SPDX-License-Identifier: GPL-2.0-or-later
#include "model/translate.h"

#include <fmt/format.h>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "model/race.h"
#include "model/range_v6.h"

namespace hmmspec {

namespace {

// The kinds whose words are swap entries, numbered differently by each version.
bool swap_type_kind(Kind k) {
  switch (k) {
  case Kind::Swap:
  case Kind::Migration:
  case Kind::Device:
  case Kind::Hwpoison:
  case Kind::Exclusive:
  case Kind::Marker:
  case Kind::SwapinError:
    return true;
  default:
    return false;
  }
}

// The bits of a swap word below its offset that are not PRESENT or PROTNONE: soft-dirty (RW)
// and uffd-wp (USER) among them, the same bits in every version.
constexpr u64 kSwapLowBits = ((1ull << x86::SWP_OFFSET_FIRST_BIT) - 1) & ~x86::PRESENT;

u64 translate_request(const HmmRange& r, KernelVersion from, KernelVersion to, u64 word) {
  return request_word(to, r, request_meaning(from, r, word));
}

// A slot of a table, as every path from the root reaches it. World::visit goes into a table
// once, under the first pointer to it; a table reached through several pointers can be read in
// another context through another one (a PUD table under a hugetlb VMA's slot at one address
// and under an ordinary VMA at another), so translation reads it on every path: once per
// (table, level, first address), at most kMaxTablePaths of them.
struct PathSlot {
  Level level;
  u64 addr;
  u64 word;
  Context ctx;
  u64 table;
  unsigned index;
};
constexpr std::size_t kMaxTablePaths = std::size_t(1) << 16;

template <typename F>
bool visit_every_path(const World& w, u64 pfn, Level l, u64 base,
                      std::set<std::tuple<u64, Level, u64>>& seen, F& f) {
  if (l == Level::P4d && w.geom.p4d_folded()) l = Level::Pud;
  auto it = w.tables().find(pfn);
  if (it == w.tables().end() || !seen.emplace(pfn, l, base).second) return true;
  if (seen.size() > kMaxTablePaths) return false;
  const std::vector<u64>& words = it->second.words;
  for (unsigned i = 0; i < w.geom.entries(l); ++i) {
    const u64 word = words[i];
    if (word == 0) continue;
    const u64 addr = base + (u64(i) << w.geom.shift(l));
    const Context ctx = w.context_at(l, addr);
    if (!f(PathSlot{l, addr, word, ctx, pfn, i})) return true;
    if (l == Level::Pte || ctx == Context::HugetlbSlot) continue;
    const Kind k = classify(w.geom, l, word, w.zero_pfn).kind;
    if ((k == Kind::Table || k == Kind::Bad) &&
        !visit_every_path(w, table_pfn(w.geom, word), below(l), addr, seen, f))
      return false;
  }
  return true;
}

// Calls f on every slot on every path (f returns false to stop); false when the paths are more
// than kMaxTablePaths.
template <typename F>
bool visit_every_path(const World& w, F&& f) {
  std::set<std::tuple<u64, Level, u64>> seen;
  return visit_every_path(w, w.root_pfn(), Level::Pgd, 0, seen, f);
}

// The first pointer (a table or bad upper entry) that leads to a table holding another level's
// entries. Its words would be entries of two levels at once, each read by its level's rules
// (a PUD word read as a PTE, a swap type of one version read as another's), and a fault or a
// clear at one level would write an entry of the other: the world has no one logical reading.
std::optional<std::string> cross_level_table(const World& w) {
  std::optional<std::string> found;
  const bool complete = visit_every_path(w, [&](const PathSlot& s) {
    if (s.level == Level::Pte || s.ctx == Context::HugetlbSlot) return true;
    const Entry e = classify(w.geom, s.level, s.word, w.zero_pfn, s.ctx);
    if (e.kind != Kind::Table && e.kind != Kind::Bad) return true;
    auto it = w.tables().find(table_pfn(w.geom, s.word));
    if (it == w.tables().end()) return true;
    Level want = below(s.level);
    if (want == Level::P4d && w.geom.p4d_folded()) want = Level::Pud;
    if (it->second.level == want) return true;
    found = fmt::format("{} {:#x}: {} points to a {} table (pfn {:#x}): a table read at two "
                        "levels has no one logical reading",
                        level_name(s.level), s.addr, describe(e), level_name(it->second.level),
                        it->first);
    return false;
  });
  if (!complete && !found)
    found = fmt::format("the tables are reached through more than {} paths", kMaxTablePaths);
  return found;
}

} // namespace

std::variant<World, std::string> translate_world(const World& w, KernelVersion to) {
  World out = w;
  out.geom.kernel = to;
  if (w.geom.kernel == to) return out;
  if (!has_v6_api(to) && !w.coherent_pfns.empty())
    return fmt::format("owner {:#x}: device-coherent memory does not exist in v{}",
                       *w.coherent_pfns.begin(), version_name(to));
  if (std::optional<std::string> alias = cross_level_table(w)) return *alias;
  if (!w.races.empty()) // (each version's scenario states its own, model/race.h)
    return fmt::format("race {:#x} {}: race events are not translated between versions",
                       w.races.front().addr, race_point_name(w.races.front().point));
  std::optional<std::string> error;
  const u64 devmap_from = x86::devmap_bit(w.geom.kernel), devmap_to = x86::devmap_bit(to);
  // The word each slot gets in `to`, from the first path that reached it; another path that
  // reads it as another entry must give the same word.
  std::map<std::pair<u64, unsigned>, u64> done;
  const bool complete = visit_every_path(w, [&](const PathSlot& s) {
    const Entry e = classify(w.geom, s.level, s.word, w.zero_pfn, s.ctx);
    u64 next = s.word;
    if (!swap_type_kind(e.kind)) {
      // _PAGE_DEVMAP is bit 58 in v5.7 and 6.1, bit 57 in 6.12 (model/x86_bits.h): it moves with
      // the entry. A bit that would read as DEVMAP in `to` without being it here is refused.
      if (devmap_from != devmap_to && s.level <= Level::Pud) {
        if (s.word & devmap_to) {
          error =
              fmt::format("{} {:#x}: {}: bit {} would be DEVMAP in {}", level_name(s.level), s.addr,
                          describe(e), devmap_to == x86::DEVMAP ? 58 : 57, version_name(to));
          return false;
        }
        if (s.word & devmap_from) next = (s.word & ~devmap_from) | devmap_to;
      }
    } else {
      Entry logical = e;
      logical.word = 0;
      Encoded enc = encode(out.geom, s.level, logical, s.ctx);
      if (enc.error) {
        error =
            fmt::format("{} {:#x}: {}: {}", level_name(s.level), s.addr, describe(e), *enc.error);
        return false;
      }
      next = enc.word | (s.word & kSwapLowBits);
    }
    auto [it, fresh] = done.try_emplace({s.table, s.index}, next);
    if (!fresh && it->second != next) {
      error = fmt::format("{} {:#x}: {}: the word is reached through another path too, where it "
                          "needs another word in {}",
                          level_name(s.level), s.addr, describe(e), version_name(to));
      return false;
    }
    return true;
  });
  if (error) return *error;
  if (!complete)
    return fmt::format("the tables are reached through more than {} paths", kMaxTablePaths);
  for (const auto& [slot, word] : done) out.table_words_mut(slot.first)[slot.second] = word;
  return out;
}

HmmRange translate_range(const HmmRange& r, KernelVersion from, KernelVersion to) {
  if (has_v6_api(from) == has_v6_api(to)) return r;
  HmmRange out = r;
  for (u64& p : out.pfns) p = translate_request(r, from, to, p);
  out.default_flags = translate_request(r, from, to, r.default_flags);
  if (r.pfn_flags_mask != ~0ull)
    out.pfn_flags_mask = translate_request(r, from, to, r.pfn_flags_mask);
  return out;
}

} // namespace hmmspec
