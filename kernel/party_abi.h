// SPDX-License-Identifier: GPL-2.0-or-later
// The boundary between hmmspec and a kernel party's shared object (libhmmspec_kernel_<tag>.so):
// one exported C function, hmmspec_kernel_party, returns the descriptor of the party. The
// descriptor's run function takes and returns the model's C++ types (World, HmmRange,
// RunOptions, Outcome): both sides are built from the same headers with the same compiler, and
// the ABI tag says so (a hash of the model's headers, this file and the compiler and its
// sanitizer flags; cmake/HmmspecKernelAbi.cmake). A loader checks `abi` first, which stays the
// first member in every version of this file.
#pragma once

#include <cstddef>

#include "model/kernel_version.h"
#include "model/outcome.h"

namespace hmmspec {

inline constexpr unsigned kKernelPartyMagic = 0x686d6d6b; // "hmmk"
inline constexpr const char* kKernelPartyEntry = "hmmspec_kernel_party";

struct KernelPartyAbi {
  unsigned magic = kKernelPartyMagic;
  const char* tag = nullptr; // HMMSPEC_KERNEL_ABI_TAG of the build that made the object
  std::size_t world_size = sizeof(World);
  std::size_t range_size = sizeof(HmmRange);
  std::size_t options_size = sizeof(RunOptions);
  std::size_t outcome_size = sizeof(Outcome);
};

struct KernelPartyDescriptor {
  KernelPartyAbi abi;
  KernelVersion family = KernelVersion::V5_7; // the shim family it was compiled under
  const char* name = nullptr;                 // the party's name: "kernel-6.1"
  const char* label = nullptr;                // "v5.7 (/path/hmm.c)", "Debian 6.1.192"
  const char* source = nullptr;               // the hmm.c compiled
  Outcome (*run)(const World&, const HmmRange&, const RunOptions&) = nullptr;
};

} // namespace hmmspec

extern "C" {
using hmmspec_kernel_party_fn = const hmmspec::KernelPartyDescriptor* (*)();
}
