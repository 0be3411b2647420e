// SPDX-License-Identifier: GPL-2.0-or-later
// Naming the code at an address after a kernel party failed (kernel/isolation.h): the function
// and its file:line from the object's debug information (`addr2line -f` on the object's offset,
// run only then), else the object and the offset ("libhmmspec_kernel_5.7.so+0x1a2b").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hmmspec::kernel {

struct CodeSite {
  std::string function; // "hmm_vma_walk_pmd"; "" when unknown
  std::string file;     // "mm/hmm.c", "kernel/session.cpp"; "" when unknown
  unsigned line = 0;
  std::string object; // the file name of the object the code is in
  std::uintptr_t offset = 0;
  bool in_hmm_c() const; // the code is a kernel's mm/hmm.c
};
// "hmm_vma_walk_pmd, mm/hmm.c:365", else "libhmmspec_kernel_5.7.so+0x1a2b".
std::string describe(const CodeSite& s);

// The sites of `pcs`, innermost first: the first is where it happened, the others are return
// addresses (looked up one byte back, inside the call). Each address gives its chain of inlined
// frames, innermost first, when the object has debug information.
std::vector<CodeSite> code_sites(const std::vector<std::uintptr_t>& pcs);

} // namespace hmmspec::kernel
