#include "cli/commands.hpp"
#include "core/input_error.hpp"
#include "output/checks.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace fs = std::filesystem;

namespace riftsim {
namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw InputError({p.string(), 1, 1}, "cannot open file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ojson parse_json(const fs::path& p) {
  try {
    return ojson::parse(slurp(p));
  } catch (const ojson::parse_error& e) {
    throw InputError({p.string(), 1, 1}, std::string("not valid JSON: ") + e.what());
  }
}

} // namespace

int cmd_check(const CheckArgs& a) {
  for (const auto& d : {a.result_dir, a.golden_dir})
    if (!fs::is_directory(d)) throw InputError({d, 1, 1}, "not a directory");
  if (!(a.rtol >= 0)) throw InputError({"--rtol", 1, 1}, "must be zero or positive");
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
      diff_trace(parse_json(result), parse_json(golden), a.rtol, name, diffs);
    else if (name.ends_with(".json"))
      diff_json(parse_json(result), parse_json(golden), a.rtol, name, diffs);
    else
      diff_csv(slurp(result), slurp(golden), a.rtol, name, diffs);
  }
  if (files.empty())
    throw InputError({a.golden_dir, 1, 1}, "holds no summary.json, events.csv or trace.json");
  for (const auto& d : diffs)
    std::cout << d.file << ": " << (d.where.empty() ? "" : d.where + ": ") << d.message << "\n";
  if (!a.junit.empty()) {
    std::ofstream out(a.junit);
    out << junit_xml(files, diffs);
    if (!out) throw std::runtime_error("cannot write " + a.junit);
  }
  std::cout << (diffs.empty() ? "same" : std::to_string(diffs.size()) + " difference(s)") << " in "
            << files.size() << " file(s) (rtol " << a.rtol << ")\n";
  return diffs.empty() ? kExitOk : kExitCheckFailed;
}

} // namespace riftsim
