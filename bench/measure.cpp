// SPDX-License-Identifier: GPL-2.0-or-later
#include "bench/measure.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <ctime>
#include <fmt/format.h>

#include "harness/parties.h"
#include "impl/walker_in_place.h"
#include "impl/walker_v6.h"

namespace hmmspec::bench {

namespace {

constexpr std::array<std::string_view, 7> kNames{"walker-walk", "walker", "kernel", "reference",
                                                 "copy",        "memset", "memcpy"};

// The party a contender times, if it is one.
std::optional<PartyKind> party_kind(Contender c) {
  switch (c) {
  case Contender::Walker:
    return PartyKind::Walker;
  case Contender::Kernel:
    return PartyKind::Kernel;
  case Contender::Reference:
    return PartyKind::Reference;
  default:
    return std::nullopt;
  }
}

// The calling thread's CPU time (user and system, page faults included): time the machine
// spends on other work does not count, so numbers taken on a loaded machine stay comparable.
struct Clock {
  using time_point = double;
  static double now() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
  }
};
double seconds(double a, double b) {
  return b - a;
}

std::string rate(std::optional<double> pages_per_second) {
  if (!pages_per_second) return "-";
  double r = *pages_per_second;
  if (r >= 1e9) return fmt::format("{:.2f} G", r / 1e9);
  if (r >= 1e6) return fmt::format("{:.1f} M", r / 1e6);
  return fmt::format("{:.1f} k", r / 1e3);
}

std::string duration(double s) {
  if (s >= 1) return fmt::format("{:.2f} s", s);
  if (s >= 1e-3) return fmt::format("{:.2f} ms", s * 1e3);
  return fmt::format("{:.1f} us", s * 1e6);
}

} // namespace

std::string_view contender_name(Contender c) {
  return kNames[static_cast<unsigned>(c)];
}

std::optional<Contender> contender_from_name(std::string_view s) {
  for (unsigned i = 0; i < kNames.size(); ++i)
    if (kNames[i] == s) return static_cast<Contender>(i);
  return std::nullopt;
}

std::vector<Contender> available_contenders(KernelVersion v) {
  std::vector<Contender> cs;
  for (unsigned i = 0; i < kNames.size(); ++i) {
    Contender c = static_cast<Contender>(i);
    if ((c == Contender::Kernel || c == Contender::Reference) && !built_party(*party_kind(c), v))
      continue;
    cs.push_back(c);
  }
  return cs;
}

Runner::Runner(const BenchTable& t, Contender c) : t_(t), c_(c) {
  const std::size_t n = t.range.pfns.size();
  switch (c) {
  case Contender::Walker:
  case Contender::Kernel:
  case Contender::Reference:
    party_ = built_party(*party_kind(c), t.world.geom.kernel);
    break;
  case Contender::WalkerWalk:
    world_ = t.world;
    a_ = t.range.pfns;
    a_.resize(std::max(n, walker_pfns_needed(t.world.geom, t.range)));
    break;
  case Contender::Memset:
    a_.assign(n, 0); // touched: the timed call writes memory already mapped
    break;
  case Contender::Memcpy:
    a_ = t.range.pfns;
    b_.assign(n, 0);
    break;
  case Contender::Copy:
    break;
  }
}

