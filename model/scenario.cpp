// SPDX-License-Identifier: GPL-2.0-or-later
#include "model/scenario.h"

#include <fmt/format.h>

#include <algorithm>

#include "model/range_v6.h"
#include "model/scenario_symbols.h"
#include "model/word_runs.h"

namespace hmmspec {

namespace {

std::string ret_text(bool livelock, long ret) {
  return livelock ? "livelock" : errno_name(ret);
}

std::string output_text(KernelVersion k, const HmmRange& r, u64 word) {
  return fmt::format("{} ({:#x})", describe_output(k, r, word), word);
}

std::string entry_text(const World& w, Level l, u64 addr, u64 word) {
  Entry e = classify(w.geom, l, word, w.zero_pfn, w.context_at(l, addr));
  return fmt::format("{} ({:#x})", describe(e), word);
}

std::string event_text(const RunLog<Event>& log, size_t i) {
  return i < log.size() ? describe(log[i]) : std::string("the end of the log");
}

// The expected output of page `i` of a Pfn expectation.
u64 expected_output(const Scenario& s, const Expectation& e, u64 i) {
  u64 step =
      e.pfn_increments ? (i - e.first) * scenario_text::out_step(s.world.geom.kernel, s.range) : 0;
  return e.word + step;
}

// A Pfn expectation against the outcome's runs (word_runs of o.pfns): each run it overlaps is
// compared in O(1), so the check costs the runs it covers, not its pages.
std::optional<std::string> check_pfn(const Scenario& s, const Expectation& e, const Outcome& o,
                                     const std::vector<WordRun>& runs) {
  const unsigned ps = s.world.geom.page_shift;
  const KernelVersion kv = s.world.geom.kernel;
  const u64 step = e.pfn_increments ? scenario_text::out_step(kv, s.range) : 0;
  const u64 end = e.first + e.count, have = std::min<u64>(end, o.pfns.size());
  u64 differing = 0, first = end;
  for (std::size_t k = run_at(runs, e.first); k < runs.size() && runs[k].first < have; ++k) {
    const WordRun& r = runs[k];
    RunMismatch m = compare_run(r, std::max(r.first, e.first), std::min(r.first + r.count, have),
                                e.first, e.word, step);
    differing += m.differing;
    if (m.differing && first == end) first = m.first;
  }
  if (have < end) { // pages beyond pfns[]: nothing to compare with
    differing += end - std::max(have, e.first);
    if (first == end) first = std::max(have, e.first);
  }
  if (!differing) return std::nullopt;
  u64 want = expected_output(s, e, first);
  std::string msg = fmt::format(
      "pfns[{}] ({:#x}): expected {}, got {}", first, s.range.start + (first << ps),
      output_text(kv, s.range, want),
      first < o.pfns.size() ? output_text(kv, s.range, o.pfns[first])
                            : fmt::format("nothing (pfns[] has {} entries)", o.pfns.size()));
  if (differing > 1) msg += fmt::format(" (and {} more pages differ)", differing - 1);
  return msg;
}

std::optional<std::string> check_log(const Expectation& e, const Outcome& o) {
  const RunLog<Event>& got = o.world.log;
  std::optional<std::size_t> i = first_mismatch(e.log, got);
  if (!i) return std::nullopt;
  return fmt::format("log[{}]: expected {}, got {} (expected {} events, got {})", *i,
                     event_text(e.log, *i), event_text(got, *i), e.log.size(), got.size());
}

std::string report_text(const std::vector<KernelReport>& l, size_t i) {
  return i < l.size() ? describe(l[i]) : std::string("no more reports");
}

// The call's own reports, then the world's (the fault model's), against the expected list.
std::optional<std::string> check_reports(const Expectation& e, const Outcome& o) {
  std::vector<KernelReport> got = o.reports;
  got.insert(got.end(), o.world.reports.begin(), o.world.reports.end());
  size_t n = std::max(e.reports.size(), got.size());
  for (size_t i = 0; i < n; ++i) {
    if (i < e.reports.size() && i < got.size() && e.reports[i] == got[i]) continue;
    return fmt::format("reports[{}]: expected {}, got {} (expected {} reports, got {})", i,
                       report_text(e.reports, i), report_text(got, i), e.reports.size(),
                       got.size());
  }
  return std::nullopt;
}

// A Tries expectation against the driver loop's chunks.
std::optional<std::string> check_tries(const Expectation& e, const Outcome& o) {
  if (o.chunks.empty()) return "tries: the call was not made by the driver loop";
  if (!e.chunk) {
    u64 total = 0;
    for (const DriverChunk& c : o.chunks) total += c.tries.size();
    if (total != e.tries)
      return fmt::format("tries: expected {} in all, got {} ({} chunks)", e.tries, total,
                         o.chunks.size());
    return std::nullopt;
  }
  if (*e.chunk >= o.chunks.size())
    return fmt::format("chunk {}: not reached (the loop ended after {} chunks)", *e.chunk,
                       o.chunks.size());
  const DriverChunk& c = o.chunks[*e.chunk];
  if (c.tries.size() != e.tries)
    return fmt::format("chunk {}: expected {} tries, got {}", *e.chunk, e.tries, c.tries.size());
  const DriverTry& last = c.tries.back();
  if (e.chunk_livelock != last.livelock || (e.chunk_ret && *e.chunk_ret != last.ret))
    return fmt::format("chunk {}: its last try returned {}, expected {}", *e.chunk,
                       ret_text(last.livelock, last.ret),
                       ret_text(e.chunk_livelock, e.chunk_ret.value_or(0)));
  using C = Expectation::Check;
  const C got = !last.checked ? C::None : last.check_passed ? C::Passed : C::Failed;
  constexpr const char* kNames[] = {"any", "passed", "failed", "none"};
  if (e.check != C::Any && e.check != got)
    return fmt::format("chunk {}: the final check: expected {}, got {}", *e.chunk,
                       kNames[static_cast<unsigned>(e.check)], kNames[static_cast<unsigned>(got)]);
  return std::nullopt;
}

} // namespace

std::optional<Failure> prepare_call(const Scenario& s, std::size_t k, World& w, HmmRange& r) {
  const Call& c = s.calls.at(k - 2);
  for (const MmOpLine& l : c.ops)
    if (auto why = apply_mm_op(w, l.op))
      return Failure{l.loc, fmt::format("{} cannot be applied: {}", describe(l.op), *why)};
  w.log.clear();
  w.reports.clear();
  r = s.range;
  r.notifier_seq = w.notifier.seq;
  return std::nullopt;
}

Outcome make_scenario_call(const Scenario& s, const World& w, const HmmRange& r,
                           const HmmRangeFaultCall& call) {
  if (!s.driver_loop) return call(w, r, s.options);
  return driver_hmm_range_fault(*s.driver_loop, w, r, s.options, call);
}

std::vector<Failure> check_expectations(const Scenario& s, const Outcome& o) {
  return check_expectations(s, 1, o);
}

std::vector<Failure> check_expectations(const Scenario& s, std::size_t k, const Outcome& o) {
  const std::vector<Expectation>& expectations =
      k <= 1 ? s.expectations : s.calls.at(k - 2).expectations;
  std::vector<Failure> out;
  if (const auto& r = o.refused_event) { // D-EVENT: an operation the world had moved past
    const SourceLoc loc =
        r->index < s.driver_event_locs.size() ? s.driver_event_locs[r->index] : s.driver_loop_loc;
    out.push_back(Failure{loc, fmt::format("the operation cannot be applied to the world at its "
                                           "point (call {}): {}",
                                           k, r->why)});
    return out;
  }
  if (o.failure && !expectations.empty()) { // the call did not return: none is met
    out.push_back(Failure{expectations.front().loc,
                          fmt::format("the call did not return: {}", describe(*o.failure))});
    return out;
  }
  std::vector<WordRun> runs; // the outcome's runs, made once for every Pfn expectation
  bool have_runs = false;
  for (const Expectation& e : expectations) {
    std::optional<std::string> msg;
    switch (e.type) {
    case Expectation::Type::Ret:
      if (e.livelock != o.livelock || (!e.livelock && e.ret != o.ret))
        msg = fmt::format("ret: expected {}, got {}", ret_text(e.livelock, e.ret),
                          ret_text(o.livelock, o.ret));
      break;
    case Expectation::Type::Pfn:
      if (!have_runs)
        runs = word_runs(o.pfns, scenario_text::out_step(s.world.geom.kernel, s.range)),
        have_runs = true;
      msg = check_pfn(s, e, o, runs);
      break;
    case Expectation::Type::Entry: {
      const u64* slot = o.world.find_slot(e.level, e.addr);
      u64 got = slot ? *slot : 0;
      if (got != e.entry_word)
        msg = fmt::format("{} {:#x}: expected {}, got {}{}", level_name(e.level), e.addr,
                          entry_text(o.world, e.level, e.addr, e.entry_word),
                          entry_text(o.world, e.level, e.addr, got),
                          slot ? "" : " (no table reaches it)");
      break;
    }
    case Expectation::Type::Log:
      msg = check_log(e, o);
      break;
    case Expectation::Type::Notifier:
      if (o.world.notifier.seq != e.seq)
        msg = fmt::format("notifier_seq: expected {}, got {}", e.seq, o.world.notifier.seq);
      break;
    case Expectation::Type::Reports:
      msg = check_reports(e, o);
      break;
    case Expectation::Type::Tries:
      msg = check_tries(e, o);
      break;
    }
    if (msg) out.push_back(Failure{e.loc, *msg});
  }
  return out;
}

} // namespace hmmspec
