// The parts of a shard, each read over a row range by its own loader (load_shard in dataset.cpp
// puts them together). Errors name the file, dataset and global row. Private to io.
#pragma once

#include <cmath>

#include "logreg/io/dataset.hpp"

namespace logreg::detail {

// X as a dense block: every value finite (dataset_dense.cpp). T is float or double.
template <typename T>
DenseMatrix<T> load_dense(const DataSource& source, const DataLayout& layout, RowRange range);

// X as CSR: row pointers, column ids and values checked (dataset_csr.cpp).
template <typename T>
CsrMatrix<T> load_csr(const DataSource& source, const DataLayout& layout, RowRange range);

// Labels by source.labels_mode (Binary: 0/1 or ±1 mapped to {0, 1}; Classes: integers in
// [−1, 65535] as they are), with the raw values counted into `seen`; zeros when the source has no
// labels (dataset_labels.cpp).
Vec load_labels(const DataSource& source, const DataLayout& layout, RowRange range,
                LabelCounts& seen);

// Sample weights, finite and ≥ 0 (dataset_labels.cpp).
Vec load_weights(const DataSource& source, const DataLayout& layout, RowRange range);

// True when every value is finite: v·0 is 0 for finite v and NaN for ±inf or NaN, and the
// lane sums vectorize (a scalar isfinite loop was a visible share of the load time).
template <typename T>
bool all_finite(const T* v, Index n) {
  double l[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  Index i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int k = 0; k < 8; ++k) l[k] += static_cast<double>(v[i + k]) * 0.0;
  }
  for (; i < n; ++i) l[0] += static_cast<double>(v[i]) * 0.0;
  return std::isfinite(((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7])));
}

}  // namespace logreg::detail
