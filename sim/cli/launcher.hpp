#pragma once
// Runs more than one simulation: SimGrid has one engine per process, so each simulation (a run with
// events, its baseline, later replications and sweep points) is this same executable re-invoked as a
// child process. This is the only place that starts processes.
#include <functional>
#include <string>
#include <vector>

namespace riftsim {

/// Runs `riftsim <args...>` once per entry, at most `parallel` at a time; returns their exit codes in order.
/// A child killed by a signal reports 128 + signal number.
/// `on_done`, if given, is called with the number of children finished so far, after each one.
std::vector<int> run_children(const std::vector<std::vector<std::string>>& args, int parallel,
                              const std::function<void(size_t)>& on_done = {});

/// Runs another program (args[0] is its path) and waits for it; returns its exit code.
int run_program(const std::vector<std::string>& args);

} // namespace riftsim
