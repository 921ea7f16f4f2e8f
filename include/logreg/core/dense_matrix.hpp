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

  // Rows per transposed kernel call: Xᵀr loads and stores each chunk of g once per G rows.
  static constexpr int G = 8;

  // Rows per block. A pass computes a block's margins, residuals and Xᵀr before moving on, so a
  // block must still be in L1 for its transposed use, and short enough that X keeps streaming
  // from memory: the hardware prefetcher follows the forward reads, and a long stretch of
  // in-cache work between them leaves memory idle (software prefetch of the next block was
  // measured slower than this). About 4 KiB, at least G rows, a multiple of G.
  Index block_rows() const { return std::max<Index>(G, (4 * 1024) / row_bytes() / G * G); }

  // out = X[i0 : i0+n] w + b
  void multiply(Index i0, Index n, ConstVecRef w, double b, VecRef out) const {
    const Index d = cols();
    const T* x = x_.data() + i0 * d;
    double* o = out.data();
    Index i = 0;
    if (!wide()) {
      dot_rows_sequential(x, d, n, w.data(), o);  // a single sequential stream from memory
    } else {
      // A wide row's single dot product is one long dependent chain; eight rows side by side
      // hide its latency (d = 10⁴, float64: 26.7 GB/s against 16.7 row by row, forward only).
      for (; i + G <= n; i += G) lane_dot_rows<G>(x + i * d, d, w.data(), o + i);
      for (; i < n; ++i) lane_dot_rows<1>(x + i * d, d, w.data(), o + i);
    }
    for (i = 0; i < n; ++i) o[i] += b;
  }

  // g += X[i0 : i0+n]ᵀ r, row after row (see kernels.hpp). Not Eigen's GEMV: its fused
  // multiply-adds and reordering would round differently from the CSR kernel.
  void transpose_multiply_add(Index i0, Index n, ConstVecRef r, VecRef g) const {
    add_rows_of<false>(i0, n, r, g);
  }

  // g += (X[i0 : i0+n] ∘ X[i0 : i0+n])ᵀ r   (weighted column sums of squares)
  void squared_transpose_multiply_add(Index i0, Index n, ConstVecRef r, VecRef g) const {
    add_rows_of<true>(i0, n, r, g);
  }

 private:
  Index row_bytes() const { return std::max<Index>(1, cols() * Index(sizeof(T))); }

  // Rows beyond 4 KiB: their dot products are long chains (see multiply).
  bool wide() const { return row_bytes() > 4 * 1024; }

  template <bool Squared>
  void add_rows_of(Index i0, Index n, ConstVecRef r, VecRef g) const {
    const Index d = cols();
    const T* x = x_.data() + i0 * d;
    Index i = 0;
    for (; i + G <= n; i += G) add_rows<G, Squared>(x + i * d, d, r.data() + i, g.data());
    for (; i < n; ++i) add_rows<1, Squared>(x + i * d, d, r.data() + i, g.data());
  }

  RowMatrix<T> x_;
};

}  // namespace logreg
