// SPDX-License-Identifier: GPL-2.0-or-later
#include "fuzz/scenario_check.h"

#include <fmt/format.h>

#include "model/outcome.h"
#include "model/scenario_format.h"

namespace hmmspec::fuzz {

std::optional<std::string> check_scenario_round_trip(std::string_view text) {
  ParseResult first = parse_scenario(text, "input.hmm");
  const Scenario* s = std::get_if<Scenario>(&first);
  if (!s) return std::nullopt; // rejected with a message: fine
  std::string printed = print_scenario(*s);
  ParseResult second = parse_scenario(printed, "printed.hmm");
  if (const ParseError* e = std::get_if<ParseError>(&second))
    return fmt::format("the printed scenario does not parse: {}\n--- printed ---\n{}", e->str(),
                       printed);
  const Scenario& t = std::get<Scenario>(second);
  std::string what;
  if (!(t.world.geom == s->world.geom))
    what = "geometry";
  else if (!(t.world.vmas == s->world.vmas))
    what = "VMAs";
  else if (t.world.tables() != s->world.tables())
    what = "page tables";
  else if (t.world.root_pfn() != s->world.root_pfn())
    what = "root table";
  else if (t.world.device_owner != s->world.device_owner)
    what = "device owners";
  else if (t.world.shared_pfns != s->world.shared_pfns)
    what = "shared pfns";
  else if (t.world.injections != s->world.injections)
    what = "injections";
  else if (!(t.world.notifier == s->world.notifier))
    what = "notifier";
  else if (t.world.zero_pfn != s->world.zero_pfn || t.world.next_pfn != s->world.next_pfn)
    what = "zero or next pfn";
  else if (!(t.world == s->world))
    what = "world";
  else if (!(t.range == s->range))
    what = "range";
  else if (t.options.restart_budget != s->options.restart_budget)
    what = "budget";
  else if (t.expectations.size() != s->expectations.size())
    what = "number of expectations";
  else if (t.calls.size() != s->calls.size())
    what = "number of calls";
  for (std::size_t k = 0; what.empty() && k < t.calls.size(); ++k) {
    const Call &a = s->calls[k], &b = t.calls[k];
    bool same_ops = a.ops.size() == b.ops.size();
    for (std::size_t i = 0; same_ops && i < a.ops.size(); ++i)
      same_ops = a.ops[i].op == b.ops[i].op;
    if (!same_ops)
      what = fmt::format("operations of call {}", k + 2);
    else if (a.expectations.size() != b.expectations.size())
      what = fmt::format("number of expectations of call {}", k + 2);
  }
  if (what.empty()) return std::nullopt;
  return fmt::format("print then parse changes the {}\n--- printed ---\n{}", what, printed);
}

} // namespace hmmspec::fuzz
