// SPDX-License-Identifier: GPL-2.0-or-later
#include "harness/explain.h"

#include <fmt/format.h>

#include "model/range_v6.h"
#include "model/reference.h"

namespace hmmspec {

namespace {

// "walk 1: R-A R-B" lines for one page.
std::vector<std::string> rule_lines(std::span<const RuleHit> hits) {
  std::vector<std::string> lines;
  unsigned walk = 0;
  for (const RuleHit& h : hits) {
    if (lines.empty() || h.walk != walk) {
      walk = h.walk;
      lines.push_back(fmt::format("walk {}:", walk));
    }
    lines.back() += " ";
    lines.back() += rule_id(h.rule);
  }
  return lines;
}

std::string call_result_text(const Outcome& o) {
  if (o.livelock) return "livelock (reported as -EBUSY)";
  return o.ret < 0 ? errno_name(o.ret) : std::to_string(o.ret);
}

// The request hmm reads for page i: (pfns[i] & pfn_flags_mask) | default_flags (hmm.c:113),
// as `hmmspec show` prints it, not the raw input word.
u64 request_read(const HmmRange& r, u64 i) {
  return (r.pfns[i] & r.pfn_flags_mask) | r.default_flags;
}

// Whether an output word is one of the version's sentinels (v5.7 values[]; 6.x 0 and ERROR).
bool is_sentinel(KernelVersion k, const HmmRange& r, u64 word) {
  if (has_v6_api(k)) return word == 0 || word == hmm6::ERROR;
  return word == r.values[HMM_PFN_ERROR] || word == r.values[HMM_PFN_NONE] ||
         word == r.values[HMM_PFN_SPECIAL];
}

// What a group of pages ended with: the output decoded, or a note that it holds its request.
std::string group_output(KernelVersion k, const HmmRange& r, const PageGroup& g) {
  if (!g.has_output) return "(no entry)";
  if (g.written == 0) return "(not written: holds its request)";
  std::string s = describe_output(k, r, g.output);
  if (g.pfn_step) s += ", +1 pfn per page";
  return s;
}

} // namespace

void for_each_page_group(const Scenario& s, const Outcome& o, const Trace& t,
                         const std::function<void(const PageGroup&)>& f) {
  const HmmRange& r = s.range;
  const KernelVersion k = s.world.geom.kernel;
  // 6.x: the pfn is the low bits of the word; v5.7: above pfn_shift.
  const unsigned shift = has_v6_api(k) ? 0 : r.pfn_shift;
  const u64 step = shift < 64 ? u64(1) << shift : 0;
  t.for_each_piece([&](u64 first, u64 end, std::span<const RuleHit> rules, unsigned written) {
    for (u64 i = first; i < end;) {
      PageGroup g{i,
                  1,
                  rules,
                  written,
                  i < r.pfns.size() ? request_read(r, i) : 0,
                  i < o.pfns.size(),
                  i < o.pfns.size() ? o.pfns[i] : 0,
                  false};
      if (i < r.pfns.size() && g.has_output) {
        for (u64 j = i + 1; j < end && j < r.pfns.size() && j < o.pfns.size(); ++j) {
          if (request_read(r, j) != g.request) break;
          if (written) { // the same word, or one pfn more each (decided by the second page)
            u64 b = o.pfns[j], want = g.output + (g.pfn_step ? (j - i) * step : 0);
            if (g.count == 1 && b != g.output && step && !is_sentinel(k, r, g.output) &&
                !is_sentinel(k, r, b) && b == g.output + step)
              g.pfn_step = true, want = b;
            if (b != want) break;
          }
          ++g.count;
        }
      }
      f(g);
      i += g.count;
    }
  });
}

std::string explain_text(const Scenario& s, const Outcome& o, const Trace& t) {
  const HmmRange& r = s.range;
  const KernelVersion k = s.world.geom.kernel;
  std::string out = fmt::format("scenario {}\n", s.name);
  if (k != KernelVersion::V5_7) out += fmt::format("kernel {}\n", version_name(k));
  if (!s.rules.empty()) {
    out += "pins:";
    for (const std::string& id : s.rules) out += " " + id;
    out += "\n";
  }
  out += fmt::format("range {:#x}-{:#x} ({} pages), notifier_seq {}\n", r.start, r.end, t.npages,
                     r.notifier_seq);
  for (const WalkTrace& w : t.walks) {
    out += fmt::format("walk {} from {:#x}", w.number, w.from);
    if (w.repeats)
      out += fmt::format(" (and walks {}-{}, the same walk again: {} in all)", w.number + 1,
                         w.number + w.repeats, w.repeats + 1);
    out += "\n";
    for (const std::string& e : w.events) out += "  " + e + "\n";
    if (w.events_omitted)
      out += fmt::format("  ... and {} more events (the log has them all)\n", w.events_omitted);
    out +=
        fmt::format("  -> {}, last = {:#x}\n",
                    w.result < 0 ? errno_name(w.result) : std::to_string(w.result), w.last_after);
  }
  out += "result: " + call_result_text(o);
  for (const RuleHit& h : t.call) out += fmt::format(" {}(walk {})", rule_id(h.rule), h.walk);
  out += fmt::format("\nwalks: {}\n", o.walks);
  for (const KernelReport& rep : o.reports) out += "report: " + describe(rep) + "\n";
  for (const KernelReport& rep : o.world.reports) out += "report: " + describe(rep) + "\n";
  out += "\n";

  const u64 page = u64(1) << t.page_shift;
  for_each_page_group(s, o, t, [&](const PageGroup& g) {
    const u64 a = t.start + g.first * page;
    std::string where = g.count == 1
                            ? fmt::format("page {} ({:#x})", g.first, a)
                            : fmt::format("pages {}-{} ({:#x}-{:#x})", g.first,
                                          g.first + g.count - 1, a, a + (g.count - 1) * page);
    std::string req = g.first < r.pfns.size() ? describe_request(k, r, g.request) : "-";
    out += fmt::format("{}  request {}  -> {}\n", where, req, group_output(k, r, g));
    std::vector<std::string> lines = rule_lines(g.rules);
    if (lines.empty()) out += "    (not reached by any walk)\n";
    for (const std::string& l : lines) out += "    " + l + "\n";
  });
  return out;
}

std::variant<Scenario, Failure> call_scenario(const Scenario& s, std::size_t k) {
  Scenario one = s;
  one.calls.clear();
  if (k <= 1) return one;
  World w = s.world;
  HmmRange r = s.range;
  const HmmRangeFaultCall reference = [](const World& cw, const HmmRange& cr, const RunOptions& o) {
    return reference_hmm_range_fault(cw, cr, o);
  };
  for (std::size_t i = 1; i < k; ++i) {
    // (the reference always returns; with a driver-loop line, the loop makes the call)
    w = make_scenario_call(s, w, r, reference).world;
    if (auto f = prepare_call(s, i + 1, w, r)) return *f;
  }
  one.world = std::move(w);
  one.range = std::move(r);
  one.expectations = s.calls.at(k - 2).expectations;
  return one;
}

} // namespace hmmspec
