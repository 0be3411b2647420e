// SPDX-License-Identifier: GPL-2.0-or-later
#include "harness/divergence.h"

#include <fmt/format.h>

namespace hmmspec {

namespace {

// What the traced reference says about the divergence: the page (or the call), the rule that
// decided it, and every rule the reference fired for the page.
std::string cause_text(const Divergence& d) {
  std::string s = d.page ? fmt::format("page {} ({:#x})", d.page->index, d.page->addr) : "the call";
  if (d.rule)
    s += fmt::format(" decided in the reference by {} ({}): {}\n", rule_id(*d.rule),
                     rule_info(*d.rule).seed, rule_info(*d.rule).summary);
  else
    s += ": no reference rule recorded\n";
  if (d.page && !d.page->rules.empty()) {
    s += "  rules for that page:";
    unsigned walk = 0;
    for (const RuleHit& h : d.page->rules) {
      if (h.walk != walk) s += fmt::format(" [walk {}]", walk = h.walk);
      s += fmt::format(" {}", rule_id(h.rule));
    }
    s += "\n";
  }
  return s;
}

} // namespace

std::string divergence_text(const Divergence& d, std::string_view indent) {
  std::string at = d.call > 1 ? fmt::format("call {}, {}", d.call, d.diff.what) : d.diff.what;
  std::string text =
      fmt::format("{} departs from {} at {}:\n  {}: {}\n  {}: {}\n", d.party.name, d.against.name,
                  at, d.against.name, d.diff.left, d.party.name, d.diff.right);
  if (!d.signature.empty()) text += cause_text(d);
  if (indent.empty()) return text;
  std::string out;
  for (std::size_t at = 0; at < text.size();) {
    std::size_t end = text.find('\n', at);
    end = end == std::string::npos ? text.size() : end + 1;
    out += indent;
    out.append(text, at, end - at);
    at = end;
  }
  return out;
}

} // namespace hmmspec
