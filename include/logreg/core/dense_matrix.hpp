// Row-major dense feature block of one shard, held as float or double. The passes over it are
// the kernels of kernels.hpp (sums in double, in the order fixed there, identical to CsrMatrix
// on the same rows).
#pragma once

#include "logreg/core/kernels.hpp"
#include "logreg/core/types.hpp"

namespace logreg {

template <typename T>
class DenseMatrix {
 public:
  using Scalar = T;
  DenseMatrix() = default;
  explicit DenseMatrix(RowMatrix<T> x) : x_(std::move(x)) {}

  Index rows() const { return x_.rows(); }
  Index cols() const { return x_.cols(); }
  size_t bytes() const { return static_cast<size_t>(x_.size()) * sizeof(T); }
  const RowMatrix<T>& data() const { return x_; }
  RowMatrix<T>& data() { return x_; }

  DenseView<T> view() const { return {x_.data(), rows(), cols()}; }

 private:
  RowMatrix<T> x_;
};

}  // namespace logreg
