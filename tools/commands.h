// SPDX-License-Identifier: GPL-2.0-or-later
// The subcommands of hmmspec, one tools/cmd_NAME.cpp each. Each adds itself to the app and,
// when it runs, sets exit_code: 0 ok, 1 a divergence or failed expectation, 2 bad input (and 3
// an incomplete cover from `exhaustive --merge`).
#pragma once

#include <memory>

namespace CLI {
class App;
class Option;
} // namespace CLI

namespace hmmspec {

// `hmmspec --kernel X.so` (global, repeatable): loads more kernel parties before the
// subcommand runs; an object that cannot be loaded is bad input.
void add_kernel_option(CLI::App& app);
// `hmmspec --version [--json]` (global): the version, the ABI tag and the parties, each kernel
// party with its kernel version, hmm.c and object. No subcommand goes with it.
struct VersionRequest {
  std::shared_ptr<bool> asked;
  std::shared_ptr<bool> json;
  CLI::Option* flag = nullptr;
};
VersionRequest add_version_option(CLI::App& app);
// Prints what --version shows; the exit code (2 when a built kernel object did not load).
int print_version(const VersionRequest& request);
// `hmmspec parties`: every party with its kernel version and label.
void add_parties_command(CLI::App& app, int& exit_code);
// `hmmspec show FILE`: the scenario's world and range, for humans or as JSON.
void add_show_command(CLI::App& app, int& exit_code);
// `hmmspec run FILE... | --builtin`: every built party, checked against the expectations and
// against the ground truth.
void add_run_command(CLI::App& app, int& exit_code);
// `hmmspec explain FILE`: the reference's rules per page, the other parties beside it.
void add_explain_command(CLI::App& app, int& exit_code);
// `hmmspec exhaustive --geometry tiny --pages N [--shard K/N]`: the small-scope space of
// harness/exhaustive.h, or one shard of it; `hmmspec exhaustive --merge FILE...`: the shards'
// summaries merged (harness/exhaustive_shards.h).
void add_exhaustive_command(CLI::App& app, int& exit_code);
// `hmmspec fuzz --seconds N [--seed S]`: the built-in differential campaign (fuzz/campaign.h),
// and the corpus tooling.
void add_fuzz_command(CLI::App& app, int& exit_code);
// `hmmspec versions FILE... | --builtin`: one logical scenario on every kernel version, the
// differences named by group (harness/versions.h, docs/versions.md).
void add_versions_command(CLI::App& app, int& exit_code);
// `hmmspec interleave FILE... | --builtin [--plant] [--json]`: every reachable race point and
// operation under the driver loop, checked for agreement and the driver contract.
void add_interleave_command(CLI::App& app, int& exit_code);
// `hmmspec reproduce CRASH_FILE [-o F]`: fuzzer bytes -> minimized scenario file.
void add_reproduce_command(CLI::App& app, int& exit_code);
// `hmmspec prove [--driver nouveau|amdgpu|FILE]... [--smt2 DIR] [--no-classifier] [-v]`: the
// Z3 obligations of docs/proofs.md as a table (obligation, result, seconds); exit 1 when an
// obligation fails. Only in builds with the proofs (HMMSPEC_HAVE_PROOFS).
void add_prove_command(CLI::App& app, int& exit_code);
// `hmmspec bench`: the benchmark tables of docs/performance.md on every contender, with pages
// per second and ratios (bench/measure.h). Only in builds with the benchmarks
// (HMMSPEC_HAVE_BENCH).
void add_bench_command(CLI::App& app, int& exit_code);

} // namespace hmmspec
