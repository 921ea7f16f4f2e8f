#include "logreg/data/libsvm_parser.hpp"

#include <charconv>
#include <cstring>
#include <limits>

namespace logreg::data {

namespace {

// How indices map to columns: column = index - base (1, or 0 with --zero-based); with width > 0
// (--features N) a column must be below it.
struct Indexing {
  int64_t base = 1;
  int64_t width = 0;
};

// The next whitespace-separated token of `s` starting at `pos` (empty at the end).
std::string_view next_token(std::string_view s, size_t& pos) {
  while (pos < s.size() && is_space(s[pos])) ++pos;
  const size_t start = pos;
  while (pos < s.size() && !is_space(s[pos])) ++pos;
  return s.substr(start, pos - start);
}

// The complete reference parser of one line: comments, "qid:", exponents, every error message.
// The fast path below hands it whatever it does not recognize. Returns false on a bad line.
template <Store S>
bool parse_line_fully(std::string_view line, int64_t line_no, ParsedBlock& out, ParsedRow& row,
                      Indexing ix) {
  auto fail = [&](const std::string& what) {
    out.fail(line_no, what);
    return false;
  };
  const size_t hash = line.find('#');
  if (hash != std::string_view::npos) line = line.substr(0, hash);
  size_t pos = 0;
  const std::string_view label = next_token(line, pos);
  if (label.empty()) return true;
  if (label.find(':') != std::string_view::npos) {
    return fail("line starts with feature '" + std::string(label) + "'; expected a label first");
  }
  if (!out.take_label(label, line_no, row.label)) return false;
  row.cols.clear();
  row.values.clear();
  int64_t previous = -1;  // the previous column
  while (true) {
    const std::string_view token = next_token(line, pos);
    if (token.empty()) break;
    const size_t colon = token.find(':');
    if (colon == std::string_view::npos) {
      return fail("bad feature '" + std::string(token) + "' (expected index:value)");
    }
    const std::string_view index_text = token.substr(0, colon);
    const std::string_view value_text = token.substr(colon + 1);
    if (index_text == "qid") continue;
    int64_t index = 0;
    auto [ptr, ec] =
        std::from_chars(index_text.data(), index_text.data() + index_text.size(), index);
    if (index_text.empty() || ec != std::errc() || ptr != index_text.data() + index_text.size()) {
      return fail("bad feature '" + std::string(token) + "' (index is not an integer)");
    }
    if (index < ix.base) {
      return fail("bad feature '" + std::string(token) +
                  (ix.base == 1 ? "' (indices are 1-based, must be >= 1; for 0-based files, such "
                                  "as scikit-learn's dump_svmlight_file writes, use --zero-based)"
                                : "' (index must be >= 0)"));
    }
    if (index > std::numeric_limits<int32_t>::max()) {
      return fail("bad feature '" + std::string(token) + "' (index above 2147483647)");
    }
    const int64_t col = index - ix.base;
    if (col <= previous) {
      return fail("bad feature '" + std::string(token) + "' (index " + std::to_string(index) +
                  " after " + std::to_string(previous + ix.base) + "; indices must be increasing)");
    }
    if (ix.width > 0 && col >= ix.width) {
      return fail("feature index " + std::to_string(index) + " is beyond --features " +
                  std::to_string(ix.width) + " (" + (ix.base == 1 ? "1-based" : "0-based") +
                  " indices " + std::to_string(ix.base) + ".." +
                  std::to_string(ix.width - 1 + ix.base) + ")");
    }
    double value = 0;
    if (!parse_double(value_text, value)) {
      return fail("bad feature '" + std::string(token) + "' (value is not a finite number)");
    }
    previous = col;
    row.cols.push_back(static_cast<int32_t>(col));
    row.values.push_back(value);
  }
  out.begin_row<S>();
  for (size_t i = 0; i < row.cols.size(); ++i) out.add<S>(row.cols[i], row.values[i]);
  if (!out.end_row<S>(row.label, line_no)) return false;
  if (previous + 1 > out.max_index) out.max_index = previous + 1;
  return true;
}

// Fast path for a line of "label idx:val ..." with plain decimals, spaces or tabs, ending at
// '\n' ("\r\n") or the end of the block: parses it straight from the buffer into `out` and
// returns the start of the next line. Returns nullptr, with nothing added, for a line it does
// not recognize (the caller re-parses that line fully). May record the line's label first:
// note_label is idempotent for the same line. Relies on the '\0' after the block.
template <Store S>
const char* parse_line_fast(const char* p, const char* end, int64_t line_no, ParsedBlock& out,
                            Indexing ix) {
  while (is_space(*p)) ++p;
  if (at_line_end(p, end)) return past_line_end(p, end);
  double raw = 0;
  p = scan_decimal(p, raw);
  if (p == nullptr || !out.layout.labels.accepts(raw) || !(is_space(*p) || at_line_end(p, end))) {
    return nullptr;
  }
  if (!out.note_label(raw, line_no)) return nullptr;  // the full parse reports it
  out.begin_row<S>();
  int64_t previous = -1;  // the previous column
  while (true) {
    while (is_space(*p)) ++p;
    if (at_line_end(p, end)) break;
    uint64_t index = 0;
    const int n = leading_digits(p, index);  // 8 or more digits: left to the full parse
    p += n;
    const int64_t col = static_cast<int64_t>(index) - ix.base;
    if (n == 0 || n == 8 || *p != ':' || col <= previous || (ix.width > 0 && col >= ix.width)) {
      out.abandon_row<S>();
      return nullptr;
    }
    double value = 0;
    p = scan_decimal(p + 1, value);
    if (p == nullptr || !(is_space(*p) || at_line_end(p, end))) {
      out.abandon_row<S>();
      return nullptr;
    }
    previous = col;
    out.add<S>(static_cast<int32_t>(col), value);
  }
  if (!out.end_row<S>(LabelRule::stored(raw), line_no)) return nullptr;
  if (previous + 1 > out.max_index) out.max_index = previous + 1;
  return past_line_end(p, end);
}

template <Store S>
void parse_block(const char* p, const char* end, ParsedBlock& out, Indexing ix) {
  ParsedRow row;
  int64_t line = 0;
  while (p < end) {
    const char* next = parse_line_fast<S>(p, end, line, out, ix);
    if (next == nullptr) {
      if (out.error) break;  // a label breaking the convention, or a dense row too wide
      if (!parse_line_fully<S>(line_at(p, end, next), line, out, row, ix)) break;
    }
    p = next;
    ++line;
  }
  out.lines = out.error ? out.error->line + 1 : line;
}

}  // namespace

void LibsvmParser::parse(const char* begin, const char* end, ParsedBlock& out) const {
  out.reset(max_block_entries(static_cast<size_t>(end - begin)));
  const Indexing ix{zero_based_ ? 0 : 1, width_};
  with_store(out.layout.store, [&](auto store) { parse_block<store.value>(begin, end, out, ix); });
}

}  // namespace logreg::data
