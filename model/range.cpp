// SPDX-License-Identifier: GPL-2.0-or-later
#include "model/range.h"

#include <fmt/format.h>

namespace hmmspec {

bool apply_driver_encoding(HmmRange& r, const std::string& driver) {
  if (driver == "nouveau") { // nouveau_svm.c:372-383 and 546-547, v5.7
    r.flags = {0x1, 0x2};
    r.values = {~1ull, 0, ~1ull};
    r.pfn_shift = 12;
    r.default_flags = 0;
    r.pfn_flags_mask = ~0ull;
    return true;
  }
  if (driver == "amdgpu") { // amdgpu_ttm.c:769-779, v5.7: whole-range request, mask 0
    r.flags = {0x1, 0x2};
    r.values = {0xfffffffffffffffeull, 0, 0xfffffffffffffffcull};
    r.pfn_shift = 12;
    r.default_flags = r.flags[HMM_PFN_VALID];
    r.pfn_flags_mask = 0;
    return true;
  }
  return false;
}

std::string describe_request(const HmmRange& r, u64 word) {
  bool v = word & r.flags[HMM_PFN_VALID];
  bool w = word & r.flags[HMM_PFN_WRITE];
  if (!v && !w) return "-";
  return std::string(v ? "V" : "") + (w ? "W" : "");
}

std::string describe_output(const HmmRange& r, u64 word) {
  std::string names;
  auto add = [&](const char* n) { names += names.empty() ? n : std::string("|") + n; };
  if (word == r.values[HMM_PFN_ERROR]) add("ERROR");
  if (word == r.values[HMM_PFN_NONE]) add("NONE");
  if (word == r.values[HMM_PFN_SPECIAL]) add("SPECIAL");
  if (!names.empty()) return names;
  std::string s = fmt::format("pfn={:#x}", word >> r.pfn_shift);
  if (word & r.flags[HMM_PFN_VALID]) s += " V";
  if (word & r.flags[HMM_PFN_WRITE]) s += " W";
  u64 low = word & ((r.pfn_shift >= 64 ? ~0ull : (1ull << r.pfn_shift)) - 1) &
            ~(r.flags[HMM_PFN_VALID] | r.flags[HMM_PFN_WRITE]);
  if (low) s += fmt::format(" other={:#x}", low);
  return s;
}

} // namespace hmmspec
