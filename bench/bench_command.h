// SPDX-License-Identifier: GPL-2.0-or-later
// `hmmspec bench`: the benchmark tables of issue 5 on every contender, side by side, with
// pages per second and ratios (bench/measure.h). Implemented in tools/cmd_bench.cpp.
#pragma once

#include <CLI/CLI.hpp>

namespace hmmspec {

void add_bench_command(CLI::App& app, int& exit_code);

} // namespace hmmspec
