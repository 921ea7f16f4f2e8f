// FoldsObjective (include/logreg/dist/folds_objective.hpp): each pass computes the K fold-models'
// sums in one sweep over the rows (LocalFolds) and reduces them once; each model's sums are
// divided by the weight of its own training rows.
#include "logreg/dist/folds_objective.hpp"

#include <limits>
#include <stdexcept>

#include "logreg/core/evaluation.hpp"
#include "logreg/core/logistic.hpp"
#include "logreg/errors.hpp"
#include "reduce_layout.hpp"
#include "scoped_timer.hpp"

namespace logreg {

namespace {

constexpr Index kBins = 1 << 16;  // as DistributedEvaluator's AUC histograms

// The moments of all rows from the fold-models' (each row is in K − 1 training sets).
double full_moments(const LocalFolds& folds, VecRef sum, VecRef sum_sq) {
  RowMatrix<double> s, sq;
  const Vec w = folds.moments(s, sq);
  const double share = 1.0 / (folds.folds() - 1);
  sum = s.colwise().sum().transpose() * share;
  sum_sq = sq.colwise().sum().transpose() * share;
  return w.sum() * share;
}

}  // namespace

FoldsObjective::FoldsObjective(const Shard& shard, int folds, int seed, Communicator& comm,
                               RegularizationParams params)
    : RegularizedObjective(comm, params, folds, shard, shard.features,
                           [&](VecRef sum, VecRef sum_sq) {
                             return full_moments(LocalFolds(&shard, folds, seed), sum, sum_sq);
                           }),
      local_(std::make_unique<LocalFolds>(&shard, folds, seed)) {
  // S_k: the weight of model k's training rows, reduced once.
  Vec w = Vec::Zero(folds);
  const Vec& s = shard.weight;
  for (Index i = 0; i < shard.rows(); ++i) {
    const double si = s.size() ? s[i] : 1.0;
    w.array() += si;
    w[local_->fold()[static_cast<size_t>(i)]] -= si;
  }
  comm_.allreduce_sum({w.data(), static_cast<size_t>(w.size())});
  for (int k = 0; k < folds; ++k) {
    if (!(w[k] > 0)) {
      throw DataError("cv: fold-model " + std::to_string(k) +
                      " has no training rows with positive weight (too few rows for " +
                      std::to_string(folds) + " folds)");
    }
  }
  model_weight_ = w;
  const Index d = local_->features();
  blocks_.resize(static_cast<size_t>(dim()));
  for (Index j = 0; j < dim(); ++j) {
    blocks_[static_cast<size_t>(j)] = static_cast<int>(j < folds * d ? j / d : j - folds * d);
  }
}

void FoldsObjective::per_model(Vec& sums) const {
  if (sums.size() == 0) return;
  const Index K = folds(), d = local_->features();
  for (Index k = 0; k < K; ++k) {
    sums.segment(k * d, d) /= model_weight_[k];
    sums[K * d + k] /= model_weight_[k];
  }
}

Vec FoldsObjective::scaled(Vec raw) const {
  per_model(raw);
  return map_.pullback(raw);
}

Vec FoldsObjective::diagonal_from(Vec hdiag, Vec hsums) const {
  per_model(hdiag);
  per_model(hsums);
  return solver_diagonal(hdiag, hsums);
}

Point FoldsObjective::point(const Vec& x, const Vec& losses, Vec raw) const {
  Point p;
  p.x = x;
  p.f = losses.cwiseQuotient(model_weight_).sum() + penalty(x);
  p.g = scaled(std::move(raw));
  add_penalty_gradient(p.x, p.g);
  return p;
}

double FoldsObjective::loss_part(const Point& p) const { return (p.f - penalty(p.x)) / folds(); }

Point FoldsObjective::evaluate(const Vec& x) {
  // The point the last pass was at (the previous penalty's optimum, where the next fit of a path
  // starts): its sums do not depend on the penalty, so no pass.
  if (last_sums_.size() && last_x_ == x) return point(x, last_losses_, last_sums_);
  const ReduceLayout layout({.raw = local_->parameters(), .loss = folds()});
  Vec buf = layout.buffer();
  timed(stats_.compute_s,
        [&] { local_->loss_grad(to_model(x), layout.raw.of(buf), layout.loss.of(buf), &last_z_); });
  last_x_ = x;
  ++stats_.evaluations;
  reduce(buf);
  last_losses_ = layout.loss.of(buf);
  last_sums_ = layout.raw.of(buf);
  return point(x, last_losses_, last_sums_);
}

// One pass and one reduce: the gradient, the losses, diag(H) and (when centering) X̂ᵀD_k.
Point FoldsObjective::evaluate_with_diagonal(const Vec& x, Vec& diagonal) {
  const Index n = local_->parameters();
  const ReduceLayout layout(
      {.raw = n, .loss = folds(), .diagonal = n, .column_sums = centered() ? n : 0});
  Vec buf = layout.buffer();
  timed(stats_.compute_s, [&] {
    local_->loss_grad(to_model(x), layout.raw.of(buf), layout.loss.of(buf), &last_z_);
    local_->curvature(last_z_, layout.diagonal.of(buf), layout.column_sums.of(buf));
  });
  last_x_ = x;
  ++stats_.evaluations;
  reduce(buf);
  last_losses_ = layout.loss.of(buf);
  last_sums_ = layout.raw.of(buf);
  diagonal = diagonal_from(layout.diagonal.of(buf), layout.column_sums.of(buf));
  return point(x, layout.loss.of(buf), layout.raw.of(buf));
}

// Hv per fold-model at the margins of the point it was made at (one pass to get them).
class FoldsHessian final : public HessianOperator {
 public:
  FoldsHessian(FoldsObjective& obj, const Point& at) : obj_(obj), Z_(obj.margins_at(at.x)) {}

