#include "output/checks.hpp"

#include "config/yaml_fields.hpp"
#include "output/xml_text.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <set>
#include <sstream>

namespace riftsim {

std::vector<ExpectationResult> check_expectations(const std::vector<Expectation>& expectations,
                                                  const ojson& summary) {
  std::vector<ExpectationResult> out;
  for (const auto& e : expectations) {
    ExpectationResult r;
    r.expectation = &e;
    const ojson* node = &summary;
    for (const auto& key : e.path) {
      if (!node->is_object() || !node->contains(key)) {
        node = nullptr;
        break;
      }
      node = &(*node)[key];
    }
    if (node && node->is_number()) {
      r.found = true;
      r.actual = node->get<double>();
      r.passed = compare(r.actual, e.op, e.value);
    }
    out.push_back(r);
  }
  return out;
}

namespace {

void numeric_paths(const ojson& node, const std::string& prefix, std::set<std::string>& out) {
  for (const auto& [key, value] : node.items()) {
    std::string path = prefix.empty() ? key : prefix + "." + key;
    if (value.is_object())
      numeric_paths(value, path, out);
    else if (value.is_number())
      out.insert(path);
  }
}

} // namespace

const std::set<std::string>& job_summary_fields() {
  static const std::set<std::string> fields = [] {
    // Every optional part given, so that every field the writer can fill is a number here.
    JobResult job;
    job.name = "job";
    job.status = JobStatus::Finished;
    job.started = true;
    job.deadline = Seconds(1);
    job.end = Seconds(1);
    RunResult run;
    run.jobs.push_back(job);
    std::set<std::string> out;
    numeric_paths(summary_json(ScenarioInfo{}, run, run)["jobs"]["job"], "", out);
    return out;
  }();
  return fields;
}

void check_expectation_fields(const std::vector<Expectation>& expectations) {
  for (const auto& e : expectations) {
    if (e.path.size() < 3 || e.path[0] != "jobs") continue; // the loader refuses these
    std::string field;
    for (size_t k = 2; k < e.path.size(); ++k) field += (k > 2 ? "." : "") + e.path[k];
    if (job_summary_fields().contains(field)) continue;
    std::string hint = did_you_mean(field, job_summary_fields());
    throw InputError(e.pos, "expectation '" + e.text + "': a job in summary.json has no numeric field '" +
                                field + "'" +
                                (hint.empty() ? " (the fields: docs/outputs.md, summary.json)" : hint));
  }
}

ojson expectations_json(const std::vector<ExpectationResult>& results) {
  ojson a = ojson::array();
  for (const auto& r : results)
    a.push_back({{"expression", r.expectation->text},
                 {"passed", r.passed},
                 {"actual", r.found ? ojson(r.actual) : ojson(nullptr)},
                 {"expected", r.expectation->value}});
  return a;
}

namespace {

bool close(double a, double b, double rtol) {
  return std::fabs(a - b) <= rtol * std::max(std::fabs(a), std::fabs(b)) + 1e-12;
}

std::string brief(const ojson& v) {
  std::string s = v.dump();
  return s.size() > 80 ? s.substr(0, 77) + "..." : s;
}

void diff_node(const ojson& r, const ojson& g, double rtol, const std::string& file, const std::string& where,
               std::vector<Difference>& out) {
  if (r.is_number() && g.is_number()) {
    if (!close(r.get<double>(), g.get<double>(), rtol))
      out.push_back({file, where, fmt::format("{} != {} (golden)", brief(r), brief(g))});
    return;
  }
  if (r.type() != g.type()) {
    out.push_back({file, where, fmt::format("{} != {} (golden)", brief(r), brief(g))});
    return;
  }
  if (r.is_object()) {
    for (const auto& [k, gv] : g.items()) {
      std::string w = where.empty() ? k : where + "." + k;
      if (!r.contains(k))
        out.push_back({file, w, "missing (golden has " + brief(gv) + ")"});
      else
        diff_node(r[k], gv, rtol, file, w, out);
    }
    for (const auto& [k, rv] : r.items())
      if (!g.contains(k))
        out.push_back({file, where.empty() ? k : where + "." + k, "not in golden: " + brief(rv)});
  } else if (r.is_array()) {
    if (r.size() != g.size())
      out.push_back({file, where, fmt::format("{} items != {} (golden)", r.size(), g.size())});
    for (size_t i = 0; i < std::min(r.size(), g.size()); ++i)
      diff_node(r[i], g[i], rtol, file, fmt::format("{}[{}]", where, i), out);
  } else if (r != g) {
    out.push_back({file, where, fmt::format("{} != {} (golden)", brief(r), brief(g))});
  }
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// Splits one CSV line, honouring quoted fields.
std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

bool number(const std::string& s, double& v) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size();
}

} // namespace

void diff_json(const ojson& result, const ojson& golden, double rtol, const std::string& file,
               std::vector<Difference>& out) {
  diff_node(result, golden, rtol, file, "", out);
}

namespace {

/// A trace's events grouped by what they are: phase, category, name and the track's name (not its number,
/// which depends on which tracks appear first); each group in time order, ties in a fixed order. The tid
/// is left out of each event for the same reason. Metadata events aside.
std::map<std::string, std::vector<ojson>> trace_events_by_kind(const ojson& trace) {
  std::map<std::string, std::vector<ojson>> groups;
  if (!trace.contains("traceEvents") || !trace["traceEvents"].is_array()) return groups;
  const ojson& events = trace["traceEvents"];
  std::map<std::pair<long long, long long>, std::string> thread_names;
  for (const auto& e : events)
    if (e.value("ph", "") == "M" && e.value("name", "") == "thread_name" && e.contains("args"))
      thread_names[{e.value("pid", 0LL), e.value("tid", 0LL)}] = e["args"].value("name", "");
  for (const auto& e : events) {
    if (!e.is_object() || e.value("ph", "") == "M") continue;
    auto thread = thread_names.find({e.value("pid", 0LL), e.value("tid", 0LL)});
    std::string kind =
        fmt::format("{} {} '{}' on '{}'", e.value("ph", ""), e.value("cat", ""), e.value("name", ""),
                    thread == thread_names.end() ? std::string("?") : thread->second);
    ojson copy = e;
    copy.erase("tid");
    groups[kind].push_back(std::move(copy));
  }
  for (auto& [kind, list] : groups)
    std::stable_sort(list.begin(), list.end(), [](const ojson& a, const ojson& b) {
      double ta = a.value("ts", 0.0), tb = b.value("ts", 0.0);
      return ta != tb ? ta < tb : a.dump() < b.dump();
    });
  return groups;
}

} // namespace

void diff_trace(const ojson& result, const ojson& golden, double rtol, const std::string& file,
                std::vector<Difference>& out) {
  // Everything but the events as any JSON. Events are matched by identity: what they are (see above) and
  // when (ts within the tolerance), so that an event added, removed or moved shows as that one event
  // rather than as every later position shifting.
  ojson r = result, g = golden;
  r.erase("traceEvents");
  g.erase("traceEvents");
  diff_node(r, g, rtol, file, "", out);
  auto rs = trace_events_by_kind(result), gs = trace_events_by_kind(golden);
  static const std::vector<ojson> kNone;
  std::set<std::string> kinds;
  for (const auto& [k, _] : rs) kinds.insert(k);
  for (const auto& [k, _] : gs) kinds.insert(k);
  for (const auto& kind : kinds) {
    const auto& rl = rs.count(kind) ? rs.at(kind) : kNone;
    const auto& gl = gs.count(kind) ? gs.at(kind) : kNone;
    auto where = [&](const ojson& e) {
      return fmt::format("{} at ts {}", kind, brief(e.value("ts", ojson())));
    };
    size_t i = 0, j = 0;
    while (i < gl.size() || j < rl.size()) {
      double gt = i < gl.size() ? gl[i].value("ts", 0.0) : 0, rt = j < rl.size() ? rl[j].value("ts", 0.0) : 0;
      if (i < gl.size() && j < rl.size() && close(rt, gt, rtol)) {
        diff_node(rl[j], gl[i], rtol, file, where(gl[i]), out);
        ++i, ++j;
      } else if (j < rl.size() && (i == gl.size() || rt < gt)) {
        out.push_back({file, where(rl[j++]), "not in the golden"});
      } else {
        out.push_back({file, where(gl[i++]), "missing from the result"});
      }
    }
  }
}

void diff_csv(const std::string& result, const std::string& golden, double rtol, const std::string& file,
              std::vector<Difference>& out) {
  auto r = lines(result), g = lines(golden);
  if (r.size() != g.size())
    out.push_back({file, "", fmt::format("{} rows != {} (golden)", r.size(), g.size())});
  std::vector<std::string> header = g.empty() ? std::vector<std::string>{} : cells(g[0]);
  for (size_t i = 0; i < std::min(r.size(), g.size()); ++i) {
    auto rc = cells(r[i]), gc = cells(g[i]);
    if (rc.size() != gc.size()) {
      out.push_back(
          {file, fmt::format("row {}", i), fmt::format("{} cells != {} (golden)", rc.size(), gc.size())});
      continue;
    }
    for (size_t k = 0; k < rc.size(); ++k) {
      double a = 0, b = 0;
      bool same = number(rc[k], a) && number(gc[k], b) ? close(a, b, rtol) : rc[k] == gc[k];
      if (!same)
        out.push_back({file, fmt::format("row {} {}", i, k < header.size() ? header[k] : std::to_string(k)),
                       fmt::format("'{}' != '{}' (golden)", rc[k], gc[k])});
    }
  }
}

std::string junit_xml(const std::vector<std::string>& files, const std::vector<Difference>& diffs) {
  std::string cases;
  for (const auto& f : files) {
    std::string body;
    int n = 0;
    for (const auto& d : diffs)
      if (d.file == f) {
        body += xml_escape(d.where + ": " + d.message) + "\n";
        ++n;
      }
    cases += fmt::format("    <testcase classname=\"riftsim.check\" name=\"{}\"", xml_escape(f));
    if (n == 0)
      cases += "/>\n";
    else
      cases += fmt::format(">\n      <failure message=\"{} difference{}\">{}</failure>\n    </testcase>\n", n,
                           n == 1 ? "" : "s", body);
  }
  size_t failures = 0;
  for (const auto& f : files)
    for (const auto& d : diffs)
      if (d.file == f) {
        ++failures;
        break;
      }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"riftsim check\" "
      "tests=\"{}\" failures=\"{}\">\n{}  </testsuite>\n</testsuites>\n",
      files.size(), failures, cases);
}

} // namespace riftsim
