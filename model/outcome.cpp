// SPDX-License-Identifier: GPL-2.0-or-later
#include "model/outcome.h"

#include <array>
#include <csignal>
#include <fmt/format.h>
#include <utility>

#include "model/range_v6.h"

namespace hmmspec {

namespace {

// The errors hmm_range_fault returns, by name.
constexpr std::array<std::pair<long, std::string_view>, 5> kErrnoNames{{
    {-err::kEPERM, "-EPERM"},
    {-err::kENOMEM, "-ENOMEM"},
    {-err::kEFAULT, "-EFAULT"},
    {-err::kEBUSY, "-EBUSY"},
    {-err::kEINVAL, "-EINVAL"},
}};

} // namespace

std::string errno_name(long ret) {
  for (auto [value, name] : kErrnoNames)
    if (value == ret) return std::string(name);
  return std::to_string(ret);
}

std::optional<long> errno_from_name(std::string_view name) {
  for (auto [value, n] : kErrnoNames)
    if (n == name) return value;
  return std::nullopt;
}

namespace {

std::string ret_text(const Outcome& o) {
  return o.livelock ? "livelock" : errno_name(o.ret);
}

// The signals a party's isolation catches, by name (kernel/isolation.cpp).
std::string signal_name(int sig) {
  switch (sig) {
  case SIGSEGV:
    return "SIGSEGV";
  case SIGBUS:
    return "SIGBUS";
  case SIGFPE:
    return "SIGFPE";
  case SIGILL:
    return "SIGILL";
  }
  return fmt::format("signal {}", sig);
}

std::string failure_text(const std::optional<PartyFailure>& f) {
  return f ? describe(*f) : std::string("(returned)");
}

// The first differing word of the reachable page tables, as (level, address) pairs, walking
// both worlds from the root in address order. Falls back to comparing whole tables.
std::optional<Difference> table_difference(const World& a, const World& b) {
  const Geometry& g = a.geom;
  for (const auto& [pfn, ta] : a.tables()) {
    auto it = b.tables().find(pfn);
    if (it == b.tables().end())
      return Difference{fmt::format("table {:#x}", pfn), "present", "absent", std::nullopt};
    for (unsigned i = 0; i < ta.words.size(); ++i) {
      if (ta.words[i] == it->second.words[i]) continue;
      return Difference{fmt::format("table {:#x} ({}) word {}", pfn, level_name(ta.level), i),
                        describe(classify(g, ta.level, ta.words[i], a.zero_pfn)) +
                            fmt::format(" [{:#x}]", ta.words[i]),
                        describe(classify(g, ta.level, it->second.words[i], b.zero_pfn)) +
                            fmt::format(" [{:#x}]", it->second.words[i]),
                        std::nullopt};
    }
  }
  for (const auto& [pfn, tb] : b.tables())
    if (!a.tables().contains(pfn))
      return Difference{fmt::format("table {:#x}", pfn), "absent", "present", std::nullopt};
  return std::nullopt;
}

// The first differing report of two lists (named `what`).
std::optional<Difference> report_difference(std::string_view what,
                                            const std::vector<KernelReport>& a,
                                            const std::vector<KernelReport>& b) {
  size_t k = std::max(a.size(), b.size());
  for (size_t i = 0; i < k; ++i) {
    if (i < a.size() && i < b.size() && a[i] == b[i]) continue;
    auto text = [&](const std::vector<KernelReport>& l) {
      return i < l.size() ? describe(l[i]) : std::string("(none)");
    };
    return Difference{fmt::format("{}[{}]", what, i), text(a), text(b), std::nullopt};
  }
  return std::nullopt;
}

std::string try_text(const DriverTry& t) {
  std::string s = t.livelock ? "livelock" : errno_name(t.ret);
  s += fmt::format(" (seq {})", t.notifier_seq);
  if (t.checked) s += t.check_passed ? ", check passed" : ", check failed";
  return s;
}

// The first difference of two driver loops (model/driver.h), try by try: the chunks reached,
// each chunk's tries, each try's sequence, return value, check and outputs.
std::optional<Difference> chunk_difference(const HmmRange& range, const Outcome& a,
                                           const Outcome& b) {
  if (a.chunks.size() != b.chunks.size())
    return Difference{"chunks", fmt::format("{} chunks", a.chunks.size()),
                      fmt::format("{} chunks", b.chunks.size()), std::nullopt};
  const KernelVersion k = a.world.geom.kernel;
  const unsigned ps = a.world.geom.page_shift;
  for (size_t c = 0; c < a.chunks.size(); ++c) {
    const DriverChunk &ca = a.chunks[c], &cb = b.chunks[c];
    const std::optional<u64> at = ca.start;
    if (ca.tries.size() != cb.tries.size())
      return Difference{fmt::format("chunk {} tries", c), std::to_string(ca.tries.size()),
                        std::to_string(cb.tries.size()), at};
    for (size_t i = 0; i < ca.tries.size(); ++i) {
      const DriverTry &ta = ca.tries[i], &tb = cb.tries[i];
      if (ta.notifier_seq != tb.notifier_seq || ta.livelock != tb.livelock ||
          (!ta.livelock && ta.ret != tb.ret) || ta.checked != tb.checked ||
          ta.check_passed != tb.check_passed)
        return Difference{fmt::format("chunk {} try {}", c, i + 1), try_text(ta), try_text(tb), at};
      for (size_t p = 0; p < std::max(ta.pfns.size(), tb.pfns.size()); ++p) {
        u64 wa = p < ta.pfns.size() ? ta.pfns[p] : 0, wb = p < tb.pfns.size() ? tb.pfns[p] : 0;
        if (wa == wb && p < ta.pfns.size() && p < tb.pfns.size()) continue;
        const u64 addr = ca.start + (u64(p) << ps);
        return Difference{
            fmt::format("chunk {} try {} pfns[{}]", c, i + 1, ((addr - range.start) >> ps)),
            fmt::format("{:#x} ({})", wa, describe_output(k, range, wa)),
            fmt::format("{:#x} ({})", wb, describe_output(k, range, wb)), addr};
      }
    }
  }
  return std::nullopt;
}

} // namespace

std::string describe(const KernelReport& r) {
  switch (r.kind) {
  case KernelReport::Kind::Warn:
  case KernelReport::Kind::Bug: {
    std::string at = r.addr ? fmt::format(" (fault at {:#x})", r.addr) : std::string();
    return (r.kind == KernelReport::Kind::Warn ? "WARN at " : "BUG at ") + r.where + at;
  }
  case KernelReport::Kind::BadPte:
    return fmt::format("bad page map at {:#x}", r.addr);
  }
  return "?";
}

std::string describe(const PartyFailure& f) {
  std::string where = f.where.empty() ? "" : fmt::format(" ({})", f.where);
  if (f.kind == PartyFailure::Kind::NoProgress)
    return fmt::format("no progress inside the walk after {} page-table reads{}", f.reads, where);
  return fmt::format("crashed: {}{}{}", signal_name(f.signal),
                     f.address.empty() ? "" : " at " + f.address, where);
}

std::string result_text(const Outcome& o) {
  if (o.failure) return describe(*o.failure);
  if (o.livelock) return "livelock";
  return errno_name(o.ret);
}

std::optional<Difference> first_difference(const HmmRange& range, const Outcome& a,
                                           const Outcome& b) {
  if (a.world.geom.kernel != b.world.geom.kernel) // raw words of two versions mean different things
    return Difference{"kernel version", std::string(version_name(a.world.geom.kernel)),
                      std::string(version_name(b.world.geom.kernel)), std::nullopt};
  if (a.failure != b.failure) // a party that did not return: nothing else of it can be compared
    return Difference{"failure", failure_text(a.failure), failure_text(b.failure), std::nullopt};
  if (a.livelock != b.livelock || (!a.livelock && a.ret != b.ret))
    return Difference{"ret", ret_text(a), ret_text(b), std::nullopt};
  if (auto d = chunk_difference(range, a, b)) return d;
  size_t n = std::max(a.pfns.size(), b.pfns.size());
  for (size_t i = 0; i < n; ++i) {
    u64 wa = i < a.pfns.size() ? a.pfns[i] : 0, wb = i < b.pfns.size() ? b.pfns[i] : 0;
    if (wa != wb || i >= a.pfns.size() || i >= b.pfns.size())
      return Difference{
          fmt::format("pfns[{}]", i),
          fmt::format("{:#x} ({})", wa, describe_output(a.world.geom.kernel, range, wa)),
          fmt::format("{:#x} ({})", wb, describe_output(a.world.geom.kernel, range, wb)),
          range.start + (u64(i) << a.world.geom.page_shift)};
  }
  if (std::optional<size_t> m = first_mismatch(a.world.log, b.world.log)) { // run by run
    const size_t i = *m;
    auto text = [&](const World& w) {
      return i < w.log.size() ? describe(w.log[i]) : std::string("(end)");
    };
    std::optional<u64> addr;
    if (i < a.world.log.size()) addr = a.world.log[i].addr;
    return Difference{fmt::format("log[{}]", i), text(a.world), text(b.world), addr};
  }
  if (auto d = report_difference("reports", a.reports, b.reports)) return d;
  if (auto d = report_difference("world.reports", a.world.reports, b.world.reports)) return d;
  if (auto d = table_difference(a.world, b.world)) return d;
  if (a.world.notifier != b.world.notifier)
    return Difference{"notifier",
                      fmt::format("seq={} invalidations={}", a.world.notifier.seq,
                                  a.world.notifier.invalidations),
                      fmt::format("seq={} invalidations={}", b.world.notifier.seq,
                                  b.world.notifier.invalidations),
                      std::nullopt};
  if (a.world.next_pfn != b.world.next_pfn)
    return Difference{"allocator", fmt::format("{:#x}", a.world.next_pfn),
                      fmt::format("{:#x}", b.world.next_pfn), std::nullopt};
  if (a.world.injections != b.world.injections)
    return Difference{"injections", "differ", "differ", std::nullopt};
  if (a.world.races != b.world.races) // an event fired in one party only
    return Difference{"races", "differ", "differ", std::nullopt};
  if (!(a.world == b.world)) return Difference{"world", "differs", "differs", std::nullopt};
  return std::nullopt;
}

} // namespace hmmspec
