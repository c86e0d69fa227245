#include "config/yaml_fields.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <sstream>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>

namespace riftsim {
namespace {

// Past these a value is a unit mistake. Durations go up to 100,000 years (a node MTBF of thousands of
// years is a way to switch node failures off), below 2^43 s, where doubles keep simulated dates a
// millisecond apart.
constexpr double kMaxDurationYears = 100000;
constexpr double kMaxBytes = 1e21;
constexpr double kMinBytesPerSecond = 1.0 / 8; // 1 bps
constexpr double kMaxBytesPerSecond = 1e18;

/// The first byte of `text` a YAML file must not hold: one that is not UTF-8, or a control character
/// other than tab and line ends (YAML 1.2 §5.1). Returns npos and leaves `why` empty if there is none.
size_t first_forbidden_byte(const std::string& text, std::string& why) {
  size_t bad_utf8 = invalid_utf8_offset(text);
  for (size_t i = 0; i < text.size() && i < bad_utf8; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
      why = fmt::format("control character 0x{:02X} is not allowed in a YAML file", c);
      return i;
    }
  }
  if (bad_utf8 != std::string::npos)
    why = fmt::format("byte 0x{:02X} is not UTF-8 text (riftsim reads UTF-8 files)",
                      static_cast<unsigned char>(text[bad_utf8]));
  return bad_utf8;
}

/// Remembers where the last document started; ignores everything else.
struct DocumentStart : YAML::EventHandler {
  YAML::Mark mark = YAML::Mark::null_mark();
  void OnDocumentStart(const YAML::Mark& m) override { mark = m; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
  }
  void OnMapEnd() override {}
};

thread_local SourceFiles* current_sources = nullptr;

/// load_yaml_text, with the text's lines counted from `first_line` (0-based) in marks.
YAML::Node load_yaml_lines(const std::string& text, const std::string& name, int first_line) {
  std::string why;
  if (size_t at = first_forbidden_byte(text, why); at != std::string::npos) {
    LineColumn lc = line_column_at(text, at);
    throw InputError({name, lc.line, lc.column}, why);
  }
  if (first_line > 0)
    return load_yaml_lines(std::string(static_cast<size_t>(first_line), '\n') + text, name, -first_line);
  // A negative first_line: the text was shifted by that many blank lines, taken off again in messages.
  const int shift = -first_line;
  YAML::Node root;
  YAML::Mark second_document = YAML::Mark::null_mark();
  try {
    root = YAML::Load(text);
    // A second document is looked for with the event parser, called twice at most: YAML::LoadAll loops
    // forever (and allocates) on a stream holding a lone ',' in yaml-cpp 0.7 (jbeder/yaml-cpp#1040, #1319).
    std::istringstream in(text);
    YAML::Parser parser(in);
    DocumentStart start;
    parser.HandleNextDocument(start);
    if (parser.HandleNextDocument(start)) second_document = start.mark;
  } catch (const YAML::DeepRecursion& e) {
    throw InputError({name, e.mark.line + 1 - shift, e.mark.column + 1},
                     "YAML nested more than " + std::to_string(e.depth() - 1) + " levels deep");
  } catch (const YAML::Exception& e) {
    int line = e.mark.is_null() ? 1 : e.mark.line + 1 - shift;
    int col = e.mark.is_null() ? 1 : e.mark.column + 1;
    throw InputError({name, line, col}, "YAML syntax: " + e.msg);
  }
  if (!root.IsMap()) {
    YAML::Mark m = root.Mark();
    throw InputError({name, m.is_null() ? 1 : m.line + 1 - shift, m.is_null() ? 1 : m.column + 1},
                     "expected a YAML mapping at the top of the file");
  }
  if (!second_document.is_null())
    throw InputError({name, second_document.line + 1 - shift, second_document.column + 1},
                     "a second YAML document ('---'): an input file holds one");
  return root;
}

} // namespace

