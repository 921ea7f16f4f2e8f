// One text input of `logreg_data convert` (convert.hpp): where its data lines start and the
// parser of its format, set up from the options. A CSV/TSV file's header is read here (blank
// lines before it skipped) unless --columns names the columns, and its first data line, whose
// label decides whether the labels are strings and whose first cell tells a pandas index column
// (README, "Data tool", "Index columns").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "logreg/data/convert.hpp"
#include "logreg/data/csv_parser.hpp"
#include "logreg/data/label_rule.hpp"
#include "logreg/data/parsed_block.hpp"
#include "logreg/data/table_parser.hpp"

namespace logreg::data {

struct TextSource {
  std::string path;
  std::optional<CsvParser> csv;      // plain CSV
  std::optional<TableParser> table;  // other delimited text; neither: LIBSVM
  uint64_t offset = 0;               // byte where the data lines start
  int64_t first_line = 1;            // their first line number
  LabelRule labels;                  // without names yet
  uint64_t size = 0;                 // of the file
  bool zero_based = false;           // LIBSVM: --zero-based
  Index width = 0;                   // LIBSVM: --features (0: the largest index)

  // Throws DataError for an empty file or an undropped index column, ConfigError for
  // --drop-index without one, and what the parsers' constructors throw.
  TextSource(const std::string& in, InputFormat format, const ConvertOptions& opt);

  bool delimited() const { return csv || table; }
  Index features() const {
    return csv ? csv->features() : table ? table->features() : width > 0 ? width : -1;
  }
  std::string_view label_cell(std::string_view line) const {
    return csv ? csv->label_cell(line) : table->label_cell(line);
  }
  std::string label_name() const;
  // The names of the output columns, from the header or --columns (none: LIBSVM, hashing).
  std::vector<std::string> feature_names() const;

  void parse(const char* begin, const char* end, ParsedBlock& out) const;

 private:
  void check_index_column(std::string_view line, int64_t line_no, char delimiter,
                          const ConvertOptions& opt) const;
};

// Whether delimited input goes through TableParser: any delimiter but a comma, named columns, or
// columns to hash, transform, fill or drop. Plain CSV keeps CsvParser's fast path.
bool uses_table(InputFormat format, const ConvertOptions& opt);

}  // namespace logreg::data
