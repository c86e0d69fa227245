#include "sweep/sweep_spec.hpp"

#include "config/input_files.hpp"
#include "config/loaders.hpp"
#include "config/yaml_fields.hpp"
#include "core/random.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <numeric>

namespace riftsim {

const char* document_name(InputDocument d) {
  switch (d) {
  case InputDocument::Scenario:
    return "scenario";
  case InputDocument::Platform:
    return "platform";
  case InputDocument::Workload:
    return "workload";
  }
  return "?";
}

const char* design_name(Design d) {
  switch (d) {
  case Design::Grid:
    return "grid";
  case Design::Zip:
    return "zip";
  case Design::LatinHypercube:
    return "latin_hypercube";
  case Design::Random:
    return "random";
  case Design::OneAtATime:
    return "one_at_a_time";
  }
  return "?";
}

ParameterPath parse_parameter_path(const std::string& text, const SourcePos& pos) {
  auto fail = [&](const std::string& why) {
    throw InputError(pos,
                     "parameter '" + text + "': " + why +
                         " (write keys joined by '.', list items as [0], keys holding '.' as [\"a.b\"])");
  };
  ParameterPath p;
  p.text = text;
  size_t i = 0;
  auto read_key = [&]() {
    size_t start = i;
    while (i < text.size() && text[i] != '.' && text[i] != '[') ++i;
    if (i == start) fail("an empty key at character " + std::to_string(start + 1));
    return text.substr(start, i - start);
  };
  bool first = true;
  while (i < text.size()) {
    if (text[i] == '[') {
      if (first) fail("a path starts with a key");
      size_t close = text.find(']', i);
      if (close == std::string::npos) fail("'[' without ']'");
      std::string inside = text.substr(i + 1, close - i - 1);
      if (inside.size() >= 2 && inside.front() == '"' && inside.back() == '"') {
        if (inside.size() == 2) fail("an empty key");
        p.steps.push_back({inside.substr(1, inside.size() - 2), -1});
      } else {
        long index = -1;
        auto [end, ec] = std::from_chars(inside.data(), inside.data() + inside.size(), index);
        if (ec != std::errc() || end != inside.data() + inside.size() || index < 0 || index > 1000000)
          fail("'[" + inside + "]' is neither a list index nor a quoted key");
        p.steps.push_back({"", index});
      }
      i = close + 1;
    } else {
      if (!first) {
        if (text[i] != '.') fail("expected '.' or '[' at character " + std::to_string(i + 1));
        ++i;
      }
      p.steps.push_back({read_key(), -1});
    }
    first = false;
  }
  if (p.steps.empty()) fail("an empty path");
  // A first key naming another input file moves the path there; the scenario is the default.
  const std::string& head = p.steps.front().key;
  if ((head == "platform" || head == "workload" || head == "scenario") && p.steps.size() > 1) {
    p.document = head == "platform"   ? InputDocument::Platform
                 : head == "workload" ? InputDocument::Workload
                                      : InputDocument::Scenario;
    p.steps.erase(p.steps.begin());
  } else if (head == "platform" || head == "workload") {
    fail("it names the scenario's " + head + " file; sweep the values inside it with '" + head + ".<path>'");
  }
  if (p.document == InputDocument::Scenario && !p.steps.empty() && p.steps.front().key == "schema_version")
    fail("the schema version is not a parameter");
  return p;
}

namespace {

/// Splits "$98.32/h" into "$", 98.32, "/h"; false if the text holds no number.
bool split_number(const std::string& text, std::string& prefix, double& number, std::string& suffix) {
  size_t start = 0;
  while (start < text.size() && !std::isdigit(static_cast<unsigned char>(text[start])) &&
         text[start] != '-' && text[start] != '+' && text[start] != '.')
    ++start;
  if (start == text.size()) return false;
  size_t end = start;
  if (text[end] == '-' || text[end] == '+') ++end;
  size_t digits = 0;
  while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == '.')) {
    digits += std::isdigit(static_cast<unsigned char>(text[end])) ? 1 : 0;
    ++end;
  }
  if (digits == 0) return false;
  // An exponent only if digits follow it: "2e25FLOP" has one, "3days" does not.
  if (end < text.size() && (text[end] == 'e' || text[end] == 'E')) {
    size_t e = end + 1;
    if (e < text.size() && (text[e] == '-' || text[e] == '+')) ++e;
    if (e < text.size() && std::isdigit(static_cast<unsigned char>(text[e]))) {
      while (e < text.size() && std::isdigit(static_cast<unsigned char>(text[e]))) ++e;
      end = e;
    }
  }
  std::string num = text.substr(start, end - start);
  if (num.front() == '+') num.erase(0, 1);
  auto [ptr, ec] = std::from_chars(num.data(), num.data() + num.size(), number);
  if (ec != std::errc() || ptr != num.data() + num.size() || !std::isfinite(number)) return false;
  prefix = text.substr(0, start);
  suffix = text.substr(end);
  return true;
}