std::string readable_number(double v) {
  if (v != std::floor(v) || std::fabs(v) >= 1e15) return fmt::format("{:g}", v);
  std::string digits = fmt::format("{:.0f}", std::fabs(v));
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (v < 0 ? "-" : "") + out;
}

SourcePos pos_of(const YAML::Node& node, const std::string& file) {
  YAML::Mark m = node.Mark();
  if (m.is_null()) return {file, 1, 1};
  if (auto p = SourceFiles::find(m)) return *p;
  return {file, m.line + 1, m.column + 1};
}

YAML::Node load_yaml_text(const std::string& text, const std::string& name) {
  return load_yaml_lines(text, name, 0);
}

SourceFiles::SourceFiles(std::string first) : files_{std::move(first)}, previous_(current_sources) {
  current_sources = this;
}

SourceFiles::~SourceFiles() {
  current_sources = previous_;
}

YAML::Node SourceFiles::load(const std::string& text, const std::string& name) {
  if (std::count(text.begin(), text.end(), '\n') >= kLinesPerFile)
    throw InputError({name, 1, 1}, "a file that another extends must be shorter than " +
                                       std::to_string(kLinesPerFile) + " lines");
  files_.push_back(name);
  return load_yaml_lines(text, name, static_cast<int>(files_.size() - 1) * kLinesPerFile);
}

std::optional<SourcePos> SourceFiles::find(const YAML::Mark& m) {
  if (!current_sources || m.line < kLinesPerFile) return std::nullopt;
  size_t band = static_cast<size_t>(m.line / kLinesPerFile);
  if (band >= current_sources->files_.size()) return std::nullopt;
  return SourcePos{current_sources->files_[band], m.line % kLinesPerFile + 1, m.column + 1};
}

bool SourceFiles::overrides(const YAML::Node& a, const YAML::Node& b) {
  if (!a || !b || a.Mark().is_null() || b.Mark().is_null()) return false;
  return a.Mark().line / kLinesPerFile < b.Mark().line / kLinesPerFile; // band 0 is the extending file
}

void check_name(const std::string& name, const SourcePos& pos, const std::string& what) {
  auto bad = [&](const std::string& why) {
    throw InputError(pos, "name '" + name + "' in " + what + " " + why);
  };
  if (name.empty()) throw InputError(pos, "an empty name in " + what);
  if (name.size() > 128) bad("is longer than 128 bytes");
  if (invalid_utf8_offset(name) != std::string::npos) bad("is not UTF-8 text");
  for (char ch : name) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F) bad("holds a control character");
  }
  if (name.find('/') != std::string::npos)
    bad("cannot contain '/' (it joins names into ids such as provider/region/cluster)");
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

std::string platform_names(const PlatformSpec& plat, const std::string& kind, const std::string& given) {
  std::set<std::string> names;
  for (const auto& p : plat.providers) {
    if (kind == "providers") names.insert(p.name);
    for (const auto& r : p.regions) {
      if (kind == "regions") names.insert(r.id);
      for (const auto& c : r.clusters)
        if (kind == "clusters") names.insert(c.id);
    }
  }
  if (kind == "links")
    for (const auto& l : plat.links) names.insert(l.name);
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  return "; the platform's " + kind + ": " + (list.empty() ? "none" : list) + did_you_mean(given, names);
}

void refuse_repeated_keys(const YAML::Node& map, const std::string& file, const std::string& what) {
  // yaml-cpp keeps both copies of a repeated key and node[key] finds the first: refuse the second.
  std::map<std::string, int> first_line;
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!it->first.IsScalar())
      throw InputError(pos_of(it->first, file), what.empty() ? "keys must be plain words"
                                                             : "a key of " + what + " must be a plain word");
    const std::string& key = it->first.Scalar();
    SourcePos at = pos_of(it->first, file);
    auto [seen, fresh] = first_line.emplace(key, at.line);
    if (!fresh)
      throw InputError(at, "key '" + key + "' appears twice" + (what.empty() ? "" : " in " + what) +
                               " (first on line " + std::to_string(seen->second) + ")");
  }
}

