// SPDX-License-Identifier: GPL-2.0-or-later
// The one exported symbol of a kernel party's shared object (kernel/party_abi.h): the
// descriptor naming the kernel, its shim family and its source, and running it. Compiled per
// kernel: the build defines the name, the source path and the family, and generates the label
// (kernel/CMakeLists.txt).
#include "kernel/kernel_party.h"
#include "kernel/party_abi.h"
#include "kernel_abi_tag.h"
#include "kernel_label.h"

namespace {

constexpr hmmspec::KernelVersion family() {
#if HMMSPEC_KERNEL_FAMILY == 507
  return hmmspec::KernelVersion::V5_7;
#elif HMMSPEC_KERNEL_FAMILY == 601
  return hmmspec::KernelVersion::V6_1;
#else
  return hmmspec::KernelVersion::V6_12;
#endif
}

} // namespace

extern "C" __attribute__((visibility("default"))) const hmmspec::KernelPartyDescriptor*
hmmspec_kernel_party() {
  static const hmmspec::KernelPartyDescriptor descriptor{
      hmmspec::KernelPartyAbi{.tag = HMMSPEC_KERNEL_ABI_TAG},
      family(),
      HMMSPEC_KERNEL_NAME,
      HMMSPEC_KERNEL_LABEL,
      HMMSPEC_KERNEL_SOURCE,
      &hmmspec::kernel_hmm_range_fault,
  };
  return &descriptor;
}
