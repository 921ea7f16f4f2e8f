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

struct MarginCache final : LossCache {
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

DistributedObjective::DistributedObjective(std::unique_ptr<LocalObjective> local,
                                           Communicator& comm, RegularizationParams params)
    : RegularizedObjective(comm, params, 1, local->shard(), local->features(),
                           [&](VecRef sum, VecRef sum_sq) { return local->moments(sum, sum_sq); }),
      local_(std::move(local)),
      buffers_(std::make_shared<RowBuffers>(local_->rows())) {}

Point DistributedObjective::evaluate(const Vec& x) {
  if (auto p = remembered(x)) return std::move(*p);
  return evaluate_pass(x, nullptr);
}

Point DistributedObjective::evaluate_with_diagonal(const Vec& x, Vec& diagonal) {
  return evaluate_pass(x, &diagonal);
}

// One pass and one reduce: gradient, loss, then with `diagonal` diag(X̂ᵀDX̂) and X̂ᵀD (the
// latter only when centering), then the stop flag.
Point DistributedObjective::evaluate_pass(const Vec& x, Vec* diagonal) {
  const Index d = local_->features();
  const ReduceLayout layout({.raw = d + 1,
                             .loss = 1,
                             .penalty = penalty_slots(),
                             .diagonal = diagonal ? d + 1 : 0,
                             .column_sums = diagonal && centered() ? d + 1 : 0});
  auto cache = std::make_shared<MarginCache>(buffers_);
  const Vec theta = model_of(x);
  Vec buf = layout.buffer();
  auto raw = layout.raw.of(buf), hdiag = layout.diagonal.of(buf);
  auto hsums = layout.column_sums.of(buf);
  buf[layout.loss.at] = timed(stats_.compute_s, [&] {
    return diagonal ? local_->loss_grad_curvature(theta, cache->z, raw, hdiag, hsums)
                    : local_->loss_grad(theta, cache->z, raw);
  });
  ++stats_.evaluations;
  Point p = reduce_to_point(x, buf, layout, std::move(cache));
  if (diagonal) *diagonal = diagonal_from(buf, layout);
  return p;
}

// Line search along x + α dir. The first eval is one fused pass computing X̂(A dir) alongside
// the gradient at α; later trials are O(rows) from the cached margins z0 and zd.
class DistributedLine final : public LineFunction {
 public:
  DistributedLine(DistributedObjective& obj, const Point& from, const Vec& dir)
      : obj_(obj), x0_(from.x), dir_(dir), raw_dir_(obj.model_of(dir)), z0_(margins_of(from)) {
    // The penalty along the line is a quadratic in α: keep its three coefficients (one reduce
    // of the slices' parts when partitioned).
    const Index w = obj.local_weights();
    double dots[3] = {from.x.head(w).squaredNorm(), from.x.head(w).dot(dir.head(w)),
                      dir.head(w).squaredNorm()};
    obj.sum_parts(dots);
    xx_ = dots[0];
    xd_ = dots[1];
    dd_ = dots[2];
  }
  ~DistributedLine() override { obj_.buffers_->give(std::move(zd_)); }

  std::pair<double, double> eval(double alpha) override {
    if (!have_zd_) {
      full_ = pass(alpha);
      full_alpha_ = alpha;
      return {full_.f, obj_.dot(full_.g, dir_)};
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
    const ReduceLayout layout(
        {.raw = obj_.local_->features() + 1, .loss = 1, .penalty = obj_.penalty_slots()});
    Vec buf = layout.buffer();
    auto raw = layout.raw.of(buf);
    buf[layout.loss.at] = timed(obj_.stats_.compute_s, [&] { return sums(cache->z, raw); });
    ++obj_.stats_.evaluations;
    return obj_.reduce_to_point(x0_ + alpha * dir_, buf, layout, std::move(cache));
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
    out = obj_.reduced_hessian_product(
        v, obj_.local_->features() + 1,
        [&](ConstVecRef theta, VecRef hv) { local_->apply(theta, hv); });
  }

  Vec diagonal() override {
    // The column sums are needed only for the centering term (reduced_diagonal passes them empty
    // otherwise): skip that pass without it.
    return obj_.reduced_diagonal(obj_.local_->features() + 1, [&](VecRef diag, VecRef sums) {
      local_->diagonal(diag);
      if (sums.size()) local_->weighted_column_sums(sums);
    });
  }

 private:
  DistributedObjective& obj_;
  std::unique_ptr<LocalHessian> local_;
};

std::unique_ptr<HessianOperator> DistributedObjective::hessian_at(const Point& at) {
  return std::make_unique<DistributedHessian>(*this, at);
}

}  // namespace logreg
