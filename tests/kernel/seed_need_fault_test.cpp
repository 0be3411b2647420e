// SPDX-License-Identifier: GPL-2.0-or-later
// The compiled seed's hmm_pte_need_fault (hmm.c:98-128) and hmm_range_need_fault
// (hmm.c:130-155), reached through seed_need_fault.c, against what proves and runs in their
// place: the hand encoding the proofs compare everything with (proofs/hmm_encoding.cpp,
// evaluated on concrete words), the model's templates (model/range.h) and the walker's own
// hmm_pte_need_fault (impl/shortcuts.h S17). hmm_pte_need_fault reads only the bits of V|W
// in the request, pfn_flags_mask, default_flags and cpu_flags: for each pattern of flags[]
// (disjoint, equal, overlapping, one of them 0, high bits) every combination of those bits is
// tried, with the other bits clear and with noise in them.
#include <array>
#include <cstdint>
#include <random>
#include <set>
#include <vector>

#include "model/range.h"

#ifdef HMMSPEC_HAVE_WALKER
#include "impl/shortcuts.h"
#endif
#ifdef HMMSPEC_HAVE_PROOFS
#include "proofs/selfcheck.h"
#endif

// After the model: <signal.h> (through gtest) defines SIGBUS and SIGSEGV as macros, which
// model/world.h also uses as names inside namespace hmmspec::fault.
#include <gtest/gtest.h>

extern "C" {
unsigned int hmmspec_seed_pte_need_fault(const std::uint64_t* flags, std::uint64_t default_flags,
                                         std::uint64_t pfn_flags_mask, std::uint64_t pfns,
                                         std::uint64_t cpu_flags);
unsigned int hmmspec_seed_range_need_fault(const std::uint64_t* flags, std::uint64_t default_flags,
                                           std::uint64_t pfn_flags_mask, const std::uint64_t* pfns,
                                           unsigned long npages, std::uint64_t cpu_flags);
}

namespace hmmspec {
namespace {

// flags[VALID], flags[WRITE]: disjoint (both drivers), equal, overlapping both ways, one or
// both 0, high bits, and V above a pfn_shift of 12.
const std::vector<std::array<u64, 2>> kFlagPatterns = {
    {1, 2},       {1, 1}, {3, 2}, {1, 3}, {1, 0}, {0, 2}, {0, 0}, {1ull << 63, 1ull << 62},
    {0x100000, 2}};

// The bit positions hmm_pte_need_fault reads: those of V|W.
std::vector<unsigned> read_positions(const std::array<u64, 2>& f) {
  std::vector<unsigned> pos;
  for (unsigned b = 0; b < 64; ++b)
    if ((f[0] | f[1]) >> b & 1) pos.push_back(b);
  return pos;
}

// Spreads the low bits of `bits` over the positions, one bit each.
u64 spread(unsigned bits, const std::vector<unsigned>& pos) {
  u64 w = 0;
  for (size_t i = 0; i < pos.size(); ++i)
    if (bits >> i & 1) w |= 1ull << pos[i];
  return w;
}

HmmRange range_of(const std::array<u64, 2>& f, u64 def, u64 mask) {
  HmmRange r;
  r.flags = {f[0], f[1]};
  r.default_flags = def;
  r.pfn_flags_mask = mask;
  return r;
}

// What stands in for the seed, on one input; names the one that differs, or "".
class Others {
public:
  std::string pte_differs(const HmmRange& r, u64 req, u64 cpu, unsigned seed) {
    if (pte_need_fault(r, req, cpu) != seed) return "model/range.h pte_need_fault";
#ifdef HMMSPEC_HAVE_WALKER
    if (shortcut::pte_need(req, cpu, r.flags[0], r.flags[1], r.pfn_flags_mask, r.default_flags) !=
        seed)
      return "impl/shortcuts.h pte_need (S17)";
#endif
#ifdef HMMSPEC_HAVE_PROOFS
    if (encoding_.pte_need_fault(r, req, cpu) != seed) return "proofs' hand encoding";
#endif
    return "";
  }
  std::string range_differs(const HmmRange& r, std::span<const u64> reqs, u64 cpu, unsigned seed) {
    if (range_need_fault(r, reqs, cpu) != seed) return "model/range.h range_need_fault";
#ifdef HMMSPEC_HAVE_PROOFS
    if (encoding_.range_need_fault(r, reqs, cpu) != seed) return "proofs' hand encoding";
#endif
    return "";
  }

private:
#ifdef HMMSPEC_HAVE_PROOFS
  proofs::SeedNeedEncoding encoding_;
#endif
};

TEST(SeedNeedFault, PteNeedFaultOnEveryCombinationOfTheBitsItReads) {
  Others others;
  std::mt19937_64 rng(98);
  std::set<unsigned> answers;
  unsigned cases = 0;
  for (const auto& f : kFlagPatterns) {
    const std::vector<unsigned> pos = read_positions(f);
    ASSERT_LE(pos.size(), 2u);
    const u64 read = f[0] | f[1];
    const unsigned n = 1u << pos.size();
    for (int noisy = 0; noisy < 2; ++noisy)
      for (unsigned req = 0; req < n; ++req)
        for (unsigned mask = 0; mask < n; ++mask)
          for (unsigned def = 0; def < n; ++def)
            for (unsigned cpu = 0; cpu < n; ++cpu) {
              auto noise = [&] { return noisy ? rng() & ~read : 0; };
              const u64 q = spread(req, pos) | noise(), m = spread(mask, pos) | noise(),
                        d = spread(def, pos) | noise(), c = spread(cpu, pos) | noise();
              const unsigned seed = hmmspec_seed_pte_need_fault(f.data(), d, m, q, c);
              answers.insert(seed);
              ++cases;
              const std::string bad = others.pte_differs(range_of(f, d, m), q, c, seed);
              ASSERT_EQ(bad, "") << std::hex << "V " << f[0] << " W " << f[1] << " request " << q
                                 << " mask " << m << " default " << d << " cpu " << c
                                 << ": the seed gives " << seed;
            }
  }
  EXPECT_EQ(answers, (std::set<unsigned>{0, 1, 3})); // every answer hmm.c can give was reached
  EXPECT_GT(cases, 2000u);
}

TEST(SeedNeedFault, RangeNeedFaultOnRunsOfRequests) {
  Others others;
  unsigned cases = 0;
  for (const auto& f : kFlagPatterns) {
    const u64 V = f[0], W = f[1];
    const std::vector<u64> words = {0, V, W, V | W};
    for (u64 m : {u64(0), ~u64(0), V, V | W})
      for (u64 d : {u64(0), V, V | W})
        for (u64 c : words)
          for (unsigned pages = 1; pages <= 3; ++pages) {
            std::vector<u64> reqs(pages);
            unsigned total = 1;
            for (unsigned i = 0; i < pages; ++i) total *= unsigned(words.size());
            for (unsigned k = 0; k < total; ++k) {
              for (unsigned i = 0, x = k; i < pages; ++i, x /= unsigned(words.size()))
                reqs[i] = words[x % words.size()];
              const unsigned seed =
                  hmmspec_seed_range_need_fault(f.data(), d, m, reqs.data(), pages, c);
              ++cases;
              const std::string bad = others.range_differs(range_of(f, d, m), reqs, c, seed);
              ASSERT_EQ(bad, "") << std::hex << "V " << V << " W " << W << " mask " << m
                                 << " default " << d << " cpu " << c << " " << pages
                                 << " page(s): the seed gives " << seed;
            }
          }
  }
  EXPECT_GT(cases, 10000u);
}

} // namespace
} // namespace hmmspec
