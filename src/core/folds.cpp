// TEMPORARY reference implementation (replaced by the kernel version).
#include "logreg/core/folds.hpp"

#include <cmath>
#include <cstdint>

#include "logreg/core/logistic.hpp"

namespace logreg {

int fold_of(Index row, int folds, int seed) {
  uint64_t z = static_cast<uint64_t>(row) + static_cast<uint64_t>(seed) * 0x9E3779B97F4A7C15ull;
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z = z ^ (z >> 31);
  return static_cast<int>(z % static_cast<uint64_t>(folds));
}

LocalFolds::LocalFolds(const Shard& shard, int folds, int seed) : shard_(&shard), K_(folds) {
  for (Index i = 0; i < shard.rows(); ++i)
    fold_.push_back(fold_of(shard.row_offset + i, folds, seed));
}

// f(i, dot(w), axpy(g, a)) : row access
template <typename F>
void LocalFolds::for_rows(F&& f) const {
  std::visit(
      [&](const auto& m) {
        const auto v = m.view();
        for (Index i = 0; i < rows(); ++i) {
          auto dot = [&](const double* w) {
            double s = 0;
            if constexpr (requires { v.indptr; }) {
              for (int64_t p = v.indptr[i]; p < v.indptr[i + 1]; ++p)
                s += v.values[p] * w[v.indices[p]];
            } else {
              for (Index j = 0; j < v.cols; ++j) s += v.x[i * v.cols + j] * w[j];
            }
            return s;
          };
          auto axpy = [&](double* g, double a, bool square) {
            if constexpr (requires { v.indptr; }) {
              for (int64_t p = v.indptr[i]; p < v.indptr[i + 1]; ++p) {
                const double x = v.values[p];
                g[v.indices[p]] += a * (square ? x * x : x);
              }
            } else {
              for (Index j = 0; j < v.cols; ++j) {
                const double x = v.x[i * v.cols + j];
                g[j] += a * (square ? x * x : x);
              }
            }
          };
          f(i, dot, axpy);
        }
      },
      shard_->X);
}

double LocalFolds::loss_grad(ConstVecRef theta, VecRef grad, VecRef losses,
                             RowMatrix<double>* margins) const {
  const Index d = features();
  grad.setZero();
  losses.setZero();
  if (margins) margins->resize(rows(), K_);
  for_rows([&](Index i, auto dot, auto axpy) {
    const double s = shard_->weight.size() ? shard_->weight[i] : 1.0, y = shard_->y[i];
    for (int k = 0; k < K_; ++k) {
      const double z = dot(theta.data() + k * d) + theta[K_ * d + k];
      if (margins) (*margins)(i, k) = z;
      if (k == fold_[i]) continue;
      losses[k] += s * logistic_loss(z, y);
      const double r = s * (sigmoid(z) - y);
      axpy(grad.data() + k * d, r, false);
      grad[K_ * d + k] += r;
    }
  });
  return losses.sum();
}

void LocalFolds::hessian_product(const RowMatrix<double>& Z, ConstVecRef v, VecRef out) const {
  const Index d = features();
  out.setZero();
  for_rows([&](Index i, auto dot, auto axpy) {
    const double s = shard_->weight.size() ? shard_->weight[i] : 1.0;
    for (int k = 0; k < K_; ++k) {
      if (k == fold_[i]) continue;
      const double p = sigmoid(Z(i, k)), D = s * p * (1 - p);
      const double u = D * (dot(v.data() + k * d) + v[K_ * d + k]);
      axpy(out.data() + k * d, u, false);
      out[K_ * d + k] += u;
    }
  });
}

void LocalFolds::curvature(const RowMatrix<double>& Z, VecRef diag, VecRef sums) const {
  const Index d = features();
  diag.setZero();
  if (sums.size()) sums.setZero();
  for_rows([&](Index i, auto, auto axpy) {
    const double s = shard_->weight.size() ? shard_->weight[i] : 1.0;
    for (int k = 0; k < K_; ++k) {
      if (k == fold_[i]) continue;
      const double p = sigmoid(Z(i, k)), D = s * p * (1 - p);
      axpy(diag.data() + k * d, D, true);
      diag[K_ * d + k] += D;
      if (sums.size()) {
        axpy(sums.data() + k * d, D, false);
        sums[K_ * d + k] += D;
      }
    }
  });
}

Vec LocalFolds::moments(RowMatrix<double>& sum, RowMatrix<double>& sum_sq) const {
  const Index d = features();
  sum = RowMatrix<double>::Zero(K_, d);
  sum_sq = RowMatrix<double>::Zero(K_, d);
  Vec w = Vec::Zero(K_);
  for_rows([&](Index i, auto, auto axpy) {
    const double s = shard_->weight.size() ? shard_->weight[i] : 1.0;
    for (int k = 0; k < K_; ++k) {
      if (k == fold_[i]) continue;
      axpy(sum.data() + k * d, s, false);
      axpy(sum_sq.data() + k * d, s, true);
      w[k] += s;
    }
  });
  return w;
}

}  // namespace logreg
