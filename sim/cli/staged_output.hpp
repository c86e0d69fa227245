#pragma once
// The results of `riftsim run` as one set: they are written into a fresh folder beside --out and
// renamed into place at the end, so --out holds one whole previous result or one whole new result,
// never a mix of both, and nothing at all if the run fails or is interrupted before it ends
// (docs/outputs.md, "Atomicity").
#include <filesystem>
#include <vector>

namespace riftsim {

class StagedOutput {
public:
  /// Checks that `out` can take the results, before any simulation: it must not be a file, a symbolic
  /// link, or a folder holding anything but a previous riftsim result (which it replaces). Creates the
  /// missing parent folders and the staging folder `.riftsim-<name>.<pid>.XXXXXX` beside it, after
  /// removing those left by runs that were killed (SIGKILL). Throws UsageError or OutputError.
  explicit StagedOutput(std::filesystem::path out);
  /// Removes the staging folder, and the parent folders it created unless the results were published.
  ~StagedOutput();
  StagedOutput(const StagedOutput&) = delete;
  StagedOutput& operator=(const StagedOutput&) = delete;

  const std::filesystem::path& out() const { return out_; }
  /// Where the results are written; it becomes `out` when published.
  const std::filesystem::path& result() const { return result_; }
  /// The simulations' own files (their raw results), never published.
  const std::filesystem::path& scratch() const { return scratch_; }

  /// Puts the results in place of `out` in one rename (an exchange when `out` exists).
  void publish();

private:
  std::filesystem::path out_, staging_, result_, scratch_;
  std::vector<std::filesystem::path> created_parents_; // outermost first
  bool published_ = false;
};

/// Why `dir` cannot be replaced by a run's results, or empty if it can: an empty folder, or one that
/// holds only what riftsim writes (summary.json, events.csv, trace.json, replications.json,
/// comparison.json, figures, and folders of these, one per response).
std::string why_not_a_result_folder(const std::filesystem::path& dir);

} // namespace riftsim
