// SPDX-License-Identifier: GPL-2.0-or-later
#include "fuzz/reproduce.h"

#include <fmt/format.h>

#include "fuzz/fuzz_case.h"
#include "fuzz/minimize.h"
#include "harness/differential.h"

namespace hmmspec::fuzz {

Reproduction reproduce_input(std::span<const std::uint8_t> bytes, const ReproduceOptions& o) {
  Reproduction rep;
  FuzzCase c = decode_case(bytes, o.geometry, o.version);
  Scenario s = build_case(c);
  if (!o.run) { // the input as decoded: for inputs on which a party crashes
    s.name = "fuzz-input";
    s.text = fmt::format("Decoded from {} by the hmmspec fuzz harness (not run).", o.input_name);
    rep.scenario = std::move(s);
    return rep;
  }
  Differential diff;
  ScenarioRun r = diff.run(s);
  rep.parties.clear(); // the parties that ran: those of the input's kernel version
  for (const PartyResult& pr : r.results)
    rep.parties += (rep.parties.empty() ? "" : " ") + pr.party.name;
  if (r.divergence) {
    if (o.minimize) {
      MinimizeResult m = minimize_case(c, diff, divergence_key(*r.divergence), o.attempts);
      rep.notes += fmt::format("minimized in {} runs ({} changes kept): {} -> {}\n", m.attempts,
                               m.accepted, case_summary(c), case_summary(m.c));
      Scenario ms = build_case(m.c);
      ScenarioRun mr = diff.run(ms);
      if (mr.divergence) s = std::move(ms), r = std::move(mr);
    }
    const Divergence& d = *r.divergence;
    rep.notes += "DIVERGENCE: " + divergence_text(d) + "signature: " + d.signature + "\n";
    rep.scenario = with_expectations(s, r.results.front());
    rep.scenario.name = "fuzz-" + signature_tag(d.signature);
    rep.scenario.text =
        fmt::format("Found by the hmmspec differential fuzzer ({}).\n{} departs from {} at {}; "
                    "decided in the reference by {}.\nThe expectations are {}'s outcome.",
                    o.input_name, d.party.name, d.against.name, d.diff.what,
                    d.rule ? rule_id(*d.rule) : "no rule", d.against.name);
    rep.divergence = d;
    return rep;
  }
  rep.notes += fmt::format("no divergence: the parties [{}] agree on this input\n", rep.parties);
  rep.scenario = with_expectations(s, r.results.front());
  rep.scenario.name = "fuzz-input";
  rep.scenario.text = fmt::format("Decoded from {} by the hmmspec fuzz harness; every party "
                                  "agrees.\nThe expectations are {}'s outcome.",
                                  o.input_name, r.results.front().party.name);
  return rep;
}

} // namespace hmmspec::fuzz
