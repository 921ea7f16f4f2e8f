// Shared pieces of the text readers behind `logreg_data convert`: a buffered line reader that
// counts lines and bytes, strict number parsing, and the label rule (0/1 or -1/+1 per file).
#pragma once

#include <cstdint>
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

// One parsed input row: 0-based column ids (increasing) with values, and the label in {0, 1}.
struct ParsedRow {
  double label = 0.0;
  std::vector<int32_t> cols;
  std::vector<double> values;
};

// Strict parse of a whole token as a finite double (a leading '+' is allowed); false otherwise.
bool parse_double(std::string_view token, double& value);

// Strips spaces and tabs at both ends.
std::string_view trim(std::string_view s);

// Accepts labels 0/1 or -1/+1 (as any numeric spelling) and maps them to {0, 1}. A file must
// use one convention: a 0 after a -1 (or the reverse) is an error, as it is for the trainer.
class LabelRule {
 public:
  // Returns the {0, 1} label, or throws DataError naming `path` and `line`.
  double map(std::string_view token, const std::string& path, int64_t line);

 private:
  int64_t zeros_ = 0, minus_ones_ = 0;
};

// "file:line" for messages.
std::string line_where(const std::string& path, int64_t line);

}  // namespace logreg::data
