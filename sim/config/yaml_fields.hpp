#pragma once
// Strict reading of YAML mappings: every key a reader asks for is remembered, and done() rejects
// any key nobody asked for, at its own line and column; a key given twice is an error. Values are
// converted to typed quantities here, at the edge, and every conversion error carries the value's
// position.
#include "config/input_files.hpp"
#include "core/input_error.hpp"
#include "core/units.hpp"
#include "model/platform.hpp"

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace riftsim {

/// Parses YAML text that must hold a mapping. The text must be UTF-8 without control characters (other
/// than tab and line ends); a syntax error becomes an InputError at its line and column.
YAML::Node load_yaml_text(const std::string& text, const std::string& name);

SourcePos pos_of(const YAML::Node& node, const std::string& file);

/// The files of one tree merged from several (a platform that `extends:` another). yaml-cpp keeps no file
/// in a node's mark, so each file is parsed with its lines shifted into a band of its own (file k from
/// line k x kLinesPerFile on), and pos_of gives a node's position in the file it came from, while a
/// SourceFiles is alive on this thread. The file at band 0 is the one given; it is parsed unshifted.
class SourceFiles {
public:
  static constexpr int kLinesPerFile = 200000; // every file of such a tree must be shorter
  explicit SourceFiles(std::string first);
  ~SourceFiles();
  SourceFiles(const SourceFiles&) = delete;
  SourceFiles& operator=(const SourceFiles&) = delete;
  /// Parses `text` (from `name`) as load_yaml_text does, in the next band.
  YAML::Node load(const std::string& text, const std::string& name);
  const std::vector<std::string>& files() const { return files_; }
  /// The position of a mark in its own file, or nullopt if it is in no band of this tree.
  static std::optional<SourcePos> find(const YAML::Mark& m);
  /// True when `a` was written in a file that extends (directly or not) the one `b` was written in: `a` is
  /// an override, what the user of the extending file wrote. False for nodes of one file.
  static bool overrides(const YAML::Node& a, const YAML::Node& b);

private:
  std::vector<std::string> files_;
  SourceFiles* previous_;
};

/// A name chosen in a file (a provider, a cluster, a job): not empty, at most 128 bytes, no control
/// characters and no '/', which joins names into ids (provider/region/cluster).
void check_name(const std::string& name, const SourcePos& pos, const std::string& what);

/// 1000000 -> "1,000,000"; other numbers as %g (for numbers in messages).
std::string readable_number(double v);

/// A calendar date written YYYY-MM-DD (the `as_of` of a price).
bool is_iso_date(const std::string& s);

/// " (did you mean 'nodes'?)" when one of `names` is close enough to `word` to be what was meant (a typo:
/// a few letters added, dropped, changed or swapped); empty otherwise.
std::string did_you_mean(const std::string& word, const std::set<std::string>& names);

/// "; the platform's clusters: a, b, c (did you mean 'b'?)": the names of `kind` (providers, regions,
/// clusters or links) the platform has, and the one closest to `given`, for a message about a name
/// that is not there.
std::string platform_names(const PlatformSpec& plat, const std::string& kind, const std::string& given);

/// Refuses a mapping key that is not a plain word, or one given twice (yaml-cpp keeps both copies and
/// finds the first): said at the second, naming the line of the first. `what` names the mapping in the
/// messages ("cluster 'x'"), or is empty.
void refuse_repeated_keys(const YAML::Node& map, const std::string& file, const std::string& what = "");

class Fields {
public:
  /// `what` names the mapping in messages, e.g. "cluster 'nd-a100-v4'". Throws on a key given twice.
  Fields(const YAML::Node& node, std::string file, std::string what);

  bool has(const std::string& key);
  YAML::Node required(const std::string& key);
  std::optional<YAML::Node> optional(const std::string& key);

  std::string string(const std::string& key);
  std::string string_or(const std::string& key, const std::string& fallback);
  std::vector<std::string> strings(const std::string& key);
  /// The positions of a list's items (of `key`'s value when it is not a list), for errors about one name.
  std::vector<SourcePos> item_positions(const std::string& key) const;

  /// Reads a value through a unit parser (parse_duration, parse_bytes, ...).
  template <class T> T unit(const std::string& key, T (*parse)(std::string_view)) {
    YAML::Node n = required(key);
    return convert(n, key, parse);
  }
  template <class T> T unit_or(const std::string& key, T (*parse)(std::string_view), T fallback) {
    auto n = optional(key);
    return n ? convert(*n, key, parse) : fallback;
  }
  /// A count of things (nodes, GPUs, streams): a whole number in [lo, hi], SI suffixes allowed (25k).
  long long whole(const std::string& key, double lo, double hi);
  long long whole_or(const std::string& key, double lo, double hi, long long fallback);

  /// Fails with "must be > 0" style messages at the value's position.
  void require_positive(const std::string& key, double value);
  void require_range(const std::string& key, double value, double lo, double hi, const std::string& rule);

  void done(); // rejects unknown keys
  SourcePos pos() const { return pos_of(node_, file_); }
  SourcePos pos(const std::string& key) const;
  const std::string& file() const { return file_; }
  [[noreturn]] void fail(const std::string& key, const std::string& message) const;
  /// Fails about `key`'s value, which `message` says does not go with `other`'s (a key of this mapping, or
  /// any node, then described as `other_name`, e.g. "'nodes' of cluster 'x'"). Said at `key`, unless an
  /// extending file gives `other` over the file that gives `key` (e.g. fewer nodes than the base's quota):
  /// then at `other`, what the user just wrote, naming where `key` is.
  [[noreturn]] void fail_against(const std::string& key, const std::string& other,
                                 const std::string& message) const;
  [[noreturn]] void fail_against(const std::string& key, const YAML::Node& other,
                                 const std::string& other_name, const std::string& message) const;
  /// What fail_against(key, other, message) throws, for a conflict kept rather than refused (e.g. one
  /// that only stops an export).
  InputError conflict(const std::string& key, const std::string& other, const std::string& message) const;

private:
  InputError conflict_error(const std::string& key, const YAML::Node& other, const std::string& other_name,
                            const std::string& message) const;
  std::string scalar_text(const YAML::Node& n, const std::string& key) const;
  template <class T> T convert(const YAML::Node& n, const std::string& key, T (*parse)(std::string_view)) {
    std::string text = scalar_text(n, key);
    T value;
    try {
      value = parse(text);
    } catch (const UnitError& e) {
      throw InputError(pos_of(n, file_), "'" + key + "' of " + what_ + ": " + e.what());
    }
    check_magnitude(n, key, value);
    return value;
  }
  // Bounds beyond which a value is a unit mistake and simulated dates would lose their precision.
  template <class T> void check_magnitude(const YAML::Node&, const std::string&, const T&) const {}
  void check_magnitude(const YAML::Node& n, const std::string& key, const Seconds& v) const;
  void check_magnitude(const YAML::Node& n, const std::string& key, const Bytes& v) const;
  void check_magnitude(const YAML::Node& n, const std::string& key, const BytesPerSecond& v) const;

  YAML::Node node_;
  std::string file_;
  std::string what_;
  std::set<std::string> known_;
};

/// Reads `schema_version` if present: it must be the single value 1.
void check_schema_version(Fields& top);

/// Reads a capacity block ({quota, initial, ramp_nodes, ramp_every}); `max_nodes` bounds the quota
/// (0 = no bound here, checked later against the cluster), `default_quota` fills a missing one.
/// `max_nodes_node`, named `max_nodes_name`, is where the bound is written (for Fields::fail_against).
CapacitySpec read_capacity(const YAML::Node& node, const std::string& file, const std::string& what,
                           int max_nodes, int default_quota, const YAML::Node& max_nodes_node = YAML::Node(),
                           const std::string& max_nodes_name = "");

/// Iterates a mapping whose keys are user-chosen names (providers, clusters, jobs); each name is
/// checked (check_name) and may appear only once.
void for_each_entry(
    const YAML::Node& map, const std::string& file, const std::string& what,
    const std::function<void(const std::string& name, const YAML::Node& value, SourcePos)>& fn);

} // namespace riftsim
