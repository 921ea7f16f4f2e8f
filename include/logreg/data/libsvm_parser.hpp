// LIBSVM / SVMlight text: "label idx:val idx:val ... # comment", 1-based strictly increasing
// indices, labels 0/1 or -1/+1. Blank and comment-only lines are skipped; "qid:" tokens
// (ranking files) are ignored.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "logreg/data/text_input.hpp"

namespace logreg::data {

class LibsvmParser {
 public:
  explicit LibsvmParser(std::string path) : path_(std::move(path)) {}

  // Parses line `line_no` into `row` (0-based columns); false for a line without data.
  // A malformed line throws DataError "path:line: ..." quoting the offending token.
  bool parse(std::string_view line, int64_t line_no, ParsedRow& row);

  // Largest 1-based index seen so far, i.e. the feature count d.
  int64_t max_index() const { return max_index_; }

 private:
  std::string path_;
  LabelRule labels_;
  int64_t max_index_ = 0;
};

}  // namespace logreg::data
