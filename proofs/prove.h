// SPDX-License-Identifier: GPL-2.0-or-later
// `hmmspec prove [--driver nouveau|amdgpu|FILE]... [--smt2 DIR] [--no-classifier] [-v]`:
// runs the Z3 obligations of docs/proofs.md and prints a table (obligation, result, seconds).
// Exit code 0 when every row is as expected, 1 when an obligation fails, 2 on bad input.
#pragma once

namespace CLI {
class App;
}

namespace hmmspec {

void add_prove_command(CLI::App& app, int& exit_code);

} // namespace hmmspec