Fields::Fields(const YAML::Node& node, std::string file, std::string what)
    : node_(node), file_(std::move(file)), what_(std::move(what)) {
  if (!node_.IsMap()) throw InputError(pos_of(node_, file_), what_ + " must be a mapping of key: value");
  refuse_repeated_keys(node_, file_, what_);
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
  // The file is UTF-8, but an escape in a double-quoted string ("\ud800") may not be.
  if (invalid_utf8_offset(n.Scalar()) != std::string::npos)
    throw InputError(pos_of(n, file_), "'" + key + "' of " + what_ + " is not UTF-8 text");
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

long long Fields::whole(const std::string& key, double lo, double hi) {
  double v = unit(key, parse_count);
  if (!(v >= lo && v <= hi) || v != std::floor(v))
    fail(key, "must be a whole number between " + readable_number(lo) + " and " + readable_number(hi));
  return static_cast<long long>(v);
}

long long Fields::whole_or(const std::string& key, double lo, double hi, long long fallback) {
  return optional(key) ? whole(key, lo, hi) : fallback;
}

void Fields::check_magnitude(const YAML::Node& n, const std::string& key, const Seconds& v) const {
  if (std::fabs(v.raw()) > kMaxDurationYears * 365.25 * kSecondsPerDay)
    throw InputError(pos_of(n, file_), "'" + key + "' of " + what_ + " is longer than " +
                                           readable_number(kMaxDurationYears) + " years");
}

void Fields::check_magnitude(const YAML::Node& n, const std::string& key, const Bytes& v) const {
  if (std::fabs(v.raw()) > kMaxBytes)
    throw InputError(pos_of(n, file_), "'" + key + "' of " + what_ + " is larger than 1 ZB");
}

void Fields::check_magnitude(const YAML::Node& n, const std::string& key, const BytesPerSecond& v) const {
  if (v.raw() != 0 && (std::fabs(v.raw()) < kMinBytesPerSecond || std::fabs(v.raw()) > kMaxBytesPerSecond))
    throw InputError(pos_of(n, file_),
                     "'" + key + "' of " + what_ + " must be 0 or between 1 bps and 1 EB/s");
}

std::vector<SourcePos> Fields::item_positions(const std::string& key) const {
  std::vector<SourcePos> out;
  for (auto it = node_.begin(); it != node_.end(); ++it)
    if (it->first.IsScalar() && it->first.Scalar() == key) {
      // A copy of the value: `it->second` lives in a proxy that ends with the expression.
      const YAML::Node value = it->second;
      if (value.IsSequence())
        for (const auto& item : value) out.push_back(pos_of(item, file_));
      else
        out.push_back(pos_of(value, file_));
    }
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

void Fields::fail_against(const std::string& key, const std::string& other,
                          const std::string& message) const {
  throw conflict(key, other, message);
}

InputError Fields::conflict(const std::string& key, const std::string& other,
                            const std::string& message) const {
  const YAML::Node& node = node_;
  return conflict_error(key, node[other], "'" + other + "' of " + what_, message);
}

void Fields::fail_against(const std::string& key, const YAML::Node& other, const std::string& other_name,
                          const std::string& message) const {
  throw conflict_error(key, other, other_name, message);
}

InputError Fields::conflict_error(const std::string& key, const YAML::Node& other,
                                  const std::string& other_name, const std::string& message) const {
  const YAML::Node& node = node_;
  const YAML::Node mine = node[key];
  // `key` not written here (a catalog's value), `other` written: said at `other`, what was written.
  if (!mine && other && !other.Mark().is_null())
    return InputError(pos_of(other, file_), other_name + " does not go with '" + key + "' of " + what_ +
                                                " (not written here): '" + key + "' " + message);
  if (!SourceFiles::overrides(other, mine))
    return InputError(pos(key), "'" + key + "' of " + what_ + " " + message);
  SourcePos at = pos_of(mine, file_);
  return InputError(pos_of(other, file_), other_name + " does not go with '" + key + "' of " + what_ + " (" +
                                              at.file + " line " + std::to_string(at.line) + "): '" + key +
                                              "' " + message);
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
    const std::string& key = it->first.Scalar(); // the constructor checked every key is a scalar
    if (known_.count(key)) continue;
    std::string valid;
    for (const auto& k : known_) valid += (valid.empty() ? "" : ", ") + k;
    throw InputError(pos_of(it->first, file_), "unknown key '" + key + "' in " + what_ +
                                                   did_you_mean(key, known_) + " (valid keys: " + valid +
                                                   ")");
  }
}

void check_schema_version(Fields& top) {
  auto v = top.optional("schema_version");
  if (!v) return;
  if (!v->IsScalar() || v->Scalar() != "1")
    top.fail("schema_version", "is not supported (this riftsim reads schema_version 1)");
}

void for_each_entry(const YAML::Node& map, const std::string& file, const std::string& what,
                    const std::function<void(const std::string&, const YAML::Node&, SourcePos)>& fn) {
  if (!map.IsMap()) throw InputError(pos_of(map, file), what + " must be a mapping of name: {...}");
  std::map<std::string, int> first_line;
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!it->first.IsScalar()) throw InputError(pos_of(it->first, file), what + " names must be plain words");
    const std::string& name = it->first.Scalar();
    SourcePos at = pos_of(it->first, file);
    check_name(name, at, what);
    auto [seen, fresh] = first_line.emplace(name, at.line);
    if (!fresh)
      throw InputError(at, "'" + name + "' is listed twice in " + what + " (first on line " +
                               std::to_string(seen->second) + ")");
  }
  for (auto it = map.begin(); it != map.end(); ++it)
    fn(it->first.Scalar(), it->second, pos_of(it->first, file));
}

