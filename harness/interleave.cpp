// SPDX-License-Identifier: GPL-2.0-or-later
#include "harness/interleave.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <tuple>

#include "model/driver.h"
#include "model/mm_ops.h"
#include "model/race.h"
#include "model/scenario_format.h"
#include "model/table_tree.h"

namespace hmmspec {

namespace {

struct Site {
  RacePoint point;
  u64 addr;
  bool operator<(const Site& o) const { return std::tie(addr, point) < std::tie(o.addr, o.point); }
};

// Whether the walk can call pud_entry or pmd_entry for the entry at [addr, addr+size): some
// VMA that is not hugetlb meets it (as the parser's check of race lines).
bool walked(const World& w, u64 addr, u64 size) {
  for (const Vma& v : w.vmas.all())
    if (v.start < addr + size && addr < v.end && !v.hugetlb()) return true;
  return false;
}

// The candidate sites in one world: every PMD and PUD entry over the range that is not none.
void sites_in(const World& w, const HmmRange& r, std::set<Site>& out) {
  const Geometry& g = w.geom;
  if (r.start >= r.end) return;
  for (Level l : {Level::Pud, Level::Pmd}) {
    const u64 size = g.size(l);
    for (u64 a = r.start & g.mask(l); a < r.end && a >= (r.start & g.mask(l)); a += size) {
      const u64* slot = w.find_slot(l, a);
      if (!slot || *slot == 0 || !walked(w, a, size)) continue;
      if (l == Level::Pud) {
        out.insert(Site{RacePoint::PudLocked, a});
      } else {
        out.insert(Site{RacePoint::PmdSeen, a});
        out.insert(Site{RacePoint::PmdReread, a});
      }
    }
  }
}

// The pages the walk faults in a run: the fault-returned point of each (outside hugetlb VMAs).
void fault_sites_in(const World& w, std::set<Site>& out) {
  for (const Event& e : w.log)
    if (e.type == Event::Type::Fault && walked(w, e.addr, w.geom.page_size()))
      out.insert(Site{RacePoint::FaultReturned, e.addr});
}

// The scenario as interleave runs it: its driver loop (or the default), no expectations and
// no events of its own (each variant adds one).
Scenario base_of(const Scenario& s, const InterleaveOptions& o) {
  Scenario b = s;
  b.world.races.clear();
  b.world.driver_events.clear();
  b.driver_event_locs.clear();
  b.expectations.clear();
  for (Call& c : b.calls) c.expectations.clear();
  if (!b.driver_loop) {
    b.driver_loop = o.loop;
    b.driver_loop_loc = SourceLoc{s.name, 0, 0};
  }
  return b;
}

// What stays fixed of a failure while a finding shrinks: the contract rule it breaks, or, for
// another failure, its message's start (what it is about, without the values).
std::string failure_key(const Failure& f) {
  if (!f.rule.empty()) return f.rule;
  return f.message.substr(0, f.message.find(':'));
}

} // namespace

std::optional<InterleaveProblem> interleave_problem(const ScenarioRun& run) {
  if (run.divergence)
    return InterleaveProblem{
        "DIVERGENCE: " + divergence_text(*run.divergence),
        fmt::format("divergence {} {} {}", run.divergence->party.name, run.divergence->against.name,
                    // (the kind: "pfns", not "pfns[3]")
                    run.divergence->diff.what.substr(0, run.divergence->diff.what.find('[')))};
  for (const PartyResult& r : run.results) {
    for (std::size_t c = 1; c <= r.later.size() + 1; ++c)
      if (const Outcome* o = r.call(c); o && o->failure)
        return InterleaveProblem{fmt::format("{} did not return from call {}: {}", r.party.name, c,
                                             describe(*o->failure)),
                                 fmt::format("no return {}", r.party.name)};
    if (!r.failures.empty())
      return InterleaveProblem{
          fmt::format("VIOLATION ({}): {}", r.party.name, r.failures.front().message),
          fmt::format("violation {} {}", r.party.name, failure_key(r.failures.front()))};
  }
  return std::nullopt;
}

namespace {

// Whether every failure of the run is an operation of a later call that cannot be applied to
// the world the event left (prepare_call reports it at the operation's line): the variant is
// not a history the model can run, and tells nothing about the contract.
bool operation_inapplicable(const ScenarioRun& run, const Scenario& v) {
  auto at_operation = [&](const Failure& f) {
    for (const Call& c : v.calls)
      for (const MmOpLine& op : c.ops)
        if (op.loc.line == f.loc.line && op.loc.file == f.loc.file) return true;
    return false;
  };
  bool any = false;
  for (const PartyResult& r : run.results)
    for (const Failure& f : r.failures) {
      if (!at_operation(f)) return false;
      any = true;
    }
  return any && !run.divergence;
}

// The operations tried at the driver's points: each kind over the part of the range the first
// VMA meeting it covers (fork: the whole mm), those the model can apply to the first world, and
// thp-collapse. (mmap is not tried: it maps where no VMA is, and these are over a VMA's part.)
std::vector<MmOp> driver_ops(const Scenario& s) {
  std::vector<MmOp> ops;
  const HmmRange& r = s.range;
  const Vma* vma = nullptr;
  for (const Vma& v : s.world.vmas.all())
    if (v.start < r.end && r.start < v.end) {
      vma = &v;
      break;
    }
  std::vector<MmOp> all{MmOp{MmOpKind::Fork, 0, 0, Prot::Read, 0}};
  if (vma) {
    const u64 a = std::max(r.start, vma->start), b = std::min(r.end, vma->end);
    for (Prot p : {Prot::None, Prot::Read}) all.push_back(MmOp{MmOpKind::Mprotect, a, b, p, 0});
    for (MmOpKind k :
         {MmOpKind::Munmap, MmOpKind::MadviseDontneed, MmOpKind::Reclaim, MmOpKind::MigrateToDevice,
          MmOpKind::MigrateToRam, MmOpKind::ThpSplit, MmOpKind::CpuRead, MmOpKind::CpuWrite})
      all.push_back(MmOp{k, a, b, Prot::Read, r.dev_private_owner});
  }
  for (const MmOp& op : all) {
    World w = s.world;
    if (!apply_mm_op(w, op)) ops.push_back(op);
  }
  // thp-collapse over the PMD-sized blocks of that part: tried even where the first world has
  // nothing to collapse, as the calls' faults may fill the blocks in (a refusal when it fires
  // is counted apart)
  if (vma && (vma->flags & vm::HUGEPAGE)) {
    const u64 size = s.world.geom.size(Level::Pmd);
    const u64 a = (std::max(r.start, vma->start) + size - 1) & ~(size - 1);
    const u64 b = std::min(r.end, vma->end) & ~(size - 1);
    if (a < b && a >= r.start) ops.push_back(MmOp{MmOpKind::ThpCollapse, a, b, Prot::Read, 0});
  }
  return ops;
}

// Whether a driver event the model cannot apply ended a call of the ground truth's run.
bool event_refused(const ScenarioRun& run) {
  const PartyResult& truth = run.results.front();
  for (std::size_t c = 1; c <= truth.later.size() + 1; ++c)
    if (const Outcome* o = truth.call(c); o && o->refused_event) return true;
  return false;
}

// Whether the event added last fired in the ground truth's run.
bool fired(const ScenarioRun& run, const Scenario& v) {
  const PartyResult& truth = run.results.front();
  const Outcome* last = truth.call(truth.later.size() + 1);
  if (!last) return false;
  if (!v.world.driver_events.empty())
    return last->world.driver_events.size() == v.world.driver_events.size() &&
           last->world.driver_events.back().fired;
  if (last->world.races.size() != v.world.races.size()) return false;
  return last->world.races.back().fired;
}

} // namespace

InterleaveResult interleave(const Scenario& s, const std::vector<Party>& parties,
                            const InterleaveOptions& o) {
  InterleaveResult res;
  // (every version has the race points; the mm operations at the driver's points are
  // modelled for v5.7 worlds only, docs/spec.md section 12)
  const bool mm_ops = s.world.geom.kernel == KernelVersion::V5_7;
  if (s.range.pfns.size() > o.max_pages) {
    res.skipped =
        fmt::format("the range has {} pages (more than {})", s.range.pfns.size(), o.max_pages);
    return res;
  }
  if (!tables_form_a_tree(s.world)) {
    res.skipped = "its page tables do not form a tree (docs/spec.md, 6a: events are specified "
                  "for trees)";
    return res;
  }
  const Scenario base = base_of(s, o);
  ScenarioRun run = run_scenario(base, parties);
  if (run.unsupported) {
    res.skipped = *run.unsupported;
    return res;
  }
  if (auto p = interleave_problem(run)) { // without any added event
    res.findings.push_back(InterleaveFinding{base, std::move(p->what), std::move(p->key)});
    return res;
  }
  // the sites: in the first world and in the world each call of the ground truth left
  std::set<Site> sites;
  sites_in(s.world, s.range, sites);
  const PartyResult& truth = run.results.front();
  for (std::size_t c = 1; c <= truth.later.size() + 1; ++c)
    if (const Outcome* out = truth.call(c)) {
      sites_in(out->world, s.range, sites);
      fault_sites_in(out->world, sites);
    }
  std::vector<Site> list(sites.begin(), sites.end());
  if (list.size() > o.max_sites) {
    res.capped = list.size() - o.max_sites;
    list.resize(o.max_sites);
  }
  // One variant (the base and one event): false when the event is not reached; else counted
  // apart when the operation could not apply there, or checked.
  auto try_variant = [&](Scenario v) {
    ++res.candidates;
    ScenarioRun vr = run_scenario(v, parties);
    if (vr.results.empty() || !fired(vr, v)) return false;
    if (event_refused(vr) || operation_inapplicable(vr, v)) {
      ++res.inapplicable;
      return true;
    }
    ++res.interleavings;
    if (auto p = interleave_problem(vr))
      res.findings.push_back(
          InterleaveFinding{std::move(v), std::move(p->what), std::move(p->key)});
    return true;
  };
  std::vector<RaceOp> ops{RaceOp::Zap, RaceOp::Split};
  if (o.plant) ops.push_back(RaceOp::ZapSilent);
  for (const Site& site : list) {
    for (RaceOp op : ops) {
      if (op == RaceOp::Split && site.point == RacePoint::PudLocked) continue;
      // the walk may reach the point for the entry in several walks (tries, chunks, calls):
      // the event at each reach, up to max_reach, until one is not reached
      for (unsigned at = 1; at <= o.max_reach; ++at) {
        Scenario v = base;
        v.world.races.push_back(Race{site.addr, site.point, op, false, at, 0});
        if (!try_variant(std::move(v))) break;
      }
    }
  }
  // D-EVENT: every mm operation at each point of the driver loop, at each reach
  for (DriverPoint point : {DriverPoint::BeforeCall, DriverPoint::AfterCall}) {
    for (const MmOp& op : mm_ops ? driver_ops(s) : std::vector<MmOp>{}) {
      for (unsigned at = 1; at <= o.max_reach; ++at) {
        Scenario v = base;
        v.world.driver_events.push_back(DriverEvent{point, op, at, 0, false});
        v.driver_event_locs.push_back(SourceLoc{s.name, 0, 0});
        if (!try_variant(std::move(v))) break;
      }
    }
  }
  return res;
}

std::string finding_text(const InterleaveFinding& f) {
  Scenario v = f.variant;
  std::string race;
  if (!v.world.driver_events.empty()) {
    race = describe(v.world.driver_events.back());
  } else if (!v.world.races.empty()) {
    const Race& r = v.world.races.back();
    race = fmt::format("race {:#x} {} {}{}", r.addr, race_point_name(r.point), race_op_name(r.op),
                       r.at > 1 ? fmt::format(" at={}", r.at) : "");
  }
  v.text = fmt::format("Found by hmmspec interleave in {}{}, under the driver loop:\n{}",
                       f.variant.name, race.empty() ? "" : " with " + race, f.what);
  while (!v.text.empty() && v.text.back() == '\n') v.text.pop_back();
  return print_scenario(v);
}

} // namespace hmmspec
