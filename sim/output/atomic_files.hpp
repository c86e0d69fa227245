#pragma once
// Writing output files so that a reader, or a run killed part-way, never leaves half a file behind.
#include <stdexcept>
#include <string>

namespace riftsim {

/// An output that cannot be written (a folder that is not writable, a full disk). The CLI prints it
/// as one line and exits with code 2.
class OutputError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Writes `text` to `path` in one step: the bytes go to an unnamed file in the same folder (O_TMPFILE),
/// which is given a name and renamed over `path` only once complete, so `path` holds the old or the
/// new content, never a part. A process killed while writing leaves nothing (where the file system
/// has no O_TMPFILE, a `.name.tmp-PID` file, removed on any error). Throws OutputError.
void write_file_atomically(const std::string& path, const std::string& text);

} // namespace riftsim
