#include "config/yaml_fields.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace riftsim {

SourcePos pos_of(const YAML::Node& node, const std::string& file) {
  YAML::Mark m = node.Mark();
  if (m.is_null()) return {file, 1, 1};
  return {file, m.line + 1, m.column + 1};
}

YAML::Node load_yaml_text(const std::string& text, const std::string& name) {
  try {
    YAML::Node n = YAML::Load(text);
    if (!n.IsMap()) throw InputError({name, 1, 1}, "expected a YAML mapping at the top of the file");
    return n;
  } catch (const YAML::Exception& e) {
    int line = e.mark.is_null() ? 1 : e.mark.line + 1;
    int col = e.mark.is_null() ? 1 : e.mark.column + 1;
    throw InputError({name, line, col}, "YAML syntax: " + e.msg);
  }
}

std::string read_text_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw InputError({path, 1, 1}, "is a directory, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError({path, 1, 1}, std::string("cannot open file: ") + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw InputError({path, 1, 1}, "cannot read file");
  return ss.str();
}

namespace {

/// Letters to add, drop or change, or neighbours to swap, to turn `a` into `b` (optimal string alignment).
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] =
          std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

} // namespace

std::string did_you_mean(const std::string& word, const std::set<std::string>& names) {
  // Keys and names are short: at most a third of the word's letters wrong (at least one) is a typo.
  const size_t limit = std::max<size_t>(1, word.size() / 3);
  std::string best;
  size_t best_distance = limit + 1;
  for (const auto& n : names)
    if (size_t dist = edit_distance(word, n); dist < best_distance && n != word) {
      best = n;
      best_distance = dist;
    }
  return best.empty() ? "" : " (did you mean '" + best + "'?)";
}

Fields::Fields(const YAML::Node& node, std::string file, std::string what)
    : node_(node), file_(std::move(file)), what_(std::move(what)) {
  if (!node_.IsMap()) throw InputError(pos_of(node_, file_), what_ + " must be a mapping of key: value");
}

bool Fields::has(const std::string& key) {
  known_.insert(key);
  return static_cast<bool>(node_[key]);
}

YAML::Node Fields::required(const std::string& key) {
  known_.insert(key);
  YAML::Node n = node_[key];
  if (!n || n.IsNull()) {
    // A misspelled required key is that key written wrong, at its own line, rather than a missing one.
    for (auto it = node_.begin(); it != node_.end(); ++it) {
      std::string written = it->first.IsScalar() ? it->first.Scalar() : std::string();
      if (known_.count(written) || did_you_mean(written, {key}).empty()) continue;
      throw InputError(pos_of(it->first, file_),
                       "unknown key '" + written + "' in " + what_ + did_you_mean(written, {key}));
    }
    throw InputError(pos(), what_ + " is missing required key '" + key + "'");
  }
  return n;
}

std::optional<YAML::Node> Fields::optional(const std::string& key) {
  known_.insert(key);
  YAML::Node n = node_[key];
  if (!n || n.IsNull()) return std::nullopt;
  return n;
}

std::string Fields::scalar_text(const YAML::Node& n, const std::string& key) const {
  if (!n.IsScalar())
    throw InputError(pos_of(n, file_), "'" + key + "' of " + what_ + " must be a single value");
  return n.Scalar();
}

std::string Fields::string(const std::string& key) {
  return scalar_text(required(key), key);
}

std::string Fields::string_or(const std::string& key, const std::string& fallback) {
  auto n = optional(key);
  return n ? scalar_text(*n, key) : fallback;
}

std::vector<std::string> Fields::strings(const std::string& key) {
  YAML::Node n = required(key);
  if (!n.IsSequence()) throw InputError(pos_of(n, file_), "'" + key + "' of " + what_ + " must be a list");
  std::vector<std::string> out;
  for (const auto& item : n) out.push_back(scalar_text(item, key));
  return out;
}

SourcePos Fields::pos(const std::string& key) const {
  for (auto it = node_.begin(); it != node_.end(); ++it)
    if (it->first.IsScalar() && it->first.Scalar() == key) return pos_of(it->second, file_);
  return pos();
}

void Fields::fail(const std::string& key, const std::string& message) const {
  throw InputError(pos(key), "'" + key + "' of " + what_ + " " + message);
}

void Fields::require_positive(const std::string& key, double value) {
  if (!(value > 0)) fail(key, "must be greater than zero");
}

void Fields::require_range(const std::string& key, double value, double lo, double hi,
                           const std::string& rule) {
  if (!(value >= lo && value <= hi)) fail(key, rule);
}

void Fields::done() {
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string("?");
    if (known_.count(key)) continue;
    std::string valid;
    for (const auto& k : known_) valid += (valid.empty() ? "" : ", ") + k;
    throw InputError(pos_of(it->first, file_), "unknown key '" + key + "' in " + what_ +
                                                   did_you_mean(key, known_) + " (valid keys: " + valid +
                                                   ")");
  }
}

void for_each_entry(const YAML::Node& map, const std::string& file, const std::string& what,
                    const std::function<void(const std::string&, const YAML::Node&, SourcePos)>& fn) {
  if (!map.IsMap()) throw InputError(pos_of(map, file), what + " must be a mapping of name: {...}");
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!it->first.IsScalar()) throw InputError(pos_of(it->first, file), what + " names must be plain words");
    fn(it->first.Scalar(), it->second, pos_of(it->first, file));
  }
}

CapacitySpec read_capacity(const YAML::Node& node, const std::string& file, const std::string& what,
                           int max_nodes, int default_quota) {
  Fields cf(node, file, what);
  CapacitySpec c;
  double quota = cf.unit_or("quota", parse_count, static_cast<double>(default_quota));
  cf.require_range("quota", quota, 0, max_nodes > 0 ? max_nodes : 1e6,
                   max_nodes > 0 ? "must be between 0 and the cluster's node count"
                                 : "must be between 0 and 1,000,000");
  c.quota = static_cast<int>(quota);
  double initial = cf.unit_or("initial", parse_count, quota);
  cf.require_range("initial", initial, 0, quota, "must be between 0 and the quota");
  c.initial = static_cast<int>(initial);
  if (cf.has("ramp_nodes")) {
    double ramp = cf.unit("ramp_nodes", parse_count);
    cf.require_positive("ramp_nodes", ramp);
    c.ramp_nodes = static_cast<int>(ramp);
    c.ramp_every = cf.unit("ramp_every", parse_duration);
    cf.require_positive("ramp_every", c.ramp_every.raw());
  } else if (initial < quota) {
    cf.fail("initial", "is below the quota: give ramp_nodes and ramp_every to say how the rest arrives");
  }
  cf.done();
  return c;
}

} // namespace riftsim
