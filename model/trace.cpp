// SPDX-License-Identifier: GPL-2.0-or-later
#include "model/trace.h"

#include <algorithm>
#include <set>

namespace hmmspec {

namespace {

// Adds page i with `hit` to `runs` (from index `from` on: the current walk's): extends a
// recent run of the same hit that ends just below i, unless a later run already covers i,
// since a page's rules are in the order of the runs that cover it.
void add_page(std::vector<PageRun>& runs, std::size_t from, u64 i, RuleHit hit) {
  constexpr std::size_t kLookBack = 16; // a chunk's rules go to each page in turn
  for (std::size_t k = runs.size(), n = 0; k > from && n < kLookBack; --k, ++n) {
    PageRun& r = runs[k - 1];
    if (r.covers(i)) break;
    if (r.hit == hit && r.first + r.count == i) {
      ++r.count;
      return;
    }
  }
  runs.push_back(PageRun{i, 1, hit});
}

// Whether runs [a, b) and [b, end) are the same pages and rules (the walks differ).
bool same_runs(const std::vector<PageRun>& runs, std::size_t a, std::size_t b) {
  if (b - a != runs.size() - b) return false;
  for (std::size_t k = 0; a + k < b; ++k) {
    const PageRun &x = runs[a + k], &y = runs[b + k];
    if (x.first != y.first || x.count != y.count || x.hit.rule != y.hit.rule) return false;
  }
  return true;
}

} // namespace

void Trace::reset(u64 range_start, unsigned shift, u64 pages, KernelVersion k) {
  start = range_start;
  page_shift = shift;
  kernel = k;
  npages = pages;
  hits.clear();
  writes.clear();
  walks.clear();
  call.clear();
}

void Trace::page(u64 addr, unsigned walk, RuleId rule) {
  if (addr < start) return;
  u64 i = (addr - start) >> page_shift;
  if (i < npages) add_page(hits, walks.empty() ? 0 : walks.back().hits_begin, i, {walk, rule});
}

void Trace::wrote(u64 addr, unsigned walk) {
  if (addr < start) return;
  u64 i = (addr - start) >> page_shift;
  if (i < npages)
    add_page(writes, walks.empty() ? 0 : walks.back().writes_begin, i, {walk, RuleId::Count});
}

void Trace::begin_walk(unsigned number, u64 from) {
  WalkTrace w;
  w.number = number;
  w.from = w.last_after = from;
  w.hits_begin = hits.size();
  w.writes_begin = writes.size();
  walks.push_back(std::move(w));
}

void Trace::end_walk(long result, u64 last_after) {
  WalkTrace& w = walks.back();
  w.result = result;
  w.last_after = last_after;
  if (walks.size() < 2) return;
  WalkTrace& p = walks[walks.size() - 2];
  if (p.from != w.from || p.result != w.result || p.last_after != w.last_after ||
      p.events != w.events || p.events_omitted != w.events_omitted ||
      !same_runs(hits, p.hits_begin, w.hits_begin) ||
      !same_runs(writes, p.writes_begin, w.writes_begin))
    return;
  hits.resize(w.hits_begin);
  writes.resize(w.writes_begin);
  ++p.repeats;
  walks.pop_back();
}

void Trace::event(std::string text) {
  if (walks.empty()) return;
  if (wants_event())
    walks.back().events.push_back(std::move(text));
  else
    ++walks.back().events_omitted;
}

unsigned Trace::walk_id(unsigned walk) const {
  auto it = std::upper_bound(walks.begin(), walks.end(), walk,
                             [](unsigned v, const WalkTrace& w) { return v < w.number; });
  if (it == walks.begin()) return walk;
  const WalkTrace& w = *std::prev(it);
  return walk - w.number <= w.repeats ? w.number : walk;
}

void Trace::call_hit(unsigned walk, RuleId rule) {
  if (!call.empty() && call.back().rule == rule && walk_id(call.back().walk) == walk_id(walk))
    return;
  call.push_back(RuleHit{walk, rule});
}

std::vector<RuleHit> Trace::page_hits(u64 i) const {
  std::vector<RuleHit> out;
  for (const PageRun& r : hits)
    if (r.covers(i)) out.push_back(r.hit);
  return out;
}

unsigned Trace::written(u64 i) const {
  for (auto it = writes.rbegin(); it != writes.rend(); ++it)
    if (it->covers(i)) return it->hit.walk;
  return 0;
}

bool Trace::fired(RuleId rule) const {
  for (const RuleHit& h : call)
    if (h.rule == rule) return true;
  return std::any_of(hits.begin(), hits.end(),
                     [&](const PageRun& r) { return r.hit.rule == rule; });
}

std::vector<std::size_t> Trace::pages_with(RuleId rule) const {
  std::vector<std::size_t> out;
  for (const PageRun& r : hits)
    if (r.hit.rule == rule)
      for (u64 k = 0; k < r.count; ++k) out.push_back(std::size_t(r.first + k));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void Trace::for_each_piece(
    const std::function<void(u64, u64, std::span<const RuleHit>, unsigned)>& f) const {
  struct Edge {
    u64 pos;
    bool open, write;
    std::size_t run;
  };
  std::vector<Edge> edges;
  edges.reserve(2 * (hits.size() + writes.size()));
  for (std::size_t k = 0; k < hits.size(); ++k) {
    edges.push_back({hits[k].first, true, false, k});
    edges.push_back({hits[k].first + hits[k].count, false, false, k});
  }
  for (std::size_t k = 0; k < writes.size(); ++k) {
    edges.push_back({writes[k].first, true, true, k});
    edges.push_back({writes[k].first + writes[k].count, false, true, k});
  }
  std::sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) { return a.pos < b.pos; });
  std::set<std::size_t> open_hits, open_writes; // by run index: the order they fired
  std::vector<RuleHit> rules;
  std::size_t e = 0;
  for (u64 cur = 0; cur < npages;) {
    for (; e < edges.size() && edges[e].pos <= cur; ++e) {
      std::set<std::size_t>& open = edges[e].write ? open_writes : open_hits;
      if (edges[e].open)
        open.insert(edges[e].run);
      else
        open.erase(edges[e].run);
    }
    const u64 next = e < edges.size() ? std::min(edges[e].pos, npages) : npages;
    rules.clear();
    for (std::size_t k : open_hits) rules.push_back(hits[k].hit);
    f(cur, next, rules, open_writes.empty() ? 0 : writes[*open_writes.rbegin()].hit.walk);
    cur = next;
  }
}

} // namespace hmmspec
