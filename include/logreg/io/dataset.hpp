// Reading a data set (one or several HDF5 files whose rows concatenate) as per-rank shards.
// Dense: a 2-D dataset. CSR: a group with data, indices, indptr and attribute shape = [n, d].
// Every function here is rank-local; the caller agrees on errors collectively.
#pragma once

#include <string>
#include <vector>

#include "logreg/core/shard.hpp"

namespace logreg {

enum class Precision { Float64, Float32 };

// How labels are checked: Binary takes 0/1 or ±1 (−1 stored as 0); Classes takes any integer in
// [−1, 65535] and stores it as it is (the caller decides binomial or multinomial from the counts).
enum class LabelMode { Binary, Classes };

struct DataSource {
  std::vector<std::string> files;  // already expanded, in row order
  std::string features = "X";
  std::string labels = "y";        // empty: no labels (prediction)
  std::string weights;             // empty: unit weights
  Precision dtype = Precision::Float64;
  LabelMode labels_mode = LabelMode::Binary;
};

struct FileLayout {
  std::string path;
  Index rows = 0;
  Index cols = 0;
  bool sparse = false;
  int64_t nnz = 0;
};

struct DataLayout {
  std::vector<FileLayout> files;
  Index rows = 0;
  Index cols = 0;
  bool sparse = false;
  int64_t nnz = 0;  // dense: rows * cols
};

struct RowRange {
  Index begin = 0;
  Index end = 0;
  Index size() const { return end - begin; }
};

// Expands each entry (a path or a glob pattern) in order; a name that exists is taken literally
// even when it holds glob characters. A pattern that matches nothing, a path that does not
// exist, or anything that is not a readable regular file (h5::check_input_file) is an error
// naming `key` and the path; nothing is opened here.
std::vector<std::string> expand_paths(const std::vector<std::string>& patterns,
                                      const std::string& key);

// Opens every file's metadata, one file at a time, and checks that the layout is consistent
// (same d, same kind, labels and weights with one entry per row, datasets readable with the
// filters this HDF5 library has).
DataLayout scan_layout(const DataSource& source);

// Balanced contiguous block of rows for `rank` of `size`: by rows (dense) or by non-zeros (CSR).
RowRange partition_rows(const DataSource& source, const DataLayout& layout, int rank, int size);

// Counts of the raw label values seen while loading, so that ranks can reject a {−1, 0, 1} mix
// and, in Classes mode, find the classes.
struct LabelCounts {
  LabelCounts() = default;
  LabelCounts(double zeros, double ones, double minus_ones)
      : zeros(zeros), ones(ones), minus_ones(minus_ones) {}

  double zeros = 0, ones = 0, minus_ones = 0;
  // Classes mode only: by_value[v + 1] = rows with label v (index 0 counts −1), sized to the
  // largest label seen + 2 (empty when no row was counted).
  std::vector<double> by_value;
  // Counts one raw label; false (and nothing counted) when it is not 0, 1 or −1.
  bool add(double label) {
    if (label == 1.0) return ones += 1, true;
    if (label == 0.0) return zeros += 1, true;
    if (label == -1.0) return minus_ones += 1, true;
    return false;
  }
  // Classes mode: counts an integer label in [−1, 65535] into by_value and, when it is 0, 1 or
  // −1, into zeros/ones/minus_ones too; false (and nothing counted) for anything else.
  bool add_class(double label);
};

// The largest class label the loader takes in Classes mode.
// The largest class label (K ≤ 65536 classes): the counts by label are sized by the largest
// label seen, and a multinomial model holds K·(d+1) parameters.
constexpr double kMaxClassLabel = 65535.0;

// Reads rows [range.begin, range.end) across files, one open at a time, validating labels (by
// source.labels_mode: Binary 0/1 or ±1, mapped to {0, 1}; Classes integers in [−1, 65535], kept
// as they are), finiteness, weights (finite, ≥ 0) and CSR structure (column ids integral, in
// range and not repeated within a row). Errors name the file, dataset, global row and value.
// `counts` (optional) receives the raw label counts.
Shard load_shard(const DataSource& source, const DataLayout& layout, RowRange range,
                 LabelCounts* counts = nullptr);

// The class names of a data file: attribute `classes` (a list of strings, e.g. written by
// `logreg_data convert` for a CSV column of string labels) on its label dataset; names[k] is the
// original label of class k. Empty when the attribute is absent; DataError naming the file when
// it is there but not a list of strings.
std::vector<std::string> read_class_names(const std::string& file,
                                          const std::string& labels_dataset);

// The feature names of a data set: dataset `feature_names` (one string per column of X, written
// by `logreg_data convert` from a CSV header). Empty when the files have none; DataError naming
// the files when some have names and others not, or different ones, or a file has a count of
// names other than its features. Opens the files one at a time.
std::vector<std::string> read_feature_names(const DataLayout& layout);

}  // namespace logreg
