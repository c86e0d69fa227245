#include "output/atomic_files.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <unistd.h>

namespace riftsim {
namespace {

[[noreturn]] void fail(const std::string& path, int err) {
  throw OutputError("cannot write " + path + ": " + std::strerror(err));
}

/// Writes all of `text` to `fd`; returns 0 or the errno of the failure.
int write_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    done += static_cast<size_t>(n);
  }
  return 0;
}

} // namespace

void write_file_atomically(const std::string& path, const std::string& text) {
  namespace fs = std::filesystem;
  fs::path target(path);
  fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::string tmp_name = "."; // appended piece by piece: GCC 12 warns (falsely) on "." + name + ...
  tmp_name += target.filename().string();
  tmp_name += ".tmp-";
  tmp_name += std::to_string(::getpid());
  std::string tmp = (dir / tmp_name).string();
  // An unnamed file first: killed before the link below, the process leaves nothing behind.
  // Naming it later goes through /proc/self/fd.
  static const bool proc_fd = ::access("/proc/self/fd", X_OK) == 0;
  int fd = proc_fd ? ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644) : -1;
  bool unnamed = fd >= 0;
  if (!unnamed) {
    if (proc_fd && errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) fail(path, errno);
    fd = ::open(tmp.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0) fail(path, errno);
  }
  int err = write_all(fd, text);
  if (err == 0 && unnamed) {
    std::string self = "/proc/self/fd/" + std::to_string(fd);
    ::unlink(
        tmp.c_str()); // a leftover of a process with the same id, killed on a file system without O_TMPFILE
    if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, tmp.c_str(), AT_SYMLINK_FOLLOW) != 0) err = errno;
  }
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err == 0 && std::rename(tmp.c_str(), path.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(tmp.c_str());
    fail(path, err);
  }
}

} // namespace riftsim