std::string scalar_of(const YAML::Node& n, const std::string& file, const std::string& what) {
  if (!n.IsScalar()) throw InputError(pos_of(n, file), what + " must be a single value");
  if (invalid_utf8_offset(n.Scalar()) != std::string::npos)
    throw InputError(pos_of(n, file), what + " is not UTF-8 text");
  if (n.Scalar().empty()) throw InputError(pos_of(n, file), what + " is empty");
  return n.Scalar();
}

ValueRange read_range(const YAML::Node& node, const std::string& file, const std::string& param) {
  Fields f(node, file, "the range of parameter '" + param + "'");
  ValueRange r;
  auto number = [&](const std::string& key, std::string& prefix, std::string& suffix) {
    std::string text = scalar_of(f.required(key), file, "'" + key + "' of parameter '" + param + "'");
    double v = 0;
    if (!split_number(text, prefix, v, suffix)) f.fail(key, "'" + text + "' holds no number");
    return v;
  };
  r.from = number("from", r.prefix, r.suffix);
  std::string p, s;
  r.to = number("to", p, s);
  if (p != r.prefix || s != r.suffix)
    f.fail("to", "must be written in the unit of 'from' ('" + r.prefix + "…" + r.suffix + "')");
  if (!(r.to > r.from)) f.fail("to", "must be above 'from'");
  if (f.has("step")) {
    r.step = number("step", p, s);
    if (p != r.prefix || s != r.suffix)
      f.fail("step", "must be written in the unit of 'from' ('" + r.prefix + "…" + r.suffix + "')");
    if (!(r.step > 0)) f.fail("step", "must be above 0");
    if ((r.to - r.from) / r.step > static_cast<double>(kMaxSweepPoints))
      f.fail("step", fmt::format("makes more than {} values", kMaxSweepPoints));
  }
  if (f.has("count")) {
    if (r.step > 0) f.fail("count", "give 'step' or 'count', not both");
    r.count = static_cast<int>(f.whole("count", 2, static_cast<double>(kMaxSweepPoints)));
  }
  if (f.has("scale")) {
    std::string scale = f.string("scale");
    if (scale != "linear" && scale != "log") f.fail("scale", "must be linear or log");
    r.log = scale == "log";
    if (r.log && !(r.from > 0)) f.fail("scale", "a log scale needs 'from' above 0");
  }
  if (f.has("whole")) {
    std::string w = f.string("whole");
    if (w != "true" && w != "false") f.fail("whole", "must be true or false");
    r.whole = w == "true";
  }
  f.done();
  return r;
}

/// A whole number drawn evenly from [0, n): floor(u * n), kept below n where u * n rounds up to n.
size_t index_below(Random& rng, size_t n) {
  return std::min(n - 1, static_cast<size_t>(std::floor(rng.uniform() * static_cast<double>(n))));
}

} // namespace

std::string ValueRange::text(double number) const {
  if (whole) number = std::round(number);
  // 12 significant digits: 0.1 + 0.2 reads 0.3, and no simulated quantity needs more.
  std::string n = whole ? fmt::format("{:.0f}", number) : fmt::format("{:.12g}", number);
  if (n == "-0") n = "0";
  return prefix + n + suffix;
}

std::vector<std::string> ValueRange::values() const {
  std::vector<std::string> out;
  if (step > 0) {
    const auto n = static_cast<size_t>(std::floor((to - from) / step * (1 + 1e-12) + 1e-9)) + 1;
    for (size_t i = 0; i < n; ++i) out.push_back(text(from + static_cast<double>(i) * step));
  } else if (count > 0) {
    for (int i = 0; i < count; ++i) {
      double t = static_cast<double>(i) / (count - 1);
      out.push_back(text(log ? from * std::pow(to / from, t) : from + t * (to - from)));
    }
  }
  return out;
}

