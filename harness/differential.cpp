// SPDX-License-Identifier: GPL-2.0-or-later
#include "harness/differential.h"

#include <fmt/format.h>

#include <algorithm>

#include "harness/parties.h"
#include "model/range_v6.h"
#include "model/reference.h"
#include "model/scenario_format.h"

namespace hmmspec {

// ---- rule coverage ----------------------------------------------------------------------

namespace {

void note_fired(FiredRules& fired, const Trace& t) {
  for (const RuleHit& h : t.call) fired[static_cast<std::size_t>(h.rule)] = true;
  for (const PageRun& r : t.hits) fired[static_cast<std::size_t>(r.hit.rule)] = true;
}

} // namespace

void RuleCoverage::add(const Trace& t) {
  FiredRules fired{};
  note_fired(fired, t);
  add(fired, t.kernel);
}

void RuleCoverage::add(const FiredRules& fired, KernelVersion kernel) {
  for (std::size_t i = 0; i < fired.size(); ++i) hits_[i] += fired[i];
  versions_[static_cast<std::size_t>(kernel)] = true;
  ++executions_;
}

bool RuleCoverage::counted(const Rule& r) const {
  for (KernelVersion v : kAllKernelVersions)
    if (versions_[static_cast<std::size_t>(v)] && r.holds_in(v)) return true;
  return executions_ == 0;
}

std::vector<RuleId> RuleCoverage::never_hit() const {
  std::vector<RuleId> out;
  for (const Rule& r : all_rules())
    if (counted(r) && hits(r.rule) == 0) out.push_back(r.rule);
  return out;
}

std::string RuleCoverage::report() const {
  std::string s = fmt::format(
      "rule coverage over {} executions (executions in which each rule fired):\n", executions_);
  for (const Rule& r : all_rules())
    if (counted(r)) s += fmt::format("  {:<28} {:>12}\n", r.id, hits(r.rule));
  std::vector<RuleId> never = never_hit();
  if (never.empty()) {
    s += "every rule was hit\n";
  } else {
    s += fmt::format("{} rules never hit:", never.size());
    for (RuleId r : never) s += fmt::format(" {}", rule_id(r));
    s += "\n";
  }
  return s;
}

// ---- the run ----------------------------------------------------------------------------

Differential::Differential() : Differential(all_parties()) {}

Differential::Differential(std::vector<Party> parties)
    : parties_(ground_truth_first(std::move(parties))) {
  // by kernel version, each version's ground truth first
  std::stable_sort(parties_.begin(), parties_.end(),
                   [](const Party& a, const Party& b) { return a.id.kernel < b.id.kernel; });
  for (Party& p : parties_)
    if (p.id.kind == PartyKind::Reference)
      p.run = [this](const World& w, const HmmRange& r, const RunOptions& o) {
        Outcome out = reference_hmm_range_fault(w, r, o, &trace_);
        note_fired(fired_, trace_); // (every call of a sequence counts)
        return out;
      };
}

std::string Differential::party_names() const {
  return hmmspec::party_names(parties_);
}

namespace {

// Rules that accompany every decision rather than make one; skipped when naming the rule that
// decided a page.
bool deciding(RuleId r) {
  switch (r) {
  case RuleId::Request:
  case RuleId::NeedNothing:
  case RuleId::NeedWrite:
  case RuleId::NeedRead:
  case RuleId::NeedOr:
  case RuleId::Regions:
  case RuleId::Chunk:
  case RuleId::VmaSupported:
  case RuleId::VmaSupportedMixedmap:
  case RuleId::PudTable:
  case RuleId::PudTablePresent:
  case RuleId::PmdTable:
  case RuleId::PmdTablePtes:
  case RuleId::PteMarkerNone:
  case RuleId::PteBadPte:
  case RuleId::PteZeroWarn:
  case RuleId::HugetlbSlotAny:
  case RuleId::OutputValid:
  case RuleId::OutputCpuFlags:
  case RuleId::OutputWrite:
  case RuleId::Restart:
    return false;
  default:
    return true;
  }
}

// The rule that decided page i: the last deciding rule of the walk that last wrote its output
// (or, if none wrote it, of the last walk that saw it).
std::optional<RuleId> page_rule(const Trace& t, std::size_t i) {
  const std::vector<RuleHit> hits = t.page_hits(i);
  if (hits.empty()) return std::nullopt;
  unsigned walk = t.written(i) ? t.written(i) : hits.back().walk;
  std::optional<RuleId> found, any;
  for (const RuleHit& h : hits) {
    if (h.walk != walk) continue;
    any = h.rule;
    if (deciding(h.rule)) found = h.rule;
  }
  return found ? found : any;
}

// The rule that decided the call's result: livelock, -EINVAL or a stale notifier when the
// call says so, else the last deciding rule of the last walk (in address order).
std::optional<RuleId> call_rule(const Trace& t) {
  for (auto it = t.call.rbegin(); it != t.call.rend(); ++it)
    if (it->rule == RuleId::Livelock || it->rule == RuleId::Einval) return it->rule;
  if (!t.call.empty() && t.walks.empty() && t.call.back().rule == RuleId::NotifierCheck)
    return RuleId::NotifierCheck;
  unsigned last = t.walks.empty() ? 0 : t.walks.back().number;
  // the last deciding hit in address order: of the highest last page, the latest run
  const PageRun* found = nullptr;
  for (const PageRun& r : t.hits)
    if (r.hit.walk == last && deciding(r.hit.rule) &&
        (!found || r.first + r.count >= found->first + found->count))
      found = &r;
  if (found) return found->hit.rule;
  if (!t.call.empty()) return t.call.back().rule;
  return std::nullopt;
}

std::string output_class(KernelVersion k, const HmmRange& r, const std::vector<u64>& pfns,
                         std::size_t i) {
  if (i >= pfns.size()) return "absent";
  u64 w = pfns[i];
  std::string s;
  if (has_v6_api(k)) { // 6.x: 0, HMM_PFN_ERROR or a pfn with its flag bits
    if (w == 0) return "none";
    if (w == hmm6::ERROR) return "error";
    s = "pfn:";
    if (w & hmm6::VALID) s += "V";
    if (w & hmm6::WRITE) s += "W";
    return s;
  }
  if (w == r.values[HMM_PFN_ERROR]) s += "error";
  if (w == r.values[HMM_PFN_NONE]) s += s.empty() ? "none" : "|none";
  if (w == r.values[HMM_PFN_SPECIAL]) s += s.empty() ? "special" : "|special";
  if (!s.empty()) return s;
  s = "pfn:";
  if (w & r.flags[HMM_PFN_VALID]) s += "V";
  if (w & r.flags[HMM_PFN_WRITE]) s += "W";
  return s;
}

std::string ret_class(const Outcome& o) {
  if (o.failure) return o.failure->kind == PartyFailure::Kind::Crash ? "crash" : "no-progress";
  if (o.livelock) return "livelock";
  return o.ret >= 0 ? "count" : errno_name(o.ret);
}

std::string event_class(const RunLog<Event>& log, std::size_t i) {
  if (i >= log.size()) return "end";
  const Event e = log[i];
  if (e.type == Event::Type::Wait) return fmt::format("wait:{}", level_name(e.level));
  return (e.flags & fault::FLAG_WRITE) ? "fault:write" : "fault:read";
}

// "pfns[3]" -> "pfns", "table 0x8000001 (pte) word 4" -> "table:pte".
std::string what_class(const std::string& what) {
  auto open = what.find('(');
  if (what.starts_with("table") && open != std::string::npos) {
    auto close = what.find(')', open);
    return "table:" + what.substr(open + 1, close - open - 1);
  }
  auto cut = what.find_first_of("[ ");
  return what.substr(0, cut);
}

std::size_t index_in(const std::string& what) {
  auto open = what.find('['), close = what.find(']');
  return std::stoul(what.substr(open + 1, close - open - 1));
}

} // namespace

std::string divergence_signature(const Divergence& d) {
  return fmt::format("divergence {}!={} {} rule={}", d.party.name, d.against.name,
                     what_class(d.diff.what), d.rule ? rule_id(*d.rule) : "?");
}

std::string signature_tag(const std::string& signature) {
  u64 h = 0xcbf29ce484222325ull;
  for (unsigned char ch : signature) h = (h ^ ch) * 0x100000001b3ull;
  return fmt::format("{:016x}", h);
}

ScenarioRun Differential::run(const Scenario& s) {
  fired_ = {};
  kernel_ = s.world.geom.kernel;
  ScenarioRun out = run_scenario(s, parties_);
  coverage_.add(fired_, kernel_);
  if (!out.divergence) return out;

  Divergence& d = *out.divergence;
  const PartyResult* truth_result = &out.results.front();
  const PartyResult* other_result = truth_result;
  for (const PartyResult& r : out.results)
    if (r.party == d.party) other_result = &r;
  // the outcomes of the call the divergence is in (both made it: they were compared)
  const Outcome& truth = *truth_result->call(d.call);
  const Outcome& other = *other_result->call(d.call);
  const unsigned ps = s.world.geom.page_shift;
  const std::string cls = what_class(d.diff.what);
  const std::string& against = d.against.name;
  const std::string& party = d.party.name;
  std::optional<std::size_t> page;
  std::string detail;
  if (cls == "pfns") {
    page = index_in(d.diff.what);
    const KernelVersion k = s.world.geom.kernel;
    detail = fmt::format("{}={} {}={}", against, output_class(k, s.range, truth.pfns, *page), party,
                         output_class(k, s.range, other.pfns, *page));
  } else if (cls == "ret") {
    detail = fmt::format("{}={} {}={}", against, ret_class(truth), party, ret_class(other));
  } else if (cls == "log") {
    std::size_t i = index_in(d.diff.what);
    detail = fmt::format("{}={} {}={}", against, event_class(truth.world.log, i), party,
                         event_class(other.world.log, i));
  }
  if (!page && d.diff.addr && *d.diff.addr >= s.range.start && *d.diff.addr < s.range.end)
    page = (*d.diff.addr - s.range.start) >> ps;
  // the trace is of the reference's last call: the rules are named for that call only
  const bool traced = d.call == s.calls.size() + 1;
  if (page) {
    d.page = DivergentPage{*page, s.range.start + (u64(*page) << ps), {}};
    if (traced) d.page->rules = trace_.page_hits(*page);
  }
  if (traced) {
    d.rule = page ? page_rule(trace_, *page) : std::nullopt;
    if (!d.rule) d.rule = call_rule(trace_);
  }
  d.signature = divergence_signature(d) + (detail.empty() ? "" : " " + detail);
  if (d.call > 1) d.signature += fmt::format(" call={}", d.call);
  return out;
}

namespace {

// The expectations that state `truth`, the outcome of one call of s.
std::vector<Expectation> expectations_of(const Scenario& s, const Outcome& truth) {
  std::vector<Expectation> out;
  auto add = [&](Expectation::Type type) -> Expectation& {
    Expectation& e = out.emplace_back();
    e.type = type;
    return e;
  };
  Expectation& ret = add(Expectation::Type::Ret);
  ret.livelock = truth.livelock;
  ret.ret = truth.ret;
  const u64 step = has_v6_api(s.world.geom.kernel) ? 1
                   : s.range.pfn_shift < 64        ? (1ull << s.range.pfn_shift)
                                                   : 0;
  for (std::size_t i = 0; i < truth.pfns.size();) {
    // runs of equal words, or of words whose pfn increments, in one expectation
    std::size_t j = i + 1;
    bool inc = j < truth.pfns.size() && step && truth.pfns[j] == truth.pfns[i] + step;
    while (j < truth.pfns.size() && truth.pfns[j] == truth.pfns[i] + (inc ? (j - i) * step : 0))
      ++j;
    Expectation& e = add(Expectation::Type::Pfn);
    e.first = i, e.count = j - i, e.word = truth.pfns[i], e.pfn_increments = inc;
    i = j;
  }
  add(Expectation::Type::Log).log = truth.world.log;
  add(Expectation::Type::Notifier).seq = truth.world.notifier.seq;
  if (has_v6_api(s.world.geom.kernel)) { // v5.7 worlds have none to state
    Expectation& reports = add(Expectation::Type::Reports);
    reports.reports = truth.reports;
    reports.reports.insert(reports.reports.end(), truth.world.reports.begin(),
                           truth.world.reports.end());
  }
  return out;
}

} // namespace

Scenario with_expectations(Scenario s, const Outcome& truth) {
  s.expectations = expectations_of(s, truth);
  return s;
}

Scenario with_expectations(Scenario s, const PartyResult& truth) {
  s.expectations = expectations_of(s, truth.outcome);
  for (std::size_t k = 2; k <= s.calls.size() + 1; ++k) {
    const Outcome* o = truth.call(k);
    s.calls[k - 2].expectations = o ? expectations_of(s, *o) : std::vector<Expectation>{};
  }
  return s;
}

std::string report_text(const Scenario& s, const ScenarioRun& r) {
  std::string out;
  if (!r.divergence) return out;
  const Divergence& d = *r.divergence;
  out += "DIVERGENCE: " + divergence_text(d);
  out += "signature: " + d.signature + "\n";
  Scenario withx = with_expectations(s, r.results.front());
  withx.text =
      fmt::format("Found by the hmmspec differential fuzzer.\n{} departs from {} at {} ({}).\n"
                  "The expectations are {}'s outcome.",
                  d.party.name, d.against.name, d.diff.what, d.rule ? rule_id(*d.rule) : "no rule",
                  d.against.name);
  out += "--- scenario ---\n" + print_scenario(withx) + "--- end of scenario ---\n";
  return out;
}

} // namespace hmmspec
