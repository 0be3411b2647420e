// SPDX-License-Identifier: GPL-2.0-or-later
// TRUSTED: part of the specification. The kernel versions hmmspec knows. A version is a family
// of kernels that share the hmm_range_fault API and the encoding of page-table words that
// hmm.c reads: v5.7 (the driver-encoded API of include/linux/hmm.h at v5.7), and the Debian
// 6.1 and 6.12 trees (the fixed-bit API of 6.1 include/linux/hmm.h:34-46, identical in 6.12).
// docs/versions.md says what differs between them.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace hmmspec {

enum class KernelVersion : std::uint8_t { V5_7, V6_1, V6_12 };
inline constexpr std::array<KernelVersion, 3> kAllKernelVersions{
    KernelVersion::V5_7, KernelVersion::V6_1, KernelVersion::V6_12};

// "5.7", "6.1", "6.12".
constexpr std::string_view version_name(KernelVersion v) {
  switch (v) {
  case KernelVersion::V5_7:
    return "5.7";
  case KernelVersion::V6_1:
    return "6.1";
  case KernelVersion::V6_12:
    return "6.12";
  }
  return "?";
}
constexpr std::optional<KernelVersion> version_from_name(std::string_view s) {
  for (KernelVersion v : kAllKernelVersions)
    if (version_name(v) == s) return v;
  return std::nullopt;
}

// Whether the version has the fixed-bit API (hmm_pfns[], HMM_PFN_VALID/WRITE/ERROR, map order,
// return 0 on success) rather than v5.7's flags[]/values[]/pfn_shift.
constexpr bool has_v6_api(KernelVersion v) {
  return v != KernelVersion::V5_7;
}

} // namespace hmmspec
