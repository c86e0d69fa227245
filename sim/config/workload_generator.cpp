// Jobs drawn from templates: a planner's year of work described by distributions instead of listed
// job by job (docs/file-formats.md, "Generated jobs"). Each template has its own seed, so the workload
// is the same in every run and replication of a scenario: runs differ by what happens to it, not by
// what it is.
#include "config/workload_reading.hpp"
#include "core/random.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <functional>

namespace riftsim {
namespace {

constexpr int kMaxTemplateJobs = 100000;

/// A quantity drawn once per job.
struct Draw {
  enum class Kind { Fixed, Choice, Uniform, LogNormal } kind = Kind::Fixed;
  std::vector<double> values;  // Fixed (one), Choice
  std::vector<double> weights; // Choice: cumulative, ending at 1
  double lo = 0, hi = 0;       // Uniform
  double median = 0, sigma = 0;
  double min = -INFINITY, max = INFINITY; // clamps a lognormal's tail

  double sample(Random& rng) const {
    switch (kind) {
    case Kind::Fixed:
      return values[0];
    case Kind::Choice: {
      double u = rng.uniform();
      size_t i = 0;
      while (i + 1 < weights.size() && u >= weights[i]) ++i;
      return values[i];
    }
    case Kind::Uniform:
      return lo + (hi - lo) * rng.uniform();
    case Kind::LogNormal:
      return std::clamp(median * std::exp(sigma * rng.normal()), min, max);
    }
    return values[0];
  }
};

using Parse = std::function<double(std::string_view)>;

double scalar(const YAML::Node& n, const std::string& file, const Parse& parse, const std::string& what) {
  if (!n.IsScalar()) throw InputError(pos_of(n, file), what + ": expected a value");
  try {
    double v = parse(n.Scalar());
    if (!std::isfinite(v)) throw InputError(pos_of(n, file), what + ": must be finite");
    return v;
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {
    throw InputError(pos_of(n, file), what + ": " + e.what());
  }
}

/// A value, a list (one of them, equally likely), or one of {choice: [..], weights: [..]},
/// {uniform: [lo, hi]}, {lognormal: {median: m, sigma: s}, min: a, max: b}.
Draw read_draw(const YAML::Node& n, const std::string& file, const std::string& what, const Parse& parse) {
  Draw d;
  if (n.IsScalar()) {
    d.values = {scalar(n, file, parse, what)};
    return d;
  }
  auto choice = [&](const YAML::Node& list, const std::optional<YAML::Node>& weights) {
    if (!list.IsSequence() || list.size() == 0)
      throw InputError(pos_of(list, file), what + ": a choice lists at least one value");
    d.kind = Draw::Kind::Choice;
    for (const auto& v : list) d.values.push_back(scalar(v, file, parse, what));
    std::vector<double> w(d.values.size(), 1.0);
    if (weights) {
      if (!weights->IsSequence() || weights->size() != d.values.size())
        throw InputError(pos_of(*weights, file), what + ": give one weight per value");
      for (size_t i = 0; i < w.size(); ++i) {
        w[i] = scalar((*weights)[i], file, parse_count, what + " weight");
        if (!(w[i] >= 0))
          throw InputError(pos_of((*weights)[i], file), what + ": weights must not be negative");
      }
    }
    double total = 0;
    for (double x : w) total += x;
    if (!(total > 0)) throw InputError(pos_of(list, file), what + ": the weights add up to zero");
    double run = 0;
    for (double x : w) d.weights.push_back((run += x) / total);
    return d;
  };
  if (n.IsSequence()) return choice(n, std::nullopt);
  Fields f(n, file, what);
  if (f.has("choice")) {
    choice(f.required("choice"), f.optional("weights"));
  } else if (f.has("uniform")) {
    YAML::Node u = f.required("uniform");
    if (!u.IsSequence() || u.size() != 2) f.fail("uniform", "must be [low, high]");
    d.kind = Draw::Kind::Uniform;
    d.lo = scalar(u[0], file, parse, what);
    d.hi = scalar(u[1], file, parse, what);
    if (!(d.lo <= d.hi)) f.fail("uniform", "low must not exceed high");
  } else if (f.has("lognormal")) {
    Fields l(f.required("lognormal"), file, what + " lognormal");
    d.kind = Draw::Kind::LogNormal;
    d.median = scalar(l.required("median"), file, parse, what + " median");
    d.sigma = l.unit("sigma", parse_count);
    l.require_range("sigma", d.sigma, 0, 5, "must be between 0 and 5");
    if (!(d.median > 0)) l.fail("median", "must be greater than zero");
    l.done();
    if (auto m = f.optional("min")) d.min = scalar(*m, file, parse, what + " min");
    if (auto m = f.optional("max")) d.max = scalar(*m, file, parse, what + " max");
    if (!(d.min <= d.max)) f.fail("max", "must not be below min");
  } else {
    throw InputError(f.pos(), what + ": give a value, a list, or one of choice, uniform, lognormal");
  }
  f.done();
  return d;
}

template <class Q> Parse raw(Q (*parse)(std::string_view)) {
  return [parse](std::string_view t) { return parse(t).raw(); };
}

} // namespace

std::vector<JobSpec> generate_jobs(const YAML::Node& tmpl, const std::string& file) {
  Fields f(tmpl, file, "job template");
  const std::string prefix = f.string("name");
  const std::string what = "job template '" + prefix + "'";
  double count = f.unit("count", parse_count);
  f.require_range("count", count, 1, kMaxTemplateJobs, "must be a whole number between 1 and 100,000");
  if (count != std::floor(count)) f.fail("count", "must be a whole number");
  double seed = f.unit_or("seed", parse_count, 1.0);
  f.require_range("seed", seed, 0, 9.007e15, "must be a whole number between 0 and 2^53");
  Random rng(stream_seed(static_cast<std::uint64_t>(seed), prefix));

  Draw gpus = read_draw(f.required("gpus"), file, what + " gpus", parse_count);
  const bool by_duration = f.has("duration");
  if (by_duration == f.has("flops")) f.fail("flops", "give either 'flops' or 'duration' (compute time)");
  Draw work = by_duration ? read_draw(f.required("duration"), file, what + " duration", raw(parse_duration))
                          : read_draw(f.required("flops"), file, what + " flops", raw(parse_flops));
  double peak = 0;
  if (by_duration) {
    peak = f.unit("reference_gpu_peak", parse_flop_rate).raw();
    f.require_positive("reference_gpu_peak", peak);
  }
  // Arrivals: all at `from`; every `every`; or `count` draws uniform over [from, to) (a Poisson process
  // conditioned on its count), in order.
  std::vector<double> submit;
  if (auto a = f.optional("arrivals")) {
    Fields af(*a, file, what + " arrivals");
    double from = af.unit_or("from", parse_duration, Seconds(0)).raw();
    if (af.has("every")) {
      double every = af.unit("every", parse_duration).raw();
      af.require_positive("every", every);
      for (int i = 0; i < count; ++i) submit.push_back(from + i * every);
    } else if (af.has("to")) {
      double to = af.unit("to", parse_duration).raw();
      if (!(to > from)) af.fail("to", "must come after 'from'");
      for (int i = 0; i < count; ++i) submit.push_back(from + (to - from) * rng.uniform());
      std::sort(submit.begin(), submit.end());
    } else {
      submit.assign(static_cast<size_t>(count), from);
    }
    af.done();
  } else {
    submit.assign(static_cast<size_t>(count), 0.0);
  }
  std::optional<Draw> deadline;
  if (auto d = f.optional("deadline_after"))
    deadline = read_draw(*d, file, what + " deadline_after", raw(parse_duration));
  std::optional<Draw> priority;
  if (auto p = f.optional("priority")) priority = read_draw(*p, file, what + " priority", parse_count);
  std::string project = f.string_or("project", "");
  double gpu_multiple = f.unit_or("gpus_multiple", parse_count, 1.0);
  f.require_range("gpus_multiple", gpu_multiple, 1, 1e6, "must be a whole number between 1 and 1,000,000");
  YAML::Node job = f.required("job");
  Fields jf(job, file, what + " job");
  for (const char* set : {"gpus", "flops", "tokens", "submit", "project", "priority", "deadline"})
    if (jf.has(set)) jf.fail(set, std::string("is set by the template, not under 'job'"));
  double mfu = 0;
  if (by_duration) {
    if (!jf.has("mfu"))
      jf.fail("mfu", "is needed to turn a duration into FLOPs (or give the template 'flops')");
    mfu = jf.unit("mfu", parse_fraction);
  }
  f.done();

  std::vector<JobSpec> out;
  const int width = static_cast<int>(std::to_string(static_cast<long long>(count)).size());
  for (int i = 0; i < count; ++i) {
    YAML::Node n = YAML::Clone(job);
    double g = std::max(gpu_multiple, std::round(gpus.sample(rng) / gpu_multiple) * gpu_multiple);
    double w = work.sample(rng);
    if (by_duration) w = w * g * peak * mfu; // FLOPs that take that long at the reference speed
    n["gpus"] = fmt::format("{:.0f}", g);
    n["flops"] = fmt::format("{:.9e}", w);
    n["submit"] = fmt::format("{:.3f}s", submit[static_cast<size_t>(i)]);
    if (!project.empty()) n["project"] = project;
    if (priority) n["priority"] = fmt::format("{:.0f}", std::round(priority->sample(rng)));
    if (deadline)
      n["deadline"] = fmt::format("{:.3f}s", submit[static_cast<size_t>(i)] + deadline->sample(rng));
    std::string name = fmt::format("{}-{:0{}d}", prefix, i + 1, width);
    out.push_back(read_job(name, n, file, f.pos()));
  }
  return out;
}

} // namespace riftsim
