// SPDX-License-Identifier: GPL-2.0-or-later
#include "model/race.h"

#include <array>

#include "model/fault.h"
#include "model/name_table.h"

namespace hmmspec {

namespace {

constexpr std::array<std::pair<RacePoint, std::string_view>, 3> kPoints{{
    {RacePoint::PmdSeen, "pmd-seen"},
    {RacePoint::PmdReread, "pmd-reread"},
    {RacePoint::PudLocked, "pud-locked"},
}};
constexpr std::array<std::pair<RaceOp, std::string_view>, 3> kOps{{
    {RaceOp::Zap, "zap"},
    {RaceOp::Split, "split"},
    {RaceOp::ZapSilent, "zap-silent"},
}};

// __split_huge_pmd_locked on the PMD at slot (base: the PMD's first address).
void split_pmd(World& w, u64* slot, u64 base) {
  Entry e = classify(w.geom, Level::Pmd, *slot, w.zero_pfn);
  if (e.kind != Kind::Huge) return; // not trans-huge or devmap: nothing to split
  const Vma* vma = w.vmas.containing(base);
  const bool private_anon = vma && vma->anonymous && !(vma->flags & vm::SHARED);
  if (!private_anon || e.devmap) { // F-THP-ZAP: not an anonymous VMA
    *slot = 0;
    return;
  }
  split_huge_pmd_to_table(w, slot, e); // F-THP-SPLIT (left as it was without a table)
}

} // namespace

Level race_level(RacePoint p) {
  return p == RacePoint::PudLocked ? Level::Pud : Level::Pmd;
}

std::string_view race_point_name(RacePoint p) {
  return name_in(kPoints, p);
}

std::optional<RacePoint> race_point_from_name(std::string_view s) {
  return value_in(kPoints, s);
}

std::string_view race_op_name(RaceOp o) {
  return name_in(kOps, o);
}

std::optional<RaceOp> race_op_from_name(std::string_view s) {
  return value_in(kOps, s);
}

bool fire_race(World& w, RacePoint point, u64 addr) {
  const Level l = race_level(point);
  const u64 base = addr & w.geom.mask(l);
  for (Race& r : w.races) {
    if (r.fired || r.point != point || r.addr != base) continue;
    if (++r.reached < r.at) return false; // not this time
    r.fired = true;
    if (r.op != RaceOp::ZapSilent) w.invalidate(base, base + w.geom.size(l));
    u64* slot = w.find_slot_mut(l, base);
    if (!slot) return true; // the path to the entry is gone: nothing left to change
    if (r.op == RaceOp::Zap || r.op == RaceOp::ZapSilent)
      *slot = 0;
    else
      split_pmd(w, slot, base);
    return true;
  }
  return false;
}

bool races_pending(const World& w) {
  for (const Race& r : w.races)
    if (!r.fired) return true;
  return false;
}

} // namespace hmmspec
