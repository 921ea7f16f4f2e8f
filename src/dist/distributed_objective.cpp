// DistributedObjective (include/logreg/dist/distributed_objective.hpp): each pass computes local
// sums, reduces them once in one buffer and finishes the point from the reduced sums (README,
// "Design"). The line search and the Hessian operator are its friends and share its helpers.
#include "logreg/dist/distributed_objective.hpp"

#include <cmath>

#include "logreg/errors.hpp"
#include "reduce_layout.hpp"
#include "scoped_timer.hpp"

namespace logreg {

namespace {

struct MarginCache final : PointCache {
  explicit MarginCache(const std::shared_ptr<RowBuffers>& buffers)
      : z(buffers->take()), pool(buffers) {}
  ~MarginCache() override {
    if (auto p = pool.lock()) p->give(std::move(z));
  }
  Vec z;  // X̂ θ at the point, for this rank's rows
  std::weak_ptr<RowBuffers> pool;
};

std::shared_ptr<const MarginCache> margins_of(const Point& p) {
  auto cache = std::dynamic_pointer_cast<const MarginCache>(p.cache);
  if (!cache) throw std::logic_error("point was not produced by this objective");
  return cache;
}

}  // namespace

Vec RowBuffers::take() {
  if (spare.empty()) return Vec(rows);
  Vec v = std::move(spare.back());
  spare.pop_back();
  return v;
}

void RowBuffers::give(Vec&& v) {
  if (v.size() == rows && spare.size() < 2) spare.push_back(std::move(v));
}

void RegularizationParams::validate() const {
  if (!(l2 >= 0) || !std::isfinite(l2)) {
    throw ConfigError("model.l2: must be >= 0, got " + config_number(l2));
  }
  if (!(l1 >= 0) || !std::isfinite(l1)) {
    throw ConfigError("model.l1: must be >= 0, got " + config_number(l1));
  }
}

DistributedObjective::DistributedObjective(std::unique_ptr<LocalObjective> local,
                                           Communicator& comm, RegularizationParams params)
    : local_(std::move(local)),
      comm_(comm),
      params_(params),
      buffers_(std::make_shared<RowBuffers>(local_->rows())) {
  params_.validate();
  const Index d = local_->features();
  dim_ = params_.fit_intercept ? d + 1 : d;
  // One reduce: Σs, rows, and the weighted moments when standardizing.
  const Index m = params_.standardize ? 2 * d : 0;
  Vec buf = Vec::Zero(m + 2);
  if (params_.standardize) {
    Vec sum(d), sum_sq(d);
    buf[m] = local_->moments(sum, sum_sq);
    buf.head(d) = sum;
    buf.segment(d, d) = sum_sq;
  } else {
    const Vec& s = local_->shard().weight;
    buf[m] = s.size() ? s.sum() : static_cast<double>(local_->rows());
  }
  buf[m + 1] = static_cast<double>(local_->rows());
  comm_.allreduce_sum({buf.data(), static_cast<size_t>(buf.size())});
  weight_sum_ = buf[m];
  global_rows_ = static_cast<Index>(buf[m + 1]);
  if (!(weight_sum_ > 0)) {
    throw DataError("the training data has no rows with positive weight (sum of weights = " +
                    std::to_string(weight_sum_) + ")");
  }
  if (params_.standardize) {
    for (Index j = 0; j < d; ++j) {
      if (!std::isfinite(buf[j]) || !std::isfinite(buf[d + j])) {
        throw DataError("feature " + std::to_string(j) +
                        ": values too large to standardize (the sum of their squares overflows "
                        "double precision: magnitudes beyond about 1e150); rescale the feature");
      }
    }
    const Vec mean = buf.head(d) / weight_sum_;
    const Vec var = (buf.segment(d, d) / weight_sum_ - mean.cwiseAbs2()).cwiseMax(0.0);
    scale_ = Vec::Ones(d);
    for (Index j = 0; j < d; ++j) {
      const double sd = std::sqrt(var[j]);
      // Constant features keep scale 1: their centered column is zero and their weight stays 0.
      scale_[j] = sd > 1e-12 * std::max(1.0, std::abs(mean[j])) ? sd : 1.0;
    }
    if (params_.fit_intercept) mean_ = mean;
  }
  if (params_.l1 > 0) {
    l1_weights_ = Vec::Zero(dim_);
    l1_weights_.head(d).setConstant(params_.l1);
  }
}

Vec DistributedObjective::to_model(const Vec& x) const {
  const Index d = local_->features();
  Vec theta(d + 1);
  theta.head(d) = scale_.size() ? Vec(x.head(d).cwiseQuotient(scale_)) : Vec(x.head(d));
  theta[d] = params_.fit_intercept ? x[d] : 0.0;
  if (mean_.size()) theta[d] -= mean_.dot(theta.head(d));
  return theta;
}

Vec DistributedObjective::from_model(const Vec& theta) const {
  const Index d = local_->features();
  Vec x(dim_);
  x.head(d) = scale_.size() ? Vec(theta.head(d).cwiseProduct(scale_)) : Vec(theta.head(d));
  if (params_.fit_intercept) x[d] = theta[d] + (mean_.size() ? mean_.dot(theta.head(d)) : 0.0);
  return x;
}

Vec DistributedObjective::pullback(const Vec& raw) const {
  const Index d = local_->features();
  Vec g(dim_);
  g.head(d) = raw.head(d);
  if (mean_.size()) g.head(d) -= mean_ * raw[d];
  if (scale_.size()) g.head(d).array() /= scale_.array();
  if (params_.fit_intercept) g[d] = raw[d];
  return g;
}

double DistributedObjective::penalty(const Vec& x) const {
  return 0.5 * params_.l2 * x.head(local_->features()).squaredNorm();
}

void DistributedObjective::add_penalty_gradient(const Vec& x, Vec& g) const {
  const Index d = local_->features();
  g.head(d) += params_.l2 * x.head(d);
}

double DistributedObjective::loss_part(const Point& p) const { return p.f - penalty(p.x); }

void DistributedObjective::reduce(Vec& buf) {
  // The last entry is the stop flag's slot (ReduceLayout::buffer() has it: no reallocation).
  const Index k = buf.size() - 1;
  buf[k] = (stop_source_ && stop_source_()) ? 1.0 : 0.0;
  timed(stats_.comm_s, [&] { comm_.allreduce_sum({buf.data(), static_cast<size_t>(buf.size())}); });
  if (buf[k] > 0) interrupted_ = true;
}

Point DistributedObjective::point_from_sums(Vec x, double loss, ConstVecRef raw,
                                            std::shared_ptr<const PointCache> cache) const {
  Point p;
  p.x = std::move(x);
  p.f = loss / weight_sum_ + penalty(p.x);
  p.g = pullback(raw / weight_sum_);
  add_penalty_gradient(p.x, p.g);
  p.cache = std::move(cache);
  return p;
}

Point DistributedObjective::evaluate(const Vec& x) { return evaluate_pass(x, nullptr); }

Point DistributedObjective::evaluate_with_diagonal(const Vec& x, Vec& diagonal) {
  return evaluate_pass(x, &diagonal);
}

// One pass and one reduce: gradient, loss, then with `diagonal` diag(X̂ᵀDX̂) and X̂ᵀD (the
// latter only when centering), then the stop flag.
Point DistributedObjective::evaluate_pass(const Vec& x, Vec* diagonal) {
  const Index d = local_->features();
  const ReduceLayout layout({.raw = d + 1,
                             .loss = 1,
                             .diagonal = diagonal ? d + 1 : 0,
                             .column_sums = diagonal && mean_.size() > 0 ? d + 1 : 0});
  auto cache = std::make_shared<MarginCache>(buffers_);
  Vec buf = layout.buffer();
  auto raw = layout.raw.of(buf), hdiag = layout.diagonal.of(buf);
  auto hsums = layout.column_sums.of(buf);
  buf[layout.loss.at] = timed(stats_.compute_s, [&] {
    return diagonal ? local_->loss_grad_curvature(to_model(x), cache->z, raw, hdiag, hsums)
                    : local_->loss_grad(to_model(x), cache->z, raw);
  });
  ++stats_.evaluations;
  reduce(buf);
  Point p = point_from_sums(x, buf[layout.loss.at], raw, std::move(cache));
  if (diagonal) *diagonal = solver_diagonal(hdiag / weight_sum_, hsums / weight_sum_);
  return p;
}

// diag(AᵀHA)_j = (H_jj − 2μ_j H_jb + μ_j² H_bb) / σ_j², from diag(H) and the column sums.
Vec DistributedObjective::solver_diagonal(const Vec& hdiag, const Vec& hsums) const {
  const Index d = local_->features();
  const Vec& mu = mean_;
  const double hbb = hdiag[d];
  Vec diag(dim_);
  diag.head(d) = hdiag.head(d);
  if (mu.size()) diag.head(d) += -2.0 * mu.cwiseProduct(hsums.head(d)) + mu.cwiseAbs2() * hbb;
  if (scale_.size()) diag.head(d).array() /= scale_.array().square();
  diag.head(d).array() += params_.l2;
  if (params_.fit_intercept) diag[d] = hbb;
  return diag;
}

// Line search along x + α dir. The first eval is one fused pass computing X̂(A dir) alongside
// the gradient at α; later trials are O(rows) from the cached margins z0 and zd.
class DistributedLine final : public LineFunction {
 public:
  DistributedLine(DistributedObjective& obj, const Point& from, const Vec& dir)
      : obj_(obj), x0_(from.x), dir_(dir), raw_dir_(obj.to_model(dir)), z0_(margins_of(from)) {
    // The penalty along the line is a quadratic in α: keep its three coefficients.
    const Index d = obj.local_->features();
    xx_ = from.x.head(d).squaredNorm();
    xd_ = from.x.head(d).dot(dir.head(d));
    dd_ = dir.head(d).squaredNorm();
  }
  ~DistributedLine() override { obj_.buffers_->give(std::move(zd_)); }

