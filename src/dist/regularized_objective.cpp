// RegularizedObjective (include/logreg/dist/regularized_objective.hpp): the data summary reduced
// at setup, the penalty, the reduce with its stop flag and the diagonal in solver coordinates,
// shared by the binary and the multinomial objectives.
#include "logreg/dist/regularized_objective.hpp"

#include <cmath>
#include <string>

#include "logreg/errors.hpp"
#include "reduce_layout.hpp"
#include "scoped_timer.hpp"

namespace logreg {

namespace {

struct DataSummary {
  double weight_sum = 0.0;  // S = Σ sᵢ over all ranks
  Index global_rows = 0;
  // Length d when standardizing, else empty; μ also empty without an intercept (no centering).
  Vec mean, scale;
};

// Collective, one reduce. Throws DataError (on every rank alike: the reduced values decide) when
// S ≤ 0 or a feature's moments overflow.
DataSummary summarize_data(Communicator& comm, const Shard& shard, Index features, bool standardize,
                           bool fit_intercept,
                           const std::function<double(VecRef, VecRef)>& moments) {
  const Index d = features;
  // One reduce: Σs, rows, and the weighted moments when standardizing.
  const Index m = standardize ? 2 * d : 0;
  Vec buf = Vec::Zero(m + 2);
  if (standardize) {
    Vec sum(d), sum_sq(d);
    buf[m] = moments(sum, sum_sq);
    buf.head(d) = sum;
    buf.segment(d, d) = sum_sq;
  } else {
    const Vec& s = shard.weight;
    buf[m] = s.size() ? s.sum() : static_cast<double>(shard.rows());
  }
  buf[m + 1] = static_cast<double>(shard.rows());
  comm.allreduce_sum({buf.data(), static_cast<size_t>(buf.size())});
  DataSummary out;
  out.weight_sum = buf[m];
  out.global_rows = static_cast<Index>(buf[m + 1]);
  if (!(out.weight_sum > 0)) {
    throw DataError("the training data has no rows with positive weight (sum of weights = " +
                    std::to_string(out.weight_sum) + ")");
  }
  if (!standardize) return out;
  for (Index j = 0; j < d; ++j) {
    if (!std::isfinite(buf[j]) || !std::isfinite(buf[d + j])) {
      throw DataError("feature " + std::to_string(j) +
                      ": values too large to standardize (the sum of their squares overflows "
                      "double precision: magnitudes beyond about 1e150); rescale the feature");
    }
  }
  const Vec mean = buf.head(d) / out.weight_sum;
  const Vec var = (buf.segment(d, d) / out.weight_sum - mean.cwiseAbs2()).cwiseMax(0.0);
  out.scale = Vec::Ones(d);
  for (Index j = 0; j < d; ++j) {
    const double sd = std::sqrt(var[j]);
    // Constant features keep scale 1: their centered column is zero and their weight stays 0.
    out.scale[j] = sd > 1e-12 * std::max(1.0, std::abs(mean[j])) ? sd : 1.0;
  }
  if (fit_intercept) out.mean = mean;
  return out;
}

}  // namespace

void RegularizationParams::validate() const {
  if (!(l2 >= 0) || !std::isfinite(l2)) {
    throw ConfigError("model.l2: must be >= 0, got " + config_number(l2));
  }
  if (!(l1 >= 0) || !std::isfinite(l1)) {
    throw ConfigError("model.l1: must be >= 0, got " + config_number(l1));
  }
}

RegularizedObjective::RegularizedObjective(Communicator& comm, RegularizationParams params,
                                           Index classes, const Shard& shard, Index features,
                                           const std::function<double(VecRef, VecRef)>& moments)
    : comm_(comm), params_(params) {
  params_.validate();
  DataSummary data =
      summarize_data(comm_, shard, features, params_.standardize, params_.fit_intercept, moments);
  weight_sum_ = data.weight_sum;
  global_rows_ = data.global_rows;
  map_ = CoordinateMap(features, classes, params_.fit_intercept, std::move(data.mean),
                       std::move(data.scale));
  apply_penalty(params_.l2, params_.l1);
}

void RegularizedObjective::set_penalty(double l2, double l1) {
  remember_ = true;  // a regularization path: the next fit starts where this one ends
  apply_penalty(l2, l1);
}

void RegularizedObjective::apply_penalty(double l2, double l1) {
  params_.l2 = l2;
  params_.l1 = l1;
  params_.validate();
  l1_weights_ = Vec();
  if (params_.l1 > 0) {
    l1_weights_ = Vec::Zero(dim());
    l1_weights_.head(map_.weights()).setConstant(params_.l1);
  }
}

void RegularizedObjective::reduce(Vec& buf) {
  // The last entry is the stop flag's slot (ReduceLayout::buffer() has it: no reallocation).
  if (reduce_with_stop_flag(comm_, buf, stop_source_, stats_.comm_s)) interrupted_ = true;
}

double RegularizedObjective::penalty(const Vec& x) const {
  return 0.5 * params_.l2 * x.head(map_.weights()).squaredNorm();
}

void RegularizedObjective::add_penalty_gradient(const Vec& x, Vec& g) const {
  const Index n = map_.weights();
  g.head(n) += params_.l2 * x.head(n);
}

std::optional<Point> RegularizedObjective::remembered(const Vec& x) const {
  if (!remember_ || last_sums_.x.size() != x.size() || last_sums_.x != x) return std::nullopt;
  return make_point(x, last_sums_.loss, last_sums_.raw, last_sums_.cache);
}

Point RegularizedObjective::point_from_sums(Vec x, double loss, ConstVecRef raw,
                                            std::shared_ptr<const PointCache> cache) const {
  // Only on a path (set_penalty): a single fit never returns to a point, and the copies are O(d).
  if (remember_) last_sums_ = {x, raw, loss, cache};
  return make_point(std::move(x), loss, raw, std::move(cache));
}

Point RegularizedObjective::make_point(Vec x, double loss, ConstVecRef raw,
                                       std::shared_ptr<const PointCache> cache) const {
  Point p;
  p.x = std::move(x);
  p.f = loss / weight_sum_ + penalty(p.x);
  p.g = map_.pullback(raw / weight_sum_);
  add_penalty_gradient(p.x, p.g);
  p.cache = std::move(cache);
  return p;
}

Vec RegularizedObjective::solver_diagonal(const Vec& hdiag, const Vec& hsums) const {
  return map_.solver_diagonal(hdiag, hsums, params_.l2);
}

Vec RegularizedObjective::reduced_diagonal(Index n,
                                           const std::function<void(VecRef, VecRef)>& pass) {
  const ReduceLayout layout({.diagonal = n, .column_sums = centered() ? n : 0});
  Vec buf = layout.buffer();
  timed(stats_.compute_s, [&] { pass(layout.diagonal.of(buf), layout.column_sums.of(buf)); });
  reduce(buf);
  buf /= weight_sum_;
  return solver_diagonal(layout.diagonal.of(buf), layout.column_sums.of(buf));
}

Vec RegularizedObjective::reduced_hessian_product(
    const Vec& v, Index n, const std::function<void(ConstVecRef, VecRef)>& pass) {
  const ReduceLayout layout({.raw = n});
  Vec buf = layout.buffer();
  auto hv = layout.raw.of(buf);
  timed(stats_.compute_s, [&] { pass(to_model(v), hv); });
  ++stats_.hessian_products;
  reduce(buf);
  Vec out = map_.pullback(hv / weight_sum_);
  add_penalty_gradient(v, out);
  return out;
}

}  // namespace logreg
