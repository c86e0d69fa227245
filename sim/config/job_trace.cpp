// Jobs read from a CSV job trace: riftsim's own format, or a public GPU-cluster trace (Alibaba's
// cluster-trace-gpu-v2023, the "openb" pod list of Weng et al., "Beware of Fragmentation", USENIX ATC
// 2023, https://github.com/alibaba/clusterdata/tree/master/cluster-trace-gpu-v2023). Both formats are
// documented in docs/file-formats.md ("Job traces"). Every row becomes a job mapping that read_job
// checks like a listed job; a bad cell is reported at its own line and column.
#include "config/workload_reading.hpp"

#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <functional>
#include <map>
#include <sstream>

namespace riftsim {
namespace {

constexpr long long kMaxTraceJobs = 1000000;

struct Cell {
  std::string text;
  int column = 1;
};

/// One CSV line split on commas (the traces read here quote nothing; a quote is refused).
std::vector<Cell> split_csv(const std::string& line, const std::string& file, int line_no) {
  std::vector<Cell> cells;
  Cell cur;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '"')
      throw InputError({file, line_no, static_cast<int>(i) + 1}, "quoted CSV cells are not supported");
    if (c == ',') {
      cells.push_back(cur);
      cur = Cell{"", static_cast<int>(i) + 2};
    } else if (c != '\r') {
      cur.text += c;
    }
  }
  cells.push_back(cur);
  return cells;
}

struct Row {
  int line = 0;
  std::map<std::string, Cell> cells;
  const Cell* get(const std::string& col) const {
    auto it = cells.find(col);
    return it == cells.end() || it->second.text.empty() ? nullptr : &it->second;
  }
};

template <class F> auto cell_value(const Row& r, const std::string& col, const std::string& file, F parse) {
  const Cell* c = r.get(col);
  if (!c) throw InputError({file, r.line, 1}, "column '" + col + "' is empty");
  try {
    return parse(c->text);
  } catch (const std::exception& e) {
    throw InputError({file, r.line, c->column}, "column '" + col + "': " + e.what());
  }
}

std::vector<Row> read_csv(const std::string& path, const std::vector<std::string>& known,
                          const std::vector<std::string>& required) {
  std::istringstream in(read_text_file(path));
  std::string line;
  if (!std::getline(in, line)) throw InputError({path, 1, 1}, "the trace is empty (it needs a header row)");
  std::vector<Cell> header = split_csv(line, path, 1);
  for (const Cell& h : header)
    if (std::find(known.begin(), known.end(), h.text) == known.end())
      throw InputError({path, 1, h.column}, "unknown column '" + h.text + "'");
  for (const std::string& r : required)
    if (std::none_of(header.begin(), header.end(), [&](const Cell& h) { return h.text == r; }))
      throw InputError({path, 1, 1}, "the header has no column '" + r + "'");
  std::vector<Row> rows;
  for (int no = 2; std::getline(in, line); ++no) {
    if (line.empty() || line == "\r") continue;
    std::vector<Cell> cells = split_csv(line, path, no);
    if (cells.size() != header.size())
      throw InputError({path, no, 1},
                       fmt::format("{} cells, the header has {}", cells.size(), header.size()));
    Row r;
    r.line = no;
    for (size_t i = 0; i < cells.size(); ++i) r.cells[header[i].text] = cells[i];
    rows.push_back(std::move(r));
    if (static_cast<long long>(rows.size()) > kMaxTraceJobs)
      throw InputError({path, no, 1}, "more than 1,000,000 jobs in one trace");
  }
  return rows;
}

/// What every row of a trace shares and how its sizes are read.
struct TraceSettings {
  std::string file;   // resolved
  std::string format; // riftsim | alibaba-gpu-2023
  YAML::Node job;     // fields every job shares
  double peak = 0;    // reference GPU peak (FLOP/s): a duration becomes FLOPs at peak x mfu
  double mfu = 0;
  long long scale_gpus = 1;
  long long max_jobs = kMaxTraceJobs;
  std::string project;
  SourcePos pos;
};

JobSpec make_job(const TraceSettings& t, const std::string& name, double gpus, double flops, double submit,
                 int priority, const std::string& project, std::optional<double> deadline) {
  YAML::Node n = YAML::Clone(t.job);
  n["gpus"] = fmt::format("{:.0f}", gpus);
  n["flops"] = fmt::format("{:.9e}", flops);
  n["submit"] = fmt::format("{:.3f}s", submit);
  n["priority"] = std::to_string(priority);
  if (!project.empty()) n["project"] = project;
  if (deadline) n["deadline"] = fmt::format("{:.3f}s", *deadline);
  return read_job(name, n, t.file, t.pos);
}

double need_peak(const TraceSettings& t, const Row& r) {
  if (t.peak <= 0 || t.mfu <= 0)
    throw InputError({t.file, r.line, 1},
                     "a duration needs the trace's 'reference_gpu_peak' and the job's 'mfu' "
                     "to become FLOPs");
  return t.peak * t.mfu;
}

