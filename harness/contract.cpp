// SPDX-License-Identifier: GPL-2.0-or-later
#include "harness/contract.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>

#include "model/range_v6.h"

namespace hmmspec {

namespace {

// The page of a leaf entry at `l` holding addr: its first pfn plus addr's page in it.
CpuPage page_in(const Geometry& g, Level l, const Entry& e, u64 addr, bool write) {
  const u64 offset = (addr & ~g.mask(l)) >> g.page_shift;
  return CpuPage{e.pfn + offset, write};
}

std::string cpu_text(const std::optional<CpuPage>& p) {
  if (!p) return "no page";
  return fmt::format("pfn {:#x}{}", p->pfn, p->write ? " writable" : " read-only");
}

} // namespace

std::optional<CpuPage> cpu_page_at(const World& w, u64 addr, u64 owner) {
  if (!w.vmas.containing(addr)) return std::nullopt;
  const Geometry& g = w.geom;
  for (Level l : std::array{Level::Pud, Level::Pmd, Level::Pte}) {
    const u64* slot = w.find_slot(l, addr);
    if (!slot) return std::nullopt;
    const Context ctx = w.context_at(l, addr);
    const Entry e = classify(g, l, *slot, w.zero_pfn, ctx);
    if (ctx == Context::HugetlbSlot || l == Level::Pte) {
      switch (e.kind) {
      case Kind::Page:
      case Kind::Zero:
        return page_in(g, l, e, addr, e.write);
      case Kind::Protnone:
        return page_in(g, l, e, addr, false);
      case Kind::Huge: // a hugetlb page
        return page_in(g, l, e, addr, e.write && !e.protnone);
      case Kind::Device:
        if (l == Level::Pte && w.owner_of(e.pfn) == owner) return CpuPage{e.pfn, e.write};
        return std::nullopt;
      default:
        return std::nullopt;
      }
    }
    if (e.kind == Kind::Huge) return page_in(g, l, e, addr, e.write && !e.protnone);
    if (e.kind != Kind::Table) return std::nullopt;
  }
  return std::nullopt;
}

bool unambiguous_encoding(const HmmRange& r) {
  const u64 V = r.flags[HMM_PFN_VALID], W = r.flags[HMM_PFN_WRITE];
  const u64 below = r.pfn_shift >= 64 ? ~0ull : (1ull << r.pfn_shift) - 1;
  if (std::popcount(V) != 1 || std::popcount(W) != 1 || V == W || ((V | W) & ~below)) return false;
  return std::none_of(r.values.begin(), r.values.end(), [V](u64 v) { return (v & V) != 0; });
}

std::optional<ContractViolation> check_driver_contract(const World& after, const HmmRange& requests,
                                                       const std::vector<u64>& outputs) {
  const KernelVersion k = after.geom.kernel;
  const bool v6 = has_v6_api(k);
  if (!v6 && !unambiguous_encoding(requests)) return std::nullopt;
  const HmmRange& r = requests;
  // the request bits, and the output's as a driver decodes it: v5.7 hmm_device_entry_to_page
  // with the driver's flags[] and values[], 6.x HMM_PFN_VALID, HMM_PFN_WRITE and the pfn of
  // hmm_pfn_to_page (6.1 include/linux/hmm.h:55-58; the map order is not compared)
  const u64 V = v6 ? hmm6::REQ_FAULT : r.flags[HMM_PFN_VALID];
  const u64 W = v6 ? hmm6::REQ_WRITE : r.flags[HMM_PFN_WRITE];
  auto has_page = [&](u64 out) {
    return v6 ? (out & hmm6::VALID) && !(out & hmm6::ERROR) : output_has_page(r, out);
  };
  auto writes = [&](u64 out) { return (out & (v6 ? hmm6::WRITE : W)) != 0; };
  auto page_word = [&](u64 pfn, bool write) {
    return v6 ? hmm6::VALID | pfn | (write ? hmm6::WRITE : 0)
              : device_entry_from_pfn(r, pfn) | V | (write ? W : 0);
  };
  auto same_page = [&](u64 out, u64 pfn) {
    return v6 ? hmm6::pfn_of(out) == pfn && !(out & hmm6::ERROR)
              : (out & ~W) == (device_entry_from_pfn(r, pfn) | V);
  };
  const unsigned ps = after.geom.page_shift;
  for (std::size_t i = 0; i < outputs.size() && i < r.pfns.size(); ++i) {
    const u64 addr = r.start + (u64(i) << ps);
    const u64 out = outputs[i];
    const std::optional<CpuPage> cpu = cpu_page_at(after, addr, r.dev_private_owner);
    const bool valid = has_page(out);
    auto violation = [&](const char* rule, std::string why) {
      return ContractViolation{addr, i, 0, rule,
                               fmt::format("the CPU gives {}, the output is {:#x} ({}): {}",
                                           cpu_text(cpu), out, describe_output(k, r, out), why)};
    };
    // The driver hears of changes inside its notifier's interval only: outside it, what the
    // CPU maps after the check is nothing the driver was promised (C-VALID, C-NOPAGE).
    const bool watched = addr >= after.notifier.start && addr < after.notifier.end;
    if (watched && valid && !cpu) return violation("C-NOPAGE", "a page where the CPU has none");
    if (watched && valid) {
      // WRITE only where the CPU may write: the CPU gains write permission without an
      // invalidation (wp_page_reuse, mm/memory.c:2605-2625 at v5.7: F-REUSE; do_numa_page:
      // F-NUMA), so a mirror read before may lack it, which is safe
      if (!same_page(out, cpu->pfn) || (writes(out) && !cpu->write))
        return violation("C-VALID",
                         fmt::format("the CPU's page is {:#x}", page_word(cpu->pfn, cpu->write)));
    }
    const u64 request = (r.pfns[i] & r.pfn_flags_mask) | r.default_flags; // hmm.c:113
    if ((request & V) && !valid) return violation("C-REQUESTED", "VALID was asked for");
    const bool owners_device = cpu && [&] {
      const u64* pte = after.find_slot(Level::Pte, addr);
      return pte && classify(after.geom, Level::Pte, *pte, after.zero_pfn).kind == Kind::Device;
    }();
    if ((request & V) && (request & W) && !writes(out) && !owners_device)
      return violation("C-REQUESTED", "WRITE was asked for");
  }
  return std::nullopt;
}

std::string describe(const ContractViolation& v) {
  return fmt::format("driver contract {} at {:#x} (chunk {}, pfns[{}] of the chunk): {}", v.rule,
                     v.addr, v.chunk, v.index, v.message);
}

void DriverContractCheck::chunk_done(const World& after, const HmmRange& requests,
                                     const DriverChunk& c) {
  const std::size_t chunk = chunks_++;
  if (!c.succeeded()) return; // the driver mirrors nothing of a chunk that failed
  const std::vector<u64>& outputs = c.tries.back().pfns;
  if (auto v = check_driver_contract(after, requests, outputs)) {
    v->chunk = chunk;
    violations_.push_back(std::move(*v));
    return;
  }
  mirrored_.push_back(Mirrored{chunk, requests, outputs, c.tries.back().notifier_seq});
}

void DriverContractCheck::call_done(const World& end) {
  for (const Mirrored& m : mirrored_) {
    if (m.seq != end.notifier.seq) continue; // invalidated since: the driver dropped it
    if (auto v = check_driver_contract(end, m.requests, m.outputs)) {
      v->chunk = m.chunk;
      v->message = fmt::format("at the end of the call, no invalidation since the chunk's "
                               "check, {} ({})",
                               v->message, v->rule);
      v->rule = "C-STILL";
      violations_.push_back(std::move(*v));
    }
  }
  mirrored_.clear();
}

} // namespace hmmspec
