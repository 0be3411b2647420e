// SPDX-License-Identifier: GPL-2.0-or-later
#include "model/race.h"

#include <array>

#include "model/fault.h"
#include "model/name_table.h"

namespace hmmspec {

namespace {

constexpr std::array<std::pair<RacePoint, std::string_view>, 4> kPoints{{
    {RacePoint::PmdSeen, "pmd-seen"},
    {RacePoint::PmdReread, "pmd-reread"},
    {RacePoint::PudLocked, "pud-locked"},
    {RacePoint::FaultReturned, "fault-returned"},
}};
constexpr std::array<std::pair<RaceOp, std::string_view>, 3> kOps{{
    {RaceOp::Zap, "zap"},
    {RaceOp::Split, "split"},
    {RaceOp::ZapSilent, "zap-silent"},
}};

// The level of the entry that maps the page at addr: a huge PUD or PMD, else the PTE.
Level leaf_level(const World& w, u64 addr) {
  for (Level l : {Level::Pud, Level::Pmd}) {
    const u64* slot = w.find_slot(l, addr);
    if (slot && classify(w.geom, l, *slot, w.zero_pfn).kind == Kind::Huge) return l;
  }
  return Level::Pte;
}

} // namespace

Level race_level(RacePoint p) {
  switch (p) {
  case RacePoint::PudLocked:
    return Level::Pud;
  case RacePoint::FaultReturned:
    return Level::Pte;
  default:
    return Level::Pmd;
  }
}

std::string_view race_point_name(RacePoint p) {
  return name_in(kPoints, p);
}

std::optional<RacePoint> race_point_from_name(std::string_view s) {
  return value_in(kPoints, s);
}

std::string race_point_names() {
  return names_in(kPoints);
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
    // After a fault the event is about the entry mapping the page: the leaf for a zap, the
    // PMD for a split.
    Level at = l;
    if (point == RacePoint::FaultReturned)
      at = r.op == RaceOp::Split ? Level::Pmd : leaf_level(w, base);
    const u64 from = base & w.geom.mask(at);
    if (r.op != RaceOp::ZapSilent) w.invalidate(from, from + w.geom.size(at));
    u64* slot = w.find_slot_mut(at, from);
    if (!slot) return true; // the path to the entry is gone: nothing left to change
    if (r.op == RaceOp::Zap || r.op == RaceOp::ZapSilent)
      *slot = 0;
    else
      split_huge_pmd(w, slot, from);
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