  void apply(const Vec& v, Vec& out) override {
    const ReduceLayout layout({.raw = obj_.local_->parameters()});
    Vec buf = layout.buffer();
    timed(obj_.stats_.compute_s,
          [&] { obj_.local_->hessian_product(Z_, obj_.to_model(v), layout.raw.of(buf)); });
    ++obj_.stats_.hessian_products;
    obj_.reduce(buf);
    out = obj_.scaled(layout.raw.of(buf));
    obj_.add_penalty_gradient(v, out);
  }

  Vec diagonal() override {
    const Index n = obj_.local_->parameters();
    const ReduceLayout layout({.diagonal = n, .column_sums = obj_.centered() ? n : 0});
    Vec buf = layout.buffer();
    timed(obj_.stats_.compute_s,
          [&] { obj_.local_->curvature(Z_, layout.diagonal.of(buf), layout.column_sums.of(buf)); });
    obj_.reduce(buf);
    return obj_.diagonal_from(layout.diagonal.of(buf), layout.column_sums.of(buf));
  }

 private:
  FoldsObjective& obj_;
  RowMatrix<double> Z_;
};

std::unique_ptr<HessianOperator> FoldsObjective::hessian_at(const Point& at) {
  return std::make_unique<FoldsHessian>(*this, at);
}

Vec FoldsObjective::fold_model(const Vec& x, int k) const {
  const Vec theta = to_model(x);
  const Index K = folds(), d = local_->features();
  Vec m(d + 1);
  m.head(d) = theta.segment(k * d, d);
  m[d] = theta[K * d + k];
  return m;
}

const RowMatrix<double>& FoldsObjective::margins_at(const Vec& x) {
  if (last_x_.size() == x.size() && last_x_ == x) return last_z_;
  Vec grad(local_->parameters()), losses(folds());
  timed(stats_.compute_s, [&] { local_->loss_grad(to_model(x), grad, losses, &last_z_); });
  last_x_ = x;
  last_sums_ = Vec();  // this rank's sums only, not reduced: not a point
  ++stats_.evaluations;
  return last_z_;
}

std::vector<double> FoldsObjective::score(const Vec& x, FoldMetric metric) {
  const Index K = folds(), n = local_->rows();
  const RowMatrix<double>& Z = margins_at(x);
  const Vec& y = local_->shard().y;
  const std::vector<int>& fold = local_->fold();
  // Per fold: Σ ℓ and the correct predictions over its held-out rows, and their count (the
  // definitions of metric_sums, evaluation.hpp), in one sweep.
  Vec sums = Vec::Zero(3 * K);
  for (Index i = 0; i < n; ++i) {
    const Index f = fold[static_cast<size_t>(i)];
    const double z = Z(i, f);
    sums[3 * f] += logistic_loss(z, y[i]);
    sums[3 * f + 1] += ((z > 0) == (y[i] > 0.5));
    sums[3 * f + 2] += 1.0;
  }
  timed(stats_.comm_s, [&] {
    comm_.allreduce_sum({sums.data(), static_cast<size_t>(sums.size())});
  });
  std::vector<double> out(static_cast<size_t>(K));
  for (Index k = 0; k < K; ++k) {
    out[static_cast<size_t>(k)] =
        (metric == FoldMetric::Accuracy ? sums[3 * k + 1] : sums[3 * k]) / sums[3 * k + 2];
  }
  return metric == FoldMetric::Auc ? fold_auc(Z) : out;
}

// Each fold-model's ROC AUC on its held-out rows, from histograms of their margins as
// DistributedEvaluator computes it: two reduces (the ranges, the histograms).
std::vector<double> FoldsObjective::fold_auc(const RowMatrix<double>& Z) {
  const Index K = folds(), n = local_->rows();
  const std::vector<int>& fold = local_->fold();
  std::vector<Vec> z(static_cast<size_t>(K)), y(static_cast<size_t>(K));
  std::vector<Index> count(static_cast<size_t>(K), 0);
  for (int f : fold) ++count[static_cast<size_t>(f)];
  for (Index k = 0; k < K; ++k) {
    z[static_cast<size_t>(k)].resize(count[static_cast<size_t>(k)]);
    y[static_cast<size_t>(k)].resize(count[static_cast<size_t>(k)]);
    count[static_cast<size_t>(k)] = 0;
  }
  for (Index i = 0; i < n; ++i) {
    const size_t f = static_cast<size_t>(fold[static_cast<size_t>(i)]);
    z[f][count[f]] = Z(i, static_cast<Index>(f));
    y[f][count[f]++] = local_->shard().y[i];
  }
  const double inf = std::numeric_limits<double>::infinity();
  Vec range = Vec::Constant(2 * K, -inf);
  for (Index k = 0; k < K; ++k) {
    const Vec& zk = z[static_cast<size_t>(k)];
    if (zk.size()) range.segment(2 * k, 2) << zk.maxCoeff(), -zk.minCoeff();
  }
  timed(stats_.comm_s, [&] {
    comm_.allreduce_max({range.data(), static_cast<size_t>(range.size())});
  });
  Vec hist = Vec::Zero(2 * kBins * K);
  for (Index k = 0; k < K; ++k) {
    margin_histogram(z[static_cast<size_t>(k)], y[static_cast<size_t>(k)], -range[2 * k + 1],
                     range[2 * k], hist.segment(2 * k * kBins, kBins),
                     hist.segment((2 * k + 1) * kBins, kBins));
  }
  timed(stats_.comm_s, [&] {
    comm_.allreduce_sum({hist.data(), static_cast<size_t>(hist.size())});
  });
  std::vector<double> out(static_cast<size_t>(K));
  for (Index k = 0; k < K; ++k) {
    double bound = 0.0;
    out[static_cast<size_t>(k)] = auc_from_histogram(
        hist.segment(2 * k * kBins, kBins), hist.segment((2 * k + 1) * kBins, kBins), &bound);
  }
  return out;
}

void FoldsObjective::partition(bool on) {
  if (on) throw std::logic_error("FoldsObjective: the fold-models' passes are not partitioned");
}

}  // namespace logreg
