// SPDX-License-Identifier: GPL-2.0-or-later
#include "harness/versions.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>

#include "harness/parties.h"
#include "harness/version_groups.h"
#include "model/reference.h"
#include "model/translate.h"

namespace hmmspec {

std::string_view diff_field_name(DiffField f) {
  switch (f) {
  case DiffField::Encoding:
    return "encoding";
  case DiffField::Ret:
    return "ret";
  case DiffField::Pfn:
    return "pfn";
  case DiffField::Entries:
    return "entries";
  case DiffField::Log:
    return "log";
  case DiffField::Notifier:
    return "notifier";
  case DiffField::Reports:
    return "reports";
  }
  return "?";
}

bool VersionsRun::has_unnamed() const {
  return std::any_of(diffs.begin(), diffs.end(),
                     [](const VersionDiff& d) { return d.group.empty(); });
}

bool VersionsRun::has_divergence() const {
  return std::any_of(results.begin(), results.end(),
                     [](const VersionResult& r) { return r.divergence.has_value(); });
}

std::set<std::string> VersionsRun::groups() const {
  std::set<std::string> out;
  for (const VersionDiff& d : diffs)
    if (!d.group.empty()) out.insert(d.group);
  return out;
}

std::vector<std::optional<Party>> version_parties(const std::vector<Party>& parties) {
  std::vector<std::optional<Party>> out;
  for (KernelVersion v : kAllKernelVersions) {
    std::optional<Party> truth;
    for (const Party& p : parties)
      if (p.id.kernel == v &&
          (!truth || ground_truth_rank(p.id.kind) < ground_truth_rank(truth->id.kind)) &&
          p.id.kind != PartyKind::Walker)
        truth = p;
    out.push_back(truth);
  }
  return out;
}

namespace {

std::string describe_ret(const NeutralRet& r) {
  if (r.cls == RetClass::Success) return fmt::format("success ({})", r.raw);
  if (r.cls == RetClass::Other) return fmt::format("other ({})", r.raw);
  return std::string(ret_class_name(r.cls));
}

std::string describe_log(const RunLog<Event>& log) {
  std::string s;
  std::size_t n = 0;
  for (const Event& e : log) {
    if (n++ == 4) {
      s += fmt::format("; ... ({} events)", log.size());
      break;
    }
    s += (s.empty() ? "" : "; ") + describe(e);
  }
  return s.empty() ? "empty" : s;
}

// The first entry of one world that the other lacks, or that differs ("pmd 0x200000: huge...").
std::string first_entry_not_in(const std::vector<NeutralEntry>& x,
                               const std::vector<NeutralEntry>& y) {
  for (const NeutralEntry& e : x)
    if (std::find(y.begin(), y.end(), e) == y.end()) return describe(e);
  return "-";
}

// The reports as runs of one kind: "bad-pte@0x10000", "bug@0x0 x34".
std::string describe_reports(const std::vector<NeutralReport>& reports) {
  if (reports.empty()) return "none";
  std::string s;
  for (std::size_t i = 0; i < reports.size();) {
    std::size_t j = i + 1;
    while (j < reports.size() && reports[j].kind == reports[i].kind) ++j;
    const KernelReport::Kind k = reports[i].kind;
    s += fmt::format("{}{}@{:#x}{}", s.empty() ? "" : ", ",
                     k == KernelReport::Kind::BadPte ? "bad-pte"
                     : k == KernelReport::Kind::Warn ? "warn"
                                                     : "bug",
                     reports[i].addr, j - i > 1 ? fmt::format(" x{}", j - i) : "");
    i = j;
  }
  return s;
}

// The raw words of the two translated input worlds that differ: one diff per group and entry
// kind, with the first address and the number of words.
void compare_encoding(const VersionResult& a, const VersionResult& b,
                      std::vector<VersionDiff>& out) {
  const World& wa = a.scenario.world;
  const World& wb = b.scenario.world;
  std::map<std::pair<std::string, Kind>, VersionDiff> by;
  wa.visit([&](Level l, u64 addr, u64 word, Context ctx) {
    const u64* other = wb.find_slot(l, addr);
    if (!other || *other == word) return;
    Entry e = classify(wa.geom, l, word, wa.zero_pfn, ctx);
    std::string group(classify_encoding(e.kind, word, *other));
    auto [it, fresh] = by.try_emplace({group, e.kind});
    VersionDiff& d = it->second;
    if (fresh) {
      d = VersionDiff{a.version,
                      b.version,
                      DiffField::Encoding,
                      addr,
                      0,
                      fmt::format("{} {:#x}: {:#018x}", level_name(l), addr, word),
                      fmt::format("{:#018x} ({})", *other, describe(e)),
                      group};
    }
    ++d.count;
  });
  for (auto& [key, d] : by) out.push_back(std::move(d));
}

// The mark of a page whose output differs only in which new page a fault gave it, until the
// difference that changed the faults is known (resolve_allocation_order).
constexpr std::string_view kAllocationOrder = "(allocation order)";

// Both outputs are pages the fault model allocated during the call (at or above the world's
// next_pfn before it), with the same flags: which new page a fault gets depends only on the
// faults before it.
bool allocation_order_only(const DiffContext& c, const NeutralPfn& pa, const NeutralPfn& pb) {
  using K = NeutralPfn::Kind;
  return pa.kind == K::Pfn && pb.kind == K::Pfn && pa.valid == pb.valid && pa.write == pb.write &&
         pa.order == pb.order && pa.pfn >= c.a.scenario.world.next_pfn &&
         pb.pfn >= c.b.scenario.world.next_pfn;
}

// A page that got another new page takes the group of the difference that changed the faults
// or the world in the same comparison (the first named difference of the final world, the log
// or the notifier); it stays unnamed when there is none.
void resolve_allocation_order(std::vector<VersionDiff>& diffs, std::size_t first) {
  std::string cause;
  for (std::size_t i = first; i < diffs.size() && cause.empty(); ++i) {
    const VersionDiff& d = diffs[i];
    if ((d.field == DiffField::Entries || d.field == DiffField::Log ||
         d.field == DiffField::Notifier) &&
        d.group != kAllocationOrder)
      cause = d.group;
  }
  for (std::size_t i = first; i < diffs.size(); ++i)
    if (diffs[i].group == kAllocationOrder) diffs[i].group = cause;
}

// The outputs of two successful calls, page by page, as runs of pages whose difference has
// the same part and group.
void compare_pfns(const DiffContext& c, std::vector<VersionDiff>& out) {
  const auto& pa = c.a.neutral.pfns;
  const auto& pb = c.b.neutral.pfns;
  const std::size_t n = std::min(pa.size(), pb.size());
  std::map<PfnPart, std::size_t> open; // the diff of each part still growing
  for (std::size_t i = 0; i < n; ++i) {
    if (pa[i] == pb[i]) {
      open.clear();
      continue;
    }
    std::vector<std::pair<PfnPart, std::pair<std::string, std::string>>> parts;
    const bool same_page = pa[i].kind == NeutralPfn::Kind::Pfn &&
                           pb[i].kind == NeutralPfn::Kind::Pfn && pa[i].pfn == pb[i].pfn &&
                           pa[i].write == pb[i].write;
    if (same_page) {
      if (pa[i].valid != pb[i].valid)
        parts.push_back({PfnPart::Valid, {pa[i].valid ? "V" : "no V", pb[i].valid ? "V" : "no V"}});
      if (pa[i].order != pb[i].order)
        parts.push_back(
            {PfnPart::Order,
             {fmt::format("order {}", pa[i].order), fmt::format("order {}", pb[i].order)}});
    } else {
      parts.push_back({PfnPart::Kind, {describe(pa[i]), describe(pb[i])}});
    }
    std::map<PfnPart, std::size_t> next;
    for (auto& [part, sides] : parts) {
      std::string group(classify_pfn(c, i, part, pa[i], pb[i]));
      if (group.empty() && part == PfnPart::Kind && allocation_order_only(c, pa[i], pb[i]))
        group = kAllocationOrder;
      auto it = open.find(part);
      if (it != open.end() && out[it->second].group == group &&
          out[it->second].first + out[it->second].count == i) {
        ++out[it->second].count;
        next[part] = it->second;
        continue;
      }
      out.push_back(VersionDiff{c.a.version, c.b.version, DiffField::Pfn, i, 1, sides.first,
                                sides.second, group});
      next[part] = out.size() - 1;
    }
    open = std::move(next);
  }
}

void compare(const VersionResult& a, const VersionResult& b, std::vector<VersionDiff>& out) {
  const std::size_t first = out.size();
  compare_encoding(a, b, out);
  const std::vector<RuleSet> ra = page_rule_sets(a.trace), rb = page_rule_sets(b.trace);
  const DiffContext c{a, b, ra, rb};
  const NeutralOutcome& na = a.neutral;
  const NeutralOutcome& nb = b.neutral;
  auto call = [&](DiffField f, std::string before, std::string after) {
    out.push_back(VersionDiff{a.version, b.version, f, 0, 1, std::move(before), std::move(after),
                              std::string(classify_call(c, f))});
  };
  if (na.ret != nb.ret) call(DiffField::Ret, describe_ret(na.ret), describe_ret(nb.ret));
  if (na.ret.cls == RetClass::Success && nb.ret.cls == RetClass::Success) compare_pfns(c, out);
  if (na.entries != nb.entries)
    call(DiffField::Entries, first_entry_not_in(na.entries, nb.entries),
         first_entry_not_in(nb.entries, na.entries));
  if (na.log != nb.log) call(DiffField::Log, describe_log(na.log), describe_log(nb.log));
  if (na.notifier_seq != nb.notifier_seq)
    call(DiffField::Notifier, fmt::format("seq {}", na.notifier_seq),
         fmt::format("seq {}", nb.notifier_seq));
  if (na.reports != nb.reports)
    call(DiffField::Reports, describe_reports(na.reports), describe_reports(nb.reports));
  resolve_allocation_order(out, first);
}

} // namespace

VersionsRun run_versions(const Scenario& s, const std::vector<std::optional<Party>>& truths) {
  VersionsRun run;
  const KernelVersion from = s.world.geom.kernel;
  for (std::size_t k = 0; k < kAllKernelVersions.size() && k < truths.size(); ++k) {
    if (!truths[k]) continue;
    const KernelVersion v = kAllKernelVersions[k];
    VersionResult& r = run.results.emplace_back();
    r.version = v;
    r.party = truths[k]->id.name;
    auto world = translate_world(s.world, v);
    if (auto* why = std::get_if<std::string>(&world)) {
      r.not_expressible = *why;
      continue;
    }
    r.scenario.name = s.name;
    r.scenario.world = std::move(std::get<World>(world));
    r.scenario.range = translate_range(s.range, from, v);
    r.scenario.options = s.options;
    const Scenario& t = r.scenario;
    Outcome ref = reference_hmm_range_fault(t.world, t.range, t.options, &r.trace);
    if (truths[k]->id.kind == PartyKind::Reference) {
      r.outcome = std::move(ref);
    } else {
      r.outcome = truths[k]->run(t.world, t.range, t.options);
      if (auto d = first_difference(t.range, r.outcome, ref))
        r.divergence = fmt::format("{} != reference-{}: {}", r.party, version_name(v), d->what);
    }
    // The version's walker must give its ground truth's outcome too.
    if (std::optional<Party> walker = built_party(PartyKind::Walker, v); walker && !r.divergence)
      if (auto d = first_difference(t.range, walker->run(t.world, t.range, t.options), r.outcome))
        r.divergence = fmt::format("{} != {}: {}", walker->id.name, r.party, d->what);
    r.neutral = neutral_outcome(t.range, r.outcome);
  }
  const VersionResult* prev = nullptr;
  for (const VersionResult& r : run.results) {
    // a version whose kernel party and reference disagree is reported as such, not compared
    if (r.not_expressible || r.divergence) continue;
    if (prev) compare(*prev, r, run.diffs);
    prev = &r;
  }
  return run;
}

} // namespace hmmspec

