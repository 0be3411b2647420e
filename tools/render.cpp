// SPDX-License-Identifier: GPL-2.0-or-later
#include "tools/render.h"

#include <fmt/format.h>

#include <functional>

#include "model/driver.h"
#include "model/race.h"
#include "model/range_v6.h"
#include "model/scenario_symbols.h"
#include "model/word_runs.h"

namespace hmmspec {

using nlohmann::json;

std::string json_text(const json& j) {
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

namespace {

std::string size_text(u64 bytes) {
  const char* units[] = {"", "K", "M", "G", "T", "P"};
  unsigned u = 0;
  while (u < 5 && bytes >= 1024 && bytes % 1024 == 0) bytes /= 1024, ++u;
  return fmt::format("{}{}", bytes, units[u]);
}

std::string geometry_text(const Geometry& g) {
  std::string bits;
  for (Level l : kAllLevels) {
    if (l == Level::P4d && g.p4d_folded()) continue;
    bits += fmt::format("{}{}", bits.empty() ? "" : "/", g.bits[idx(l)]);
  }
  return fmt::format("{} ({}-level, {} pages, index bits pte..pgd {}, address space {})", g.name,
                     g.levels, size_text(g.page_size()), bits, size_text(g.va_limit()));
}

// One run of consecutive entries at one level that differ only by an incrementing pfn.
struct EntryRun {
  Level level;
  u64 first;
  u64 count;
  Entry entry; // the first entry
  Context ctx;
};

bool has_pfn(Kind k) {
  return k == Kind::Page || k == Kind::Protnone || k == Kind::Huge || k == Kind::Migration ||
         k == Kind::Device || k == Kind::Hwpoison;
}

std::vector<EntryRun> entry_runs(const World& w) {
  std::vector<EntryRun> runs;
  const Geometry& g = w.geom;
  w.visit([&](Level l, u64 addr, u64 word, Context ctx) {
    Entry e = classify(g, l, word, w.zero_pfn, ctx);
    if (!runs.empty()) {
      EntryRun& r = runs.back();
      u64 step = g.size(l) >> g.page_shift;
      Entry expect = r.entry;
      expect.pfn += step * r.count;
      bool next_addr = r.level == l && r.first + u64(r.count) * g.size(l) == addr && r.ctx == ctx;
      bool same = has_pfn(e.kind) ? (e.kind == expect.kind && e.pfn == expect.pfn &&
                                     e.write == expect.write && e.special == expect.special &&
                                     e.devmap == expect.devmap && e.protnone == expect.protnone &&
                                     word == r.entry.word + ((step * r.count) << g.page_shift))
                                  : (e.kind != Kind::Table && word == r.entry.word);
      if (next_addr && same) {
        ++r.count;
        return;
      }
    }
    runs.push_back(EntryRun{l, addr, 1, e, ctx});
  });
  return runs;
}

std::string entry_text(const EntryRun& r, const Geometry& g) {
  std::string what = describe(r.entry);
  if (r.count > 1 && has_pfn(r.entry.kind)) {
    auto pos = what.find("pfn=");
    auto end = what.find(' ', pos);
    what.insert(end == std::string::npos ? what.size() : end, "+");
  }
  std::string where = r.count > 1
                          ? fmt::format("{:#x}-{:#x}", r.first, r.first + r.count * g.size(r.level))
                          : hex(r.first);
  std::string note = r.ctx == Context::HugetlbSlot ? " (hugetlb slot)" : "";
  std::string count = r.count > 1 ? fmt::format(" ({} entries)", r.count) : "";
  return fmt::format("  {} {:<30} {}{}{}  [{:#x}]\n", level_name(r.level), where, what, note, count,
                     r.entry.word);
}

// Requests grouped into runs of equal words.
std::string request_runs(const World& w, const HmmRange& r, const std::vector<u64>& words) {
  std::string s;
  const unsigned ps = w.geom.page_shift;
  for (size_t i = 0; i < words.size();) {
    size_t j = i + 1;
    while (j < words.size() && words[j] == words[i]) ++j;
    u64 a = r.start + (u64(i) << ps), b = r.start + (u64(j) << ps);
    std::string idx = j - i > 1 ? fmt::format("[{}-{}]", i, j - 1) : fmt::format("[{}]", i);
    s += fmt::format("    {:<14} {:#x}-{:#x}  {}\n", idx, a, b, describe_request(r, words[i]));
    i = j;
  }
  return s;
}

// The log as its runs: {event (the first), count, addr_step}.
json log_json(const RunLog<Event>& log) {
  json j = json::array();
  for (const auto& run : log.runs())
    j.push_back({{"event", describe(run.first)}, {"count", run.count}, {"addr_step", run.step}});
  return j;
}

std::string req_text(const HmmRange& r, u64 v) {
  if (v == 0) return "0";
  if (v == ~0ull) return "all";
  std::string d = describe_request(r, v);
  u64 known = r.flags[HMM_PFN_VALID] | r.flags[HMM_PFN_WRITE];
  return (v & ~known) ? fmt::format("{:#x} ({})", v, d) : fmt::format("{} ({:#x})", d, v);
}

} // namespace

std::string vma_flags_text(const Vma& v) {
  std::string s;
  auto add = [&](bool on, const char* n) {
    if (on) s += (s.empty() ? "" : " ") + std::string(n);
  };
  add(v.flags & vm::READ, "read");
  add(v.flags & vm::WRITE, "write");
  add(v.flags & vm::EXEC, "exec");
  add(v.flags & vm::SHARED, "shared");
  add(v.flags & vm::IO, "io");
  add(v.flags & vm::PFNMAP, "pfnmap");
  add(v.flags & vm::MIXEDMAP, "mixedmap");
  add(v.flags & vm::HUGEPAGE, "hugepage");
  add(true, v.anonymous ? "anon" : "file");
  if (v.hugetlb()) s += " hugetlb=" + size_text(v.hugetlb_size);
  return s;
}

std::string world_text(const World& w) {
  std::string s = fmt::format("geometry {}\nzero_pfn {:#x}  next_pfn {:#x}\n",
                              geometry_text(w.geom), w.zero_pfn, w.next_pfn);
  s += "\nVMAs\n";
  if (w.vmas.all().empty()) s += "  (none)\n";
  u64 prev_end = 0;
  for (const Vma& v : w.vmas.all()) {
    if (v.start > prev_end && prev_end != 0)
      s += fmt::format("  {:#x}-{:#x} ({})  gap: no VMA\n", prev_end, v.start,
                       size_text(v.start - prev_end));
    s += fmt::format("  {:#x}-{:#x} ({})  {}\n", v.start, v.end, size_text(v.end - v.start),
                     vma_flags_text(v));
    prev_end = v.end;
  }
  s += "\nEntries (level, address, kind, raw word)\n";
  auto runs = entry_runs(w);
  if (runs.empty()) s += "  (no page tables below the root)\n";
  for (const EntryRun& r : runs) s += entry_text(r, w.geom);
  if (!w.device_owner.empty()) {
    s += "\nDevice-private pages (pfn -> pgmap owner)\n";
    for (auto it = w.device_owner.begin(); it != w.device_owner.end();) {
      auto end = std::next(it);
      u64 last = it->first;
      while (end != w.device_owner.end() && end->first == last + 1 && end->second == it->second)
        last = end->first, ++end;
      std::string pfns =
          last == it->first ? hex(it->first) : fmt::format("{:#x}-{:#x}", it->first, last + 1);
      s += fmt::format("  {} -> {}\n", pfns, it->second ? hex(it->second) : std::string("null"));
      it = end;
    }
  }
  if (!w.shared_pfns.empty()) {
    s += "\nPages mapped more than once\n ";
    for (u64 p : w.shared_pfns) s += " " + hex(p);
    s += "\n";
  }
  if (!w.injections.empty()) {
    s += "\nFault injection\n";
    for (const auto& [addr, inj] : w.injections) {
      std::string what;
      if (inj.error) what += fmt::format(" error={:#x}", inj.error);
      if (inj.invalidate) what += " invalidate";
      if (inj.no_progress)
        what += inj.no_progress == kForever ? std::string(" noprogress=forever")
                                            : fmt::format(" noprogress={}", inj.no_progress);
      s += fmt::format("  {:#x}{}\n", addr, what);
    }
  }
  if (!w.races.empty()) {
    s += "\nRaces (events at interleaving points)\n";
    for (const Race& r : w.races)
      s += fmt::format("  {:#x} {} {}{}\n", r.addr, race_point_name(r.point), race_op_name(r.op),
                       r.fired ? " (fired)" : "");
  }
  s += fmt::format("\nNotifier [{:#x}, {:#x}) seq {} ({} invalidations)\n", w.notifier.start,
                   w.notifier.end, w.notifier.seq, w.notifier.invalidations);
  return s;
}

std::string range_text(const World& w, const HmmRange& r) {
  u64 pages = r.pfns.size();
  std::string s = fmt::format("Range [{:#x}, {:#x}) {} pages\n", r.start, r.end, pages);
  s += fmt::format("  flags valid={:#x} write={:#x}  values error={:#x} none={:#x} special={:#x}  "
                   "pfn_shift {}\n",
                   r.flags[HMM_PFN_VALID], r.flags[HMM_PFN_WRITE], r.values[HMM_PFN_ERROR],
                   r.values[HMM_PFN_NONE], r.values[HMM_PFN_SPECIAL], unsigned(r.pfn_shift));
  s += fmt::format("  default_flags {}  pfn_flags_mask {}  dev_private_owner {}\n",
                   req_text(r, r.default_flags), req_text(r, r.pfn_flags_mask),
                   r.dev_private_owner ? hex(r.dev_private_owner) : std::string("null"));
  s += fmt::format("  notifier_seq {}{}\n", r.notifier_seq,
                   r.notifier_seq == w.notifier.seq ? " (current)"
                                                    : " (stale: the call returns -EBUSY)");
  s += "  requests (as hmm reads them: (pfns[i] & mask) | default_flags):\n";
  std::vector<u64> eff(r.pfns.size());
  for (size_t i = 0; i < eff.size(); ++i) eff[i] = (r.pfns[i] & r.pfn_flags_mask) | r.default_flags;
  s += request_runs(w, r, eff);
  return s;
}

std::string driver_try_text(const DriverTry& t) {
  std::string s;
  for (const std::string& e : t.events_before) s += e + " + "; // D-EVENT: what landed, in order
  s += fmt::format("{} (seq {})", t.livelock ? "livelock" : errno_name(t.ret), t.notifier_seq);
  for (const std::string& e : t.events_after) s += " + " + e;
  if (t.checked) s += t.check_passed ? ", check passed" : ", check failed";
  return s;
}

std::string driver_chunks_text(const Outcome& o) {
  std::string s;
  for (std::size_t c = 0; c < o.chunks.size(); ++c) {
    const DriverChunk& ch = o.chunks[c];
    s += fmt::format("    chunk {} [{:#x}, {:#x}): {} {}:", c, ch.start, ch.end, ch.tries.size(),
                     ch.tries.size() == 1 ? "try" : "tries");
    for (std::size_t i = 0; i < ch.tries.size(); ++i)
      s += (i ? "; " : " ") + driver_try_text(ch.tries[i]);
    s += ch.succeeded() ? "\n" : "  (the loop failed)\n";
  }
  return s;
}

std::string driver_loop_text(const Scenario& s) {
  if (!s.driver_loop) return "";
  const DriverLoop& d = *s.driver_loop;
  const u64 pages = s.range.pfns.size();
  const u64 chunks = (pages + d.chunk_pages - 1) / d.chunk_pages;
  std::string text = fmt::format("Driver loop: chunks of {} pages ({} {}), at most {} tries each "
                                 "(lib/test_hmm.c's dmirror_fault)\n",
                                 d.chunk_pages, chunks, chunks == 1 ? "chunk" : "chunks", d.tries);
  for (const DriverEvent& e : s.world.driver_events)
    text += fmt::format("  {}{}\n", describe(e), e.fired ? " (fired)" : "");
  return text;
}

json world_json(const World& w) {
  json j;
  const Geometry& g = w.geom;
  j["geometry"] = {{"name", g.name},
                   {"page_shift", g.page_shift},
                   {"levels", g.levels},
                   {"bits", g.bits},
                   {"va_bits", g.va_bits()}};
  j["zero_pfn"] = w.zero_pfn;
  j["next_pfn"] = w.next_pfn;
  j["vmas"] = json::array();
  for (const Vma& v : w.vmas.all())
    j["vmas"].push_back({{"start", v.start},
                         {"end", v.end},
                         {"flags", v.flags},
                         {"flags_text", vma_flags_text(v)},
                         {"anonymous", v.anonymous},
                         {"hugetlb_size", v.hugetlb_size}});
  j["entries"] = json::array(); // runs, as the text prints them: count entries from addr
  for (const EntryRun& r : entry_runs(w))
    j["entries"].push_back({{"level", std::string(level_name(r.level))},
                            {"addr", r.first},
                            {"count", r.count},
                            {"word", r.entry.word},
                            {"kind", std::string(kind_name(r.entry.kind))},
                            {"text", describe(r.entry)},
                            {"hugetlb_slot", r.ctx == Context::HugetlbSlot}});
  j["device_owner"] = json::array();
  for (const auto& [pfn, owner] : w.device_owner)
    j["device_owner"].push_back({{"pfn", pfn}, {"owner", owner}});
  j["shared_pfns"] = w.shared_pfns;
  j["injections"] = json::array();
  for (const auto& [addr, inj] : w.injections)
    j["injections"].push_back({{"addr", addr},
                               {"error", inj.error},
                               {"invalidate", inj.invalidate},
                               {"no_progress", inj.no_progress}});
  if (!w.races.empty()) { // (left out without races, so that older outputs stay as they were)
    j["races"] = json::array();
    for (const Race& r : w.races)
      j["races"].push_back({{"addr", r.addr},
                            {"point", race_point_name(r.point)},
                            {"op", race_op_name(r.op)},
                            {"fired", r.fired}});
  }
  j["notifier"] = {{"start", w.notifier.start},
                   {"end", w.notifier.end},
                   {"seq", w.notifier.seq},
                   {"invalidations", w.notifier.invalidations}};
  j["log"] = log_json(w.log);
  return j;
}

json range_json(const World& w, const HmmRange& r) {
  json j = {{"start", r.start},
            {"end", r.end},
            {"flags", r.flags},
            {"values", r.values},
            {"default_flags", r.default_flags},
            {"pfn_flags_mask", r.pfn_flags_mask},
            {"pfn_shift", r.pfn_shift},
            {"dev_private_owner", r.dev_private_owner},
            {"notifier_seq", r.notifier_seq},
            {"notifier_current", r.notifier_seq == w.notifier.seq}};
  json pfns = json::array(), req = json::array();
  for (const WordRun& run : word_runs(r.pfns, 0))
    pfns.push_back({{"first", run.first}, {"count", run.count}, {"word", run.word}});
  std::vector<u64> eff(r.pfns.size()); // the requests as hmm reads them (hmm.c:113)
  for (size_t i = 0; i < eff.size(); ++i) eff[i] = (r.pfns[i] & r.pfn_flags_mask) | r.default_flags;
  for (const WordRun& run : word_runs(eff, 0))
    req.push_back(
        {{"first", run.first}, {"count", run.count}, {"request", describe_request(r, run.word)}});
  j["pfns"] = pfns;
  j["requests"] = req;
  return j;
}

json outcome_json(const HmmRange& r, const Outcome& o) {
  json j = {{"livelock", o.livelock},
            {"ret", o.ret},
            {"ret_text", o.livelock ? "livelock" : errno_name(o.ret)},
            {"walks", o.walks}};
  if (o.failure) { // the party did not return (docs/kernel-party.md, "Isolation")
    const PartyFailure& f = *o.failure;
    j["failure"] = {{"kind", f.kind == PartyFailure::Kind::Crash ? "crash" : "no-progress"},
                    {"text", describe(f)},
                    {"where", f.where}};
    if (f.kind == PartyFailure::Kind::Crash) {
      j["failure"]["signal"] = f.signal;
      j["failure"]["address"] = f.address;
    } else {
      j["failure"]["reads"] = f.reads;
    }
  }
  // runs: equal words, or one pfn more each (step); decoded in the world's kernel version
  const KernelVersion k = o.world.geom.kernel;
  json out = json::array();
  for (const WordRun& run : word_runs(o.pfns, scenario_text::out_step(k, r)))
    out.push_back({{"first", run.first},
                   {"count", run.count},
                   {"word", run.word},
                   {"step", run.step},
                   {"output", describe_output(k, r, run.word)}});
  j["pfns"] = out;
  j["log"] = log_json(o.world.log);
  j["notifier_seq"] = o.world.notifier.seq;
  if (!o.chunks.empty()) { // the driver loop (left out without one)
    json chunks = json::array();
    for (const DriverChunk& c : o.chunks) {
      json tries = json::array();
      for (const DriverTry& t : c.tries) {
        json jt = {{"notifier_seq", t.notifier_seq},
                   {"livelock", t.livelock},
                   {"ret", t.ret},
                   {"ret_text", t.livelock ? "livelock" : errno_name(t.ret)},
                   {"walks", t.walks},
                   {"check", !t.checked       ? "none"
                             : t.check_passed ? "passed"
                                              : "failed"},
                   {"events_before_call", t.events_before},
                   {"events_after_call", t.events_after}};
        tries.push_back(jt);
      }
      chunks.push_back(
          {{"start", c.start}, {"end", c.end}, {"tries", tries}, {"succeeded", c.succeeded()}});
    }
    j["driver_chunks"] = chunks;
  }
  return j;
}

json divergence_json(const Divergence& d) {
  return {{"party", d.party.name},
          {"against", d.against.name},
          {"what", d.diff.what},
          {"expected", d.diff.left},
          {"actual", d.diff.right}};
}

json coverage_json(const RuleCoverage& c) {
  json rules = json::object(), never = json::array();
  for (const Rule& r : all_rules()) rules[std::string(r.id)] = c.hits(r.rule);
  for (RuleId r : c.never_hit()) never.push_back(rule_id(r));
  return {{"executions", c.executions()}, {"rules", rules}, {"never_hit", never}};
}

} // namespace hmmspec
