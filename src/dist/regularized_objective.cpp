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
                                            std::shared_ptr<LossCache> cache) const {
  // Only on a path (set_penalty): a single fit never returns to a point, and the copies are O(d).
  if (remember_) last_sums_ = {x, raw, loss, cache};
  return make_point(std::move(x), loss, raw, std::move(cache));
}

Point RegularizedObjective::make_point(Vec x, double loss, ConstVecRef raw,
                                       std::shared_ptr<LossCache> cache) const {
  cache->loss = loss / weight_sum_;
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
  reduce(buf, layout);
  return diagonal_from(buf, layout);
}

Vec RegularizedObjective::reduced_hessian_product(
    const Vec& v, Index n, const std::function<void(ConstVecRef, VecRef)>& pass) {
  const ReduceLayout layout({.raw = n});
  Vec buf = layout.buffer();
  auto hv = layout.raw.of(buf);
  const Vec theta = model_of(v);
  timed(stats_.compute_s, [&] { pass(theta, hv); });
  ++stats_.hessian_products;
  reduce(buf, layout);
  if (!slice_) {
    Vec out = map_.pullback(hv / weight_sum_);
    add_penalty_gradient(v, out);
    return out;
  }
  Vec out = map_.pullback_range(slice_->first, slice_->count, hv, weight_sum_);
  out.head(slice_->weights) += params_.l2 * v.head(slice_->weights);
  return out;
}

double RegularizedObjective::loss_part(const Point& p) const {
  if (const auto* c = dynamic_cast<const LossCache*>(p.cache.get())) return c->loss;
  return p.f - penalty(p.x);
}

void RegularizedObjective::partition(bool on) {
  slice_.reset();
  if (!on) return;
  const Index n = dim(), W = map_.weights(), P = comm_.size();
  Slice s;
  for (Index r = 0; r < P; ++r) {
    const Index first = r * n / P, end = (r + 1) * n / P;
    s.counts.push_back(static_cast<int>(end - first));
    s.weight_counts.push_back(static_cast<int>(std::max<Index>(0, std::min(end, W) - first)));
    if (r == comm_.rank()) {
      s.first = first;
      s.count = end - first;
      s.weights = s.weight_counts.back();
    }
  }
  slice_ = std::move(s);
}

void RegularizedObjective::sum_parts(std::span<double> parts) const {
  if (slice_) timed(stats_.comm_s, [&] { comm_.allreduce_sum(parts); });
}

void RegularizedObjective::max_parts(std::span<double> parts) const {
  if (slice_) timed(stats_.comm_s, [&] { comm_.allreduce_max(parts); });
}

Vec RegularizedObjective::model_of(const Vec& x) {
  if (!slice_) return to_model(x);
  const Index K = map_.classes();
  Vec theta(K * (map_.features() + 1)), mine(slice_->count), dots = Vec::Zero(K);
  map_.to_model_range(slice_->first, x, mine, dots);
  timed(stats_.comm_s, [&] {
    comm_.allgather_into({mine.data(), static_cast<size_t>(mine.size())},
                         {theta.data(), static_cast<size_t>(dim())}, slice_->counts);
  });
  if (!params_.fit_intercept) theta.tail(K).setZero();
  if (centered()) {
    sum_parts({dots.data(), static_cast<size_t>(K)});
    theta.tail(K) -= dots;
  }
  return theta;
}

void RegularizedObjective::reduce(Vec& buf, const ReduceLayout& layout) {
  if (!slice_) return reduce(buf);
  const Index W = map_.weights(), K = map_.classes();
  // The small reduce: each wide part's K intercept entries, the scalars, the stop flag.
  std::vector<ReduceLayout::Part> wide;
  for (const auto& part : layout.wide()) {
    if (part.size > 0) wide.push_back(part);
  }
  const auto scalars = layout.scalars();
  Vec small(static_cast<Index>(wide.size()) * K + scalars.size + 1);
  Vec mine(slice_->weights);
  Index at = 0;
  for (const auto& part : wide) {
    timed(stats_.comm_s, [&] {
      comm_.reduce_scatter_sum({buf.data() + part.at, static_cast<size_t>(W)},
                               {mine.data(), static_cast<size_t>(mine.size())},
                               slice_->weight_counts);
    });
    buf.segment(part.at + slice_->first, mine.size()) = mine;
    small.segment(at, K) = buf.segment(part.at + W, K);
    at += K;
  }
  small.segment(at, scalars.size) = scalars.of(buf);
  if (reduce_with_stop_flag(comm_, small, stop_source_, stats_.comm_s)) interrupted_ = true;
  at = 0;
  for (const auto& part : wide) {
    buf.segment(part.at + W, K) = small.segment(at, K);
    at += K;
  }
  scalars.of(buf) = small.segment(at, scalars.size);
}

Point RegularizedObjective::reduce_to_point(Vec x, Vec& buf, const ReduceLayout& layout,
                                            std::shared_ptr<LossCache> cache) {
  if (!slice_) {
    reduce(buf);
    return point_from_sums(std::move(x), buf[layout.loss.at], layout.raw.of(buf), std::move(cache));
  }
  buf[layout.penalty.at] = x.head(slice_->weights).squaredNorm();
  reduce(buf, layout);
  const double loss = buf[layout.loss.at];
  cache->loss = loss / weight_sum_;
  Point p;
  p.f = loss / weight_sum_ + 0.5 * params_.l2 * buf[layout.penalty.at];
  p.g = map_.pullback_range(slice_->first, slice_->count, layout.raw.of(buf), weight_sum_);
  p.g.head(slice_->weights) += params_.l2 * x.head(slice_->weights);
  p.x = std::move(x);
  p.cache = std::move(cache);
  return p;
}

Vec RegularizedObjective::diagonal_from(const Vec& buf, const ReduceLayout& layout) const {
  if (!slice_) {
    return solver_diagonal(layout.diagonal.of(buf) / weight_sum_,
                           layout.column_sums.of(buf) / weight_sum_);
  }
  return map_.solver_diagonal_range(slice_->first, slice_->count, layout.diagonal.of(buf),
                                    layout.column_sums.of(buf), weight_sum_, params_.l2);
}

}  // namespace logreg
