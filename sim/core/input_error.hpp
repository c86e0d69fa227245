#pragma once
// Every problem with user input becomes one InputError that names the file, line and column.
// The CLI prints what() and exits with code 2; nothing else in the program formats input errors.
#include <stdexcept>
#include <string>

namespace riftsim {

struct SourcePos {
  std::string file;
  int line = 1;   // 1-based
  int column = 1; // 1-based
};

class InputError : public std::runtime_error {
public:
  InputError(SourcePos pos, const std::string& message)
      : std::runtime_error(pos.file + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column) +
                           ": error: " + message),
        pos_(std::move(pos)), message_(message) {}
  const SourcePos& pos() const { return pos_; }
  const std::string& message() const { return message_; }

private:
  SourcePos pos_;
  std::string message_;
};

} // namespace riftsim
