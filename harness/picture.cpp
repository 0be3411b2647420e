// SPDX-License-Identifier: GPL-2.0-or-later
#include "harness/picture.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <utility>

#include "harness/explain.h"
#include "model/range_v6.h"

namespace hmmspec {

namespace {

using Interval = std::pair<u64, u64>; // pages [first, end)

// Sorted, merged intervals.
std::vector<Interval> merged(std::vector<Interval> v) {
  std::sort(v.begin(), v.end());
  std::vector<Interval> out;
  for (const Interval& i : v) {
    if (!out.empty() && i.first <= out.back().second)
      out.back().second = std::max(out.back().second, i.second);
    else
      out.push_back(i);
  }
  return out;
}

bool covered(const std::vector<Interval>& v, u64 page) {
  auto it = std::upper_bound(v.begin(), v.end(), Interval{page, ~0ull});
  return it != v.begin() && std::prev(it)->second > page;
}

// The pages of the range handle_mm_fault was called for, from the log's fault runs.
std::vector<Interval> faulted_pages(const Outcome& o, u64 start, u64 end, unsigned shift) {
  std::vector<Interval> v;
  const u64 page = u64(1) << shift;
  auto add = [&](u64 addr, u64 n) { // n pages from addr, clipped to the range
    if (addr >= end || addr < start) return;
    u64 first = (addr - start) >> shift;
    v.push_back({first, first + std::min(n, ((end - start) >> shift) - first)});
  };
  for (const auto& run : o.world.log.runs()) {
    if (run.first.type != Event::Type::Fault) continue;
    if (run.step == 0 || run.count == 1) {
      add(run.first.addr, 1);
    } else if (run.step == page) {
      add(run.first.addr, run.count);
    } else { // another stride: each address (the log is bounded by the restart budget)
      for (u64 k = 0; k < run.count; ++k) add(run.first.addr + k * run.step, 1);
    }
  }
  return merged(std::move(v));
}

// The pages where a party's output differs from the ground truth's (a missing entry differs).
std::vector<Interval> differing_pages(const Outcome& truth, const Outcome& o, u64 npages) {
  std::vector<Interval> v;
  for (u64 i = 0; i < npages; ++i) {
    bool a = i < truth.pfns.size(), b = i < o.pfns.size();
    bool same = a == b && (!a || truth.pfns[i] == o.pfns[i]);
    if (same) continue;
    if (!v.empty() && v.back().second == i)
      ++v.back().second;
    else
      v.push_back({i, i + 1});
  }
  return v;
}

PageClass output_class(KernelVersion k, const HmmRange& r, u64 word) {
  if (has_v6_api(k)) {
    if (word & hmm6::ERROR) return PageClass::Error;
    if (!(word & hmm6::VALID)) return PageClass::None;
    return word & hmm6::WRITE ? PageClass::ValidWrite : PageClass::Valid;
  }
  if (word == r.values[HMM_PFN_ERROR]) return PageClass::Error;
  if (word == r.values[HMM_PFN_NONE]) return PageClass::None;
  if (word == r.values[HMM_PFN_SPECIAL]) return PageClass::Special;
  if (!(word & r.flags[HMM_PFN_VALID])) return PageClass::None;
  return word & r.flags[HMM_PFN_WRITE] ? PageClass::ValidWrite : PageClass::Valid;
}

// "walk 1: R-A R-B" per walk, as explain_text prints them.
std::vector<std::string> rule_lines(std::span<const RuleHit> hits) {
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < hits.size(); ++i) {
    if (i == 0 || hits[i].walk != hits[i - 1].walk)
      lines.push_back(fmt::format("walk {}:", hits[i].walk));
    lines.back() += " ";
    lines.back() += rule_id(hits[i].rule);
  }
  return lines;
}

// The VMAs of [start, end), clipped, and the gaps between them.
std::vector<RangeRegion> range_regions(const World& w, u64 start, u64 end) {
  std::vector<RangeRegion> out;
  u64 at = start;
  for (const Vma& v : w.vmas.all()) {
    if (v.end <= start || v.start >= end) continue;
    if (v.start > at) out.push_back({at, v.start, std::nullopt});
    out.push_back({std::max(v.start, start), std::min(v.end, end), v});
    at = std::min(v.end, end);
  }
  if (at < end) out.push_back({at, end, std::nullopt});
  return out;
}

// The page-table tree over [start, end): the slots of every table reached from the root that
// cover part of it, depth first in address order, a run of none slots as one row. Tables are
// descended as World::visit does (a table reached twice is shown once).
class TreeGatherer {
public:
  TreeGatherer(const World& w, u64 start, u64 end, std::size_t cap, Picture& p)
      : w_(w), start_(start), end_(end), cap_(cap), p_(p) {}

