// `logreg_data convert`: LIBSVM or CSV text to the HDF5 layout of the README ("HDF5 data layout"),
// streaming with bounded memory (tens of MB of buffers whatever the input size). Blocks of lines
// are parsed in parallel and written strictly in input order, so rows keep their order and the
// output and the errors do not depend on the thread count.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "logreg/data/hashing.hpp"
#include "logreg/data/label_rule.hpp"
#include "logreg/io/dataset.hpp"

namespace logreg::data {

// Tsv is Csv with a tab delimiter.
enum class InputFormat { Auto, Libsvm, Csv, Tsv };
enum class OutputLayout { Auto, Sparse, Dense };

// How far a pass over the input has come, for a progress line.
struct ConvertProgress {
  uint64_t bytes = 0;        // input bytes read in this pass
  uint64_t total_bytes = 0;  // the input's size
  Index rows = 0;            // rows parsed in this pass
  double seconds = 0.0;      // since this pass started
  bool counting = false;     // the first of two passes (validating and counting)
};

struct ConvertOptions {
  // Auto: *.csv CSV, *.tsv TSV, *.txt TSV when its first line has a tab and no ':', anything
  // else LIBSVM.
  InputFormat format = InputFormat::Auto;
  // Auto: LIBSVM or hashed categorical columns -> CSR, CSV -> dense.
  OutputLayout layout = OutputLayout::Auto;
  // The cell delimiter of CSV/TSV ('\0': the format's, ',' or tab); setting one reads an Auto
  // format as delimited text.
  char delimiter = '\0';
  // Names of the columns of a headerless CSV/TSV file (empty: the first line is the header).
  std::vector<std::string> columns;
  HashingOptions hashing;  // categorical, log1p and missing-value columns (table_parser.hpp)
  std::string label;                         // CSV label column (empty: the last column)
  bool zero_based = false;                   // LIBSVM: indices start at 0 (--zero-based)
  Index features = 0;  // LIBSVM: the width d (--features; 0: the largest index)
  LabelChoice labels = LabelChoice::Auto;    // which labels are allowed (label_rule.hpp)
  int shards = 1;
  Precision dtype = Precision::Float64;
  // Parser threads: 0 takes the hardware's (at least 2, at most 8); 1 reads, parses and writes
  // on the calling thread. The output is the same for any value.
  int threads = 0;
  // Input bytes per parsed block (0: the default, a few MB). Lines are never split; small
  // values exist for tests, which need many blocks from a small file.
  size_t block_bytes = 0;
  // Called on the converting thread after each block; may be empty.
  std::function<void(const ConvertProgress&)> progress;

  // Throws ConfigError naming the command-line option at fault.
  void validate() const;
};

struct ConvertStats {
  std::vector<std::string> files;  // written, in row order
  Index rows = 0;
  Index features = 0;
  int64_t nnz = 0;  // stored entries (dense: rows × features)
  bool sparse = false;
  // Labels as stored: classes = the largest label + 1 (string labels: their number);
  // minus_ones: the input used -1/+1 (stored as 0/1); class_names: the string labels in class
  // order (empty for numeric labels), also written as attribute `classes` of `y`.
  int64_t classes = 0;
  bool minus_ones = false;
  std::vector<std::string> class_names;
  int passes = 1;  // 2 when the row count, d or the string labels had to be known before writing
  uint64_t bytes_read = 0;  // input bytes read over all passes
  double seconds = 0.0;
};

InputFormat resolve_format(const std::string& in, InputFormat requested);

// Converts `in` into `out` (or opt.shards files <stem>_<k>.h5). A malformed line throws
// DataError "in:line: ..." naming the first bad line of the file, and leaves no output file
// behind (existing files stay untouched).
// One pass when the output can grow as rows arrive (CSR, or CSV to one dense file); otherwise a
// first pass validates the input and counts rows and features (and collects string labels).
ConvertStats convert(const std::string& in, const std::string& out, const ConvertOptions& opt);

}  // namespace logreg::data
