// Compressed-sparse-row feature block of one shard (values float or double, int32 column ids,
// int64 row pointers starting at 0). The kernels of kernels.hpp keep the same summation order as
// for DenseMatrix, so both storages give bitwise-identical results on the same rows.
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

  CsrView<T> view() const { return {values_.data(), indices_.data(), indptr_.data(), rows(), cols_}; }

 private:
  Index cols_ = 0;
  std::vector<int64_t> indptr_;
  std::vector<int32_t> indices_;
  std::vector<T> values_;
};

}  // namespace logreg
