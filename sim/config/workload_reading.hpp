#pragma once
// The parts of reading a workload shared by its three sources: jobs listed by name, jobs drawn from
// templates (workload_generator.cpp) and jobs read from a trace (job_trace.cpp). Each generated or
// traced job goes through read_job like a listed one, so it is checked the same way.
#include "config/yaml_fields.hpp"
#include "model/workload.hpp"

#include <vector>

namespace riftsim {

/// One job from its YAML mapping (every key of docs/file-formats.md's workload section).
JobSpec read_job(const std::string& name, const YAML::Node& node, const std::string& file, SourcePos key_pos);

/// The jobs a `generate:` template describes, drawn from its distributions with its own seed.
std::vector<JobSpec> generate_jobs(const YAML::Node& tmpl, const std::string& file);

/// The jobs of a `traces:` entry: a CSV job trace in riftsim's format or a public trace's.
std::vector<JobSpec> read_job_trace(const YAML::Node& entry, const std::string& file);

} // namespace riftsim
