#include "cli/launcher.hpp"

#include <filesystem>
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

int exit_code(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

} // namespace

std::vector<int> run_children(const std::vector<std::vector<std::string>>& args, int parallel,
                              const std::function<void(size_t)>& on_done) {
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  std::vector<int> codes(args.size(), -1);
  std::map<pid_t, size_t> running;
  size_t next = 0;
  while (next < args.size() || !running.empty()) {
    while (next < args.size() && static_cast<int>(running.size()) < std::max(1, parallel)) {
      std::vector<std::string> full = {self};
      full.insert(full.end(), args[next].begin(), args[next].end());
      running[spawn(full)] = next++;
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
