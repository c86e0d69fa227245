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

namespace {

/// The result files of one run compared with their golden copies; `prefix` names a response's folder
/// ("hedge/") in a run with several responses.
void check_run_files(const fs::path& result_dir, const fs::path& golden_dir, const std::string& prefix,
                     double rtol, std::vector<std::string>& files, std::vector<Difference>& diffs) {
  for (const std::string name : {"summary.json", "comparison.json", "events.csv", "trace.json", "jobs.csv",
                                 "utilization.csv", "queue.csv"}) {
    fs::path golden = golden_dir / name;
    if (!fs::exists(golden)) continue;
    const std::string shown = prefix + name;
    fs::path result = result_dir / name;
    files.push_back(shown);
    if (!fs::exists(result)) {
      diffs.push_back({shown, "", "missing from the result"});
      continue;
    }
    if (name == "trace.json")
      diff_trace(read_result_json(result.string()), read_result_json(golden.string()), rtol, shown, diffs);
    else if (name.ends_with(".json"))
      diff_json(read_result_json(result.string()), read_result_json(golden.string()), rtol, shown, diffs);
    else
      diff_csv(slurp(result), slurp(golden), rtol, shown, diffs);
  }
}

/// The folders of a run with several responses (one per response, each with its summary.json), sorted.
std::set<std::string> response_folders(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_directory() && fs::exists(e.path() / "summary.json")) names.insert(e.path().filename().string());
  return names;
}

} // namespace

int cmd_check(const CheckArgs& a) {
  for (const auto& d : {a.result_dir, a.golden_dir})
    if (!fs::is_directory(d)) throw InputError({d, 1, 1}, "not a directory");
  if (!(a.rtol >= 0 && a.rtol <= 1e300)) throw UsageError("--rtol must be zero or a positive number");
  std::vector<std::string> files;
  std::vector<Difference> diffs;
  check_run_files(a.result_dir, a.golden_dir, "", a.rtol, files, diffs);
  // A run with several responses: comparison.json above, and each response's folder compared in turn.
  if (!fs::exists(fs::path(a.golden_dir) / "summary.json")) {
    const std::set<std::string> golden = response_folders(a.golden_dir);
    const std::set<std::string> result = response_folders(a.result_dir);
    // A response's folder missing from the result: each of its golden files is missing (counted as
    // files, as when one file is).
    for (const auto& name : golden)
      check_run_files(fs::path(a.result_dir) / name, fs::path(a.golden_dir) / name, name + "/", a.rtol, files,
                      diffs);
    for (const auto& name : result)
      if (!golden.count(name)) {
        files.push_back(name + "/");
        diffs.push_back({name + "/", "", "a response the golden does not have"});
      }
  }
  if (files.empty())
    throw InputError(
        {a.golden_dir, 1, 1},
        "holds no riftsim result file (summary.json, comparison.json, events.csv, trace.json, jobs.csv, "
        "utilization.csv, queue.csv), nor a folder of each "
        "response holding them");
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
