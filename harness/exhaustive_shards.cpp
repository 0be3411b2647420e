// SPDX-License-Identifier: GPL-2.0-or-later
#include "harness/exhaustive_shards.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "model/kernel_version.h"

namespace hmmspec {

namespace {

using json = nlohmann::json;

std::optional<std::uint64_t> decimal(std::string_view text) {
  std::uint64_t v = 0;
  if (text.empty() || text.front() < '0' || text.front() > '9') return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

// The member `key` of `j`, checked to be of a kind; on error, a message naming `where.key`.
struct Fields {
  const json& j;
  std::string where; // "" or "first_divergence."
  std::string* error;

  const json* get(const char* key, bool (json::*is)() const noexcept, const char* kind) const {
    auto it = j.find(key);
    if (it == j.end()) {
      *error = fmt::format("no field \"{}{}\"", where, key);
      return nullptr;
    }
    if (!((*it).*is)()) {
      *error = fmt::format("field \"{}{}\" is {}, expected {}", where, key, it->type_name(), kind);
      return nullptr;
    }
    return &*it;
  }
  bool count(const char* key, std::uint64_t& out) const {
    const json* v = get(key, &json::is_number_unsigned, "a number of 0 or more");
    if (v) out = v->get<std::uint64_t>();
    return v;
  }
  bool text(const char* key, std::string& out) const {
    const json* v = get(key, &json::is_string, "a string");
    if (v) out = v->get<std::string>();
    return v;
  }
};

std::optional<FoundDivergence> parse_found(const json& j, std::string* error) {
  Fields f{j, "first_divergence.", error};
  FoundDivergence d;
  if (!f.count("case", d.index) || !f.text("party", d.divergence.party.name) ||
      !f.text("against", d.divergence.against.name) || !f.text("what", d.divergence.diff.what) ||
      !f.text("expected", d.divergence.diff.left) || !f.text("actual", d.divergence.diff.right) ||
      !f.text("scenario", d.scenario))
    return std::nullopt;
  return d;
}

std::string range_text(const CaseRange& r) {
  return fmt::format("cases {}..{} ({} case{})", r.first, r.end - 1, r.size(),
                     r.size() == 1 ? "" : "s");
}

bool intersects(const CaseRange& a, const CaseRange& b) {
  return a.first < b.end && b.first < a.end;
}

} // namespace

std::optional<Shard> parse_shard(std::string_view text, std::string* error) {
  const std::size_t slash = text.find('/');
  std::optional<std::uint64_t> k, n;
  if (slash != std::string_view::npos) {
    k = decimal(text.substr(0, slash));
    n = decimal(text.substr(slash + 1));
  }
  if (!k || !n) {
    *error = "expected K/N, shard K of N (decimal numbers, K from 1 to N)";
    return std::nullopt;
  }
  if (*n == 0) {
    *error = "N must be at least 1";
    return std::nullopt;
  }
  if (*k < 1 || *k > *n) {
    *error = fmt::format("K must be between 1 and {} (shards are numbered from 1)", *n);
    return std::nullopt;
  }
  return Shard{*k, *n};
}

CaseRange shard_cases(std::uint64_t total, const Shard& shard) {
  using u128 = unsigned __int128;
  auto at = [&](std::uint64_t k) { return std::uint64_t(u128(total) * k / shard.count); };
  return {at(shard.index - 1), at(shard.index)};
}

std::optional<ExhaustiveSummary> parse_exhaustive_summary(std::string_view text,
                                                          std::string* error) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    // "[json.exception.parse_error.101] parse error at line 1, column 2: ..." without the tag
    std::string what = e.what();
    const std::size_t tag = what.find("] ");
    *error = "not JSON: " + (tag == std::string::npos ? what : what.substr(tag + 2));
    return std::nullopt;
  }
  if (!j.is_object()) {
    *error =
        fmt::format("not a summary of hmmspec exhaustive: a JSON {}, not an object", j.type_name());
    return std::nullopt;
  }
  Fields f{j, "", error};
  auto format = j.find("format");
  if (format == j.end() || !format->is_string() || *format != kExhaustiveSummaryFormat) {
    *error = fmt::format("not a summary of hmmspec exhaustive (no \"format\": \"{}\"; "
                         "`hmmspec exhaustive --json` writes one, but not with --count or --case)",
                         kExhaustiveSummaryFormat);
    return std::nullopt;
  }
  std::uint64_t version = 0;
  if (!f.count("format_version", version)) return std::nullopt;
  if (version != kExhaustiveSummaryVersion) {
    *error = fmt::format("format_version {}: this hmmspec reads version {}", version,
                         kExhaustiveSummaryVersion);
    return std::nullopt;
  }
  ExhaustiveSummary s;
  if (j.contains("kernel")) {
    if (!f.text("kernel", s.kernel)) return std::nullopt;
    if (!version_from_name(s.kernel)) {
      *error = fmt::format("kernel \"{}\": not 5.7, 6.1 or 6.12", s.kernel);
      return std::nullopt;
    }
  }
  std::uint64_t pages = 0;
  if (!f.text("geometry", s.geometry) || !f.count("pages", pages) ||
      !f.count("total_cases", s.total_cases) || !f.text("parties", s.parties) ||
      !f.count("cases", s.cases) || !f.count("divergences", s.divergences))
    return std::nullopt;
  if (pages < 1 || pages > 8) {
    *error = fmt::format("pages {}: not between 1 and 8", pages);
    return std::nullopt;
  }
  s.pages = unsigned(pages);
  const json* range = f.get("case_range", &json::is_object, "an object");
  if (!range) return std::nullopt;
  Fields rf{*range, "case_range.", error};
  if (!rf.count("first", s.given.first) || !rf.count("end", s.given.end)) return std::nullopt;
  if (s.given.first > s.given.end || s.given.end > s.total_cases) {
    *error = fmt::format("case_range [{}, {}) is not within the bound's {} cases", s.given.first,
                         s.given.end, s.total_cases);
    return std::nullopt;
  }
  auto shard = j.find("shard");
  if (shard == j.end()) {
    *error = "no field \"shard\" (null when the run was not a shard)";
    return std::nullopt;
  }
  if (!shard->is_null()) {
    if (!shard->is_object()) {
      *error = fmt::format("field \"shard\" is {}, expected an object or null", shard->type_name());
      return std::nullopt;
    }
    Fields sf{*shard, "shard.", error};
    Shard sh;
    if (!sf.count("index", sh.index) || !sf.count("count", sh.count)) return std::nullopt;
    if (sh.count == 0 || sh.index < 1 || sh.index > sh.count) {
      *error = fmt::format("shard {}/{}: not a shard (K from 1 to N)", sh.index, sh.count);
      return std::nullopt;
    }
    const CaseRange own = shard_cases(s.total_cases, sh);
    if (own != s.given) {
      *error = fmt::format("case_range [{}, {}) is not shard {}/{}'s [{}, {}) of {} cases",
                           s.given.first, s.given.end, sh.index, sh.count, own.first, own.end,
                           s.total_cases);
      return std::nullopt;
    }
    s.shard = sh;
  }
  if (s.cases > s.given.size()) {
    *error = fmt::format("cases {}: more than the {} of case_range", s.cases, s.given.size());
    return std::nullopt;
  }
  if (s.cases < s.given.size() && s.divergences == 0) {
    *error = fmt::format("cases {} of the {} of case_range, but no divergence (a run stops early "
                         "only at one)",
                         s.cases, s.given.size());
    return std::nullopt;
  }
  if (s.divergences > s.cases) {
    *error = fmt::format("divergences {}: more than the {} cases run", s.divergences, s.cases);
    return std::nullopt;
  }
  if (auto secs = j.find("seconds"); secs != j.end()) {
    if (!secs->is_number() || secs->get<double>() < 0) {
      *error = "field \"seconds\" is not a number of 0 or more";
      return std::nullopt;
    }
    s.seconds = secs->get<double>();
  }
  auto first = j.find("first_divergence");
  const bool has_first = first != j.end() && !first->is_null();
  if (has_first != (s.divergences > 0)) {
    *error = fmt::format("divergences {} but {}", s.divergences,
                         has_first ? "a first_divergence" : "no first_divergence");
    return std::nullopt;
  }
  if (has_first) {
    if (!first->is_object()) {
      *error = fmt::format("field \"first_divergence\" is {}, expected an object or null",
                           first->type_name());
      return std::nullopt;
    }
    s.first_divergence = parse_found(*first, error);
    if (!s.first_divergence) return std::nullopt;
    const CaseRange ran = s.ran();
    if (s.first_divergence->index < ran.first || s.first_divergence->index >= ran.end) {
      *error = fmt::format("first_divergence.case {} is not one of the cases run, [{}, {})",
                           s.first_divergence->index, ran.first, ran.end);
      return std::nullopt;
    }
  }
  return s;
}

