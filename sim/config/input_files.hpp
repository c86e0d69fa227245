#pragma once
// Reading input files safely: only regular files, never more than a size cap, never blocking (a FIFO or
// /dev/zero named as an input is refused, not read). Loaders read the files other inputs name through a
// FileReader, so tests and fuzz targets can keep them off the file system.
#include <cstddef>
#include <functional>
#include <string>

namespace riftsim {

/// Input files are read whole, and yaml-cpp holds about 35 times a file's size while parsing it: a
/// YAML file above 4 MiB is a mistake (the largest shipped one is 10 kB), as is a trace above 64 MiB.
constexpr std::size_t kMaxYamlFileBytes = std::size_t{4} << 20;
constexpr std::size_t kMaxTraceFileBytes = std::size_t{64} << 20;

/// The text of an input file, or why it cannot be read (`error`, e.g. "is a FIFO, not a regular
/// file"); `text` is empty then.
struct FileText {
  std::string text;
  std::string error;
};
/// Reads a regular file of at most `max_bytes`; anything else (a directory, a FIFO, a device such as
/// /dev/zero, a socket, a file too large) is refused without blocking or reading it.
FileText read_input_file(const std::string& path, std::size_t max_bytes);
/// How a loader reads the files another input names (catalogs, traces): tests and fuzz targets give
/// their own, which keeps them off the file system.
using FileReader = std::function<FileText(const std::string& path, std::size_t max_bytes)>;
/// read_input_file as a FileReader.
FileReader file_system_reader();

/// Reads a file named on the command line; failures become an InputError at its line 1, column 1.
std::string read_text_file(const std::string& path, std::size_t max_bytes = kMaxYamlFileBytes);

} // namespace riftsim