namespace hmmspec {

std::string neutral_pfns_text(const std::vector<NeutralPfn>& pfns) {
  std::string s;
  for (std::size_t i = 0; i < pfns.size();) {
    std::size_t j = i + 1;
    const NeutralPfn& p = pfns[i];
    for (; j < pfns.size(); ++j) {
      NeutralPfn want = p;
      if (p.kind == NeutralPfn::Kind::Pfn) want.pfn = p.pfn + (j - i);
      if (pfns[j] != want) break;
    }
    std::string what = describe(p);
    if (p.kind == NeutralPfn::Kind::Pfn && j - i > 1) {
      what = describe(NeutralPfn{p.kind, p.pfn, p.valid, p.write, p.order});
      what.insert(what.find(' ') == std::string::npos ? what.size() : what.find(' '), "..");
    }
    s += fmt::format("{}[{}] {}", s.empty() ? "" : "; ",
                     j - i > 1 ? fmt::format("{}-{}", i, j - 1) : fmt::format("{}", i), what);
    i = j;
  }
  return s.empty() ? "(no pages)" : s;
}

std::string diff_text(const VersionDiff& d) {
  std::string where;
  if (d.field == DiffField::Pfn)
    where = d.count > 1 ? fmt::format(" [{}-{}]", d.first, d.first + d.count - 1)
                        : fmt::format(" [{}]", d.first);
  else if (d.field == DiffField::Encoding)
    where = fmt::format(" ({} word{})", d.count, d.count == 1 ? "" : "s");
  return fmt::format("{} -> {} {}{}: {} -> {}  {}", version_name(d.from), version_name(d.to),
                     diff_field_name(d.field), where, d.before, d.after,
                     d.group.empty() ? "UNNAMED" : d.group);
}

std::string versions_text(const VersionsRun& r, std::string_view indent) {
  std::string s;
  for (const VersionResult& v : r.results) {
    if (v.not_expressible) {
      s += fmt::format("{}{:<5} N/A: {}\n", indent, version_name(v.version), *v.not_expressible);
      continue;
    }
    const NeutralOutcome& n = v.neutral;
    s += fmt::format("{}{:<5} {}: {}", indent, version_name(v.version), v.party,
                     n.ret.cls == RetClass::Success ? fmt::format("success ({})", n.ret.raw)
                                                    : std::string(ret_class_name(n.ret.cls)));
    if (n.ret.cls == RetClass::Success) s += ": " + neutral_pfns_text(n.pfns);
    s += "\n";
    if (v.divergence) s += fmt::format("{}      DIVERGENCE {}\n", indent, *v.divergence);
  }
  for (const VersionDiff& d : r.diffs) s += fmt::format("{}  {}\n", indent, diff_text(d));
  return s;
}

} // namespace hmmspec
