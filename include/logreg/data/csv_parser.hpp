// CSV with a header row: one column is the label (by name; default the last), every other
// column is a feature, in order. Cells are numbers; labels 0/1 or -1/+1. Blank lines are skipped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "logreg/core/types.hpp"
#include "logreg/data/text_input.hpp"

namespace logreg::data {

class CsvParser {
 public:
  // `header` is the first non-blank line (number `line_no`); `label` empty means the last column.
  // A label name missing from the header throws ConfigError naming it.
  CsvParser(std::string path, std::string_view header, int64_t line_no, const std::string& label);

  Index features() const { return static_cast<Index>(names_.size()) - 1; }
  const std::vector<std::string>& columns() const { return names_; }
  size_t label_column() const { return label_col_; }

  // Parses line `line_no` into `row` (every feature, zeros included); false for a blank line.
  // A malformed line throws DataError "path:line: column 'name': ...".
  bool parse(std::string_view line, int64_t line_no, ParsedRow& row);

 private:
  std::string path_;
  std::vector<std::string> names_;
  size_t label_col_ = 0;
  LabelRule labels_;
};

}  // namespace logreg::data
