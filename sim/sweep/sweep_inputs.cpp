#include "sweep/sweep_inputs.hpp"

#include "config/yaml_fields.hpp"
#include "core/random.hpp"
#include "core/units.hpp"

#include <cmath>
#include <fmt/format.h>
#include <limits>

namespace riftsim {
namespace {

std::string step_text(const PathStep& s) {
  // fmt rather than "[" + ... : GCC 12 -O2 warns falsely (-Wrestrict) on a literal + a temporary string.
  return s.index >= 0 ? fmt::format("[{}]", s.index) : fmt::format("'{}'", s.key);
}

/// The node a path reaches, or why it reaches none. `parent_ok` is set when only the last key is
/// missing from a mapping (the parameter then adds it).
struct Reached {
  YAML::Node node;
  bool found = false;
  bool parent_ok = false;
  std::string why;
};

Reached reach(const YAML::Node& root, const std::vector<PathStep>& steps) {
  Reached r;
  YAML::Node cur; // navigated through const references: asking for a key must not add it
  cur.reset(root);
  for (size_t i = 0; i < steps.size(); ++i) {
    const PathStep& s = steps[i];
    const bool last = i + 1 == steps.size();
    const YAML::Node& here = cur;
    YAML::Node next;
    if (s.index >= 0) {
      if (!here.IsSequence()) {
        r.why = "item " + step_text(s) + " is asked of something that is not a list";
        return r;
      }
      if (static_cast<size_t>(s.index) >= here.size()) {
        r.why = fmt::format("the list has {} items, so no item [{}]", here.size(), s.index);
        return r;
      }
      next.reset(here[static_cast<size_t>(s.index)]);
    } else {
      if (!here.IsMap()) {
        r.why = "key " + step_text(s) + " is asked of something that is not a mapping";
        return r;
      }
      const YAML::Node found = here[s.key];
      if (!found) {
        r.parent_ok = last;
        r.why = "there is no key " + step_text(s) + " there";
        return r;
      }
      next.reset(found);
    }
    cur.reset(next);
  }
  r.node.reset(cur);
  r.found = true;
  return r;
}

/// Puts `value` at the end of `steps` (reach() has checked that the path gets there).
void put(YAML::Node node, const std::vector<PathStep>& steps, size_t i, const std::string& value) {
  const PathStep& s = steps[i];
  if (i + 1 == steps.size()) {
    if (s.index >= 0)
      node[static_cast<size_t>(s.index)] = value;
    else
      node[s.key] = value;
    return;
  }
  if (s.index >= 0)
    put(node[static_cast<size_t>(s.index)], steps, i + 1, value);
  else
    put(node[s.key], steps, i + 1, value);
}

std::string assignments(const SweepSpec& spec, const SweepPoint& p) {
  std::string out;
  for (size_t k = 0; k < spec.parameters.size(); ++k)
    out += (k ? ", " : "") + spec.parameters[k].path.text + " = " + p.values[k];
  return out;
}

} // namespace

SweepInputs::SweepInputs(SweepSpec& spec) : spec_(spec) {
  auto read = [](const std::string& path, const SourcePos& at, const std::string& what) {
    FileText t = read_input_file(path, kMaxYamlFileBytes);
    if (!t.error.empty()) throw InputError(at, what + " " + path + " cannot be read: it " + t.error);
    return std::move(t.text);
  };
  std::array<std::string, 3> text;
  text[0] = read(spec.scenario, spec.scenario_pos, "the scenario");
  base_.scenario = parse_scenario(text[0], spec.scenario);
  text[1] = read(base_.scenario.platform_file, base_.scenario.platform_pos, "the platform");
  text[2] = read(base_.scenario.workload_file, base_.scenario.workload_pos, "the workload");
  base_.platform = parse_platform(text[1], base_.scenario.platform_file);
  base_.workload = parse_workload(text[2], base_.scenario.workload_file);
  scenario_as_written_ = base_.scenario;
  place_every_job(base_);
  check_inputs(base_);
  file_ = {spec.scenario, base_.scenario.platform_file, base_.scenario.workload_file};
  std::uint64_t h = 0;
  for (size_t d = 0; d < 3; ++d) {
    tree_[d] = load_yaml_text(text[d], file_[d]);
    h = stream_seed(h, text[d]);
  }
  hash_ = h;
  for (auto& p : spec.parameters) {
    const auto d = static_cast<size_t>(p.path.document);
    Reached r = reach(tree_[d], p.path.steps);
    if (r.found) {
      if (!r.node.IsScalar())
        throw InputError(p.pos, "parameter '" + p.path.text + "' names a " +
                                    (r.node.IsSequence() ? "list" : "mapping") + " in " + file_[d] +
                                    " (line " + std::to_string(r.node.Mark().line + 1) +
                                    "): a parameter sets a single value");
      p.base = r.node.Scalar();
    } else if (!r.parent_ok) {
      throw InputError(p.pos, "parameter '" + p.path.text + "' does not reach a value in the " +
                                  document_name(p.path.document) + " file " + file_[d] + ": " + r.why);
    }
  }
}

Inputs SweepInputs::point(const SweepPoint& p) const {
  std::array<bool, 3> touched{false, false, false};
  for (const auto& param : spec_.parameters) touched[static_cast<size_t>(param.path.document)] = true;
  std::array<std::string, 3> emitted;
  for (size_t d = 0; d < 3; ++d) {
    if (!touched[d]) continue;
    YAML::Node t = YAML::Clone(tree_[d]);
    for (size_t k = 0; k < spec_.parameters.size(); ++k)
      if (static_cast<size_t>(spec_.parameters[k].path.document) == d)
        put(t, spec_.parameters[k].path.steps, 0, p.values[k]);
    emitted[d] = YAML::Dump(t) + "\n";
  }
  try {
    Inputs in = base_;
    in.scenario = touched[0] ? parse_scenario(emitted[0], file_[0]) : scenario_as_written_;
    if (touched[1]) in.platform = parse_platform(emitted[1], file_[1]);
    if (touched[2]) in.workload = parse_workload(emitted[2], file_[2]);
    place_every_job(in); // the point's jobs may not be the files' own
    check_inputs(in);
    check_start_allocations(in);
    return in;
  } catch (const InputError& e) {
    // Blame the parameter whose value sits where the error is, else the first one in the file the error
    // names, else the first one.
    const SweepParameter* blamed = nullptr;
    int file_doc = -1;
    for (size_t d = 0; d < 3; ++d)
      if (touched[d] && e.pos().file == file_[d]) file_doc = static_cast<int>(d);
    if (file_doc >= 0) {
      YAML::Node again = YAML::Load(emitted[static_cast<size_t>(file_doc)]);
      for (const auto& param : spec_.parameters) {
        if (static_cast<int>(param.path.document) != file_doc) continue;
        Reached r = reach(again, param.path.steps);
        if (r.found && r.node.Mark().line + 1 == e.pos().line) {
          blamed = &param;
          break;
        }
        if (!blamed) blamed = &param;
      }
    }
    if (!blamed) blamed = &spec_.parameters.front();
    std::string where = file_doc >= 0
                            ? " (in " + e.pos().file + " as the point changes it)"
                            : fmt::format(" ({}:{}:{})", e.pos().file, e.pos().line, e.pos().column);
    throw InputError(blamed->pos,
                     fmt::format("point {} ({}): {}{}", p.index, assignments(spec_, p), e.message(), where));
  }
}

double si_number(const std::string& text) {
  auto attempt = [&](auto parse) -> std::optional<double> {
    try {
      return static_cast<double>(parse(text));
    } catch (const UnitError&) {
      return std::nullopt;
    }
  };
  // The order settles the few texts more than one parser reads: "25k" is a count, "34%" a fraction.
  if (auto v = attempt(parse_count)) return *v;
  if (auto v = attempt(parse_fraction)) return *v;
  if (auto v = attempt([](std::string_view t) { return parse_duration(t).raw(); })) return *v;
  if (auto v = attempt([](std::string_view t) { return parse_bytes(t).raw(); })) return *v;
  if (auto v = attempt([](std::string_view t) { return parse_bandwidth(t).raw(); })) return *v;
  if (auto v = attempt([](std::string_view t) { return parse_flops(t).raw(); })) return *v;
  if (auto v = attempt([](std::string_view t) { return parse_flop_rate(t).raw(); })) return *v;
  if (auto v = attempt([](std::string_view t) { return parse_power(t).raw(); })) return *v;
  if (auto v = attempt([](std::string_view t) { return parse_usd_per_hour(t).raw(); })) return *v;
  if (auto v = attempt([](std::string_view t) { return parse_usd_per_gb_month(t).raw(); })) return *v;
  if (auto v = attempt([](std::string_view t) { return parse_usd_per_gb(t).raw(); })) return *v;
  if (auto v = attempt([](std::string_view t) { return parse_usd(t).raw(); })) return *v;
  return std::numeric_limits<double>::quiet_NaN();
}

} // namespace riftsim
