// LIBSVM / SVMlight text: "label idx:val idx:val ... # comment", 1-based strictly increasing
// indices (0-based with --zero-based, as scikit-learn's dump_svmlight_file writes them), numeric
// labels by the block's LabelRule. Blank and comment-only lines are skipped;
// "qid:" tokens (ranking files) are ignored.
#pragma once

#include "logreg/core/types.hpp"
#include "logreg/data/parsed_block.hpp"

namespace logreg::data {

class LibsvmParser {
 public:
  // `zero_based`: indices start at 0 (--zero-based). `width` > 0 (--features N): an index at or
  // beyond column N is an error naming it.
  explicit LibsvmParser(bool zero_based = false, Index width = 0)
      : zero_based_(zero_based), width_(width) {}

  // Parses the whole lines in [begin, end) into `out` (reset first; its layout says what to
  // keep), with 0-based columns. *end must be '\0' (see kBlockPadding). Stops at the first
  // malformed line, recorded in out.error with a message quoting the offending token.
  // Thread-safe: the parser holds no state.
  void parse(const char* begin, const char* end, ParsedBlock& out) const;

 private:
  bool zero_based_;
  Index width_;
};

}  // namespace logreg::data
