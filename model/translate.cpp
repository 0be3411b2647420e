// SPDX-License-Identifier: GPL-2.0-or-later
#include "model/translate.h"

#include <fmt/format.h>
#include <optional>

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

// The first pointer (a table or bad upper entry) that leads to a table holding another level's
// entries. Its words would be entries of two levels at once, each read by its level's rules
// (a PUD word read as a PTE, a swap type of one version read as another's), and a fault or a
// clear at one level would write an entry of the other: the world has no one logical reading.
std::optional<std::string> cross_level_table(const World& w) {
  std::optional<std::string> found;
  w.visit([&](Level l, u64 addr, u64 word, Context ctx) {
    if (found || l == Level::Pte || ctx == Context::HugetlbSlot) return;
    const Entry e = classify(w.geom, l, word, w.zero_pfn, ctx);
    if (e.kind != Kind::Table && e.kind != Kind::Bad) return;
    auto it = w.tables().find(table_pfn(w.geom, word));
    if (it == w.tables().end()) return;
    Level want = below(l);
    if (want == Level::P4d && w.geom.p4d_folded()) want = Level::Pud;
    if (it->second.level != want)
      found =
          fmt::format("{} {:#x}: {} points to a {} table (pfn {:#x}): a table read at two "
                      "levels has no one logical reading",
                      level_name(l), addr, describe(e), level_name(it->second.level), it->first);
  });
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
  if (!w.races.empty()) // the race points are v5.7's (model/race.h)
    return fmt::format("race {:#x} {}: race events are modelled for v5.7 only",
                       w.races.front().addr, race_point_name(w.races.front().point));
  std::optional<std::string> error;
  const u64 devmap_from = x86::devmap_bit(w.geom.kernel), devmap_to = x86::devmap_bit(to);
  w.visit([&](Level l, u64 addr, u64 word, Context ctx) {
    if (error) return;
    Entry e = classify(w.geom, l, word, w.zero_pfn, ctx);
    if (!swap_type_kind(e.kind)) {
      // _PAGE_DEVMAP is bit 58 in v5.7 and 6.1, bit 57 in 6.12 (model/x86_bits.h): it moves with
      // the entry. A bit that would read as DEVMAP in `to` without being it here is refused.
      if (devmap_from == devmap_to || l > Level::Pud) return;
      if (word & devmap_to) {
        error = fmt::format("{} {:#x}: {}: bit {} would be DEVMAP in {}", level_name(l), addr,
                            describe(e), devmap_to == x86::DEVMAP ? 58 : 57, version_name(to));
        return;
      }
      if (u64* slot = out.find_slot_mut(l, addr); slot && (word & devmap_from))
        *slot = (word & ~devmap_from) | devmap_to;
      return;
    }
    Entry logical = e;
    logical.word = 0;
    Encoded enc = encode(out.geom, l, logical, ctx);
    if (enc.error) {
      error = fmt::format("{} {:#x}: {}: {}", level_name(l), addr, describe(e), *enc.error);
      return;
    }
    u64* slot = out.find_slot_mut(l, addr);
    if (slot) *slot = enc.word | (word & kSwapLowBits);
  });
  if (error) return *error;
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