CapacitySpec read_capacity(const YAML::Node& node, const std::string& file, const std::string& what,
                           int max_nodes, int default_quota, const YAML::Node& max_nodes_node,
                           const std::string& max_nodes_name) {
  Fields cf(node, file, what);
  CapacitySpec c;
  if (cf.has("quota")) {
    double quota = cf.unit("quota", parse_count);
    if (!(quota >= 0 && quota <= (max_nodes > 0 ? max_nodes : 1e6)) || quota != std::floor(quota))
      cf.fail_against("quota", max_nodes_node, max_nodes_name,
                      max_nodes > 0 ? "must be a whole number between 0 and the cluster's node count (" +
                                          readable_number(max_nodes) + ")"
                                    : "must be a whole number between 0 and 1,000,000");
    c.quota = static_cast<int>(quota);
  } else {
    c.quota = default_quota;
  }
  double initial = cf.unit_or("initial", parse_count, static_cast<double>(c.quota));
  if (!(initial >= 0 && initial <= c.quota) || initial != std::floor(initial))
    cf.fail_against("initial", "quota", "must be a whole number between 0 and the quota");
  c.initial = static_cast<int>(initial);
  if (cf.has("ramp_nodes")) {
    c.ramp_nodes = static_cast<int>(cf.whole("ramp_nodes", 1, 1e6));
    c.ramp_every = cf.unit("ramp_every", parse_duration);
    cf.require_positive("ramp_every", c.ramp_every.raw());
  } else if (cf.has("ramp_every")) {
    cf.fail("ramp_every", "needs ramp_nodes: how many nodes arrive each time");
  } else if (c.initial < c.quota) {
    cf.fail("initial", "is below the quota: give ramp_nodes and ramp_every to say how the rest arrives");
  }
  cf.done();
  return c;
}

} // namespace riftsim
