// `logreg_data info`: what a data file holds, read the way the trainer reads it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "logreg/core/types.hpp"

namespace logreg::data {

// The most classes whose counts info keeps (labels above still count towards max_label).
constexpr int64_t kInfoMaxClasses = 65536;

struct LabelSummary {
  bool present = false;
  int64_t ones = 0, zeros = 0, minus_ones = 0;  // raw values
  int64_t other = 0;                            // values that are not integers in [-1, 65535]
  int64_t max_label = -1;                       // the largest integer label
  std::vector<int64_t> by_class;   // by_class[v]: rows with label v ≥ 0 (v < kInfoMaxClasses)
  std::vector<std::string> names;  // attribute `classes` of the label dataset (empty: none)
  int64_t positives() const { return ones; }
  int64_t negatives() const { return zeros + minus_ones; }
  // K: the largest label + 1, or the number of names when more (a shard may lack classes).
  int64_t classes() const {
    return std::max<int64_t>(max_label + 1, static_cast<int64_t>(names.size()));
  }
  // Integer labels 0..K-1 with K ≥ 3 (and no -1): what the trainer fits as multinomial.
  bool multiclass() const { return other == 0 && minus_ones == 0 && classes() >= 3; }
  // "0/1", "-1/+1", "K classes", or a description of why the trainer would reject them.
  std::string convention() const;
};

struct FileInfo {
  std::string path;
  Index rows = 0;
  Index features = 0;
  bool sparse = false;
  std::string dtype;                 // stored type of X (CSR: X/data): float64, float32, int32, ...
  std::string index_dtype;           // CSR: stored type of X/indices
  std::string indptr_dtype;          // CSR: stored type of X/indptr
  int64_t nnz = 0;                   // stored entries (dense: rows × features)
  double density = 1.0;              // nnz / (rows × features)
  LabelSummary labels;               // from dataset `y`
  std::vector<std::string> weights;  // per-row weight datasets found (sample_weight, w)
  bool has_true_coef = false;
};

// Throws DataError naming the file when it is missing, not HDF5, or has no `X`.
FileInfo inspect(const std::string& path);

// Multi-line, human-readable summary (the path, then one "  key  value" line per property).
std::string describe(const FileInfo& info);

}  // namespace logreg::data
