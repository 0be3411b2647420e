// SPDX-License-Identifier: GPL-2.0-or-later
#include "model/neutral.h"

#include <array>
#include <fmt/format.h>
#include <utility>

#include "model/range_v6.h"

namespace hmmspec {

namespace {

constexpr std::array<std::pair<long, RetClass>, 5> kErrnoClasses{{
    {-err::kEPERM, RetClass::Eperm},
    {-err::kEFAULT, RetClass::Efault},
    {-err::kEBUSY, RetClass::Ebusy},
    {-err::kEINVAL, RetClass::Einval},
    {-err::kENOMEM, RetClass::Enomem},
}};

} // namespace

NeutralPfn neutral_output(KernelVersion v, const HmmRange& r, u64 word) {
  using K = NeutralPfn::Kind;
  if (has_v6_api(v)) {
    if (word == 0) return {K::None};
    if (word & hmm6::ERROR) return {K::Error};
    return {K::Pfn, hmm6::pfn_of(word), (word & hmm6::VALID) != 0, (word & hmm6::WRITE) != 0,
            hmm6::order_of(word)};
  }
  if (word == r.values[HMM_PFN_ERROR]) return {K::Error};
  if (word == r.values[HMM_PFN_NONE]) return {K::None};
  if (word == r.values[HMM_PFN_SPECIAL]) return {K::Special};
  return {K::Pfn, word >> r.pfn_shift, (word & r.flags[HMM_PFN_VALID]) != 0,
          (word & r.flags[HMM_PFN_WRITE]) != 0, 0};
}

std::string describe(const NeutralPfn& p) {
  switch (p.kind) {
  case NeutralPfn::Kind::None:
    return "none";
  case NeutralPfn::Kind::Error:
    return "error";
  case NeutralPfn::Kind::Special:
    return "special";
  case NeutralPfn::Kind::Pfn:
    break;
  }
  return fmt::format("pfn={:#x}{}{}{}", p.pfn, p.valid ? " V" : "", p.write ? " W" : "",
                     p.order ? fmt::format(" order={}", p.order) : "");
}

std::string_view ret_class_name(RetClass c) {
  switch (c) {
  case RetClass::Success:
    return "success";
  case RetClass::Eperm:
    return "-EPERM";
  case RetClass::Efault:
    return "-EFAULT";
  case RetClass::Ebusy:
    return "-EBUSY";
  case RetClass::Einval:
    return "-EINVAL";
  case RetClass::Enomem:
    return "-ENOMEM";
  case RetClass::Livelock:
    return "livelock";
  case RetClass::Failed:
    return "did not return";
  case RetClass::Other:
    break;
  }
  return "other";
}

NeutralRet neutral_ret(const Outcome& o) {
  if (o.failure) return {RetClass::Failed, 0}; // crashed or no progress (Outcome::failure)
  if (o.livelock) return {RetClass::Livelock, 0};
  if (o.ret >= 0) return {RetClass::Success, o.ret};
  for (auto [value, cls] : kErrnoClasses)
    if (o.ret == value) return {cls, o.ret};
  return {RetClass::Other, o.ret};
}

std::string describe(const NeutralEntry& e) {
  return fmt::format("{} {:#x}{}: {}", level_name(e.level), e.addr,
                     e.ctx == Context::HugetlbSlot ? " (hugetlb slot)" : "", describe(e.entry));
}

std::vector<NeutralEntry> neutral_entries(const World& w) {
  std::vector<NeutralEntry> out;
  w.visit([&](Level l, u64 addr, u64 word, Context ctx) {
    Entry e = classify(w.geom, l, word, w.zero_pfn, ctx);
    if (e.kind == Kind::None) return;
    e.word = e.kind == Kind::Bad ? word & ~x86::pfn_mask(w.geom.page_shift) : 0;
    if (e.kind == Kind::Table) e.pfn = 0;
    out.push_back(NeutralEntry{l, addr, ctx, e});
  });
  return out;
}

NeutralOutcome neutral_outcome(const HmmRange& r, const Outcome& o) {
  const KernelVersion v = o.world.geom.kernel;
  NeutralOutcome n;
  n.ret = neutral_ret(o);
  n.pfns.reserve(o.pfns.size());
  for (u64 word : o.pfns) n.pfns.push_back(neutral_output(v, r, word));
  n.entries = neutral_entries(o.world);
  n.log = o.world.log;
  n.notifier_seq = o.world.notifier.seq;
  for (const auto* list : {&o.reports, &o.world.reports})
    for (const KernelReport& k : *list) n.reports.push_back(NeutralReport{k.kind, k.addr});
  return n;
}

} // namespace hmmspec
