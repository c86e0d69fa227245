#include "cli/interrupts.hpp"

#include <atomic>
#include <sys/prctl.h>
#include <unistd.h>

namespace riftsim {
namespace {

constexpr int kHandled[] = {SIGINT, SIGTERM, SIGHUP};

volatile std::sig_atomic_t g_signal = 0;
// Lock-free atomics are safe to read in a signal handler.
std::atomic<pid_t> g_children[kMaxChildren + 1]; // + the plotting tool
static_assert(std::atomic<pid_t>::is_always_lock_free);

extern "C" void on_signal(int sig) {
  if (g_signal == 0) g_signal = sig;
  for (auto& c : g_children)
    if (pid_t p = c.load(std::memory_order_relaxed); p > 0) ::kill(p, SIGKILL);
}

} // namespace

InterruptGuard::InterruptGuard() {
  g_signal = 0;
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0; // no SA_RESTART: a waitpid returns EINTR and the caller looks at the signal
  for (size_t i = 0; i < 3; ++i) ::sigaction(kHandled[i], &sa, &old_[i]);
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  ::sigaction(SIGPIPE, &ignore, &old_[3]);
}

InterruptGuard::~InterruptGuard() {
  for (size_t i = 0; i < 3; ++i) ::sigaction(kHandled[i], &old_[i], nullptr);
  ::sigaction(SIGPIPE, &old_[3], nullptr);
}

int interrupt_signal() {
  return g_signal;
}

void throw_if_interrupted() {
  if (g_signal != 0) throw Interrupted(g_signal);
}

void register_child(pid_t pid) {
  for (auto& c : g_children) {
    pid_t empty = 0;
    if (c.compare_exchange_strong(empty, pid)) return;
  }
}

void unregister_child(pid_t pid) {
  for (auto& c : g_children) {
    pid_t mine = pid;
    if (c.compare_exchange_strong(mine, 0)) return;
  }
}

sigset_t SignalBlock::signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int s : kHandled) sigaddset(&set, s);
  return set;
}

SignalBlock::SignalBlock() {
  sigset_t set = signals();
  ::pthread_sigmask(SIG_BLOCK, &set, &old_);
}

SignalBlock::~SignalBlock() {
  ::pthread_sigmask(SIG_SETMASK, &old_, nullptr);
}

void become_quiet_child(pid_t parent) {
  // Blocked already (the parent forked inside a SignalBlock): leave them so, whatever handlers the
  // simulation installs; the parent kills this process when it must go.
  for (int s : kHandled) std::signal(s, SIG_DFL);
  std::signal(SIGPIPE, SIG_DFL);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(128 + SIGKILL); // the parent died before prctl
}

[[noreturn]] void die_by_signal(int sig) {
  std::signal(sig, SIG_DFL);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  ::pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  ::raise(sig);
  ::_exit(128 + sig);
}

} // namespace riftsim
