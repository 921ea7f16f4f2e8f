// Shared pieces of the text readers behind `logreg_data convert`: a line reader (for headers), a
// block reader that hands out large runs of whole lines for parallel parsing, and strict number
// parsing (the label rules are in label_rule.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace logreg::data {

// Reads a text file line by line through one fixed buffer (grown only for a longer line), so
// memory does not depend on the file size. Lines exclude the '\n' and a trailing '\r'.
class LineReader {
 public:
  explicit LineReader(const std::string& path);  // throws DataError naming the file
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // The next line, valid until the following call; false at end of file.
  bool next(std::string_view& line);
  int64_t line_number() const { return line_number_; }  // 1-based, of the last line returned
  uint64_t bytes_read() const { return bytes_read_; }
  uint64_t file_size() const { return file_size_; }
  // Bytes up to the end of the last line returned (its '\n' included): where the next one starts.
  uint64_t offset() const { return bytes_read_ - (end_ - begin_); }

 private:
  bool refill();

  std::string path_;
  int fd_ = -1;
  std::vector<char> buffer_;
  size_t begin_ = 0, end_ = 0;  // unread bytes are buffer_[begin_, end_)
  bool eof_ = false;
  int64_t line_number_ = 0;
  uint64_t bytes_read_ = 0;
  uint64_t file_size_ = 0;
};

// Blocks are followed by this many readable bytes, the first of them '\0', so that parsers scan
// without bounds checks: every scanning loop stops at that '\0'.
constexpr size_t kBlockPadding = 16;

// Reads a text file from a byte offset in blocks of whole lines with large read(2) calls: each
// block holds about `block_bytes` and ends just after a '\n' (the last block at the end of the
// file, with or without one). A line longer than `block_bytes` makes its block longer.
class BlockReader {
 public:
  BlockReader(const std::string& path, uint64_t offset, size_t block_bytes);  // throws DataError
  ~BlockReader();
  BlockReader(const BlockReader&) = delete;
  BlockReader& operator=(const BlockReader&) = delete;

  // Puts the next block at the front of `block` (grown when needed, never shrunk), followed by
  // kBlockPadding bytes starting with '\0', and returns its size; 0 at end of file. Throws
  // DataError on a read failure.
  size_t next(std::vector<char>& block);
  uint64_t bytes_read() const { return bytes_read_; }  // from the offset on

 private:
  std::string path_;
  int fd_ = -1;
  size_t block_bytes_;
  std::vector<char> carry_;  // the start of a line that the previous block cut off
  bool eof_ = false;
  uint64_t bytes_read_ = 0;
};

// One parsed input row: 0-based column ids (increasing) with values, and the stored label.
struct ParsedRow {
  double label = 0.0;
  std::vector<int32_t> cols;
  std::vector<double> values;
};

// Scanning lines inside a block (followed by '\0', see kBlockPadding): lines end at '\n' or the
// end of the block, and one '\r' before that belongs to the line ending.
inline bool is_space(char c) { return c == ' ' || c == '\t'; }
inline bool is_digit(char c) { return static_cast<unsigned>(c - '0') < 10; }
inline bool at_line_end(const char* p, const char* end) {
  return *p == '\n' || p == end || (*p == '\r' && (p[1] == '\n' || p + 1 == end));
}
// The start of the next line, from a position where at_line_end holds.
inline const char* past_line_end(const char* p, const char* end) {
  if (p == end) return end;
  if (*p == '\n') return p + 1;
  return p + 1 == end ? end : p + 2;
}
// The line starting at `p` without its line ending; `next` is set to the start of the next one.
std::string_view line_at(const char* p, const char* end, const char*& next);

// The digits at the start of p[0, 8): their count (8 when all are digits, maybe more follow)
// and, when fewer than 8, their value. Branch-free (SWAR), so digit runs of varying length cost
// no mispredicted branches. p[0, 8) must be readable.
inline int leading_digits(const char* p, uint64_t& value) {
  uint64_t x;
  std::memcpy(&x, p, 8);
  // Digits become bytes 0..9; a byte is a non-digit iff its high bit ends up set here (the
  // masked sum cannot carry into the next byte).
  const uint64_t y = x ^ 0x3030303030303030ull;
  const uint64_t non_digit =
      (((y & 0x7F7F7F7F7F7F7F7Full) + 0x7676767676767676ull) | y) & 0x8080808080808080ull;
  if (non_digit == 0) return 8;
  const int n = __builtin_ctzll(non_digit) / 8;  // little-endian: the first byte is the lowest
  if (n == 0) return 0;
  // The n digits move to the top bytes, zeros (leading '0's) fill the bottom: an 8-digit number.
  uint64_t d = y << (8 * (8 - n));
  d = d * 10 + (d >> 8);
  d = (((d & 0x000000FF000000FFull) * (100 + (1000000ull << 32))) +
       (((d >> 16) & 0x000000FF000000FFull) * (1 + (10000ull << 32)))) >>
      32;
  value = d;
  return n;
}

// Fast path for the plain decimals that make up most text data: "[+-]digits[.digits]" with at
// most 19 digits whose value is exact in a double after scaling by a power of ten of at most 19
// (Clinger's condition), so one correctly rounded division gives the same double as a full
// parse. The text must go on with a non-digit (a block's '\0' will do). Returns the end of the
// number, or nullptr for anything else (exponents, ".5", long mantissas, no digits...), which
// callers hand to parse_double.
inline const char* scan_decimal(const char* p, double& value) {
  static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,
                                      1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19};
  const bool negative = *p == '-';  // no branch: signs are often random
  p += negative || *p == '+';
  const char* digits = p;
  uint64_t m = 0;
  while (is_digit(*p)) m = m * 10 + static_cast<unsigned>(*p++ - '0');
  if (p == digits) return nullptr;
  std::ptrdiff_t count = p - digits, fraction = 0;
  if (*p == '.') {
    const char* first = ++p;
    while (is_digit(*p)) m = m * 10 + static_cast<unsigned>(*p++ - '0');
    fraction = p - first;
    if (fraction == 0) return nullptr;
    count += fraction;
  }
  if (count > 19 || m > (uint64_t{1} << 53)) return nullptr;
  // The sign first (exact, and -0 stays -0 as a full parse gives), then one division: rounding
  // to nearest is symmetric, so -(m / 10^k) and (-m) / 10^k are the same double.
  static constexpr double kSign[] = {1.0, -1.0};
  value = static_cast<double>(m) * kSign[negative];
  if (fraction > 0) value /= kPow10[fraction];
  return p;
}

// Strict parse of a whole token as a finite double (a leading '+' is allowed); false otherwise.
bool parse_double(std::string_view token, double& value);

// Strips spaces and tabs at both ends.
std::string_view trim(std::string_view s);

// "file:line" for messages.
std::string line_where(const std::string& path, int64_t line);

}  // namespace logreg::data