double Runner::run_once() {
  switch (c_) {
  case Contender::Walker:
  case Contender::Kernel:
  case Contender::Reference: {
    if (!party_) return 0;
    std::optional<Outcome> keep; // freed after the clock stops
    auto t0 = Clock::now();
    keep.emplace(party_->run(t_.world, t_.range, t_.options));
    auto t1 = Clock::now();
    return seconds(t0, t1);
  }
  case Contender::WalkerWalk: {
    world_ = t_.world; // restore the inputs (not timed)
    std::copy(t_.range.pfns.begin(), t_.range.pfns.end(), a_.begin());
    reports_.clear();
    const bool v6 = has_v6_api(t_.world.geom.kernel);
    auto t0 = Clock::now();
    WalkerResult r =
        v6 ? walker_v6_hmm_range_fault_in_place(world_, t_.range, a_, t_.options, reports_)
           : walker_hmm_range_fault_in_place(world_, t_.range, a_, t_.options);
    auto t1 = Clock::now();
    if (r.walks == 0) return 0; // keeps r observable
    return seconds(t0, t1);
  }
  case Contender::Copy: {
    std::optional<World> w;
    std::optional<std::vector<u64>> p;
    auto t0 = Clock::now();
    w.emplace(t_.world);
    p.emplace(t_.range.pfns);
    auto t1 = Clock::now();
    return seconds(t0, t1);
  }
  case Contender::Memset: {
    auto t0 = Clock::now();
    std::memset(a_.data(), 0xff, a_.size() * sizeof(u64));
    auto t1 = Clock::now();
    return seconds(t0, t1);
  }
  case Contender::Memcpy: {
    auto t0 = Clock::now();
    std::memcpy(b_.data(), a_.data(), a_.size() * sizeof(u64));
    auto t1 = Clock::now();
    return seconds(t0, t1);
  }
  }
  return 0;
}

const Cell* TableResult::cell(Contender c) const {
  for (const Cell& x : cells)
    if (x.contender == c) return &x;
  return nullptr;
}

std::optional<double> TableResult::pages_per_second(Contender c) const {
  const Cell* x = cell(c);
  if (!x || x->seconds <= 0) return std::nullopt;
  return double(pages) / x->seconds;
}

std::vector<std::string> check_agreement(const BenchTable& t) {
  std::vector<std::string> differ;
  const KernelVersion v = t.world.geom.kernel;
  std::optional<Party> walker = built_party(PartyKind::Walker, v);
  if (!walker) return {"walker (not built)"};
  Outcome w = walker->run(t.world, t.range, t.options);
  for (PartyKind kind : {PartyKind::Kernel, PartyKind::Reference}) {
    std::optional<Party> p = built_party(kind, v);
    if (!p) continue;
    if (auto d = first_difference(t.range, p->run(t.world, t.range, t.options), w))
      differ.push_back(fmt::format("{} at {}: {} vs {} {}", p->id.name, d->what, d->left,
                                   walker->id.name, d->right));
  }
  return differ;
}

TableResult run_table(const BenchTable& t, const Options& o) {
  TableResult res{t.id, t.title, t.bound, t.world.geom.kernel, t.pages(), {}, check_agreement(t)};
  for (Contender c : o.contenders) {
    Runner r(t, c);
    (void)r.run_once(); // warm-up, not counted
    std::vector<double> times;
    double total = 0;
    while (times.size() < o.min_calls || total < o.min_time) {
      double s = r.run_once();
      times.push_back(s);
      total += s;
      if (times.size() >= 100000) break;
    }
    std::sort(times.begin(), times.end());
    res.cells.push_back(Cell{c, times[times.size() / 2], unsigned(times.size())});
  }
  return res;
}

