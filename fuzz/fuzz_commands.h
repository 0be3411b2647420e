// SPDX-License-Identifier: GPL-2.0-or-later
// The fuzzing subcommands of `hmmspec` (tools/cmd_fuzz.cpp, tools/cmd_reproduce.cpp):
//   hmmspec fuzz --seconds N [--seed S]   the built-in differential campaign
//   hmmspec reproduce CRASH_FILE [-o F]   fuzzer bytes -> minimized scenario file
#pragma once

#include <CLI/CLI.hpp>

namespace hmmspec {

void add_fuzz_command(CLI::App& app, int& exit_code);
void add_reproduce_command(CLI::App& app, int& exit_code);

} // namespace hmmspec
