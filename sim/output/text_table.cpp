#include "output/text_table.hpp"

#include <algorithm>

namespace riftsim {

size_t display_width(const std::string& text) {
  size_t n = 0;
  for (unsigned char c : text)
    if ((c & 0xC0) != 0x80) ++n; // count the first byte of each code point
  return n;
}

std::string TextTable::render() const {
  std::vector<size_t> width(headers_.size(), 0);
  auto fit = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size() && i < width.size(); ++i)
      width[i] = std::max(width[i], display_width(cells[i]));
  };
  fit(headers_);
  for (const auto& r : rows_) fit(r);
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t i = 0; i < width.size(); ++i) {
      const std::string cell = i < cells.size() ? cells[i] : "";
      std::string pad(width[i] - display_width(cell), ' ');
      if (i > 0) out += "  ";
      out += i == 0 ? cell + pad : pad + cell;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = line(headers_);
  for (const auto& r : rows_) out += line(r);
  return out;
}

} // namespace riftsim
