// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel/loader.h"

#include <dlfcn.h>
#include <fmt/format.h>

#include <cstring>
#include <filesystem>
#include <vector>

#include "kernel_abi_tag.h"
#include "kernel_objects.h"

namespace hmmspec {

std::variant<LoadedKernel, std::string> load_kernel_object(const std::string& path) {
  void* handle = dlopen(path.c_str(), RTLD_LOCAL | RTLD_NOW);
  if (!handle) {
    const char* error = dlerror();
    std::string why = error ? error : "dlopen failed";
    if (why.rfind(path + ": ", 0) == 0) why.erase(0, path.size() + 2); // dlerror names it too
    return fmt::format("cannot load {}: {}", path, why);
  }
  void* entry = dlsym(handle, kKernelPartyEntry);
  if (!entry) {
    dlclose(handle);
    return fmt::format("{} is not a kernel party: it has no {} function", path, kKernelPartyEntry);
  }
  auto fn = reinterpret_cast<hmmspec_kernel_party_fn>(entry);
  const KernelPartyDescriptor* d = fn();
  const KernelPartyAbi want;
  if (!d || d->abi.magic != kKernelPartyMagic) {
    dlclose(handle);
    return fmt::format("{} is not a kernel party: its descriptor is not one", path);
  }
  if (!d->abi.tag || std::strcmp(d->abi.tag, HMMSPEC_KERNEL_ABI_TAG) != 0 ||
      d->abi.world_size != want.world_size || d->abi.range_size != want.range_size ||
      d->abi.options_size != want.options_size || d->abi.outcome_size != want.outcome_size) {
    dlclose(handle);
    return fmt::format("{} was built by another hmmspec build (ABI tag {}, this build's {}); "
                       "rebuild it with this tree",
                       path, d->abi.tag ? d->abi.tag : "(none)", HMMSPEC_KERNEL_ABI_TAG);
  }
  if (!d->name || !d->label || !d->source || !d->run ||
      (d->family != KernelVersion::V5_7 && d->family != KernelVersion::V6_1 &&
       d->family != KernelVersion::V6_12)) {
    dlclose(handle);
    return fmt::format("{} is not a kernel party: its descriptor is incomplete", path);
  }
  return LoadedKernel{d, path};
}

std::vector<std::string> kernel_object_dirs() {
  return {HMMSPEC_KERNEL_OBJECT_DIRS};
}

const char* kernel_abi_tag() {
  return HMMSPEC_KERNEL_ABI_TAG;
}

namespace {

// The object named like `built` (its path in the build tree) in one of kernel_object_dirs()
// beside the running executable, or `built` itself when there is none.
std::string located_kernel_object(const std::filesystem::path& exe_dir, const std::string& built) {
  const std::filesystem::path name = std::filesystem::path(built).filename();
  std::error_code ec;
  for (const std::string& dir : kernel_object_dirs()) {
    std::filesystem::path candidate = (exe_dir / dir / name).lexically_normal();
    if (std::filesystem::is_regular_file(candidate, ec)) return candidate.string();
  }
  return built;
}

} // namespace

const std::vector<std::string>& built_kernel_objects() {
  static const std::vector<std::string> objects = [] {
    std::vector<std::string> built{HMMSPEC_BUILT_KERNEL_OBJECTS};
    std::error_code ec;
    std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) return built;
    for (std::string& path : built) path = located_kernel_object(exe.parent_path(), path);
    return built;
  }();
  return objects;
}

} // namespace hmmspec