std::vector<JobSpec> riftsim_trace(const TraceSettings& t) {
  std::vector<Row> rows =
      read_csv(t.file, {"name", "submit", "gpus", "flops", "duration", "priority", "project", "deadline"},
               {"submit", "gpus"});
  std::vector<JobSpec> out;
  for (const Row& r : rows) {
    if (static_cast<long long>(out.size()) >= t.max_jobs) break;
    std::string name = r.get("name") ? r.get("name")->text : fmt::format("trace-{}", r.line - 1);
    double gpus = cell_value(r, "gpus", t.file, parse_count) * static_cast<double>(t.scale_gpus);
    double submit = cell_value(r, "submit", t.file, parse_duration).raw();
    bool has_flops = r.get("flops"), has_duration = r.get("duration");
    if (has_flops == has_duration)
      throw InputError({t.file, r.line, 1}, "give one of 'flops' and 'duration'");
    double flops = has_flops
                       ? cell_value(r, "flops", t.file, parse_flops).raw() * static_cast<double>(t.scale_gpus)
                       : cell_value(r, "duration", t.file, parse_duration).raw() * gpus * need_peak(t, r);
    double prio = r.get("priority") ? cell_value(r, "priority", t.file, parse_count) : 0;
    if (prio != std::floor(prio) || std::abs(prio) > 1000)
      throw InputError({t.file, r.line, r.get("priority")->column},
                       "priority must be a whole number in [-1000, 1000]");
    std::optional<double> deadline;
    if (r.get("deadline")) deadline = cell_value(r, "deadline", t.file, parse_duration).raw();
    std::string project = r.get("project") ? r.get("project")->text : t.project;
    out.push_back(make_job(t, name, gpus, flops, submit, static_cast<int>(prio), project, deadline));
  }
  return out;
}

/// Alibaba cluster-trace-gpu-v2023 (openb_pod_list_*.csv). A task that asked for GPUs and ran becomes a
/// job: submitted at creation_time, computing from scheduled_time to deletion_time on num_gpu whole
/// GPUs (a GPU-sharing task, gpu_milli < 1000, still rents a whole GPU from a cloud). CPU-only tasks and
/// tasks never scheduled are left out. QoS becomes priority: LS (latency-sensitive) 2, Burstable 1,
/// BE (best effort) 0.
std::vector<JobSpec> alibaba_trace(const TraceSettings& t) {
  std::vector<Row> rows =
      read_csv(t.file,
               {"name", "cpu_milli", "memory_mib", "num_gpu", "gpu_milli", "gpu_spec", "qos", "pod_phase",
                "creation_time", "deletion_time", "scheduled_time"},
               {"name", "num_gpu", "qos", "creation_time", "deletion_time", "scheduled_time"});
  auto number = [](std::string_view s) {
    size_t used = 0;
    double v = std::stod(std::string(s), &used);
    if (used != s.size() || !std::isfinite(v) || v < 0)
      throw std::invalid_argument("not a non-negative number");
    return v;
  };
  std::vector<JobSpec> out;
  for (const Row& r : rows) {
    if (static_cast<long long>(out.size()) >= t.max_jobs) break;
    double gpus = cell_value(r, "num_gpu", t.file, number);
    if (gpus == 0 || !r.get("scheduled_time") || !r.get("deletion_time")) continue;
    double created = cell_value(r, "creation_time", t.file, number);
    double duration =
        cell_value(r, "deletion_time", t.file, number) - cell_value(r, "scheduled_time", t.file, number);
    if (duration <= 0) continue;
    gpus *= static_cast<double>(t.scale_gpus);
    const std::string& qos = r.get("qos")->text;
    int priority = qos == "LS" ? 2 : qos == "Burstable" ? 1 : 0;
    out.push_back(make_job(t, r.get("name")->text, gpus, duration * gpus * need_peak(t, r), created, priority,
                           t.project, std::nullopt));
  }
  if (out.empty()) throw InputError(t.pos, "the trace " + t.file + " has no GPU task that ran");
  return out;
}

} // namespace

std::vector<JobSpec> read_job_trace(const YAML::Node& entry, const std::string& file) {
  Fields f(entry, file, "job trace");
  TraceSettings t;
  t.pos = f.pos();
  std::string rel = f.string("file");
  std::filesystem::path p(rel);
  if (!p.is_absolute()) p = std::filesystem::path(file).parent_path() / p;
  t.file = p.lexically_normal().string();
  t.format = f.string_or("format", "riftsim");
  if (t.format != "riftsim" && t.format != "alibaba-gpu-2023")
    f.fail("format", "must be riftsim or alibaba-gpu-2023");
  t.job = f.required("job");
  Fields jf(t.job, file, "job trace's job");
  for (const char* set : {"gpus", "flops", "tokens", "submit", "project", "priority", "deadline"})
    if (jf.has(set)) jf.fail(set, "is set by each row of the trace, not under 'job'");
  if (jf.has("mfu")) t.mfu = jf.unit("mfu", parse_fraction);
  if (f.has("reference_gpu_peak")) {
    t.peak = f.unit("reference_gpu_peak", parse_flop_rate).raw();
    f.require_positive("reference_gpu_peak", t.peak);
  }
  double scale = f.unit_or("scale_gpus", parse_count, 1.0);
  f.require_range("scale_gpus", scale, 1, 1e5, "must be a whole number between 1 and 100,000");
  if (scale != std::floor(scale)) f.fail("scale_gpus", "must be a whole number");
  t.scale_gpus = static_cast<long long>(scale);
  if (f.has("max_jobs")) {
    double m = f.unit("max_jobs", parse_count);
    f.require_range("max_jobs", m, 1, kMaxTraceJobs, "must be a whole number between 1 and 1,000,000");
    t.max_jobs = static_cast<long long>(m);
  }
  t.project = f.string_or("project", "");
  f.done();
  return t.format == "riftsim" ? riftsim_trace(t) : alibaba_trace(t);
}

} // namespace riftsim
