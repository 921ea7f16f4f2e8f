// add_information (include/logreg/core/information.hpp). Each block's margins and weights D come
// from the process's kernel set, as in a training pass, so D is the curvature the solver saw;
// the products are Eigen's, accumulated in double whatever the storage type.
#include "logreg/core/information.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <variant>

#include "logreg/core/kernel_dispatch.hpp"
#include "logreg/core/logistic.hpp"

namespace logreg {

namespace {

// Rows per block: one rank update of 256 √D-scaled rows is large enough for Eigen's blocked
// product and keeps the block (256 × (d+1) doubles) and D in cache for moderate d.
constexpr Index kBlockRows = 256;

template <typename T>
DenseView<T> rows_of(const DenseView<T>& v, Index i0, Index n) {
  return {v.x + i0 * v.cols, n, v.cols};
}

// CSR positions are absolute: the block's row pointers are a suffix of the matrix's.
template <typename T>
CsrView<T> rows_of(const CsrView<T>& v, Index i0, Index n) {
  return {v.values, v.indices, v.indptr + i0, n, v.cols};
}

// D = sσ(1 − σ) of the rows of `block` (which start at row i0 of the shard), at θ.
template <typename View>
void block_weights(const View& block, const Shard& shard, ConstVecRef theta, Index i0, VecRef z,
                   VecRef D) {
  active_kernels().get<View>().margins(block, theta.data(), z.data());
  hessian_weights(z, shard.weight.size() ? shard.weight.data() + i0 : nullptr, D);
}

// Lower triangle of out += Σ over blocks of Bᵀ B, B = √D [X 1] (weights are ≥ 0, so √D is real).
template <typename T>
void add_dense(const DenseMatrix<T>& X, const Shard& shard, ConstVecRef theta, bool intercept,
               Mat& out) {
  const Index d = X.cols();
  RowMatrix<double> b(kBlockRows, intercept ? d + 1 : d);
  Vec z(kBlockRows), D(kBlockRows);
  const DenseView<T> all = X.view();
  for (Index i0 = 0; i0 < X.rows(); i0 += kBlockRows) {
    const Index n = std::min(kBlockRows, X.rows() - i0);
    block_weights(rows_of(all, i0, n), shard, theta, i0, z.head(n), D.head(n));
    D.head(n) = D.head(n).cwiseSqrt();
    auto bn = b.topRows(n);
    bn.leftCols(d).noalias() =
        D.head(n).asDiagonal() * X.data().middleRows(i0, n).template cast<double>();
    if (intercept) bn.col(d) = D.head(n);
    out.selfadjointView<Eigen::Lower>().rankUpdate(bn.transpose());
  }
}

// Lower triangle of out += Σᵢ Dᵢ x̂ᵢ x̂ᵢᵀ over each row's non-zeros (column ids within a row are
// distinct, as the loader checks, but not necessarily sorted).
template <typename T>
void add_csr(const CsrMatrix<T>& X, const Shard& shard, ConstVecRef theta, bool intercept,
             Mat& out) {
  const Index d = X.cols();
  const int64_t* ptr = X.indptr().data();
  const int32_t* idx = X.indices().data();
  const T* val = X.values().data();
  Vec z(kBlockRows), D(kBlockRows);
  const CsrView<T> all = X.view();
  for (Index i0 = 0; i0 < X.rows(); i0 += kBlockRows) {
    const Index n = std::min(kBlockRows, X.rows() - i0);
    block_weights(rows_of(all, i0, n), shard, theta, i0, z.head(n), D.head(n));
    for (Index r = 0; r < n; ++r) {
      const double h = D[r];
      if (h == 0) continue;
      for (int64_t a = ptr[i0 + r]; a < ptr[i0 + r + 1]; ++a) {
        const Index ja = idx[a];
        const double ha = h * static_cast<double>(val[a]);
        for (int64_t c = ptr[i0 + r]; c <= a; ++c) {
          const Index jc = idx[c];
          out(std::max(ja, jc), std::min(ja, jc)) += ha * static_cast<double>(val[c]);
        }
        if (intercept) out(d, ja) += ha;
      }
      if (intercept) out(d, d) += h;
    }
  }
}

}  // namespace

void add_information(const Shard& shard, ConstVecRef theta, bool fit_intercept, Mat& out) {
  const Index d = theta.size() - 1, m = fit_intercept ? d + 1 : d;
  const Index cols = std::visit([](const auto& x) { return x.cols(); }, shard.X);
  if (d < 0 || out.rows() != m || out.cols() != m || (shard.rows() > 0 && cols != d)) {
    throw std::invalid_argument("add_information: theta of " + std::to_string(theta.size()) +
                                " entries, out " + std::to_string(out.rows()) + " x " +
                                std::to_string(out.cols()) + " and " + std::to_string(cols) +
                                " feature columns do not fit (" +
                                (fit_intercept ? "with" : "without") + " intercept)");
  }
  std::visit(
      [&](const auto& x) {
        using M = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<M, DenseMatrix<typename M::Scalar>>) {
          add_dense(x, shard, theta, fit_intercept, out);
        } else {
          add_csr(x, shard, theta, fit_intercept, out);
        }
      },
      shard.X);
  for (Index j = 1; j < m; ++j) out.col(j).head(j) = out.row(j).head(j).transpose();
}

}  // namespace logreg
