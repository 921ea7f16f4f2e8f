// `logreg_data info`: what a data file holds, read the way the trainer reads it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "logreg/core/types.hpp"

namespace logreg::data {

struct LabelSummary {
  bool present = false;
  int64_t ones = 0, zeros = 0, minus_ones = 0, other = 0;  // raw values
  int64_t positives() const { return ones; }
  int64_t negatives() const { return zeros + minus_ones; }
  // "0/1", "-1/+1", or a description of why the trainer would reject them.
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
