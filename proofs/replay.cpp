// SPDX-License-Identifier: GPL-2.0-or-later
#include "proofs/replay.h"

#include <fmt/format.h>

namespace hmmspec::proofs {

using namespace x86;

bool asks_read(const HmmRange& r, u64 p) {
  return ((p & r.pfn_flags_mask) | r.default_flags) & r.flags[HMM_PFN_VALID];
}

bool asks_write(const HmmRange& r, u64 p) {
  return asks_read(r, p) && (((p & r.pfn_flags_mask) | r.default_flags) & r.flags[HMM_PFN_WRITE]);
}

bool request_met(const HmmRange& r, u64 p, bool accessible, bool writable) {
  return (!asks_read(r, p) || accessible) && (!asks_write(r, p) || (accessible && writable));
}

unsigned full_or_need_fault(const HmmRange& r, std::span<const u64> pages, u64 cpu_flags) {
  unsigned need = 0;
  for (u64 p : pages) need |= pte_need_fault(r, p, cpu_flags);
  return need;
}

u64 cpu_flags_of_word(const HmmRange& r, Level l, u64 w) {
  bool protnone = (w & (PROTNONE | PRESENT)) == PROTNONE;
  switch (l) {
  case Level::Pmd: // pmd_to_hmm_pfn_flags: 0 only for protnone
    return cpu_flags_for(r, !protnone, w & RW);
  case Level::Pud: // pud_to_hmm_pfn_flags: 0 unless PRESENT
    return cpu_flags_for(r, w & PRESENT, w & RW);
  default: { // pte_to_hmm_pfn_flags: none, not present or protnone give 0
    bool none = (w & ~KNL_ERRATUM_MASK) == 0;
    bool present = w & (PRESENT | PROTNONE);
    return cpu_flags_for(r, !none && present && !protnone, w & RW);
  }
  }
}

u64 output_of(const HmmRange& r, u64 pfn, bool accessible, bool writable) {
  return device_entry_from_pfn(r, pfn) | cpu_flags_for(r, accessible, writable);
}

std::string hex(u64 v) {
  return fmt::format("{:#x}", v);
}

} // namespace hmmspec::proofs