namespace {

// The report of results of one version.
std::string section_text(const std::vector<TableResult>& results) {
  std::string s;
  const std::vector<Contender> order{Contender::WalkerWalk, Contender::Walker, Contender::Kernel,
                                     Contender::Reference,  Contender::Copy,   Contender::Memset,
                                     Contender::Memcpy};
  s += "Pages per second (median call; G = 1e9, M = 1e6)\n";
  s += fmt::format("{:<5} {:>10}", "table", "pages");
  for (Contender c : order) s += fmt::format(" {:>11}", contender_name(c));
  s += "\n";
  for (const TableResult& r : results) {
    s += fmt::format("({}) {:>11}", r.id, r.pages);
    for (Contender c : order) s += fmt::format(" {:>11}", rate(r.pages_per_second(c)));
    s += "\n";
  }
  s += "\nTime per call\n";
  s += fmt::format("{:<5}", "table");
  for (Contender c : order) s += fmt::format(" {:>11}", contender_name(c));
  s += "\n";
  for (const TableResult& r : results) {
    s += fmt::format("({})  ", r.id);
    for (Contender c : order) {
      const Cell* x = r.cell(c);
      s += fmt::format(" {:>11}", x ? duration(x->seconds) : "-");
    }
    s += "\n";
  }

  auto ratio = [](std::optional<double> a, std::optional<double> b) -> std::optional<double> {
    if (!a || !b || *b <= 0) return std::nullopt;
    return *a / *b;
  };
  auto show = [](std::optional<double> x) {
    return x ? fmt::format("{:.2f}", *x) : std::string("-");
  };
  auto verdict = [](std::optional<double> x, double target) -> std::string {
    if (!x) return "";
    return *x >= target ? " met" : " MISSED";
  };
  s += "\nRatios (targets: walker/kernel >= 2 on (d) and (e) and >= 1 on every table;\n"
       "walk/bound >= 0.5, i.e. within 2x of memset/memcpy, on (a), (c) and (d))\n";
  s += fmt::format("{:<5} {:>18} {:>18} {:>14} {:>18} {:>12}\n", "table", "walker/kernel",
                   "walker/reference", "walk/walker", "walk/bound", "copy/walker");
  for (const TableResult& r : results) {
    const bool two_x = r.id == "d" || r.id == "e";
    const bool bound_target = r.id == "a" || r.id == "c" || r.id == "d";
    auto wk = ratio(r.pages_per_second(Contender::Walker), r.pages_per_second(Contender::Kernel));
    auto wr =
        ratio(r.pages_per_second(Contender::Walker), r.pages_per_second(Contender::Reference));
    auto ww =
        ratio(r.pages_per_second(Contender::WalkerWalk), r.pages_per_second(Contender::Walker));
    Contender bound = r.bound == "memset" ? Contender::Memset : Contender::Memcpy;
    auto wb = ratio(r.pages_per_second(Contender::WalkerWalk), r.pages_per_second(bound));
    auto cw = ratio(r.pages_per_second(Contender::Walker), r.pages_per_second(Contender::Copy));
    s += fmt::format("({})   {:>18} {:>18} {:>14} {:>18} {:>12}\n", r.id,
                     show(wk) + verdict(wk, two_x ? 2.0 : 1.0), show(wr), show(ww),
                     show(wb) + " " + r.bound + (bound_target ? verdict(wb, 0.5) : ""), show(cw));
  }
  bool all_agree = true;
  for (const TableResult& r : results)
    for (const std::string& d : r.disagreements) {
      s += fmt::format("DISAGREEMENT on ({}): {}\n", r.id, d);
      all_agree = false;
    }
  if (all_agree) s += "Every built party gave the walker's outcome on every table.\n";
  return s;
}

// "walker-6.1, kernel-6.1, reference-6.1": the parties a version's section times.
std::string party_line(KernelVersion v) {
  std::string s;
  for (PartyKind kind : {PartyKind::Walker, PartyKind::Kernel, PartyKind::Reference}) {
    std::optional<Party> p = built_party(kind, v);
    std::string name =
        p ? p->id.name : std::string("no ") + (kind == PartyKind::Kernel ? "kernel" : "reference");
    s += (s.empty() ? "" : ", ") + name;
  }
  return s;
}

} // namespace

std::string report_text(const std::vector<TableResult>& results) {
  std::vector<KernelVersion> versions;
  for (const TableResult& r : results)
    if (std::find(versions.begin(), versions.end(), r.version) == versions.end())
      versions.push_back(r.version);
  if (versions.empty() || (versions.size() == 1 && versions[0] == KernelVersion::V5_7))
    return section_text(results);
  std::string s;
  for (KernelVersion v : versions) {
    std::vector<TableResult> part;
    for (const TableResult& r : results)
      if (r.version == v) part.push_back(r);
    if (!s.empty()) s += "\n";
    s += fmt::format("== kernel {} (walker, kernel, reference: {}) ==\n", version_name(v),
                     party_line(v));
    s += section_text(part);
  }
  return s;
}

} // namespace hmmspec::bench
