#include "cli/launcher.hpp"

#include "cli/interrupts.hpp"
#include "core/input_error.hpp"
#include "engine/watchdog.hpp"

#include <cerrno>
#include <cstdio>
#include <iostream>
#include <map>
#include <spawn.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace riftsim {
namespace {

constexpr int kChildCrashed = 3; // as kExitInternal

int exit_code(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/// Waits for any child, retrying when a signal interrupts the wait; -1 if a signal was received.
pid_t wait_any(int& status) {
  while (true) {
    pid_t pid = ::waitpid(-1, &status, 0);
    if (pid >= 0) return pid;
    if (errno != EINTR) throw std::runtime_error("waitpid failed");
    if (interrupt_signal() != 0) return -1;
  }
}

/// Kills and reaps every child still running (they have been sent SIGKILL if a signal came).
void kill_all(std::map<pid_t, size_t>& running) {
  for (const auto& [pid, task] : running) ::kill(pid, SIGKILL);
  for (const auto& [pid, task] : running) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    unregister_child(pid);
  }
  running.clear();
}

} // namespace

std::vector<int> run_children(const std::vector<std::function<int()>>& tasks, int parallel,
                              const std::function<void(size_t)>& on_done) {
  std::vector<int> codes(tasks.size(), -1);
  std::map<pid_t, size_t> running;
  size_t next = 0;
  bool failed = false;
  const pid_t parent = ::getpid();
  try {
    while ((next < tasks.size() && !failed) || !running.empty()) {
      while (!failed && next < tasks.size() && static_cast<int>(running.size()) < std::max(1, parallel)) {
        throw_if_interrupted();
        // Whatever is buffered would otherwise be written once by the parent and once by every child.
        std::cout.flush();
        std::cerr.flush();
        std::fflush(nullptr);
        SignalBlock block; // the child starts with the signals blocked; registered before they arrive
        pid_t pid = ::fork();
        if (pid < 0) throw std::runtime_error("cannot start a simulation process (fork failed)");
        if (pid == 0) {
          become_quiet_child(parent);
          int code = kChildCrashed;
          try {
            code = tasks[next]();
          } catch (const InputError& e) {
            std::cerr << e.what() << "\n";
            code = 2;
          } catch (const SimulationStuck& e) { // the watchdog stopped it: no progress, not a crash
            std::cerr << "riftsim: a simulation was stopped: " << e.what() << "\n";
          } catch (const std::exception& e) {
            std::cerr << "riftsim: internal error in a simulation: " << e.what() << "\n";
          }
          std::cout.flush();
          std::cerr.flush();
          std::fflush(nullptr);
          // _exit, not exit: the parent's objects (its staging folder, say) are not the child's to
          // clean up.
          ::_exit(code);
        }
        register_child(pid);
        running[pid] = next++;
      }
      if (running.empty()) break;
      int status = 0;
      pid_t pid = wait_any(status);
      if (pid < 0) break; // a signal: the handler has killed the children
      auto it = running.find(pid);
      if (it == running.end()) continue;
      unregister_child(pid);
      const int code = exit_code(status);
      codes[it->second] = code;
      running.erase(it);
      // One failed simulation fails the run: the others' results would not be used.
      if (code != 0) {
        failed = true;
        kill_all(running);
      }
      if (on_done) on_done(next - running.size());
    }
  } catch (...) {
    kill_all(running);
    throw;
  }
  kill_all(running);
  throw_if_interrupted();
  return codes;
}

int run_program(const std::vector<std::string>& args) {
  std::vector<std::string> copy = args;
  std::vector<char*> argv;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  // The program starts with the signals blocked (Python prints no KeyboardInterrupt backtrace); the
  // handler kills it like a simulation child.
  posix_spawnattr_t attr;
  ::posix_spawnattr_init(&attr);
  sigset_t blocked = SignalBlock::signals();
  ::posix_spawnattr_setsigmask(&attr, &blocked);
  ::posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  pid_t pid = 0;
  int err = 0;
  {
    SignalBlock block;
    err = ::posix_spawn(&pid, copy[0].c_str(), nullptr, &attr, argv.data(), environ);
    if (err == 0) register_child(pid);
  }
  ::posix_spawnattr_destroy(&attr);
  if (err != 0) throw std::runtime_error("cannot start " + copy[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      unregister_child(pid);
      throw std::runtime_error("waitpid failed");
    }
  }
  unregister_child(pid);
  throw_if_interrupted();
  return exit_code(status);
}

} // namespace riftsim
