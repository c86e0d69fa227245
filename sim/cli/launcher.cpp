#include "cli/launcher.hpp"

#include "core/input_error.hpp"

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

pid_t spawn(const std::vector<std::string>& args) {
  std::vector<std::string> copy = args;
  std::vector<char*> argv;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (::posix_spawn(&pid, copy[0].c_str(), nullptr, nullptr, argv.data(), environ) != 0)
    throw std::runtime_error("cannot start " + copy[0]);
  return pid;
}

constexpr int kChildCrashed = 3; // as kExitInternal

int exit_code(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

} // namespace

std::vector<int> run_children(const std::vector<std::function<int()>>& tasks, int parallel,
                              const std::function<void(size_t)>& on_done) {
  std::vector<int> codes(tasks.size(), -1);
  std::map<pid_t, size_t> running;
  size_t next = 0;
  while (next < tasks.size() || !running.empty()) {
    while (next < tasks.size() && static_cast<int>(running.size()) < std::max(1, parallel)) {
      // Whatever is buffered would otherwise be written once by the parent and once by every child.
      std::cout.flush();
      std::cerr.flush();
      std::fflush(nullptr);
      pid_t pid = ::fork();
      if (pid < 0) throw std::runtime_error("cannot start a simulation process (fork failed)");
      if (pid == 0) {
        int code = kChildCrashed;
        try {
          code = tasks[next]();
        } catch (const InputError& e) {
          std::cerr << e.what() << "\n";
          code = 2;
        } catch (const std::exception& e) {
          std::cerr << "riftsim: internal error in a simulation: " << e.what() << "\n";
        }
        std::cout.flush();
        std::cerr.flush();
        std::fflush(nullptr);
        // _exit, not exit: the parent's objects (its scratch directory, say) are not the child's to
        // clean up.
        ::_exit(code);
      }
      running[pid] = next++;
    }
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0) throw std::runtime_error("waitpid failed");
    auto it = running.find(pid);
    if (it == running.end()) continue;
    codes[it->second] = exit_code(status);
    running.erase(it);
    if (on_done) on_done(next - running.size());
  }
  return codes;
}

int run_program(const std::vector<std::string>& args) {
  pid_t pid = spawn(args);
  int status = 0;
  if (::waitpid(pid, &status, 0) < 0) throw std::runtime_error("waitpid failed");
  return exit_code(status);
}

} // namespace riftsim
