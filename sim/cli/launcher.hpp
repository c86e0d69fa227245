#pragma once
// Runs more than one simulation: SimGrid has one engine per process, so each simulation (a run with
// events, its baseline, later replications and sweep points) runs in a child process. The children are
// forks of the caller, which has loaded the inputs and never starts a SimGrid engine itself: a fork
// skips the dynamic loading of SimGrid and the parsing of the inputs that a re-executed program pays
// for every simulation (~40 ms each). This is the only place that starts processes.
#include <functional>
#include <string>
#include <vector>

namespace riftsim {

/// Runs each task in a forked child process, at most `parallel` at a time; returns their exit codes in
/// order (a task's return value; 128 + signal number for a child killed by a signal). The first child
/// that fails ends the others (killed) and no more start: their codes stay -1. The caller must be
/// single-threaded. `on_done`, if given, is called with the number of children finished so far.
/// Children die with the caller and ignore Ctrl-C; with an InterruptGuard installed, a signal kills
/// them at once and run_children throws Interrupted (cli/interrupts.hpp).
std::vector<int> run_children(const std::vector<std::function<int()>>& tasks, int parallel,
                              const std::function<void(size_t)>& on_done = {});

/// Runs another program (args[0] is its path) and waits for it; returns its exit code. Like a child, it
/// is killed on a signal (then Interrupted is thrown).
int run_program(const std::vector<std::string>& args);

} // namespace riftsim
