#pragma once
// Checks and repairs of text that comes from users: input files must be UTF-8, and every message
// riftsim prints about them must stay on one line whatever bytes the input holds.
#include <cstddef>
#include <string>
#include <string_view>

namespace riftsim {

/// The offset of the first byte that does not belong to well-formed UTF-8 (overlong forms, surrogates
/// and code points above U+10FFFF are ill-formed), or npos if the whole text is UTF-8.
size_t invalid_utf8_offset(std::string_view text);

/// The text on one line, in UTF-8: control characters become escapes (\n, \t, \x01), and bytes that
/// are not UTF-8 become \xNN. Printable UTF-8 is kept as it is.
std::string one_line(std::string_view text);

/// 2338 -> "2,338": digits grouped by thousands, as the tables print counts.
std::string grouped(size_t n);

/// "1 job", "3 jobs", "2,338 interruptions": a count and its noun, the plural made with an s.
std::string count_of(size_t n, std::string_view noun);

/// 1-based line and column of a byte offset in a text (columns count bytes, as yaml-cpp's marks do).
struct LineColumn {
  int line = 1;
  int column = 1;
};
LineColumn line_column_at(std::string_view text, size_t offset);

} // namespace riftsim
