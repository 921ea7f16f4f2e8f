// Compressed-sparse-row feature block of one shard (values float or double, int32 column ids,
// int64 row pointers starting at 0). Same kernel interface and summation order (kernels.hpp) as
// DenseMatrix, so both storages give bitwise-identical results on the same rows.
#pragma once

#include <cstdint>
#include <vector>

#include "logreg/core/kernels.hpp"
#include "logreg/core/types.hpp"

namespace logreg {

template <typename T>
class CsrMatrix {
 public:
  using Scalar = T;
  CsrMatrix() : indptr_(1, 0) {}
  CsrMatrix(Index cols, std::vector<int64_t> indptr, std::vector<int32_t> indices,
            std::vector<T> values)
      : cols_(cols),
        indptr_(std::move(indptr)),
        indices_(std::move(indices)),
        values_(std::move(values)) {}

  Index rows() const { return static_cast<Index>(indptr_.size()) - 1; }
  Index cols() const { return cols_; }
  int64_t nnz() const { return indptr_.back(); }
  size_t bytes() const {
    return values_.size() * sizeof(T) + indices_.size() * sizeof(int32_t) +
           indptr_.size() * sizeof(int64_t);
  }
  const std::vector<int64_t>& indptr() const { return indptr_; }
  const std::vector<int32_t>& indices() const { return indices_; }
  const std::vector<T>& values() const { return values_; }

  Index block_rows() const { return 1024; }

  void multiply(Index i0, Index n, ConstVecRef w, double b, VecRef out) const {
    Index i = 0;
#if defined(__AVX512F__)
    for (; i + 4 <= n; i += 4) {
      lane_dot_sparse4(values_.data(), indices_.data(), indptr_.data() + i0 + i, w.data(),
                       out.data() + i);
      for (int r = 0; r < 4; ++r) out[i + r] += b;
    }
#endif
    for (; i < n; ++i) {
      const int64_t k0 = indptr_[i0 + i], k1 = indptr_[i0 + i + 1];
      out[i] = lane_dot_sparse(values_.data() + k0, indices_.data() + k0, k1 - k0, w.data()) + b;
    }
  }

  void transpose_multiply_add(Index i0, Index n, ConstVecRef r, VecRef g) const {
    double* gp = g.data();
    for (Index i = 0; i < n; ++i) {
      const double ri = r[i];
      for (int64_t k = indptr_[i0 + i]; k < indptr_[i0 + i + 1]; ++k) {
        double& gj = gp[indices_[k]];
        gj = madd(ri, static_cast<double>(values_[k]), gj);
      }
    }
  }

  void squared_transpose_multiply_add(Index i0, Index n, ConstVecRef r, VecRef g) const {
    double* gp = g.data();
    for (Index i = 0; i < n; ++i) {
      const double ri = r[i];
      for (int64_t k = indptr_[i0 + i]; k < indptr_[i0 + i + 1]; ++k) {
        const double v = static_cast<double>(values_[k]);
        double& gj = gp[indices_[k]];
        gj = madd(ri, v * v, gj);
      }
    }
  }

 private:
  Index cols_ = 0;
  std::vector<int64_t> indptr_;
  std::vector<int32_t> indices_;
  std::vector<T> values_;
};

}  // namespace logreg
