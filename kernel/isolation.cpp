// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel/isolation.h"

#include <execinfo.h>
#include <fmt/format.h>
#include <signal.h>
#include <ucontext.h>

#include <array>
#include <atomic>
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <vector>

#include "kernel/code_site.h"

#if defined(__SANITIZE_ADDRESS__)
#define HMMSPEC_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HMMSPEC_ASAN 1
#endif
#endif

namespace hmmspec::kernel {

namespace {

constexpr std::array<int, 4> kSignals{SIGSEGV, SIGBUS, SIGFPE, SIGILL};
constexpr int kMaxFrames = 48;
constexpr std::size_t kAltStackBytes = 256 * 1024; // the handler unwinds the stack (backtrace)

// What one isolated call left when it jumped back: filled by the signal handler or by
// stop_no_progress. On the heap, so that nothing of it is a local changed after sigsetjmp.
struct Guard {
  sigjmp_buf env;
  volatile sig_atomic_t jumped = 0; // a second signal while capturing jumps at once
  bool no_progress = false;
  int signal = 0;
  int code = 0;
  std::uintptr_t addr = 0;
  std::uintptr_t pc = 0;
  unsigned long reads = 0;
  std::array<void*, kMaxFrames> frames{};
  int nframes = 0;
};

// The isolated call running on this thread. Set before the handlers are installed, so the
// handler never touches a thread-local for the first time.
thread_local Guard* active_guard = nullptr;

std::uintptr_t pc_of(void* context) {
  const auto* uc = static_cast<const ucontext_t*>(context);
#if defined(__x86_64__)
  return static_cast<std::uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]);
#elif defined(__aarch64__)
  return static_cast<std::uintptr_t>(uc->uc_mcontext.pc);
#else
  (void)uc;
  return 0;
#endif
}

void on_signal(int sig, siginfo_t* info, void* context);

// This object's handlers for kSignals. They are the process's (signal actions are), installed
// by the first isolated call and kept: a call then makes no system call for them. (Looking at
// the four actions on every call, to take them back from a library that replaced them since,
// made a small case's kernel call half as slow again; a handler installed after the first call
// therefore gets the crashes of the calls after it: docs/kernel-party.md, "Isolation".) The
// actions found when ours were installed get every signal that comes outside an isolated call
// of this object.
struct ProcessHandlers {
  std::mutex mutex; // installing: calls may come from several threads
  std::array<std::atomic<bool>, kSignals.size()> ours{};
  std::array<struct sigaction, kSignals.size()> before{};
};
ProcessHandlers& process_handlers() {
  static ProcessHandlers h;
  return h;
}

std::size_t signal_index(int sig) {
  std::size_t i = 0;
  while (i + 1 < kSignals.size() && kSignals[i] != sig) ++i;
  return i;
}

bool is_ours(const struct sigaction& sa) {
  return (sa.sa_flags & SA_SIGINFO) && sa.sa_sigaction == on_signal;
}

void install_handlers() {
  ProcessHandlers& h = process_handlers();
  for (std::size_t i = 0; i < kSignals.size(); ++i) {
    if (h.ours[i]) continue; // every call but the first
    std::lock_guard<std::mutex> lock(h.mutex);
    struct sigaction now {};
    sigaction(kSignals[i], nullptr, &now);
    if (!is_ours(now)) { // (else put back by another thread meanwhile)
      struct sigaction sa {};
      sa.sa_sigaction = on_signal;
      sigemptyset(&sa.sa_mask);
      // SA_NODEFER: the signal stays unblocked, so the jump back needs no saved mask
      sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
      sigaction(kSignals[i], &sa, &h.before[i]);
    }
    h.ours[i] = true;
  }
}

// A signal outside an isolated call of this object: to the action it would have had. A
// handler is called; the default action (or ignoring, which a fault cannot be) is put back, and
// the faulting instruction runs again into it, or a sent signal is sent again.
void pass_on(int sig, siginfo_t* info, void* context) {
  ProcessHandlers& h = process_handlers();
  const std::size_t i = signal_index(sig);
  const struct sigaction& before = h.before[i];
  if ((before.sa_flags & SA_SIGINFO) && before.sa_sigaction) {
    before.sa_sigaction(sig, info, context);
    return;
  }
  if (!(before.sa_flags & SA_SIGINFO) && before.sa_handler != SIG_DFL &&
      before.sa_handler != SIG_IGN) {
    before.sa_handler(sig);
    return;
  }
  h.ours[i] = false;
  sigaction(sig, &before, nullptr);
  if (info->si_code <= 0) raise(sig); // SI_USER, SI_QUEUE, SI_TKILL: it will not come again
}

void on_signal(int sig, siginfo_t* info, void* context) {
  Guard* g = active_guard;
  if (!g) return pass_on(sig, info, context);
  if (!g->jumped) {
    g->jumped = 1;
    g->signal = sig;
    g->code = info->si_code;
    g->addr = reinterpret_cast<std::uintptr_t>(info->si_addr);
    g->pc = pc_of(context);
    g->nframes = backtrace(g->frames.data(), kMaxFrames); // warmed up in run_isolated
  }
  siglongjmp(g->env, 1);
}

// The alternate signal stack of this thread (a fault may come from a stack overflow): made and
// set by its first isolated call, kept, and taken away when the thread ends.
class AltStack {
public:
  AltStack() : stack_(new char[kAltStackBytes]) {
    stack_t ss{};
    ss.ss_sp = stack_.get();
    ss.ss_size = kAltStackBytes;
    sigaltstack(&ss, &before_);
  }
  ~AltStack() { sigaltstack(&before_, nullptr); }
  AltStack(const AltStack&) = delete;
  AltStack& operator=(const AltStack&) = delete;

private:
  std::unique_ptr<char[]> stack_;
  stack_t before_{};
};

