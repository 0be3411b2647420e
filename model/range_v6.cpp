// SPDX-License-Identifier: GPL-2.0-or-later
#include "model/range_v6.h"

#include <fmt/format.h>

namespace hmmspec {

RequestMeaning request_meaning(KernelVersion v, const HmmRange& r, u64 word) {
  if (has_v6_api(v)) return {(word & hmm6::REQ_FAULT) != 0, (word & hmm6::REQ_WRITE) != 0};
  return {(word & r.flags[HMM_PFN_VALID]) != 0, (word & r.flags[HMM_PFN_WRITE]) != 0};
}

u64 request_word(KernelVersion v, const HmmRange& r, RequestMeaning m) {
  if (has_v6_api(v)) return (m.fault ? hmm6::REQ_FAULT : 0) | (m.write ? hmm6::REQ_WRITE : 0);
  return (m.fault ? r.flags[HMM_PFN_VALID] : 0) | (m.write ? r.flags[HMM_PFN_WRITE] : 0);
}

std::string describe_request_v6(u64 word) {
  bool v = word & hmm6::REQ_FAULT, w = word & hmm6::REQ_WRITE;
  if (!v && !w) return "-";
  return std::string(v ? "V" : "") + (w ? "W" : "");
}

std::string describe_output_v6(u64 word) {
  if (word == 0) return "NONE";
  if (word == hmm6::ERROR) return "ERROR";
  std::string s = fmt::format("pfn={:#x}", hmm6::pfn_of(word));
  if (word & hmm6::VALID) s += " V";
  if (word & hmm6::WRITE) s += " W";
  if (unsigned order = hmm6::order_of(word)) s += fmt::format(" order={}", order);
  if (word & hmm6::ERROR) s += fmt::format(" other={:#x}", hmm6::ERROR);
  return s;
}

std::string describe_request(KernelVersion v, const HmmRange& r, u64 word) {
  return has_v6_api(v) ? describe_request_v6(word) : describe_request(r, word);
}

std::string describe_output(KernelVersion v, const HmmRange& r, u64 word) {
  return has_v6_api(v) ? describe_output_v6(word) : describe_output(r, word);
}

} // namespace hmmspec
