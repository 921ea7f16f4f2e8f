#include "logreg/data/csv_parser.hpp"

#include "logreg/errors.hpp"

namespace logreg::data {

namespace {

// A trimmed cell without surrounding double quotes.
std::string_view clean_cell(std::string_view cell) {
  cell = trim(cell);
  if (cell.size() >= 2 && cell.front() == '"' && cell.back() == '"') {
    cell = trim(cell.substr(1, cell.size() - 2));
  }
  return cell;
}

}  // namespace

CsvParser::CsvParser(std::string path, std::string_view header, int64_t line_no,
                     const std::string& label)
    : path_(std::move(path)) {
  if (header.substr(0, 3) == "\xEF\xBB\xBF") header.remove_prefix(3);  // UTF-8 byte order mark
  size_t start = 0;
  while (true) {
    const size_t comma = header.find(',', start);
    names_.emplace_back(clean_cell(header.substr(start, comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (names_.size() < 2) {
    throw DataError(line_where(path_, line_no) +
                    ": header has fewer than two columns (need features and a label)");
  }
  if (label.empty()) {
    label_col_ = names_.size() - 1;
    return;
  }
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == label) {
      label_col_ = i;
      return;
    }
  }
  std::string known;
  for (size_t i = 0; i < names_.size() && i < 20; ++i) known += (i ? ", " : "") + names_[i];
  if (names_.size() > 20) known += ", ...";
  throw ConfigError("--label: column '" + label + "' not in the header of " + path_ + " (" + known +
                    ")");
}

bool CsvParser::parse(std::string_view line, int64_t line_no, ParsedRow& row) {
  if (trim(line).empty()) return false;
  row.cols.clear();
  row.values.clear();
  size_t start = 0;
  size_t col = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    if (col >= names_.size()) {
      throw DataError(line_where(path_, line_no) + ": more than the " +
                      std::to_string(names_.size()) + " fields of the header");
    }
    const std::string_view cell =
        clean_cell(line.substr(start, comma == std::string_view::npos ? comma : comma - start));
    if (col == label_col_) {
      row.label = labels_.map(cell, path_, line_no);
    } else {
      double value = 0;
      if (!parse_double(cell, value)) {
        throw DataError(line_where(path_, line_no) + ": column '" + names_[col] + "' (field " +
                        std::to_string(col + 1) + "): bad number '" + std::string(cell) + "'");
      }
      row.cols.push_back(static_cast<int32_t>(row.cols.size()));
      row.values.push_back(value);
    }
    ++col;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (col != names_.size()) {
    throw DataError(line_where(path_, line_no) + ": " + std::to_string(col) +
                    " fields, but the header has " + std::to_string(names_.size()));
  }
  return true;
}

}  // namespace logreg::data