// What a call needs before the kernel runs: the handlers in place, this thread's signal stack,
// and backtrace's unwinder loaded (its first call loads it, which a handler must not do).
void prepare_handlers() {
  static const bool warmed = [] {
    std::array<void*, 2> f{};
    return backtrace(f.data(), 2) >= 0;
  }();
  (void)warmed;
  thread_local AltStack stack;
  install_handlers();
}

std::string default_address_name(std::uintptr_t addr, int sig, int code) {
  if (sig == SIGSEGV && code == SI_KERNEL) // x86-64: a general protection fault, no address
    return "a non-canonical address";
  if (sig != SIGSEGV && sig != SIGBUS) return fmt::format("{:#x}", addr);
  if (addr < 0x10000) return addr ? fmt::format("NULL+{:#x}", addr) : "NULL";
  return fmt::format("{:#x}", addr);
}

// Whether a frame is the harness's way of stopping a walk rather than the kernel's code: the
// read budget's counter (inlined into the shim's loads, or a function of its own at -O0, whose
// debug information can name the including file), this file and the session, and the
// sanitizer runtime's interceptor of backtrace(). Frames of objects not looked up (no file)
// say nothing either.
bool stopping_frame(const CodeSite& s) {
  return s.file.empty() || s.function.starts_with("hmmspec_") ||
         s.function.starts_with("__interceptor_") || s.file.starts_with("kernel/") ||
         s.file.find("sanitizer") != std::string::npos;
}

// Where it happened: the innermost frame, and the innermost hmm.c frame when that is another
// (the shim's code, given a bad pointer by hmm.c). A walk stopped for no progress happened
// where the kernel's code was when the budget ran out: the innermost hmm.c frame that is not a
// stopping frame, else the innermost such frame anywhere.
std::string where_of(const std::vector<std::uintptr_t>& pcs, bool no_progress) {
  std::vector<CodeSite> sites = code_sites(pcs);
  if (sites.empty()) return "";
  std::size_t first = 0;
  if (no_progress) {
    auto kernel_code = [&](bool hmm_c) {
      for (std::size_t i = 0; i < sites.size(); ++i)
        if (!stopping_frame(sites[i]) && (!hmm_c || sites[i].in_hmm_c())) return i;
      return sites.size();
    };
    first = kernel_code(true);
    if (first == sites.size()) first = kernel_code(false);
    if (first == sites.size()) first = 0;
  }
  std::string s = describe(sites[first]);
  if (!sites[first].in_hmm_c())
    for (std::size_t i = first + 1; i < sites.size(); ++i)
      if (sites[i].in_hmm_c()) {
        s += "; called from " + describe(sites[i]);
        break;
      }
  return s;
}

PartyFailure failure_of(const Guard& g, const std::function<std::string(std::uintptr_t)>& name) {
  PartyFailure f;
  std::vector<std::uintptr_t> pcs;
  if (g.no_progress) {
    f.kind = PartyFailure::Kind::NoProgress;
    f.reads = g.reads;
    // every frame is a return address: the first is looked up inside its call too
    for (int i = 0; i < g.nframes; ++i)
      pcs.push_back(reinterpret_cast<std::uintptr_t>(g.frames[i]) - (i == 0 ? 1 : 0));
  } else {
    f.kind = PartyFailure::Kind::Crash;
    f.signal = g.signal;
    std::string named = name ? name(g.addr) : "";
    f.address = named.empty() ? default_address_name(g.addr, g.signal, g.code) : named;
    pcs.push_back(g.pc);
    int k = 0; // the faulting frame in the handler's backtrace; its callers follow it
    while (k < g.nframes && reinterpret_cast<std::uintptr_t>(g.frames[k]) != g.pc) ++k;
    for (int i = k + 1; i < g.nframes; ++i)
      pcs.push_back(reinterpret_cast<std::uintptr_t>(g.frames[i]));
  }
  f.where = where_of(pcs, g.no_progress);
  return f;
}

} // namespace

bool crash_isolation_enabled() {
#ifdef HMMSPEC_ASAN
  return false;
#else
  return true;
#endif
}

bool crash_handlers_installed() {
  for (const auto& ours : process_handlers().ours)
    if (!ours) return false;
  return true;
}

Isolated run_isolated(const std::function<long()>& fn,
                      const std::function<std::string(std::uintptr_t)>& name_address) {
  auto guard = std::make_unique<Guard>();
  Guard* const outer = active_guard;
  active_guard = guard.get();
  Isolated out;
  if (crash_isolation_enabled()) prepare_handlers();
  if (sigsetjmp(guard->env, 0) == 0) out.ret = fn();
  active_guard = outer;
  if (guard->jumped || guard->no_progress) out.failure = failure_of(*guard, name_address);
  return out;
}

void stop_no_progress(unsigned long reads) {
  Guard* g = active_guard;
  if (!g) {
    std::fprintf(stderr,
                 "hmmspec: a kernel walk made no progress after %lu page-table reads "
                 "outside an isolated call\n",
                 reads);
    std::abort();
  }
  g->no_progress = true;
  g->reads = reads;
  g->nframes = backtrace(g->frames.data(), kMaxFrames);
  siglongjmp(g->env, 1);
}

} // namespace hmmspec::kernel
