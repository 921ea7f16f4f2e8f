// MultinomialObjective (include/logreg/dist/multinomial_objective.hpp): each pass computes local
// sums, reduces them once in one buffer (ReduceLayout) and finishes the point from the reduced
// sums, as the binary objective does (README, "Design").
#include "logreg/dist/multinomial_objective.hpp"

#include "reduce_layout.hpp"
#include "scoped_timer.hpp"

namespace logreg {

MultinomialObjective::MultinomialObjective(std::unique_ptr<LocalMultinomial> local,
                                           Communicator& comm, RegularizationParams params)
    : RegularizedObjective(comm, params, local->classes(), local->shard(), local->features(),
                           [&](VecRef sum, VecRef sum_sq) { return local->moments(sum, sum_sq); }),
      local_(std::move(local)) {}

Point MultinomialObjective::evaluate(const Vec& x) {
  if (auto p = remembered(x)) return std::move(*p);
  const ReduceLayout layout({.raw = local_->parameters(), .loss = 1, .penalty = penalty_slots()});
  const Vec theta = model_of(x);
  Vec buf = layout.buffer();
  buf[layout.loss.at] = timed(
      stats_.compute_s, [&] { return local_->loss_grad(theta, layout.raw.of(buf), nullptr); });
  ++stats_.evaluations;
  return reduce_to_point(x, buf, layout, std::make_shared<LossCache>());
}

// One reduce for both passes: the gradient, the loss, diag(H) and (when centering) X̂ᵀDₖ.
Point MultinomialObjective::evaluate_with_diagonal(const Vec& x, Vec& diagonal) {
  const Index n = local_->parameters();
  const ReduceLayout layout({.raw = n,
                             .loss = 1,
                             .penalty = penalty_slots(),
                             .diagonal = n,
                             .column_sums = centered() ? n : 0});
  const Vec theta = model_of(x);
  Vec buf = layout.buffer();
  RowMatrix<double> P = std::move(spare_probabilities_);
  timed(stats_.compute_s, [&] {
    buf[layout.loss.at] = local_->loss_grad(theta, layout.raw.of(buf), &P);
    local_->curvature(P, layout.diagonal.of(buf), layout.column_sums.of(buf));
  });
  spare_probabilities_ = std::move(P);
  ++stats_.evaluations;
  Point p = reduce_to_point(x, buf, layout, std::make_shared<LossCache>());
  diagonal = diagonal_from(buf, layout);
  return p;
}

RowMatrix<double> MultinomialObjective::probabilities_at(const Vec& x) {
  RowMatrix<double> P = std::move(spare_probabilities_);
  Vec unused(local_->parameters());
  const Vec theta = model_of(x);
  timed(stats_.compute_s, [&] { local_->loss_grad(theta, unused, &P); });
  return P;
}

// Hv = Aᵀ (Σ sᵢHᵢ / S) A v + l2 v_W at the probabilities of the point it was made at.
class MultinomialHessian final : public HessianOperator {
 public:
  MultinomialHessian(MultinomialObjective& obj, const Point& at)
      : obj_(obj), P_(obj.probabilities_at(at.x)) {}
  ~MultinomialHessian() override { obj_.spare_probabilities_ = std::move(P_); }

  void apply(const Vec& v, Vec& out) override {
    out = obj_.reduced_hessian_product(
        v, obj_.local_->parameters(),
        [&](ConstVecRef theta, VecRef hv) { obj_.local_->hessian_product(P_, theta, hv); });
  }

  // The exact diagonal (one pass, one reduce).
  Vec diagonal() override {
    return obj_.reduced_diagonal(obj_.local_->parameters(), [&](VecRef diag, VecRef sums) {
      obj_.local_->curvature(P_, diag, sums);
    });
  }

 private:
  MultinomialObjective& obj_;
  RowMatrix<double> P_;
};

std::unique_ptr<HessianOperator> MultinomialObjective::hessian_at(const Point& at) {
  return std::make_unique<MultinomialHessian>(*this, at);
}

}  // namespace logreg
