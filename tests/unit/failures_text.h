// SPDX-License-Identifier: GPL-2.0-or-later
// The failed expectations of a run as a test prints them, one per line.
#pragma once

#include <fmt/format.h>

#include <string>
#include <vector>

#include "model/scenario.h"

namespace hmmspec {

inline std::string failures_text(const std::vector<Failure>& fs) {
  std::string s;
  for (const Failure& f : fs)
    s += fmt::format("  {}:{}:{}: {}\n", f.loc.file, f.loc.line, f.loc.col, f.message);
  return s;
}

} // namespace hmmspec
