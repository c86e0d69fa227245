#pragma once
// What the fuzz targets share: the files a platform may name, served from memory (a target must not
// read the disk while it runs, so that it is deterministic given its input), and the check that an
// error is what the CLI promises: one located line.
#include "config/input_files.hpp"
#include "core/input_error.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace riftsim::fuzz {

inline std::string read_repo_file(const std::string& relative) {
  std::ifstream in(std::string(RIFTSIM_REPO) + "/" + relative, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// The shipped catalogs for any path ending like them, a two-row failure trace for any .csv; read once
/// from the repository before the first input.
inline FileReader memory_reader() {
  static const std::string accelerators = read_repo_file("platforms/catalog/accelerators.yaml");
  static const std::string instances = read_repo_file("platforms/catalog/instances.yaml");
  return [](const std::string& path, std::size_t max_bytes) -> FileText {
    auto ends = [&](const std::string& s) { return path.size() >= s.size() && path.ends_with(s); };
    std::string text;
    if (ends("accelerators.yaml"))
      text = accelerators;
    else if (ends("instances.yaml"))
      text = instances;
    else if (ends(".csv"))
      text = "time_s,node\n5000,0\n20000,1\n";
    else
      return {"", "cannot open file: No such file or directory"};
    if (text.size() > max_bytes) return {"", "is too large"};
    return {text, ""};
  };
}

/// An InputError must be one line with a position; anything else is a finding.
inline void check_error(const InputError& e) {
  std::string what = e.what();
  if (what.find('\n') != std::string::npos || what.find('\r') != std::string::npos || e.pos().line < 1 ||
      e.pos().column < 1 || e.pos().file.empty())
    std::abort();
}

} // namespace riftsim::fuzz
