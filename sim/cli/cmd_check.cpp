#include "cli/commands.hpp"
#include "config/input_files.hpp"
#include "core/input_error.hpp"
#include "core/text.hpp"
#include "output/atomic_files.hpp"
#include "output/checks.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace riftsim {
namespace {

// Result files are at most 256 MiB: a trace of a months-long run with failures is a few MB.
constexpr std::size_t kMaxResultFileBytes = std::size_t{256} << 20;

std::string slurp(const fs::path& p) {
  return read_text_file(p.string(), kMaxResultFileBytes);
}

} // namespace

ojson read_result_json(const std::string& path) {
  std::string text = slurp(path);
  try {
    // Nested deeper than any riftsim output: refused before the comparison recurses into it.
    return ojson::parse(text, [](int depth, ojson::parse_event_t, ojson&) {
      if (depth > 100) throw std::length_error("nested more than 100 levels deep");
      return true;
    });
  } catch (const std::exception& e) {
    throw InputError({path, 1, 1}, std::string("not a riftsim result: ") + e.what());
  }
}

int cmd_check(const CheckArgs& a) {
  for (const auto& d : {a.result_dir, a.golden_dir})
    if (!fs::is_directory(d)) throw InputError({d, 1, 1}, "not a directory");
  if (!(a.rtol >= 0 && a.rtol <= 1e300)) throw UsageError("--rtol must be zero or a positive number");
  std::vector<std::string> files;
  std::vector<Difference> diffs;
  for (const std::string name : {"summary.json", "events.csv", "trace.json"}) {
    fs::path golden = fs::path(a.golden_dir) / name;
    if (!fs::exists(golden)) continue;
    fs::path result = fs::path(a.result_dir) / name;
    files.push_back(name);
    if (!fs::exists(result)) {
      diffs.push_back({name, "", "missing from the result"});
      continue;
    }
    if (name == "trace.json")
      diff_trace(read_result_json(result.string()), read_result_json(golden.string()), a.rtol, name, diffs);
    else if (name.ends_with(".json"))
      diff_json(read_result_json(result.string()), read_result_json(golden.string()), a.rtol, name, diffs);
    else
      diff_csv(slurp(result), slurp(golden), a.rtol, name, diffs);
  }
  if (files.empty())
    throw InputError({a.golden_dir, 1, 1}, "holds no summary.json, events.csv or trace.json");
  for (const auto& d : diffs)
    std::cout << d.file << ": " << (d.where.empty() ? "" : d.where + ": ") << d.message << "\n";
  if (!a.junit.empty()) write_file_atomically(a.junit, junit_xml(files, diffs));
  std::set<std::string> differing;
  for (const auto& d : diffs) differing.insert(d.file);
  if (diffs.empty())
    std::cout << "same: " << count_of(files.size(), "file") << " compared (rtol " << a.rtol << ")\n";
  else
    std::cout << count_of(diffs.size(), "difference") << " in " << count_of(differing.size(), "file")
              << " of " << files.size() << " compared (rtol " << a.rtol << ")\n";
  return diffs.empty() ? kExitOk : kExitCheckFailed;
}

} // namespace riftsim