  std::pair<double, double> eval(double alpha) override {
    if (!have_zd_) {
      full_ = pass(alpha);
      full_alpha_ = alpha;
      return {full_.f, full_.g.dot(dir_)};
    }
    auto [loss, slope] =
        timed(obj_.stats_.compute_s, [&] { return obj_.local_->line_sums(z0_->z, zd_, alpha); });
    ++obj_.stats_.line_trials;
    const ReduceLayout layout({.loss = 1, .slope = 1});
    Vec buf = layout.buffer();
    buf[layout.loss.at] = loss;
    buf[layout.slope.at] = slope;
    obj_.reduce(buf);
    const double l2 = obj_.params_.l2;
    const double f = buf[layout.loss.at] / obj_.weight_sum_ +
                     0.5 * l2 * (xx_ + alpha * (2.0 * xd_ + alpha * dd_));
    const double df = buf[layout.slope.at] / obj_.weight_sum_ + l2 * (xd_ + alpha * dd_);
    return {f, df};
  }

  Point point(double alpha) override {
    if (!have_zd_) return pass(alpha);
    if (alpha == full_alpha_) {
      full_alpha_ = std::numeric_limits<double>::quiet_NaN();  // handed over, not copied
      return std::move(full_);
    }
    auto cache = std::make_shared<MarginCache>(obj_.buffers_);
    cache->z.noalias() = z0_->z + alpha * zd_;
    return reduced_point(alpha, std::move(cache), [&](VecRef z, VecRef raw) {
      return obj_.local_->loss_grad_at_margins(z, raw);
    });
  }

