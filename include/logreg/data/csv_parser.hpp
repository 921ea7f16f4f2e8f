// CSV with a header row: one column is the label (by name; default the last), every other
// column is a feature, in order. Feature cells are numbers; labels follow the block's LabelRule
// (numbers, or strings). Blank lines are skipped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "logreg/core/types.hpp"
#include "logreg/data/parsed_block.hpp"

namespace logreg::data {

// Helpers shared with TableParser (table_parser.hpp).
// A trimmed cell without surrounding double quotes.
std::string_view clean_cell(std::string_view cell);
// The cells of a header line split at `delimiter`, cleaned (a UTF-8 byte order mark dropped).
std::vector<std::string> split_header(std::string_view header, char delimiter);
// The index of column `name` in `names`; throws ConfigError "OPTION: column 'NAME' not in the
// header of PATH (the first names...)" when it is missing.
size_t find_column(const std::vector<std::string>& names, const std::string& name,
                   const std::string& option, const std::string& path);
// Whether a cleaned cell is a missing value: empty, NaN, nan, NA, N/A or null (README, "Data
// tool", "Missing values").
bool is_missing_cell(std::string_view cell);
// "column 'NAME' (field F): missing value 'NA' (...)": a missing cell refused by --missing error.
std::string missing_cell_message(const std::string& name, size_t col, std::string_view cell);
// Whether a header cell names a pandas index column: empty, "Unnamed: 0" or "index".
bool is_index_name(std::string_view name);

class CsvParser {
 public:
  // `header` is the first non-blank line (number `line_no`); `label` empty means the last column.
  // A label name missing from the header throws ConfigError naming it.
  CsvParser(std::string path, std::string_view header, int64_t line_no, const std::string& label);

  Index features() const { return static_cast<Index>(names_.size()) - 1; }
  const std::vector<std::string>& columns() const { return names_; }
  size_t label_column() const { return label_col_; }
  // The label cell of a data line, trimmed and unquoted (empty when the line is too short).
  std::string_view label_cell(std::string_view line) const;

  // Parses the whole data lines in [begin, end) (the header excluded) into `out` (reset first;
  // its layout says what to keep: every feature, zeros too, unless drop_zeros). *end must be
  // '\0' (see kBlockPadding).
  // Stops at the first malformed line, recorded in out.error with a message naming the column.
  // Thread-safe: parsing changes no state.
  void parse(const char* begin, const char* end, ParsedBlock& out) const;

 private:
  template <Store S>
  void parse_block(const char* p, const char* end, ParsedBlock& out) const;
  template <Store S>
  const char* parse_line_fast(const char* p, const char* end, int64_t line_no,
                              ParsedBlock& out) const;
  template <Store S>
  bool parse_line_fully(std::string_view line, int64_t line_no, ParsedBlock& out,
                        ParsedRow& row) const;

  std::string path_;
  std::vector<std::string> names_;
  size_t label_col_ = 0;
};

}  // namespace logreg::data
