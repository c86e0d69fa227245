#pragma once
// Every problem with user input becomes one InputError that names the file, line and column.
// The CLI prints what() and exits with code 2; nothing else in the program formats input errors.
#include "core/text.hpp"

#include <stdexcept>
#include <string>

namespace riftsim {

struct SourcePos {
  std::string file;
  int line = 1;   // 1-based
  int column = 1; // 1-based
};

/// what() is one line, `file:line:column: error: message`, whatever the file name and the message
/// hold (names with a newline, bytes that are not UTF-8, yaml-cpp's messages): see one_line().
class InputError : public std::runtime_error {
public:
  InputError(SourcePos pos, const std::string& message)
      : std::runtime_error(one_line(pos.file) + ":" + std::to_string(pos.line) + ":" +
                           std::to_string(pos.column) + ": error: " + one_line(message)),
        pos_(std::move(pos)), message_(message) {}
  const SourcePos& pos() const { return pos_; }
  const std::string& message() const { return message_; }

private:
  SourcePos pos_;
  std::string message_;
};

/// A command-line mistake that is not about a file's contents (a bad --out, --seed -1): printed as one
/// line `riftsim: error: message`, exit code 2, like an InputError.
class UsageError : public std::runtime_error {
public:
  explicit UsageError(const std::string& message)
      : std::runtime_error("riftsim: error: " + one_line(message)) {}
};

} // namespace riftsim
