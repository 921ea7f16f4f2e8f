#include "logreg/data/csv_parser.hpp"

#include "logreg/errors.hpp"

namespace logreg::data {

std::string_view clean_cell(std::string_view cell) {
  cell = trim(cell);
  if (cell.size() >= 2 && cell.front() == '"' && cell.back() == '"') {
    cell = trim(cell.substr(1, cell.size() - 2));
  }
  return cell;
}

std::vector<std::string> split_header(std::string_view header, char delimiter) {
  if (header.substr(0, 3) == "\xEF\xBB\xBF") header.remove_prefix(3);  // UTF-8 byte order mark
  std::vector<std::string> names;
  size_t start = 0;
  while (true) {
    const size_t stop = header.find(delimiter, start);
    names.emplace_back(clean_cell(header.substr(start, stop - start)));
    if (stop == std::string_view::npos) break;
    start = stop + 1;
  }
  return names;
}

size_t find_column(const std::vector<std::string>& names, const std::string& name,
                   const std::string& option, const std::string& path) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return i;
  }
  std::string known;
  for (size_t i = 0; i < names.size() && i < 20; ++i) known += (i ? ", " : "") + names[i];
  if (names.size() > 20) known += ", ...";
  throw ConfigError(option + ": column '" + name + "' not in the header of " + path + " (" + known +
                    ")");
}

bool is_missing_cell(std::string_view cell) {
  return cell.empty() || cell == "NaN" || cell == "nan" || cell == "NA" || cell == "N/A" ||
         cell == "null";
}

std::string missing_cell_message(const std::string& name, size_t col, std::string_view cell) {
  return "column '" + name + "' (field " + std::to_string(col + 1) + "): missing value '" +
         std::string(cell) + "' (use --missing zero or --missing mean to fill it)";
}

bool is_index_name(std::string_view name) {
  return name.empty() || name == "Unnamed: 0" || name == "index";
}

CsvParser::CsvParser(std::string path, std::string_view header, int64_t line_no,
                     const std::string& label)
    : path_(std::move(path)), names_(split_header(header, ',')) {
  if (names_.size() < 2) {
    throw DataError(line_where(path_, line_no) +
                    ": header has fewer than two columns (need features and a label)");
  }
  label_col_ = label.empty() ? names_.size() - 1 : find_column(names_, label, "--label", path_);
}

template <Store S>
bool CsvParser::parse_line_fully(std::string_view line, int64_t line_no, ParsedBlock& out,
                                 ParsedRow& row) const {
  auto fail = [&](const std::string& what) {
    out.fail(line_no, what);
    return false;
  };
  if (trim(line).empty()) return true;
  row.cols.clear();
  row.values.clear();
  size_t start = 0;
  size_t col = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    if (col >= names_.size()) {
      return fail("more than the " + std::to_string(names_.size()) + " fields of the header");
    }
    const std::string_view cell =
        clean_cell(line.substr(start, comma == std::string_view::npos ? comma : comma - start));
    if (col == label_col_) {
      if (!out.take_label(cell, line_no, row.label)) return false;
    } else {
      double value = 0;
      if (is_missing_cell(cell)) return fail(missing_cell_message(names_[col], col, cell));
      if (!parse_double(cell, value)) {
        return fail("column '" + names_[col] + "' (field " + std::to_string(col + 1) +
                    "): bad number '" + std::string(cell) + "'");
      }
      row.cols.push_back(static_cast<int32_t>(row.cols.size()));
      row.values.push_back(value);
    }
    ++col;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (col != names_.size()) {
    return fail(std::to_string(col) + " fields, but the header has " +
                std::to_string(names_.size()));
  }
  out.begin_row<S>();
  for (size_t i = 0; i < row.cols.size(); ++i) {
    if (!out.layout.drop_zeros || row.values[i] != 0.0) out.add<S>(row.cols[i], row.values[i]);
  }
  return out.end_row<S>(row.label, line_no);
}

// Fast path for a line of plain decimals separated by bare commas: parses it straight from the
// buffer into `out` and returns the start of the next line. Returns nullptr, with nothing added,
// for a line it does not recognize (spaces, quotes, exponents, a bad cell...), which the caller
// re-parses fully. May record the line's label first: note_label is idempotent for one line.
template <Store S>
const char* CsvParser::parse_line_fast(const char* p, const char* end, int64_t line_no,
                                       ParsedBlock& out) const {
  if (at_line_end(p, end)) return past_line_end(p, end);  // blank line
  const size_t columns = names_.size();
  double label = 0;
  out.begin_row<S>();
  int32_t feature = 0;
  const LabelRule& rule = out.layout.labels;
  for (size_t col = 0; col < columns; ++col) {
    const bool last = col + 1 == columns;
    if (col == label_col_ && rule.strings) {
      const char* stop = p;
      while (*stop != ',' && !at_line_end(stop, end)) ++stop;
      const std::string_view cell(p, static_cast<size_t>(stop - p));
      // Quoted or padded cells, and commas in the wrong place, are left to the full parse.
      const bool plain = !cell.empty() && !is_space(cell.front()) && !is_space(cell.back()) &&
                         cell.front() != '"' && (last ? at_line_end(stop, end) : *stop == ',');
      if (!plain || !out.string_label(cell, line_no, label)) {
        out.abandon_row<S>();
        return nullptr;
      }
      p = last ? stop : stop + 1;
      continue;
    }
    double value = 0;
    p = scan_decimal(p, value);
    if (p == nullptr || (last ? !at_line_end(p, end) : (*p != ',' || p == end))) {
      out.abandon_row<S>();
      return nullptr;
    }
    if (!last) ++p;
    if (col == label_col_) {
      if (!rule.accepts(value) || !out.note_label(value, line_no)) {
        out.abandon_row<S>();
        return nullptr;
      }
      label = LabelRule::stored(value);
    } else {
      if (!out.layout.drop_zeros || value != 0.0) out.add<S>(feature, value);
      ++feature;
    }
  }
  if (!out.end_row<S>(label, line_no)) return nullptr;
  return past_line_end(p, end);
}

std::string_view CsvParser::label_cell(std::string_view line) const {
  size_t start = 0;
  for (size_t col = 0; col < label_col_; ++col) {
    start = line.find(',', start);
    if (start == std::string_view::npos) return {};
    ++start;
  }
  const size_t comma = line.find(',', start);
  return clean_cell(line.substr(start, comma == std::string_view::npos ? comma : comma - start));
}

template <Store S>
void CsvParser::parse_block(const char* p, const char* end, ParsedBlock& out) const {
  ParsedRow row;
  int64_t line = 0;
  while (p < end) {
    const char* next = parse_line_fast<S>(p, end, line, out);
    if (next == nullptr) {
      if (out.error) break;
      if (!parse_line_fully<S>(line_at(p, end, next), line, out, row)) break;
    }
    p = next;
    ++line;
  }
  out.lines = out.error ? out.error->line + 1 : line;
}

void CsvParser::parse(const char* begin, const char* end, ParsedBlock& out) const {
  out.reset(max_block_entries(static_cast<size_t>(end - begin)));
  with_store(out.layout.store, [&](auto store) { parse_block<store.value>(begin, end, out); });
}

}  // namespace logreg::data