std::string exhaustive_summary_text(const ExhaustiveSummary& s, std::uint64_t range_start,
                                    std::uint64_t range_end) {
  auto shard = [&]() -> json {
    if (!s.shard) return nullptr;
    return {{"index", s.shard->index}, {"count", s.shard->count}};
  };
  json j = {{"format", kExhaustiveSummaryFormat},
            {"format_version", kExhaustiveSummaryVersion},
            {"kernel", s.kernel},
            {"geometry", s.geometry},
            {"pages", s.pages},
            {"range", {{"start", range_start}, {"end", range_end}}},
            {"parties", s.parties},
            {"total_cases", s.total_cases},
            {"shard", shard()},
            {"case_range", {{"first", s.given.first}, {"end", s.given.end}}},
            {"from", s.given.first},
            {"cases", s.cases},
            {"divergences", s.divergences},
            {"complete", s.cases == s.given.size()},
            {"seconds", s.seconds},
            {"first_divergence", nullptr}};
  if (const std::optional<FoundDivergence>& f = s.first_divergence) {
    const Divergence& d = f->divergence;
    j["first_divergence"] = {{"case", f->index},          {"party", d.party.name},
                             {"against", d.against.name}, {"what", d.diff.what},
                             {"expected", d.diff.left},   {"actual", d.diff.right},
                             {"scenario", f->scenario}};
  }
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

ShardMerge merge_shards(const std::vector<NamedSummary>& summaries) {
  ShardMerge m;
  if (summaries.empty()) {
    m.verdict = MergeVerdict::Inconsistent;
    m.mismatches.push_back("no summaries to merge");
    return m;
  }
  const NamedSummary& base = summaries.front();
  m.kernel = base.summary.kernel;
  m.geometry = base.summary.geometry;
  m.pages = base.summary.pages;
  m.total_cases = base.summary.total_cases;
  m.parties = base.summary.parties;
  for (const NamedSummary& n : summaries) {
    const ExhaustiveSummary& s = n.summary;
    auto differs = [&](const char* field, const auto& value, const auto& expected) {
      if (value == expected) return;
      m.mismatches.push_back(fmt::format("{}: {} {}, but {} has {} {}", n.file, field, value,
                                         base.file, field, expected));
    };
    differs("kernel", s.kernel, m.kernel);
    differs("geometry", s.geometry, m.geometry);
    differs("pages", s.pages, m.pages);
    differs("total_cases", s.total_cases, m.total_cases);
    differs("parties", "[" + s.parties + "]", "[" + m.parties + "]");
  }
  if (!m.mismatches.empty()) {
    m.verdict = MergeVerdict::Inconsistent;
    return m;
  }

  // Every point where some summary's given or run range starts or ends cuts 0..total into
  // segments; each segment is run by the same summaries throughout.
  std::vector<std::uint64_t> cuts = {0, m.total_cases};
  for (const NamedSummary& n : summaries) {
    const ExhaustiveSummary& s = n.summary;
    m.cases += s.cases;
    m.divergences += s.divergences;
    m.seconds += s.seconds;
    cuts.insert(cuts.end(), {s.given.first, s.given.end, s.ran().end});
    if (s.first_divergence &&
        (!m.first_divergence || s.first_divergence->index < m.first_divergence->index)) {
      m.first_divergence = s.first_divergence;
      m.first_divergence_file = n.file;
    }
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
    const CaseRange seg{cuts[i], cuts[i + 1]};
    std::vector<std::string> ran, stopped;
    for (const NamedSummary& n : summaries) {
      if (intersects(n.summary.ran(), seg))
        ran.push_back(n.file);
      else if (intersects(n.summary.given, seg))
        stopped.push_back(n.file);
    }
    if (ran.size() == 1) {
      m.covered += seg.size();
    } else if (ran.empty()) {
      if (!m.gaps.empty() && m.gaps.back().cases.end == seg.first &&
          m.gaps.back().stopped == stopped)
        m.gaps.back().cases.end = seg.end;
      else
        m.gaps.push_back(ShardGap{seg, stopped});
    } else {
      m.covered += seg.size();
      if (!m.overlaps.empty() && m.overlaps.back().cases.end == seg.first &&
          m.overlaps.back().files == ran)
        m.overlaps.back().cases.end = seg.end;
      else
        m.overlaps.push_back(ShardOverlap{seg, ran});
    }
  }
  m.verdict = !m.overlaps.empty() ? MergeVerdict::Inconsistent
              : m.divergences > 0 ? MergeVerdict::Divergence
              : !m.gaps.empty()   ? MergeVerdict::Incomplete
                                  : MergeVerdict::Clean;
  return m;
}

std::string shard_gap_text(const ShardGap& g) {
  if (g.stopped.empty()) return range_text(g.cases) + ": in no summary";
  return fmt::format("{}: not run by {}, which stopped at a divergence before them",
                     range_text(g.cases), fmt::join(g.stopped, ", "));
}

std::string shard_overlap_text(const ShardOverlap& o) {
  return fmt::format("{}: run by {}", range_text(o.cases), fmt::join(o.files, ", "));
}

} // namespace hmmspec
