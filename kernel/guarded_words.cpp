// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel/guarded_words.h"

#include <fmt/format.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace hmmspec::kernel {

namespace {

// The last mapping a GuardedWords of this thread gave back, kept for the next one of the same
// size: a run of calls on ranges of one size (a campaign, an exhaustive bound) maps once. Only
// small ones are kept (a large range's walk costs far more than its mapping).
constexpr std::size_t kSpareBytes = std::size_t{1} << 20;
struct SpareMapping {
  void* map = nullptr;
  std::size_t bytes = 0;
  ~SpareMapping() {
    if (map) munmap(map, bytes);
  }
};
thread_local SpareMapping spare;

} // namespace

GuardedWords::GuardedWords(std::size_t count) : count_(count) {
  const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  const std::size_t bytes = count * sizeof(u64);
  const std::size_t data = (bytes + page - 1) / page * page; // at least one page: count may be 0
  const std::size_t data_pages = data ? data : page;
  map_bytes_ = data_pages + 2 * page;
  const bool reused = spare.map && spare.bytes == map_bytes_;
  map_ = reused ? std::exchange(spare.map, nullptr)
                : mmap(nullptr, map_bytes_, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  auto* base = static_cast<unsigned char*>(map_);
  if (reused) {
    std::memset(base + page, 0, data_pages); // as zeroed as a fresh mapping
  } else if (map_ == MAP_FAILED || mprotect(base + page, data_pages, PROT_READ | PROT_WRITE) != 0) {
    std::fprintf(stderr, "hmmspec: cannot map %zu bytes for the kernel's pfns[]\n", map_bytes_);
    std::abort();
  }
  // The words end where the guard page after them begins.
  words_ = reinterpret_cast<u64*>(base + page + data_pages - bytes);
}

GuardedWords::~GuardedWords() {
  if (map_bytes_ > kSpareBytes) {
    munmap(map_, map_bytes_);
    return;
  }
  if (spare.map) munmap(spare.map, spare.bytes);
  spare.map = map_;
  spare.bytes = map_bytes_;
}

std::string GuardedWords::name_of(std::uintptr_t addr, const char* name) const {
  const auto lo = reinterpret_cast<std::uintptr_t>(map_);
  const auto first = reinterpret_cast<std::uintptr_t>(words_);
  if (addr < lo || addr >= lo + map_bytes_) return "";
  // the index of the word the address falls in, negative before the array
  const auto offset = static_cast<long long>(addr) - static_cast<long long>(first);
  const long long index = offset >= 0 ? offset / 8 : -((-offset + 7) / 8);
  std::string s = fmt::format("{}[{}]", name, index);
  if (index >= static_cast<long long>(count_))
    s += fmt::format(" (past the end: {}[] has {} entries)", name, count_);
  else if (index < 0)
    s += fmt::format(" (before the start of {}[])", name);
  return s;
}

} // namespace hmmspec::kernel
