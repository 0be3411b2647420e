// SPDX-License-Identifier: GPL-2.0-or-later
// hmmspec: the command line. Exit codes: 0 ok, 1 divergence or failed expectation, 2 bad input.
#include <CLI/CLI.hpp>

#include "tools/cli.h"
#include "tools/commands.h"

int main(int argc, char** argv) {
  using namespace hmmspec;
  CLI::App app{"hmmspec: an executable, checked specification of Linux v5.7 hmm_range_fault()\n"
               "Runs the naive reference, the optimized walker and (when built) the kernels' own\n"
               "hmm.c (v5.7, Debian 6.1 and 6.12) on scenario files, and checks them against each\n"
               "other and the expectations."};
  app.require_subcommand(1);
  int exit_code = kExitOk;
  add_kernel_option(app);
  add_parties_command(app, exit_code);
  add_show_command(app, exit_code);
  add_run_command(app, exit_code);
  add_explain_command(app, exit_code);
  add_exhaustive_command(app, exit_code);
  add_fuzz_command(app, exit_code);
  add_reproduce_command(app, exit_code);
#ifdef HMMSPEC_HAVE_PROOFS
  add_prove_command(app, exit_code);
#endif
#ifdef HMMSPEC_HAVE_BENCH
  add_bench_command(app, exit_code);
#endif
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitBadInput;
  }
  return exit_code;
}