 private:
  Point pass(double alpha) {
    auto cache = std::make_shared<MarginCache>(obj_.buffers_);
    zd_ = obj_.buffers_->take();
    have_zd_ = true;
    return reduced_point(alpha, std::move(cache), [&](VecRef z, VecRef raw) {
      return obj_.local_->loss_grad_along(z0_->z, raw_dir_, alpha, zd_, z, raw);
    });
  }

  // The point at x0 + α dir from one pass and one reduce: sums(z, raw) fills the margins z and
  // the raw gradient and returns the loss.
  template <typename Sums>
  Point reduced_point(double alpha, std::shared_ptr<MarginCache> cache, Sums sums) {
    const ReduceLayout layout({.raw = obj_.local_->features() + 1, .loss = 1});
    Vec buf = layout.buffer();
    auto raw = layout.raw.of(buf);
    buf[layout.loss.at] = timed(obj_.stats_.compute_s, [&] { return sums(cache->z, raw); });
    ++obj_.stats_.evaluations;
    obj_.reduce(buf);
    return obj_.point_from_sums(x0_ + alpha * dir_, buf[layout.loss.at], raw, std::move(cache));
  }

  DistributedObjective& obj_;
  const Vec& x0_;
  const Vec& dir_;
  Vec raw_dir_;
  std::shared_ptr<const MarginCache> z0_;
  double xx_ = 0, xd_ = 0, dd_ = 0;
  // X̂ A dir for this rank's rows. A flag, not zd_.size(): a rank may hold no rows, and every
  // rank must take the same branch (the reduces must match).
  Vec zd_;
  bool have_zd_ = false;
  Point full_;
  double full_alpha_ = std::numeric_limits<double>::quiet_NaN();
};

std::unique_ptr<LineFunction> DistributedObjective::line(const Point& from, const Vec& direction) {
  return std::make_unique<DistributedLine>(*this, from, direction);
}

// Hv = Aᵀ (X̂ᵀ D X̂ / S) A v + l2 v_w: one pass and one reduce per product.
class DistributedHessian final : public HessianOperator {
 public:
  DistributedHessian(DistributedObjective& obj, const Point& at)
      : obj_(obj),
        local_(
            timed(obj.stats_.compute_s, [&] { return obj.local_->hessian(margins_of(at)->z); })) {}

