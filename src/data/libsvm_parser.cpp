#include "logreg/data/libsvm_parser.hpp"

#include <charconv>
#include <limits>

#include "logreg/errors.hpp"

namespace logreg::data {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

// The next whitespace-separated token of `s` starting at `pos` (empty at the end).
std::string_view next_token(std::string_view s, size_t& pos) {
  while (pos < s.size() && is_space(s[pos])) ++pos;
  const size_t start = pos;
  while (pos < s.size() && !is_space(s[pos])) ++pos;
  return s.substr(start, pos - start);
}

}  // namespace

bool LibsvmParser::parse(std::string_view line, int64_t line_no, ParsedRow& row) {
  auto fail = [&](const std::string& what) -> void {
    throw DataError(line_where(path_, line_no) + ": " + what);
  };
  const size_t hash = line.find('#');
  if (hash != std::string_view::npos) line = line.substr(0, hash);
  size_t pos = 0;
  const std::string_view label = next_token(line, pos);
  if (label.empty()) return false;
  if (label.find(':') != std::string_view::npos) {
    fail("line starts with feature '" + std::string(label) + "'; expected a label first");
  }
  row.label = labels_.map(label, path_, line_no);
  row.cols.clear();
  row.values.clear();
  int64_t previous = 0;
  while (true) {
    const std::string_view token = next_token(line, pos);
    if (token.empty()) break;
    const size_t colon = token.find(':');
    if (colon == std::string_view::npos) {
      fail("bad feature '" + std::string(token) + "' (expected index:value)");
    }
    const std::string_view index_text = token.substr(0, colon);
    const std::string_view value_text = token.substr(colon + 1);
    if (index_text == "qid") continue;
    int64_t index = 0;
    auto [ptr, ec] =
        std::from_chars(index_text.data(), index_text.data() + index_text.size(), index);
    if (index_text.empty() || ec != std::errc() || ptr != index_text.data() + index_text.size()) {
      fail("bad feature '" + std::string(token) + "' (index is not an integer)");
    }
    if (index < 1) {
      fail("bad feature '" + std::string(token) + "' (indices are 1-based, must be >= 1)");
    }
    if (index > std::numeric_limits<int32_t>::max()) {
      fail("bad feature '" + std::string(token) + "' (index above 2147483647)");
    }
    if (index <= previous) {
      fail("bad feature '" + std::string(token) + "' (index " + std::to_string(index) + " after " +
           std::to_string(previous) + "; indices must be increasing)");
    }
    double value = 0;
    if (!parse_double(value_text, value)) {
      fail("bad feature '" + std::string(token) + "' (value is not a finite number)");
    }
    previous = index;
    row.cols.push_back(static_cast<int32_t>(index - 1));
    row.values.push_back(value);
  }
  if (previous > max_index_) max_index_ = previous;
  return true;
}

}  // namespace logreg::data
