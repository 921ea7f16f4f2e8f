// LIBSVM / SVMlight text: "label idx:val idx:val ... # comment", 1-based strictly increasing
// indices, numeric labels by the block's LabelRule. Blank and comment-only lines are skipped;
// "qid:" tokens (ranking files) are ignored.
#pragma once

#include "logreg/data/parsed_block.hpp"

namespace logreg::data {

class LibsvmParser {
 public:
  // Parses the whole lines in [begin, end) into `out` (reset first; its layout says what to
  // keep), with 0-based columns. *end must be '\0' (see kBlockPadding). Stops at the first
  // malformed line, recorded in out.error with a message quoting the offending token.
  // Thread-safe: the parser holds no state.
  void parse(const char* begin, const char* end, ParsedBlock& out) const;
};

}  // namespace logreg::data