  void table(u64 pfn, Level l, u64 base, unsigned depth) {
    const Geometry& g = w_.geom;
    if (l == Level::P4d && g.p4d_folded()) l = Level::Pud;
    if (!w_.tables().count(pfn) || !seen_.insert(pfn).second) return;
    const u64* words = w_.table_words(pfn);
    const u64 size = g.size(l);
    const u64 span = u64(g.entries(l)) << g.shift(l);
    const u64 lo = std::max(start_, base), hi = std::min(end_ - 1, base + (span - 1));
    if (lo > hi) return;
    const u64 i0 = (lo - base) >> g.shift(l), i1 = (hi - base) >> g.shift(l); // inclusive
    for (u64 i = i0; i <= i1;) {
      const u64 addr = base + (i << g.shift(l));
      const Context ctx = w_.context_at(l, addr);
      const Entry e = classify(g, l, words[i], w_.zero_pfn, ctx);
      TreeRow row{depth,    l,          g.shift(l), addr, 1, e.kind, ctx == Context::HugetlbSlot,
                  words[i], describe(e)};
      if (e.kind == Kind::None) { // the none slots that follow, as one row
        while (i + row.count <= i1 && classify(g, l, words[i + row.count], w_.zero_pfn,
                                               w_.context_at(l, addr + row.count * size))
                                              .kind == Kind::None)
          ++row.count;
        row.text = "none";
      }
      const u64 slots = row.count;
      add(std::move(row));
      if (l != Level::Pte && ctx != Context::HugetlbSlot &&
          (e.kind == Kind::Table || e.kind == Kind::Bad))
        table(table_pfn(g, words[i]), below(l), addr, depth + 1);
      i += slots;
    }
  }

private:
  void add(TreeRow row) {
    if (p_.tree.size() < cap_)
      p_.tree.push_back(std::move(row));
    else
      ++p_.tree_omitted;
  }

  const World& w_;
  u64 start_, end_;
  std::size_t cap_;
  Picture& p_;
  std::set<u64> seen_;
};

} // namespace

std::string_view page_class_name(PageClass c) {
  switch (c) {
  case PageClass::Valid:
    return "valid";
  case PageClass::ValidWrite:
    return "valid-write";
  case PageClass::Fault:
    return "fault";
  case PageClass::Error:
    return "error";
  case PageClass::None:
    return "none";
  case PageClass::Special:
    return "special";
  case PageClass::NotWritten:
    return "not-written";
  }
  return "?";
}

Picture gather_picture(const Scenario& s, const Outcome& ref, const Trace& t,
                       const ScenarioRun& run, const PictureLimits& limits) {
  const HmmRange& r = s.range;
  const KernelVersion k = s.world.geom.kernel;
  Picture p;
  p.scenario = s.name;
  p.kernel = std::string(version_name(k));
  p.geometry = s.world.geom.name;
  p.start = r.start;
  p.end = r.end;
  p.npages = t.npages;
  p.page_size = s.world.geom.page_size();
  p.result = result_text(ref);
  p.walks = ref.walks;
  p.tree_cap = limits.tree_rows;
  p.cells_cap = limits.cells;
  if (r.end > r.start) {
    p.regions = range_regions(s.world, r.start, r.end);
    TreeGatherer(s.world, r.start, r.end, limits.tree_rows, p)
        .table(s.world.root_pfn(), Level::Pgd, 0, 0);
  }

  // The parties, and where each differs from the ground truth.
  std::vector<std::vector<Interval>> differs(run.results.size());
  for (std::size_t n = 0; n < run.results.size(); ++n) {
    const PartyResult& pr = run.results[n];
    const Outcome& truth = run.results.front().outcome;
    PartyLine line{pr.party.name, n == 0, result_text(pr.outcome), pr.failures.size(), "", 0};
    if (n > 0) {
      differs[n] = differing_pages(truth, pr.outcome, t.npages);
      for (const Interval& i : differs[n]) line.pages_differing += i.second - i.first;
      if (auto d = first_difference(r, truth, pr.outcome))
        line.difference = fmt::format("{}: {} {}, {} {}", d->what, run.results.front().party.name,
                                      d->left, pr.party.name, d->right);
    }
    p.parties.push_back(std::move(line));
  }
  if (run.unsupported) p.unsupported = *run.unsupported;
  if (run.divergence) p.divergence = divergence_text(*run.divergence);

  // The cells: the groups of alike pages, cut where a fault or a difference starts or ends.
  const std::vector<Interval> faulted = faulted_pages(ref, r.start, r.end, t.page_shift);
  std::set<u64> cuts;
  for (const auto& v : differs)
    for (const Interval& i : v) cuts.insert(i.first), cuts.insert(i.second);
  for (const Interval& i : faulted) cuts.insert(i.first), cuts.insert(i.second);
  const u64 page = u64(1) << t.page_shift;
  for_each_page_group(s, ref, t, [&](const PageGroup& g) {
    const u64 end = g.first + g.count;
    for (u64 a = g.first; a < end;) {
      auto cut = cuts.upper_bound(a);
      const u64 b = cut != cuts.end() && *cut < end ? *cut : end;
      if (p.cells.size() >= limits.cells) {
        ++p.cells_omitted;
        a = b;
        continue;
      }
      PageCell c;
      c.first = a;
      c.count = b - a;
      c.addr = t.start + a * page;
      c.request = a < r.pfns.size() ? describe_request(k, r, g.request) : "-";
      c.rules = rule_lines(g.rules);
      const bool has_output = a < ref.pfns.size();
      if (!has_output) {
        c.output = "(no entry)";
        c.cls = PageClass::NotWritten;
      } else if (g.written == 0) {
        c.output = "(not written: holds its request)";
        c.cls = PageClass::NotWritten;
      } else {
        c.output = describe_output(k, r, ref.pfns[a]);
        if (g.pfn_step && c.count > 1) c.output += ", +1 pfn per page";
        c.cls = output_class(k, r, ref.pfns[a]);
        if (c.cls != PageClass::Error && covered(faulted, a)) c.cls = PageClass::Fault;
      }
      for (std::size_t n = 1; n < run.results.size(); ++n) {
        if (!covered(differs[n], a)) continue;
        const Outcome& o = run.results[n].outcome;
        c.differ.push_back({run.results[n].party.name,
                            a < o.pfns.size() ? describe_output(k, r, o.pfns[a]) : "(no entry)"});
      }
      p.cells.push_back(std::move(c));
      a = b;
    }
  });
  return p;
}

} // namespace hmmspec
