// SPDX-License-Identifier: GPL-2.0-or-later
// The symbolic words of the scenario format (docs/scenario-format.md) that the parser reads
// and the printer writes: the names of VM_FAULT_* bits and of VMA flags, and the REQ and OUT
// symbols, which stand for words of the range's encoding and are resolved once it is known.
// Internal to model/: callers use model/scenario_format.h.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "model/kernel_version.h"
#include "model/range.h"
#include "model/vma.h"

namespace hmmspec::scenario_text {

// ---- VM_FAULT_* bits: inject error=BITS and expect fault ... -> BITS ----

// The bit of one name (oom, sigbus, hwpoison, ...).
std::optional<unsigned> fault_bit_from_name(std::string_view name);
// Names joined by `|` (sigbus|oom), or hex when a bit has no name or none is set.
std::string fault_bits_text(unsigned bits);

// ---- VMA flags: the bare words of a vma line ----

inline constexpr std::array<std::pair<std::string_view, u64>, 8> kVmaFlags{{
    {"read", vm::READ},
    {"write", vm::WRITE},
    {"exec", vm::EXEC},
    {"shared", vm::SHARED},
    {"io", vm::IO},
    {"pfnmap", vm::PFNMAP},
    {"mixedmap", vm::MIXEDMAP},
    {"hugepage", vm::HUGEPAGE},
}};

// The flag words of a vma line, each with a leading blank (" read write file hugetlb=2M").
std::string vma_flag_text(const Vma& v);

// ---- REQ and OUT: resolved against the range's final flags[] and values[] (v5.7), or the
// fixed bits of the 6.x API (model/range_v6.h) ----

// A REQ token: V, W, VW, 0 or a number (or `all`), in the range's final flags[] (v5.7) or as
// HMM_PFN_REQ_FAULT and HMM_PFN_REQ_WRITE (6.x).
struct Req {
  bool symbolic = false;
  bool v = false, w = false;
  u64 value = 0;
  u64 resolve(KernelVersion k, const HmmRange& r) const;
};

// An OUT token of `expect pfn`: a sentinel of values[] (6.x: none is 0, error HMM_PFN_ERROR),
// a pfn with flags (and in 6.x a map order), or a raw word.
struct Out {
  enum class Form : std::uint8_t { Word, Error, None, Special, Pfn } form = Form::Word;
  u64 value = 0; // Word: the word; Pfn: the pfn
  bool v = false, w = false;
  unsigned order = 0; // Pfn, 6.x: hmm_pfn_to_map_order
  u64 resolve(KernelVersion k, const HmmRange& r) const;
};

// The REQ text of a request word (`all` for all ones when allow_all).
std::string req_text(KernelVersion k, const HmmRange& r, u64 value, bool allow_all);
// The OUT text of an output word (`+` when the pfn increments per page).
std::string out_text(KernelVersion k, const HmmRange& r, u64 word, bool increments);
// How much an expected output grows per page with `+`: one pfn (1 << pfn_shift in v5.7).
u64 out_step(KernelVersion k, const HmmRange& r);

} // namespace hmmspec::scenario_text
