#pragma once
// A plain-text table for the terminal: whole headers, columns as wide as their widest cell, the first
// column left-aligned and the others right-aligned (numbers).
#include <string>
#include <vector>

namespace riftsim {

class TextTable {
public:
  explicit TextTable(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  void add_row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  std::string render() const;

private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

/// Display width of UTF-8 text (code points, not bytes): "·" and "—" are one column each.
size_t display_width(const std::string& text);

} // namespace riftsim
