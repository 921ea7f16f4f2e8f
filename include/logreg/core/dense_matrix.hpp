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

  // Rows per kernel call: eight dot products share each load of w, and Xᵀr loads and stores g
  // once per eight rows (measured against four: +8% float64, +12% float32 at d = 100; sixteen
  // was not faster).
  static constexpr int G = 8;
  // Rows per block: a block (~24 KiB, a multiple of G rows when rows are small) stays in L1
  // between its forward and transposed use, so X streams from memory once per pass.
  Index block_rows() const { return std::max<Index>(G, (24 * 1024) / row_bytes() / G * G); }

  // out = X[i0 : i0+n] w + b
  void multiply(Index i0, Index n, ConstVecRef w, double b, VecRef out) const {
    const Index d = cols();
    const T* x = x_.data() + i0 * d;
    double* o = out.data();
    Index i = 0;
    for (; i + G <= n; i += G) {
      prefetch_next_block(i0 + i, G, 0);
      lane_dot_rows<G>(x + i * d, d, w.data(), o + i);
    }
    for (; i < n; ++i) lane_dot_rows<1>(x + i * d, d, w.data(), o + i);
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

  // Asks for half of rows [i, i+m) of the next block (part 0: the first half of their bytes,
  // part 1: the second) to be brought into L2. The forward pass over a block requests the first
  // halves and the transposed pass the second, so memory keeps streaming while a block is being
  // computed from cache; the hardware prefetcher alone leaves it idle between blocks. Measured
  // with bench_kernels, dense float64 d = 100: 8.0 GB/s without, 14.8 GB/s with (four-row
  // kernels); all of it in the forward or all in the transposed pass: 14.0 / 12.2 GB/s against
  // 16.4 split (eight-row kernels). Not for wide rows: a block is then G whole rows, far
  // beyond L1, and the hardware prefetcher follows a long row by itself (d = 10⁴: 14.1 GB/s
  // with the prefetch, 18.8 without).
  [[gnu::always_inline]] void prefetch_next_block(Index i, Index m, int part) const {
    const Index next = i + block_rows();
    if (next + m > rows() || m * row_bytes() > 64 * 1024) return;  // end, or wide rows
    const char* p = reinterpret_cast<const char*>(x_.data() + next * cols());
    const Index bytes = m * row_bytes(), half = bytes / 2;
    for (Index b = part * half; b < (part ? bytes : half); b += 64) __builtin_prefetch(p + b, 0, 1);
  }

  template <bool Squared>
  void add_rows_of(Index i0, Index n, ConstVecRef r, VecRef g) const {
    const Index d = cols();
    const T* x = x_.data() + i0 * d;
    Index i = 0;
    for (; i + G <= n; i += G) {
      prefetch_next_block(i0 + i, G, 1);
      add_rows<G, Squared>(x + i * d, d, r.data() + i, g.data());
    }
    for (; i < n; ++i) add_rows<1, Squared>(x + i * d, d, r.data() + i, g.data());
  }

  RowMatrix<T> x_;
};

}  // namespace logreg
