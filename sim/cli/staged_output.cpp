#include "cli/staged_output.hpp"

#include "core/input_error.hpp"
#include "output/atomic_files.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace riftsim {
namespace {

const char* const kResultFiles[] = {"summary.json",      "events.csv",      "trace.json",
                                    "jobs.csv",          "utilization.csv", "queue.csv",
                                    "replications.json", "comparison.json", "results.csv"};

bool is_result_file(const fs::path& p) {
  std::string name = p.filename().string();
  for (const char* f : kResultFiles)
    if (name == f) return true;
  // events-seed-SEED.csv: every seed's timeline (run --keep-timelines)
  if (name.starts_with("events-seed-") && name.ends_with(".csv") && name.size() > 16 &&
      std::all_of(name.begin() + 12, name.end() - 4, [](char c) { return c >= '0' && c <= '9'; }))
    return true;
  return p.extension() == ".png" || p.extension() == ".svg"; // figures (tools/riftsim-plot)
}

/// The prefix of the staging folders for `out`; the pid and a random suffix follow.
std::string staging_prefix(const fs::path& out) {
  return ".riftsim-" + out.filename().string() + ".";
}

/// Removes the staging folders beside `out` whose process is gone (killed with SIGKILL, or a crash).
void remove_stale_staging(const fs::path& out) {
  std::error_code ec;
  const std::string prefix = staging_prefix(out);
  for (const auto& entry : fs::directory_iterator(out.parent_path(), ec)) {
    std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    std::string rest = name.substr(prefix.size());
    char* end = nullptr;
    long pid = std::strtol(rest.c_str(), &end, 10);
    if (pid <= 0 || end == rest.c_str() || *end != '.') continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue; // still running
    fs::remove_all(entry.path(), ec);
  }
}

/// Whether `p` is `dir` or inside it (both absolute and normal).
bool is_within(const fs::path& p, const fs::path& dir) {
  auto d = dir.begin();
  for (auto it = p.begin(); d != dir.end(); ++it, ++d)
    if (it == p.end() || *it != *d) return false;
  return true;
}

} // namespace

std::string why_not_a_result_folder(const fs::path& dir) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_symlink(ec)) return "it holds a symbolic link, '" + e.path().filename().string() + "'";
    if (e.is_directory(ec)) {
      for (const auto& inner : fs::directory_iterator(e.path(), ec))
        if (!inner.is_regular_file(ec) || inner.is_symlink(ec) || !is_result_file(inner.path()))
          return "it holds '" + e.path().filename().string() + "/" + inner.path().filename().string() +
                 "', which riftsim did not write";
      continue;
    }
    if (!e.is_regular_file(ec) || !is_result_file(e.path()))
      return "it holds '" + e.path().filename().string() + "', which riftsim did not write";
  }
  if (ec) return std::string("it cannot be read: ") + ec.message();
  return "";
}

StagedOutput::StagedOutput(fs::path out) {
  out = out.lexically_normal();
  if (!out.has_filename() && out.has_parent_path()) out = out.parent_path(); // "dir/" is "dir"
  const std::string name = out.filename().string();
  if (name.empty() || name == "." || name == "..")
    throw UsageError("--out " + out.string() + ": give a folder by its name (not '.', '..' or '/')");
  out_ = fs::absolute(out);
  std::error_code ec;
  if (is_within(fs::weakly_canonical(fs::current_path(ec), ec), fs::weakly_canonical(out_, ec)))
    throw UsageError("--out " + out.string() + " is the current folder or holds it");
  auto status = fs::symlink_status(out_, ec);
  if (fs::is_symlink(status))
    throw UsageError("--out " + out.string() + " is a symbolic link: give a folder");
  if (fs::exists(status) && !fs::is_directory(status))
    throw UsageError("--out " + out.string() + " is an existing file, not a folder");
  if (fs::is_directory(status))
    if (std::string why = why_not_a_result_folder(out_); !why.empty())
      throw UsageError("--out " + out.string() +
                       " is not a riftsim result folder that can be replaced: " + why);

  // The parents, as asked for; removed again if the run fails.
  for (fs::path p = out_.parent_path(); !p.empty() && !fs::exists(p, ec); p = p.parent_path())
    created_parents_.insert(created_parents_.begin(), p);
  for (const auto& p : created_parents_)
    if (!fs::create_directory(p, ec) && ec) {
      created_parents_.erase(std::find(created_parents_.begin(), created_parents_.end(), p),
                             created_parents_.end());
      throw OutputError("cannot create " + p.string() + ": " + ec.message());
    }
  remove_stale_staging(out_);
  std::string tmpl =
      (out_.parent_path() / (staging_prefix(out_) + std::to_string(::getpid()) + ".XXXXXX")).string();
  if (!::mkdtemp(tmpl.data())) {
    int err = errno;
    for (auto it = created_parents_.rbegin(); it != created_parents_.rend(); ++it) fs::remove(*it, ec);
    throw OutputError("cannot write beside --out " + out.string() + ": " + std::strerror(err));
  }
  staging_ = tmpl;
  result_ = staging_ / "result";
  scratch_ = staging_ / "scratch";
  fs::create_directory(result_);
  fs::create_directory(scratch_);
}

StagedOutput::~StagedOutput() {
  std::error_code ec;
  fs::remove_all(staging_, ec);
  if (!published_)
    for (auto it = created_parents_.rbegin(); it != created_parents_.rend(); ++it) fs::remove(*it, ec);
}

void StagedOutput::publish() {
  std::error_code ec;
  auto status = fs::symlink_status(out_, ec);
  if (!fs::exists(status)) {
    if (std::rename(result_.c_str(), out_.c_str()) != 0)
      throw OutputError("cannot put the results at " + out_.string() + ": " + std::strerror(errno));
  } else {
    // Checked again: something else may have been put there during the run.
    std::string why = fs::is_directory(status) && !fs::is_symlink(status) ? why_not_a_result_folder(out_)
                                                                          : "it is no longer a folder";
    if (!why.empty())
      throw OutputError("--out " + out_.string() + " changed during the run and cannot be replaced: " + why);
    // One step: the new results and the old swap places; the old then go with the staging folder.
    if (::renameat2(AT_FDCWD, result_.c_str(), AT_FDCWD, out_.c_str(), RENAME_EXCHANGE) != 0) {
      if (errno != EINVAL && errno != ENOSYS)
        throw OutputError("cannot put the results at " + out_.string() + ": " + std::strerror(errno));
      // A file system without the exchange: two renames, with an instant where `out` is missing.
      fs::path old = staging_ / "previous";
      if (std::rename(out_.c_str(), old.c_str()) != 0)
        throw OutputError("cannot put the results at " + out_.string() + ": " + std::strerror(errno));
      if (std::rename(result_.c_str(), out_.c_str()) != 0) {
        int err = errno;
        std::rename(old.c_str(), out_.c_str()); // the previous results back in place
        throw OutputError("cannot put the results at " + out_.string() + ": " + std::strerror(err));
      }
    }
  }
  published_ = true;
}

} // namespace riftsim
