// SPDX-License-Identifier: GPL-2.0-or-later
// The symbolic words of the scenario format: fault bits, VMA flags, REQ and OUT.
#include "model/scenario_symbols.h"

#include <algorithm>
#include <fmt/format.h>

#include "model/range_v6.h"
#include "model/scenario_lexer.h"

namespace hmmspec::scenario_text {

namespace {

// VM_FAULT_* in the order of their bits.
constexpr std::array<std::pair<std::string_view, unsigned>, 13> kFaultBits{{
    {"oom", 0x1},
    {"sigbus", 0x2},
    {"major", 0x4},
    {"write", 0x8},
    {"hwpoison", 0x10},
    {"hwpoison_large", 0x20},
    {"sigsegv", 0x40},
    {"nopage", 0x100},
    {"locked", 0x200},
    {"retry", 0x400},
    {"fallback", 0x800},
    {"done_cow", 0x1000},
    {"needdsync", 0x2000},
}};

} // namespace

std::optional<unsigned> fault_bit_from_name(std::string_view name) {
  auto it =
      std::find_if(kFaultBits.begin(), kFaultBits.end(), [&](auto& p) { return p.first == name; });
  if (it == kFaultBits.end()) return std::nullopt;
  return it->second;
}

std::string fault_bits_text(unsigned bits) {
  std::string s;
  unsigned left = bits;
  for (auto [name, bit] : kFaultBits)
    if (bits & bit) {
      s += s.empty() ? "" : "|";
      s += name;
      left &= ~bit;
    }
  if (left || s.empty()) return hex(bits);
  return s;
}

std::string vma_flag_text(const Vma& v) {
  std::string s;
  u64 left = v.flags & ~vm::HUGETLB;
  for (auto [name, bit] : kVmaFlags)
    if (v.flags & bit) {
      s += fmt::format(" {}", name);
      left &= ~bit;
    }
  if (!v.anonymous) s += " file";
  if (v.hugetlb()) s += " hugetlb=" + size_text(v.hugetlb_size);
  if (left) s += " vm_flags=" + hex(left);
  return s;
}

u64 Req::resolve(KernelVersion k, const HmmRange& r) const {
  if (!symbolic) return value;
  return request_word(k, r, RequestMeaning{v, w});
}

u64 Out::resolve(KernelVersion k, const HmmRange& r) const {
  if (has_v6_api(k)) {
    switch (form) {
    case Form::Error:
      return hmm6::ERROR;
    case Form::None:
      return 0;
    case Form::Pfn:
      return value | (v ? hmm6::VALID : 0) | (w ? hmm6::WRITE : 0) |
             (u64(order) << hmm6::ORDER_SHIFT);
    default: // Word (Special does not exist in 6.x: the parser refuses it)
      return value;
    }
  }
  switch (form) {
  case Form::Word:
    return value;
  case Form::Error:
    return r.values[HMM_PFN_ERROR];
  case Form::None:
    return r.values[HMM_PFN_NONE];
  case Form::Special:
    return r.values[HMM_PFN_SPECIAL];
  case Form::Pfn:
    return (value << r.pfn_shift) | (v ? r.flags[HMM_PFN_VALID] : 0) |
           (w ? r.flags[HMM_PFN_WRITE] : 0);
  }
  return value;
}

std::string req_text(KernelVersion k, const HmmRange& r, u64 value, bool allow_all) {
  if (allow_all && value == ~0ull) return "all";
  if (value == 0) return "0";
  u64 v = request_word(k, r, {true, false}), w = request_word(k, r, {false, true});
  if (value == v) return "V";
  if (value == w) return "W";
  if (value == (v | w)) return "VW";
  return hex(value);
}

std::string out_text(KernelVersion k, const HmmRange& r, u64 word, bool increments) {
  const bool v6 = has_v6_api(k);
  if (!increments) {
    if (v6) {
      if (word == hmm6::ERROR) return "error";
      if (word == 0) return "none";
    } else {
      if (word == r.values[HMM_PFN_ERROR]) return "error";
      if (word == r.values[HMM_PFN_NONE]) return "none";
      if (word == r.values[HMM_PFN_SPECIAL]) return "special";
    }
  }
  u64 pfn = v6 ? hmm6::pfn_of(word) : word >> r.pfn_shift;
  unsigned order = v6 ? hmm6::order_of(word) : 0;
  for (unsigned combo = 0; combo < 4; ++combo) {
    Out o{Out::Form::Pfn, pfn, (combo & 1) != 0, (combo & 2) != 0, order};
    if (o.resolve(k, r) != word) continue;
    return fmt::format("pfn={}{}{}{}{}", hex(pfn), increments ? "+" : "", o.v ? " V" : "",
                       o.w ? " W" : "", order ? fmt::format(" order={}", order) : "");
  }
  return hex(word) + (increments ? "+" : "");
}

u64 out_step(KernelVersion k, const HmmRange& r) {
  return has_v6_api(k) ? 1 : u64(1) << r.pfn_shift;
}

} // namespace hmmspec::scenario_text
