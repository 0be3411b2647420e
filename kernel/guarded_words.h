// SPDX-License-Identifier: GPL-2.0-or-later
// An array of words placed so that an access just past either end faults at once: its own
// mapping, the words at the end of its read-write pages, a PROT_NONE guard page after them and
// one before. The kernel party gives hmm.c its pfns[] in one (docs/kernel-party.md,
// "Isolation"), so that an index past the array stops the call with SIGSEGV at the first word
// past it instead of writing over the shim's memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "model/x86_bits.h"

namespace hmmspec::kernel {

class GuardedWords {
public:
  explicit GuardedWords(std::size_t count); // zeroed; aborts when the memory cannot be mapped
  ~GuardedWords();
  GuardedWords(const GuardedWords&) = delete;
  GuardedWords& operator=(const GuardedWords&) = delete;

  u64* data() { return words_; }
  std::size_t size() const { return count_; }
  // "pfns[N]" (with `name` "pfns") when addr is in the array or its guard pages; "" otherwise.
  std::string name_of(std::uintptr_t addr, const char* name) const;

private:
  void* map_ = nullptr;
  std::size_t map_bytes_ = 0;
  u64* words_ = nullptr;
  std::size_t count_ = 0;
};

} // namespace hmmspec::kernel
