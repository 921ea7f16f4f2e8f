// Delimited text (CSV with any one-character delimiter, or TSV) whose columns are numbers, hashed
// categorical strings, the label, or a dropped index (README, "Data tool", "Hashed categorical
// features", "Missing values"). The output columns are: the m numeric columns in header order
// (0..m-1), then, with --categorical, the 2^B buckets of the hashed space (m..m+2^B-1), then,
// with --missing-indicator, one indicator per numeric column that has missing cells, in header
// order (known after a first pass: set_column_stats). A missing cell (is_missing_cell) is refused
// (--missing error), or filled with 0 (no entry) or its column's mean, and its indicator is 1.
// Entries of a row are in increasing column order; hash collisions add their values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "logreg/core/types.hpp"
#include "logreg/data/hashing.hpp"
#include "logreg/data/parsed_block.hpp"

namespace logreg::data {

class TableParser {
 public:
  // `names` are the header's cells (or --columns: `names_from` says which, for messages); `label`
  // empty means the last column. A column an option names that is not in `names`, a --log1p of a
  // categorical column, or the label among them throws ConfigError naming the option.
  TableParser(std::string path, std::vector<std::string> names, std::string names_from,
              char delimiter, const std::string& label, const HashingOptions& hashing);

  Index features() const { return features_; }
  // After a first pass that gathered ParsedBlock::columns: the means that fill missing cells
  // (--missing mean) and the indicator columns (--missing-indicator); changes features().
  void set_column_stats(const std::vector<ColumnStats>& stats);
  // The output columns' names, the indicators "missingindicator_NAME"; empty with hashing.
  std::vector<std::string> feature_names() const;
  const std::vector<std::string>& columns() const { return names_; }
  size_t label_column() const { return label_col_; }
  // The label cell of a data line, trimmed and unquoted (empty when the line is too short).
  std::string_view label_cell(std::string_view line) const;

  // As CsvParser::parse: the data lines in [begin, end) into `out`, stopping at the first bad line.
  // Thread-safe.
  void parse(const char* begin, const char* end, ParsedBlock& out) const;

 private:
  enum class Role : uint8_t { Label, Numeric, Log1p, Categorical, Ignore };
  struct Column {
    Role role = Role::Numeric;
    int32_t index = 0;  // numeric: the output column; categorical: its place among them
  };
  struct Scratch;  // per block: the cells and entries of the current line

  template <Store S>
  bool parse_line(std::string_view line, int64_t line_no, ParsedBlock& out, Scratch& s) const;
  bool read_cells(std::string_view line, int64_t line_no, ParsedBlock& out, Scratch& s) const;
  bool add_missing(int32_t k, size_t col, std::string_view cell, ParsedBlock& out,
                   Scratch& s) const;
  void add_hashed(Scratch& s) const;

  std::string path_;
  std::vector<std::string> names_;
  std::string names_from_;
  char delimiter_;
  size_t label_col_ = 0;
  std::vector<Column> cols_;
  int32_t numeric_ = 0;                               // m
  int32_t categorical_ = 0;                           // categorical columns
  std::vector<std::string> prefixes_;                 // "name=" of each categorical column
  int32_t indicators_ = 0;                            // the first missing-indicator column
  std::vector<double> fill_;                          // per numeric column (empty: zeros)
  std::vector<int32_t> indicator_;                    // per numeric column, -1: none
  std::vector<std::pair<int32_t, int32_t>> crosses_;  // places among the categorical columns
  HashingOptions hashing_;
  Index features_ = 0;
};

}  // namespace logreg::data
