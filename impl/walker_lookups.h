// SPDX-License-Identifier: GPL-2.0-or-later
// The look-ups both walkers (impl/walker.cpp for v5.7, impl/walker_v6.cpp for 6.1 and 6.12)
// make instead of the world's maps on every entry: the words of the table last used at each
// level, and whether a device-private pfn belongs to the range's owner; and the return values
// both give.
#pragma once

#include <array>
#include <cstddef>
#include <vector>

#include "model/outcome.h"
#include "model/world.h"

namespace hmmspec::walker_detail {

// The negative errno values hmm_range_fault and its callbacks return.
constexpr int kEBUSY = -int(err::kEBUSY);
constexpr int kEFAULT = -int(err::kEFAULT);
constexpr int kEPERM = -int(err::kEPERM);
constexpr int kEINVAL = -int(err::kEINVAL);

// The words of the last table used at each level. The walker reads every entry afresh, but
// looks a table up in the world's map only when the pointer to it changes. Tables are never
// freed and their words never move, so a cached pointer stays valid for the whole call;
// memory holding no table is not cached, because a fault may allocate a table there.
class TableCache {
public:
  explicit TableCache(const World& w) : w_(w) {}
  const u64* words(Level l, u64 pfn) {
    Slot& s = slots_[idx(l)];
    if (s.words && s.pfn == pfn) return s.words;
    auto it = w_.tables().find(pfn);
    if (it == w_.tables().end()) return w_.table_words(pfn); // zeros (W-ZERO-MEMORY)
    s = Slot{pfn, it->second.words.data()};
    return s.words;
  }

private:
  struct Slot {
    u64 pfn = 0;
    const u64* words = nullptr;
  };
  const World& w_;
  std::array<Slot, 5> slots_{};
};

// Whether a device-private pfn's pgmap->owner is the range's dev_private_owner (hmm.c:222-224),
// answered from an open-addressing table built on first use from the world's owners, instead
// of a tree lookup per entry. Its size is that of the world's owner map, not of the range.
class DeviceOwners {
public:
  bool matches(const World& w, u64 owner, u64 pfn) {
    if (slots_.empty()) build(w, owner);
    for (std::size_t i = hash(pfn);; i = (i + 1) & (slots_.size() - 1)) {
      const Slot& s = slots_[i];
      if (s.pfn == pfn) return s.match;
      if (s.pfn == kEmpty) return owner == 0; // not registered: the NULL owner (World::owner_of)
    }
  }

private:
  static constexpr u64 kEmpty = ~0ull; // no swap offset (50 bits) can be this
  struct Slot {
    u64 pfn = kEmpty;
    bool match = false;
  };
  std::size_t hash(u64 pfn) const { return std::size_t((pfn * 0x9e3779b97f4a7c15ull) >> shift_); }
  void build(const World& w, u64 owner) {
    unsigned bits = 4;
    while ((std::size_t(1) << bits) < 2 * w.device_owner.size()) ++bits;
    slots_.assign(std::size_t(1) << bits, Slot{});
    shift_ = 64 - bits;
    for (const auto& [pfn, o] : w.device_owner) {
      std::size_t i = hash(pfn);
      while (slots_[i].pfn != kEmpty) i = (i + 1) & (slots_.size() - 1);
      slots_[i] = Slot{pfn, o == owner};
    }
  }
  std::vector<Slot> slots_;
  unsigned shift_ = 60;
};

} // namespace hmmspec::walker_detail
