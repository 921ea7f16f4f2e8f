// The rows one rank holds: features (dense or CSR, float or double), labels ({0, 1} or classes),
// optional sample weights, and where the block starts in the global row order.
#pragma once

#include <variant>

#include "logreg/core/csr_matrix.hpp"
#include "logreg/core/dense_matrix.hpp"

namespace logreg {

using FeatureMatrix =
    std::variant<DenseMatrix<double>, DenseMatrix<float>, CsrMatrix<double>, CsrMatrix<float>>;

struct Shard {
  FeatureMatrix X{DenseMatrix<double>()};
  Vec y;             // labels: {0, 1} (binomial) or class indices 0..K−1 (multinomial)
  Vec weight;        // empty: every row has weight 1
  Index row_offset = 0;
  Index features = 0;  // global d (equals the column count of X)

  Index rows() const { return y.size(); }
  size_t feature_bytes() const {
    return std::visit([](const auto& m) { return m.bytes(); }, X);
  }
};

}  // namespace logreg
