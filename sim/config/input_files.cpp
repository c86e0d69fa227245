#include "config/input_files.hpp"

#include "core/input_error.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

namespace riftsim {
namespace {

/// Why a file of this type cannot be an input, or empty for a regular file.
std::string not_regular_reason(mode_t mode) {
  if (S_ISREG(mode)) return "";
  if (S_ISDIR(mode)) return "is a directory, not a file";
  if (S_ISFIFO(mode)) return "is a FIFO (named pipe), not a regular file";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "is a device, not a regular file";
  if (S_ISSOCK(mode)) return "is a socket, not a regular file";
  return "is not a regular file";
}

std::string size_text(double bytes) {
  return bytes >= 1 << 20 ? fmt::format("{:.1f} MiB", bytes / (1 << 20)) : fmt::format("{:.0f} bytes", bytes);
}

} // namespace

FileText read_input_file(const std::string& path, std::size_t max_bytes) {
  FileText out;
  // stat before open: a device is refused without being opened (opening some has side effects).
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    out.error = std::string("cannot open file: ") + std::strerror(errno);
    return out;
  }
  if (out.error = not_regular_reason(st.st_mode); !out.error.empty()) return out;
  // O_NONBLOCK: should the file have been replaced by a FIFO meanwhile, open and read do not block.
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    out.error = std::string("cannot open file: ") + std::strerror(errno);
    return out;
  }
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    out.error = S_ISREG(st.st_mode) ? std::string("cannot read: ") + std::strerror(errno)
                                    : not_regular_reason(st.st_mode);
    ::close(fd);
    return out;
  }
  auto too_large = [&](double size) {
    return "is " + size_text(size) + "; input files are limited to " +
           size_text(static_cast<double>(max_bytes));
  };
  if (static_cast<std::size_t>(st.st_size) > max_bytes) {
    out.error = too_large(static_cast<double>(st.st_size));
    ::close(fd);
    return out;
  }
  std::string text(static_cast<std::size_t>(st.st_size) + 1, '\0');
  std::size_t got = 0;
  while (true) {
    if (got == text.size()) {
      if (text.size() > max_bytes) { // it grew while being read
        out.error = too_large(static_cast<double>(text.size()));
        break;
      }
      text.resize(std::min(max_bytes + 1, text.size() * 2));
    }
    ssize_t n = ::read(fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      out.error = std::string("cannot read: ") + std::strerror(errno);
      break;
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (out.error.empty()) {
    text.resize(got);
    out.text = std::move(text);
  }
  return out;
}

FileReader file_system_reader() {
  return [](const std::string& path, std::size_t max_bytes) { return read_input_file(path, max_bytes); };
}

std::string read_text_file(const std::string& path, std::size_t max_bytes) {
  FileText f = read_input_file(path, max_bytes);
  if (!f.error.empty()) throw InputError({path, 1, 1}, f.error);
  return std::move(f.text);
}

} // namespace riftsim
