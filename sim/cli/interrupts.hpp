#pragma once
// Ctrl-C (SIGINT), SIGTERM and SIGHUP while `riftsim run` works. The handler only records the signal
// and kills the child processes at once (SIGKILL: a simulation has nothing worth saving, and a killed
// child prints nothing, where SimGrid's own SIGINT handler printed backtraces). The children keep these
// signals blocked and die with their parent (PR_SET_PDEATHSIG). The parent then unwinds, so that its
// destructors remove its staging and scratch folders, and ends by the same signal.
#include <csignal>
#include <exception>
#include <sys/types.h>

namespace riftsim {

/// Thrown once a signal has been received, after the children are gone.
struct Interrupted : std::exception {
  int signal;
  explicit Interrupted(int s) : signal(s) {}
  const char* what() const noexcept override { return "interrupted"; }
};

/// Installs the handlers for its lifetime (and ignores SIGPIPE: a closed stdout must not kill the run
/// between writing its results and publishing them).
class InterruptGuard {
public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

private:
  struct sigaction old_[4];
};

/// The signal received since the guard was installed, or 0.
int interrupt_signal();
/// Throws Interrupted if a signal was received.
void throw_if_interrupted();

/// The most child processes running at once (`--jobs`).
constexpr int kMaxChildren = 256;
/// Child processes the handler kills. Register a child with the signals blocked (SignalBlock), so that
/// no signal falls between its fork and its registration.
void register_child(pid_t pid);
void unregister_child(pid_t pid);

/// Blocks the signals above in this thread for its lifetime (a forked child inherits the block).
class SignalBlock {
public:
  SignalBlock();
  ~SignalBlock();
  SignalBlock(const SignalBlock&) = delete;
  SignalBlock& operator=(const SignalBlock&) = delete;
  /// The set of signals blocked, for posix_spawn.
  static sigset_t signals();

private:
  sigset_t old_;
};

/// In a freshly forked child: dies with the parent (SIGKILL when it goes), keeps the signals blocked.
void become_quiet_child(pid_t parent);

/// Ends the process by `sig`, with its default action, as if it had never been caught.
[[noreturn]] void die_by_signal(int sig);

} // namespace riftsim