SweepSpec parse_sweep(const std::string& text, const std::string& file) {
  YAML::Node root = load_yaml_text(text, file);
  Fields top(root, file, "the sweep file");
  check_schema_version(top);
  SweepSpec s;
  s.file = file;
  s.name = top.string("name");
  check_folder_name(s.name, top.pos("name"), "the sweep's name");
  std::string rel = top.string("scenario");
  if (rel.empty()) top.fail("scenario", "must name a scenario file");
  std::filesystem::path p(rel);
  if (p.is_relative()) p = std::filesystem::path(file).parent_path() / p;
  s.scenario = p.lexically_normal().string();
  s.scenario_pos = top.pos("scenario");

  std::string design = top.string_or("design", "grid");
  s.design_pos = top.has("design") ? top.pos("design") : top.pos();
  if (design == "grid")
    s.design = Design::Grid;
  else if (design == "zip")
    s.design = Design::Zip;
  else if (design == "latin_hypercube")
    s.design = Design::LatinHypercube;
  else if (design == "random")
    s.design = Design::Random;
  else if (design == "one_at_a_time")
    s.design = Design::OneAtATime;
  else
    top.fail("design", "must be grid, zip, latin_hypercube, random or one_at_a_time");
  const bool sampled = s.design == Design::LatinHypercube || s.design == Design::Random;
  if (sampled)
    s.samples = static_cast<int>(top.whole("samples", 1, static_cast<double>(kMaxSweepPoints)));
  else if (top.has("samples"))
    top.fail("samples", "is for the latin_hypercube and random designs");
  s.sample_seed = static_cast<std::uint64_t>(top.whole_or("sample_seed", 0, 9007199254740992.0, 1));

  // seeds: N (seeds 1..N), or {first: F, count: N}.
  if (auto seeds = top.optional("seeds")) {
    long long first = 1, count = 1;
    if (seeds->IsMap()) {
      Fields sf(*seeds, file, "'seeds'");
      first = sf.whole_or("first", 0, 9007199254740992.0, 1);
      count = sf.whole("count", 1, 100000);
      sf.done();
    } else {
      count = top.whole("seeds", 1, 100000);
    }
    for (long long i = 0; i < count; ++i) s.seeds.push_back(static_cast<std::uint64_t>(first + i));
  } else {
    s.seeds.push_back(1);
  }

  YAML::Node params = top.required("parameters");
  s.parameters_pos = top.pos("parameters");
  Fields pf(params, file, "'parameters'"); // refuses a parameter given twice
  if (params.size() == 0) throw InputError(pos_of(params, file), "'parameters' names no parameter");
  for (auto it = params.begin(); it != params.end(); ++it) {
    SweepParameter sp;
    std::string key = it->first.Scalar();
    pf.has(key);
    sp.pos = pos_of(it->first, file);
    sp.path = parse_parameter_path(key, sp.pos);
    for (const auto& other : s.parameters)
      if (document_name(other.path.document) == std::string(document_name(sp.path.document)) &&
          other.path.steps.size() == sp.path.steps.size() &&
          std::equal(
              other.path.steps.begin(), other.path.steps.end(), sp.path.steps.begin(),
              [](const PathStep& a, const PathStep& b) { return a.key == b.key && a.index == b.index; }))
        throw InputError(sp.pos, "parameter '" + key + "' names the same value as '" + other.path.text + "'");
    const YAML::Node v = it->second;
    if (v.IsSequence()) {
      if (v.size() == 0) throw InputError(pos_of(v, file), "parameter '" + key + "' lists no value");
      if (v.size() > kMaxSweepPoints)
        throw InputError(pos_of(v, file),
                         fmt::format("parameter '{}' lists more than {} values", key, kMaxSweepPoints));
      for (const auto& item : v)
        sp.values.push_back(scalar_of(item, file, "a value of parameter '" + key + "'"));
    } else if (v.IsMap()) {
      sp.range = read_range(v, file, key);
      sp.values = sp.range->values();
      if (sp.values.empty() && !sampled)
        throw InputError(pos_of(v, file), "parameter '" + key + "': the " + design_name(s.design) +
                                              " design needs listed values: give the range a 'step' or a "
                                              "'count'");
    } else if (v.IsScalar()) {
      sp.values.push_back(scalar_of(v, file, "parameter '" + key + "'"));
    } else {
      throw InputError(pos_of(v, file), "parameter '" + key + "' needs a value, a list of values or a range");
    }
    s.parameters.push_back(std::move(sp));
  }
  top.done();
  if (s.design == Design::Zip)
    for (const auto& sp : s.parameters)
      if (sp.values.size() != s.parameters.front().values.size())
        throw InputError(sp.pos, fmt::format("the zip design pairs values in order: parameter '{}' has {} "
                                             "values, '{}' has {}",
                                             sp.path.text, sp.values.size(), s.parameters.front().path.text,
                                             s.parameters.front().values.size()));
  if (s.design == Design::Grid) {
    size_t points = 1;
    for (const auto& sp : s.parameters) {
      points *= sp.values.size();
      if (points > kMaxSweepPoints)
        throw InputError(sp.pos, fmt::format("the grid has more than {} points (at parameter '{}')",
                                             kMaxSweepPoints, sp.path.text));
    }
  }
  return s;
}

