// SPDX-License-Identifier: GPL-2.0-or-later
// hmmspec: the command line. Exit codes: 0 ok, 1 divergence or failed expectation, 2 bad input,
// 3 an incomplete cover (`exhaustive --merge` only).
#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <streambuf>
#include <unistd.h>

#include "harness/heap.h"
#include "tools/cli.h"
#include "tools/commands.h"

namespace {

// Standard output for std::cout, written with write(2) and buffered, keeping the first
// error: a write that failed (a full disk, EPIPE) makes the command fail with its reason,
// however early it happened, instead of a silent exit 0.
class StdoutBuf : public std::streambuf {
public:
  StdoutBuf() { setp(buf_, buf_ + sizeof buf_); }
  int error() const { return error_; }

protected:
  int_type overflow(int_type ch) override {
    if (!drain()) return traits_type::eof();
    if (ch != traits_type::eof()) sputc(traits_type::to_char_type(ch));
    return traits_type::not_eof(ch);
  }
  int sync() override { return drain() ? 0 : -1; }

private:
  bool drain() {
    const char* p = pbase();
    while (p < pptr() && !error_) {
      ssize_t n = ::write(STDOUT_FILENO, p, std::size_t(pptr() - p));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0)
        error_ = errno;
      else
        p += n;
    }
    setp(buf_, buf_ + sizeof buf_);
    return !error_;
  }
  char buf_[1 << 16];
  int error_ = 0;
};

// The exit code once standard output is flushed: 2 if a write to it failed.
int checked_stdout(StdoutBuf& out, int exit_code) {
  std::cout.flush();
  if (out.error()) {
    std::cerr << "hmmspec: cannot write the standard output: " << std::strerror(out.error())
              << "\n";
    return hmmspec::kExitBadInput;
  }
  return exit_code;
}

// std::cout writes through a StdoutBuf while main runs, and through its own buffer again on
// every way out of main (the StdoutBuf ends with main; std::cout is flushed after it).
class CoutThrough {
public:
  explicit CoutThrough(std::streambuf* buf) : before_(std::cout.rdbuf(buf)) {}
  ~CoutThrough() { std::cout.rdbuf(before_); }
  CoutThrough(const CoutThrough&) = delete;
  CoutThrough& operator=(const CoutThrough&) = delete;

private:
  std::streambuf* before_;
};

} // namespace

int main(int argc, char** argv) {
  using namespace hmmspec;
  keep_heap_top_for_next_run();
  StdoutBuf out;
  const CoutThrough through(&out);
  if (isatty(STDOUT_FILENO)) std::cout.setf(std::ios::unitbuf); // a terminal sees lines at once
  CLI::App app{"hmmspec: an executable, checked specification of Linux v5.7 hmm_range_fault()\n"
               "Runs the naive reference, the optimized walker and (when built) the kernels' own\n"
               "hmm.c (v5.7, Debian 6.1 and 6.12) on scenario files, and checks them against each\n"
               "other and the expectations."};
  app.require_subcommand(0, 1); // one, unless --version
  int exit_code = kExitOk;
  add_kernel_option(app);
  const VersionRequest version = add_version_option(app);
  add_parties_command(app, exit_code);
  add_show_command(app, exit_code);
  add_run_command(app, exit_code);
  add_explain_command(app, exit_code);
  add_exhaustive_command(app, exit_code);
  add_fuzz_command(app, exit_code);
  add_versions_command(app, exit_code);
  add_interleave_command(app, exit_code);
  add_reproduce_command(app, exit_code);
#ifdef HMMSPEC_HAVE_PROOFS
  add_prove_command(app, exit_code);
#endif
#ifdef HMMSPEC_HAVE_BENCH
  add_bench_command(app, exit_code);
#endif
  if (argc > 1 && argv[1][0] != '-') { // a command this build does not have, named as such
    std::string names;
    bool known = false;
    for (const CLI::App* sub : app.get_subcommands({})) {
      known = known || sub->get_name() == argv[1];
      names += (names.empty() ? "" : ", ") + sub->get_name();
    }
    if (!known) {
      std::cerr << "hmmspec: unknown command '" << argv[1] << "' (commands: " << names
                << "; --help for more)\n";
      return checked_stdout(out, kExitBadInput);
    }
  }
  for (CLI::App* sub : app.get_subcommands({})) sub->excludes(version.flag);
  try {
    app.parse(argc, argv);
    if (*version.asked)
      exit_code = print_version(version);
    else if (app.get_subcommands().empty())
      throw CLI::RequiredError("A subcommand");
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    exit_code = rc == 0 ? kExitOk : kExitBadInput;
  }
  return checked_stdout(out, exit_code);
}
