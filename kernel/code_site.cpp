// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel/code_site.h"

#include <dlfcn.h>
#include <elf.h>
#include <fmt/format.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <utility>

namespace hmmspec::kernel {

namespace {

std::string shell_quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// A path from the debug information as the reports write it: the kernel's "mm/hmm.c" (the build
// maps the file's directory to mm/), the repository's "kernel/session.cpp", else the file name.
std::string short_path(const std::string& path) {
  // the kernel's file, however the debug information joins its directory and name
  if (path == "mm/hmm.c" || path.ends_with("/mm/hmm.c")) return "mm/hmm.c";
  for (const char* dir : {"/kernel/", "/model/"}) {
    auto at = path.rfind(dir);
    if (at != std::string::npos) return path.substr(at + 1);
  }
  if (path.rfind("mm/", 0) == 0) return path;
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// addr2line -a -f -i on the offsets of one object: per offset, the offset, then a function and
// FILE:LINE per frame, innermost (inlined) first. Each site gets its chain.
void symbolize(const std::string& object, const std::vector<std::size_t>& which,
               std::vector<std::vector<CodeSite>>& chains) {
  std::string cmd = "addr2line -a -f -i -e " + shell_quoted(object);
  for (std::size_t i : which) cmd += fmt::format(" {:#x}", chains[i].front().offset);
  cmd += " 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return;
  std::vector<std::string> lines;
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), buf.size(), p)) {
    std::string l = buf.data();
    while (!l.empty() && (l.back() == '\n' || l.back() == '\r')) l.pop_back();
    lines.push_back(l);
  }
  pclose(p);
  std::size_t k = 0, n = 0; // the line, the address
  while (k < lines.size() && n < which.size()) {
    if (lines[k].rfind("0x", 0) != 0) break; // out of step: keep what is known
    ++k;
    const CodeSite at = chains[which[n]].front();
    std::vector<CodeSite> chain;
    while (k + 1 < lines.size() && lines[k].rfind("0x", 0) != 0) {
      CodeSite s = at;
      const std::string& fn = lines[k];
      const std::string& loc = lines[k + 1];
      k += 2;
      if (fn != "??") s.function = fn;
      auto colon = loc.rfind(':');
      if (colon != std::string::npos && loc.compare(0, 2, "??") != 0) {
        s.file = short_path(loc.substr(0, colon));
        s.line = static_cast<unsigned>(std::strtoul(loc.c_str() + colon + 1, nullptr, 10));
      }
      chain.push_back(s);
    }
    if (!chain.empty()) chains[which[n]] = chain;
    ++n;
  }
}

} // namespace

bool CodeSite::in_hmm_c() const {
  return file == "mm/hmm.c";
}

std::string describe(const CodeSite& s) {
  if (!s.file.empty() && s.line)
    return fmt::format("{}, {}:{}", s.function.empty() ? "?" : s.function, s.file, s.line);
  if (!s.function.empty()) return fmt::format("{} in {}+{:#x}", s.function, s.object, s.offset);
  return fmt::format("{}+{:#x}", s.object.empty() ? "?" : s.object, s.offset);
}

std::vector<CodeSite> code_sites(const std::vector<std::uintptr_t>& pcs) {
  // What addr2line said, per object and offset, for the life of the process: a broken kernel
  // crashes at the same places scenario after scenario, and addr2line reads the object's whole
  // debug information each time (a second or so).
  static std::mutex mutex;
  static std::map<std::pair<std::string, std::uintptr_t>, std::vector<CodeSite>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  std::vector<std::vector<CodeSite>> chains(pcs.size(), std::vector<CodeSite>(1));
  std::map<std::string, std::vector<std::size_t>> by_object; // the path dladdr gives
  for (std::size_t i = 0; i < pcs.size(); ++i) {
    CodeSite& site = chains[i].front();
    const std::uintptr_t pc = i == 0 ? pcs[i] : pcs[i] - 1;
    Dl_info info{};
    if (!dladdr(reinterpret_cast<void*>(pc), &info) || !info.dli_fname) {
      site.offset = pc;
      continue;
    }
    // addr2line takes offsets in a shared object or a position-independent executable, and
    // addresses in an executable linked at a fixed address (ET_EXEC).
    const auto* ehdr = static_cast<const Elf64_Ehdr*>(info.dli_fbase);
    site.offset =
        ehdr && ehdr->e_type == ET_EXEC ? pc : pc - reinterpret_cast<std::uintptr_t>(ehdr);
    std::string path = info.dli_fname;
    if (path.empty()) path = "/proc/self/exe"; // the main program
    auto slash = path.rfind('/');
    site.object = slash == std::string::npos ? path : path.substr(slash + 1);
    // Only the code of the kernel objects (and of the object where it happened) is looked up:
    // the frames of the harness and the C library say nothing about the kernel.
    if (i > 0 && site.object != chains[0].front().object &&
        site.object.rfind("libhmmspec_kernel_", 0) != 0)
      continue;
    auto known = cache.find({path, site.offset});
    if (known != cache.end())
      chains[i] = known->second;
    else
      by_object[path].push_back(i);
  }
  for (const auto& [object, which] : by_object) {
    symbolize(object, which, chains);
    for (std::size_t i : which) cache[{object, chains[i].front().offset}] = chains[i];
  }
  std::vector<CodeSite> sites;
  for (const auto& chain : chains) sites.insert(sites.end(), chain.begin(), chain.end());
  return sites;
}

} // namespace hmmspec::kernel