  void apply(const Vec& v, Vec& out) override {
    const ReduceLayout layout({.raw = obj_.local_->features() + 1});
    Vec buf = layout.buffer();
    auto hv = layout.raw.of(buf);
    timed(obj_.stats_.compute_s, [&] { local_->apply(obj_.to_model(v), hv); });
    ++obj_.stats_.hessian_products;
    obj_.reduce(buf);
    out = obj_.pullback(hv / obj_.weight_sum_);
    obj_.add_penalty_gradient(v, out);
  }

  Vec diagonal() override {
    const Index d = obj_.local_->features();
    // The column sums are needed only for the centering term: skip that pass without it (their
    // part then stays zero).
    const bool centered = obj_.mean_.size() > 0;
    const ReduceLayout layout({.diagonal = d + 1, .column_sums = d + 1});
    Vec buf = layout.buffer();
    timed(obj_.stats_.compute_s, [&] {
      local_->diagonal(layout.diagonal.of(buf));
      if (centered) local_->weighted_column_sums(layout.column_sums.of(buf));
    });
    obj_.reduce(buf);
    buf /= obj_.weight_sum_;
    return obj_.solver_diagonal(layout.diagonal.of(buf), layout.column_sums.of(buf));
  }

 private:
  DistributedObjective& obj_;
  std::unique_ptr<LocalHessian> local_;
};

std::unique_ptr<HessianOperator> DistributedObjective::hessian_at(const Point& at) {
  return std::make_unique<DistributedHessian>(*this, at);
}

}  // namespace logreg
