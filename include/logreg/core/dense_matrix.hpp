// Row-major dense feature block of one shard, held as float or double; products accumulate
// in double. Row ranges let kernels walk the shard in cache-sized blocks.
#pragma once

#include <algorithm>

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

  // Rows per block so that a block (~96 KiB) stays in L2 between the forward and transposed use.
  Index block_rows() const {
    return std::max<Index>(8, (96 * 1024) / std::max<Index>(1, cols() * Index(sizeof(T))));
  }

  // out = X[i0 : i0+n] w + b
  void multiply(Index i0, Index n, ConstVecRef w, double b, VecRef out) const {
    if constexpr (std::is_same_v<T, double>) {
      out.noalias() = x_.middleRows(i0, n) * w;
      out.array() += b;
    } else {
      for (Index i = 0; i < n; ++i) {
        out[i] = x_.row(i0 + i).template cast<double>().dot(w.transpose()) + b;
      }
    }
  }

  // g += X[i0 : i0+n]ᵀ r
  void transpose_multiply_add(Index i0, Index n, ConstVecRef r, VecRef g) const {
    if constexpr (std::is_same_v<T, double>) {
      g.noalias() += x_.middleRows(i0, n).transpose() * r;
    } else {
      for (Index i = 0; i < n; ++i) {
        g.noalias() += r[i] * x_.row(i0 + i).transpose().template cast<double>();
      }
    }
  }

  // g += (X[i0 : i0+n] ∘ X[i0 : i0+n])ᵀ r   (weighted column sums of squares)
  void squared_transpose_multiply_add(Index i0, Index n, ConstVecRef r, VecRef g) const {
    for (Index i = 0; i < n; ++i) {
      g.array() += r[i] * x_.row(i0 + i).transpose().template cast<double>().array().square();
    }
  }

 private:
  RowMatrix<T> x_;
};

}  // namespace logreg
