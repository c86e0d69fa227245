#include "model/expectation.hpp"

#include "core/units.hpp"

#include <cmath>
#include <regex>

namespace riftsim {

namespace {

/// The first reading of `text` that works: plain number, duration, size, money, percentage.
bool parse_value(const std::string& text, double& out) {
  using Parser = double (*)(std::string_view);
  static const Parser parsers[] = {
      [](std::string_view t) { return parse_count(t); },
      [](std::string_view t) { return parse_duration(t).raw(); },
      [](std::string_view t) { return parse_bytes(t).raw(); },
      [](std::string_view t) { return parse_usd(t).raw(); },
      [](std::string_view t) { return parse_fraction(t); },
  };
  for (Parser p : parsers) {
    try {
      out = p(text);
      return true;
    } catch (const UnitError&) {
    }
  }
  return false;
}

} // namespace

Expectation parse_expectation(const std::string& text, const SourcePos& pos) {
  static const std::regex form(R"(^\s*([A-Za-z0-9_.\-/]+)\s*(<=|>=|==|!=|<|>)\s*(\S.*?)\s*$)");
  std::smatch m;
  if (!std::regex_match(text, m, form))
    throw InputError(pos,
                     "expectation '" + text + "' is not 'field op value' (e.g. jobs.gpt4.time_lost_s < 20d)");
  Expectation e;
  e.text = text;
  e.pos = pos;
  std::string path = m[1];
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    e.path.push_back(path.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  const std::string op = m[2];
  e.op = op == "<"    ? CompareOp::Less
         : op == "<=" ? CompareOp::LessEqual
         : op == ">"  ? CompareOp::Greater
         : op == ">=" ? CompareOp::GreaterEqual
         : op == "==" ? CompareOp::Equal
                      : CompareOp::NotEqual;
  if (!parse_value(m[3], e.value))
    throw InputError(pos, "expectation '" + text + "': '" + std::string(m[3]) +
                              "' is not a number or a quantity (20d, 1.5TB, $5e8, 34%)");
  return e;
}

bool compare(double a, CompareOp op, double b) {
  switch (op) {
  case CompareOp::Less:
    return a < b;
  case CompareOp::LessEqual:
    return a <= b;
  case CompareOp::Greater:
    return a > b;
  case CompareOp::GreaterEqual:
    return a >= b;
  case CompareOp::Equal:
    return std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b));
  case CompareOp::NotEqual:
    return std::fabs(a - b) > 1e-9 * std::max(std::fabs(a), std::fabs(b));
  }
  return false;
}

const char* op_text(CompareOp op) {
  switch (op) {
  case CompareOp::Less:
    return "<";
  case CompareOp::LessEqual:
    return "<=";
  case CompareOp::Greater:
    return ">";
  case CompareOp::GreaterEqual:
    return ">=";
  case CompareOp::Equal:
    return "==";
  case CompareOp::NotEqual:
    return "!=";
  }
  return "?";
}

} // namespace riftsim
