#include "cli/launcher.hpp"

#include <filesystem>
#include <map>
#include <spawn.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace riftsim {

std::vector<int> run_children(const std::vector<std::vector<std::string>>& args, int parallel) {
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  std::vector<int> codes(args.size(), -1);
  std::map<pid_t, size_t> running;
  size_t next = 0;
  auto reap_one = [&] {
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0) throw std::runtime_error("waitpid failed");
    auto it = running.find(pid);
    if (it == running.end()) return;
    codes[it->second] = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    running.erase(it);
  };
  while (next < args.size() || !running.empty()) {
    while (next < args.size() && static_cast<int>(running.size()) < std::max(1, parallel)) {
      std::vector<std::string> full = {self};
      full.insert(full.end(), args[next].begin(), args[next].end());
      std::vector<char*> argv;
      for (auto& a : full) argv.push_back(a.data());
      argv.push_back(nullptr);
      pid_t pid = 0;
      if (::posix_spawn(&pid, self.c_str(), nullptr, nullptr, argv.data(), environ) != 0)
        throw std::runtime_error("cannot start " + self);
      running[pid] = next++;
    }
    if (!running.empty()) reap_one();
  }
  return codes;
}

} // namespace riftsim
