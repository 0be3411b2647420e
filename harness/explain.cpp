// SPDX-License-Identifier: GPL-2.0-or-later
#include "harness/explain.h"

#include <fmt/format.h>

namespace hmmspec {

namespace {

// "walk 1: R-A R-B" lines for one page.
std::vector<std::string> rule_lines(const std::vector<RuleHit>& hits) {
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

std::string result_text(const Outcome& o) {
  if (o.livelock) return "livelock (reported as -EBUSY)";
  return o.ret < 0 ? errno_name(o.ret) : std::to_string(o.ret);
}

// The request hmm reads for page i: (pfns[i] & pfn_flags_mask) | default_flags (hmm.c:113),
// as `hmmspec show` prints it, not the raw input word.
u64 request_read(const HmmRange& r, std::size_t i) {
  return (r.pfns[i] & r.pfn_flags_mask) | r.default_flags;
}

bool is_sentinel(const HmmRange& r, u64 word) {
  return word == r.values[HMM_PFN_ERROR] || word == r.values[HMM_PFN_NONE] ||
         word == r.values[HMM_PFN_SPECIAL];
}

// What a page ended with: its decoded output, or a note that it still holds its request.
std::string page_output(const HmmRange& r, const Outcome& o, const Trace& t, std::size_t i) {
  if (i >= o.pfns.size()) return "(no entry)";
  if (i >= t.written.size() || t.written[i] == 0) return "(not written: holds its request)";
  return describe_output(r, o.pfns[i]);
}

// Whether page j continues the run of page i: same rules, same request, same kind of output
// (the same word, or a pfn one higher).
bool alike(const HmmRange& r, const Outcome& o, const Trace& t, std::size_t i, std::size_t j) {
  if (t.pages[i] != t.pages[j] || t.written[i] != t.written[j]) return false;
  if (request_read(r, i) != request_read(r, j)) return false;
  if (t.written[i] == 0) return true;
  u64 a = o.pfns[i], b = o.pfns[j];
  if (a == b) return true;
  if (is_sentinel(r, a) || is_sentinel(r, b) || r.pfn_shift >= 64) return false;
  return b == a + (u64(j - i) << r.pfn_shift);
}

} // namespace

std::string explain_text(const Scenario& s, const Outcome& o, const Trace& t) {
  const HmmRange& r = s.range;
  std::string out = fmt::format("scenario {}\n", s.name);
  if (!s.rules.empty()) {
    out += "pins:";
    for (const std::string& id : s.rules) out += " " + id;
    out += "\n";
  }
  out += fmt::format("range {:#x}-{:#x} ({} pages), notifier_seq {}\n", r.start, r.end,
                     t.pages.size(), r.notifier_seq);
  for (const WalkTrace& w : t.walks) {
    out += fmt::format("walk {} from {:#x}\n", w.number, w.from);
    for (const std::string& e : w.events) out += "  " + e + "\n";
    out +=
        fmt::format("  -> {}, last = {:#x}\n",
                    w.result < 0 ? errno_name(w.result) : std::to_string(w.result), w.last_after);
  }
  out += "result: " + result_text(o);
  for (const RuleHit& h : t.call) out += fmt::format(" {}(walk {})", rule_id(h.rule), h.walk);
  out += fmt::format("\nwalks: {}\n\n", o.walks);

  const u64 page = u64(1) << t.page_shift;
  for (std::size_t i = 0; i < t.pages.size();) {
    std::size_t j = i + 1;
    if (i < r.pfns.size() && i < o.pfns.size())
      while (j < t.pages.size() && j < r.pfns.size() && j < o.pfns.size() && alike(r, o, t, i, j))
        ++j;
    u64 a = t.start + u64(i) * page;
    std::string where = j == i + 1 ? fmt::format("page {} ({:#x})", i, a)
                                   : fmt::format("pages {}-{} ({:#x}-{:#x})", i, j - 1, a,
                                                 t.start + u64(j - 1) * page);
    std::string req = i < r.pfns.size() ? describe_request(r, request_read(r, i)) : "-";
    std::string output = page_output(r, o, t, i);
    if (j > i + 1 && t.written[i] && o.pfns[i] != o.pfns[i + 1]) output += ", +1 pfn per page";
    out += fmt::format("{}  request {}  -> {}\n", where, req, output);
    std::vector<std::string> lines = rule_lines(t.pages[i]);
    if (lines.empty()) out += "    (not reached by any walk)\n";
    for (const std::string& l : lines) out += "    " + l + "\n";
    i = j;
  }
  return out;
}

} // namespace hmmspec
