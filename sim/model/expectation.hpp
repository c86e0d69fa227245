#pragma once
// A scenario's `expect:` assertions on result fields, e.g. "jobs.gpt4.time_lost_s < 20d".
#include "core/input_error.hpp"

#include <string>
#include <vector>

namespace riftsim {

enum class CompareOp { Less, LessEqual, Greater, GreaterEqual, Equal, NotEqual };

struct Expectation {
  std::string text;              // as written
  std::vector<std::string> path; // "jobs", "gpt4", "time_lost_s"
  CompareOp op = CompareOp::Less;
  double value = 0; // in the field's base unit (seconds, bytes, USD, ...)
  SourcePos pos;
};

/// Parses "path op value"; the value may carry a unit (20d, 1.5TB, $5e8, 34%). Throws InputError.
Expectation parse_expectation(const std::string& text, const SourcePos& pos);

bool compare(double actual, CompareOp op, double expected);
const char* op_text(CompareOp op);

} // namespace riftsim
