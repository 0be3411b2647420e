// SPDX-License-Identifier: GPL-2.0-or-later
// Loading a kernel party's shared object (kernel/party_abi.h): dlopen with RTLD_LOCAL |
// RTLD_NOW, so that each kernel's symbols (its hmm.c, its shim and its own copy of the model)
// stay apart from every other's, then the descriptor, checked against this build's ABI tag.
// Objects stay loaded for the life of the process.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "kernel/party_abi.h"

namespace hmmspec {

struct LoadedKernel {
  const KernelPartyDescriptor* descriptor = nullptr;
  std::string path; // as given
};

// The descriptor of the kernel party in the shared object at `path`, or a message saying why
// it cannot be used ("not a kernel party", "built by another hmmspec build", dlerror()).
std::variant<LoadedKernel, std::string> load_kernel_object(const std::string& path);

// The shared objects this build made, in build order (the v5.7 kernel first, then the Debian
// kernels, then HMMSPEC_KERNELS). Each is looked for first beside the running executable, in
// the directories of kernel_object_dirs(), so that an installed hmmspec (and fuzzers copied to
// OSS-Fuzz's $OUT) load their own copies; else at its path in the build tree.
const std::vector<std::string>& built_kernel_objects();

// Where the kernel objects of an installed or copied hmmspec lie, relative to the directory of
// the running executable: the install layout (bin/ -> lib/hmmspec, from the build's install
// directories) and the OSS-Fuzz one ($OUT/lib/hmmspec beside the fuzzers).
std::vector<std::string> kernel_object_dirs();

// This build's ABI tag (kernel/party_abi.h): an object loads only when it carries the same.
const char* kernel_abi_tag();

} // namespace hmmspec
