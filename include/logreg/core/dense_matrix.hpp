// Row-major dense feature block of one shard, held as float or double; products accumulate
// in double, in the order fixed by kernels.hpp (identical to CsrMatrix on the same rows). Row
// ranges let kernels walk the shard in cache-sized blocks.
#pragma once

#include <algorithm>

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

  // Rows per block so that a block (~96 KiB) stays in L2 between the forward and transposed use.
  Index block_rows() const {
    return std::max<Index>(8, (96 * 1024) / std::max<Index>(1, cols() * Index(sizeof(T))));
  }

  // out = X[i0 : i0+n] w + b
  void multiply(Index i0, Index n, ConstVecRef w, double b, VecRef out) const {
    const Index d = cols();
    const T* x = x_.data() + i0 * d;
    for (Index i = 0; i < n; ++i) out[i] = lane_dot(x + i * d, w.data(), d) + b;
  }

  // g += X[i0 : i0+n]ᵀ r, row after row (see kernels.hpp). Plain loops, not Eigen's GEMV: its
  // fused multiply-adds would round differently from the CSR kernel.
  void transpose_multiply_add(Index i0, Index n, ConstVecRef r, VecRef g) const {
    const Index d = cols();
    double* gp = g.data();
    for (Index i = 0; i < n; ++i) {
      const T* x = x_.data() + (i0 + i) * d;
      const double ri = r[i];
      for (Index j = 0; j < d; ++j) gp[j] += ri * static_cast<double>(x[j]);
    }
  }

  // g += (X[i0 : i0+n] ∘ X[i0 : i0+n])ᵀ r   (weighted column sums of squares)
  void squared_transpose_multiply_add(Index i0, Index n, ConstVecRef r, VecRef g) const {
    const Index d = cols();
    double* gp = g.data();
    for (Index i = 0; i < n; ++i) {
      const T* x = x_.data() + (i0 + i) * d;
      const double ri = r[i];
      for (Index j = 0; j < d; ++j) {
        const double v = static_cast<double>(x[j]);
        gp[j] += ri * (v * v);
      }
    }
  }

 private:
  RowMatrix<T> x_;
};

}  // namespace logreg
