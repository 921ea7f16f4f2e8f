// A block of consecutive rows on their way to an HDF5 file: the unit in which synth and convert
// stream data, so memory is bounded by the batch size and never by the data set.
#pragma once

#include <cstdint>
#include <vector>

#include "logreg/core/types.hpp"

namespace logreg::data {

struct RowBatch {
  RowBatch(bool sparse, Index features) : sparse(sparse), features(features) {}

  bool sparse;
  Index features;                  // columns of a dense batch (CSR: unused)
  std::vector<double> labels;      // one per row, in {0, 1}
  std::vector<double> dense;       // rows × features, row-major (dense batches)
  std::vector<int64_t> indptr{0};  // rows + 1 offsets into indices/values (CSR batches)
  std::vector<int32_t> indices;    // 0-based column ids, increasing within a row
  std::vector<double> values;

  Index rows() const { return static_cast<Index>(labels.size()); }
  // Stored entries: non-zeros for CSR, rows × features for dense.
  int64_t entries() const {
    return sparse ? static_cast<int64_t>(values.size()) : static_cast<int64_t>(dense.size());
  }
  // Memory held by the batch, to decide when to hand it to the writer.
  size_t bytes() const {
    return labels.size() * 8 + dense.size() * 8 + indptr.size() * 8 + indices.size() * 4 +
           values.size() * 8;
  }

  // Opens a new row (dense: all zeros); add() fills it, end_row() closes it with its label.
  void start_row() {
    if (!sparse) dense.resize(dense.size() + static_cast<size_t>(features), 0.0);
  }
  void add(int32_t col, double value) {
    if (sparse) {
      indices.push_back(col);
      values.push_back(value);
    } else {
      dense[dense.size() - static_cast<size_t>(features) + static_cast<size_t>(col)] = value;
    }
  }
  void end_row(double label) {
    labels.push_back(label);
    if (sparse) indptr.push_back(static_cast<int64_t>(values.size()));
  }

  void clear() {
    labels.clear();
    dense.clear();
    indptr.assign(1, 0);
    indices.clear();
    values.clear();
  }
};

}  // namespace logreg::data