SweepSpec load_sweep(const std::string& path) {
  return parse_sweep(read_text_file(path), path);
}

void check_run_count(const SweepSpec& spec, size_t points, size_t variants) {
  if (points * spec.seeds.size() * (variants + 1) > kMaxSweepRuns)
    throw InputError(spec.parameters_pos,
                     fmt::format("{} points x {} seeds x {} simulations is more than the "
                                 "{} simulations a sweep may run",
                                 points, spec.seeds.size(), variants + 1, kMaxSweepRuns));
}

std::vector<SweepPoint> expand_design(const SweepSpec& s) {
  const size_t d = s.parameters.size();
  std::vector<SweepPoint> points;
  auto add = [&](std::vector<std::string> values) { points.push_back({points.size(), std::move(values)}); };
  switch (s.design) {
  case Design::Grid: {
    // The first parameter varies slowest, as in nested loops written in the file's order.
    std::vector<size_t> at(d, 0);
    while (true) {
      std::vector<std::string> v;
      for (size_t k = 0; k < d; ++k) v.push_back(s.parameters[k].values[at[k]]);
      add(std::move(v));
      size_t k = d;
      while (k > 0) {
        --k;
        if (++at[k] < s.parameters[k].values.size()) break;
        at[k] = 0;
        if (k == 0) return points;
      }
      if (d == 0) return points;
    }
  }
  case Design::Zip:
    for (size_t i = 0; i < s.parameters.front().values.size(); ++i) {
      std::vector<std::string> v;
      for (const auto& p : s.parameters) v.push_back(p.values[i]);
      add(std::move(v));
    }
    return points;
  case Design::OneAtATime: {
    std::vector<std::string> base;
    for (const auto& p : s.parameters) {
      if (p.base.empty())
        throw InputError(p.pos, "the one_at_a_time design varies each parameter around the inputs' own "
                                "value, and the inputs give none for '" +
                                    p.path.text + "'");
      base.push_back(p.base);
    }
    add(base); // point 0: the base scenario
    for (size_t k = 0; k < d; ++k)
      for (const auto& value : s.parameters[k].values) {
        if (value == base[k]) continue;
        std::vector<std::string> v = base;
        v[k] = value;
        add(std::move(v));
      }
    return points;
  }
  case Design::LatinHypercube:
  case Design::Random: {
    // Each parameter draws from its own stream, so adding a parameter leaves the others' draws alone.
    const auto n = static_cast<size_t>(s.samples);
    std::vector<std::vector<std::string>> columns(d);
    for (size_t k = 0; k < d; ++k) {
      const SweepParameter& p = s.parameters[k];
      Random rng(stream_seed(s.sample_seed, p.path.text));
      std::vector<size_t> strata(n);
      std::iota(strata.begin(), strata.end(), 0);
      if (s.design == Design::LatinHypercube) // one draw in each of n equal strata, in shuffled order
        for (size_t i = n; i > 1; --i) std::swap(strata[i - 1], strata[index_below(rng, i)]);
      for (size_t i = 0; i < n; ++i) {
        double u = s.design == Design::LatinHypercube
                       ? (static_cast<double>(strata[i]) + rng.uniform()) / static_cast<double>(n)
                       : rng.uniform();
        if (p.range) {
          const ValueRange& r = *p.range;
          double x = r.log ? r.from * std::pow(r.to / r.from, u) : r.from + u * (r.to - r.from);
          columns[k].push_back(r.text(x));
        } else {
          auto idx =
              std::min(p.values.size() - 1, static_cast<size_t>(u * static_cast<double>(p.values.size())));
          columns[k].push_back(p.values[idx]);
        }
      }
    }
    for (size_t i = 0; i < n; ++i) {
      std::vector<std::string> v;
      for (size_t k = 0; k < d; ++k) v.push_back(columns[k][i]);
      add(std::move(v));
    }
    return points;
  }
  }
  return points;
}

} // namespace riftsim
