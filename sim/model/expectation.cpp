#include "model/expectation.hpp"

#include "core/units.hpp"

#include <cctype>
#include <cmath>
#include <cstring>
#include <utility>

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
  // "path op value", read left to right in one pass (a backtracking regex overflowed the stack on long
  // lines).
  // Messages quote at most 80 characters of the line.
  auto shown = [](const std::string& t) { return t.size() > 80 ? t.substr(0, 77) + "..." : t; };
  auto not_the_form = [&] {
    return InputError(pos, "expectation '" + shown(text) +
                               "' is not 'field op value' (e.g. jobs.gpt4.time_lost_s < 20d)");
  };
  auto is_space = [](char c) { return c == ' ' || c == '\t'; };
  auto is_path_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-' || c == '/';
  };
  size_t i = 0;
  const size_t n = text.size();
  while (i < n && is_space(text[i])) ++i;
  const size_t path_start = i;
  while (i < n && is_path_char(text[i])) ++i;
  if (i == path_start) throw not_the_form();
  std::string path = text.substr(path_start, i - path_start);
  if (path.size() > 256) // summary.json's deepest fields are a few dozen characters
    throw InputError(pos, "expectation '" + shown(text) + "': the field is longer than 256 characters");
  while (i < n && is_space(text[i])) ++i;
  static const std::pair<const char*, CompareOp> ops[] = {
      {"<=", CompareOp::LessEqual}, {">=", CompareOp::GreaterEqual}, {"==", CompareOp::Equal},
      {"!=", CompareOp::NotEqual},  {"<", CompareOp::Less},          {">", CompareOp::Greater}};
  Expectation e;
  e.text = text;
  e.pos = pos;
  bool found = false;
  for (const auto& [spelling, op] : ops)
    if (text.compare(i, std::strlen(spelling), spelling) == 0) {
      e.op = op;
      i += std::strlen(spelling);
      found = true;
      break;
    }
  if (!found) throw not_the_form();
  size_t end = n;
  while (i < end && is_space(text[i])) ++i;
  while (end > i && is_space(text[end - 1])) --end;
  if (i == end) throw not_the_form();
  const std::string value = text.substr(i, end - i);

  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    e.path.push_back(path.substr(start, dot - start));
    if (e.path.back().empty())
      throw InputError(pos,
                       "expectation '" + shown(text) + "': '" + path + "' has an empty part between dots");
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (!parse_value(value, e.value))
    throw InputError(pos, "expectation '" + shown(text) + "': '" + shown(value) +
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
