// What a solver sees: a smooth function f(x) (loss mean + L2 penalty) in solver coordinates,
// optionally with a separable L1 term Σ λⱼ|xⱼ| that only OWL-QN handles. No MPI here: an
// implementation may communicate, but every value it returns is identical on all ranks, so
// solvers can branch on them freely. An implementation needs only dim, evaluate, hessian_at,
// l1_weights and interrupted: line() has a default built on evaluate().
//
// The coordinates may be partitioned (README, "Partitioned solver state"): x, g and every vector
// a solver keeps are then this rank's slice, and a solver combines its local sums and maxima
// through sum_parts/max_parts before using them. The defaults (one slice: all coordinates) do
// nothing, so dot(), norm() and the rest are exactly the plain Eigen expressions.
#pragma once

#include <cmath>
#include <limits>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "logreg/core/types.hpp"

namespace logreg {

// Opaque per-point data kept by the objective (e.g. cached margins Xθ).
struct PointCache {
  virtual ~PointCache() = default;
};

struct Point {
  Vec x;
  double f = 0.0;  // smooth part at x
  Vec g;           // ∇f at x
  std::shared_ptr<const PointCache> cache;
};

// φ(α) = f(x + α d) along a fixed direction from a point. It refers to the point and the
// direction it was made from (no copies of d-length vectors), which must outlive it.
class LineFunction {
 public:
  virtual ~LineFunction() = default;
  // Returns (φ(α), φ'(α)). The first call may cost one pass over the data; later calls reuse it.
  virtual std::pair<double, double> eval(double alpha) = 0;
  // The full point x + α d (value and gradient), reusing what eval computed where possible.
  // Meant to be called once, for the accepted step.
  virtual Point point(double alpha) = 0;
};

// ∇²f at a fixed point; owns whatever per-row weights it needs.
class HessianOperator {
 public:
  virtual ~HessianOperator() = default;
  virtual void apply(const Vec& v, Vec& out) = 0;  // out = H v
  virtual Vec diagonal() = 0;                      // diag(H), for preconditioning
};

class Objective {
 public:
  virtual ~Objective() = default;
  virtual Index dim() const = 0;
  // Per-coordinate L1 weights (zero where unpenalized); all zero when there is no L1 term.
  virtual const Vec& l1_weights() const = 0;
  virtual Point evaluate(const Vec& x) = 0;
  // The default evaluates every trial point in full (EvaluatingLine below); an implementation
  // with a cheaper φ (e.g. from cached margins) overrides it.
  virtual std::unique_ptr<LineFunction> line(const Point& from, const Vec& direction);
  // A line function refers to its point and direction: temporaries would dangle.
  std::unique_ptr<LineFunction> line(const Point&, Vec&&) = delete;
  std::unique_ptr<LineFunction> line(Point&&, const Vec&) = delete;
  virtual std::unique_ptr<HessianOperator> hessian_at(const Point& at) = 0;
  // evaluate(x) and diag(∇²f(x)); an implementation may compute both in one pass.
  virtual Point evaluate_with_diagonal(const Vec& x, Vec& diagonal) {
    Point p = evaluate(x);
    diagonal = hessian_at(p)->diagonal();
    return p;
  }
  // Sticky, agreed across ranks: a stop was requested (signal) in some reduce so far.
  virtual bool interrupted() const = 0;
  // For f = Σ_k f_k(x_k), a sum of parts on disjoint coordinates: the part of each coordinate
  // (0 … n−1) and n; empty and 1 otherwise. L-BFGS and OWL-QN then keep one curvature model
  // per part (cross-validation's fold-models, include/logreg/dist/folds_objective.hpp).
  virtual const std::vector<int>& coordinate_blocks() const {
    static const std::vector<int> none;
    return none;
  }
  virtual int block_count() const { return 1; }

  // True when x is one slice of several: a solver may then gather its reductions into fewer,
  // larger ones (L-BFGS's two-loop recursion from a Gram matrix), rounding otherwise.
  virtual bool partitioned() const { return false; }
  // Global sums and maxima of per-slice values, in place (identical on all ranks after).
  virtual void sum_parts(std::span<double> parts) const { (void)parts; }
  virtual void max_parts(std::span<double> parts) const { (void)parts; }
  double dot(const Vec& a, const Vec& b) const {
    double v = a.dot(b);
    sum_parts({&v, 1});
    return v;
  }
  double squared_norm(const Vec& a) const {
    double v = a.squaredNorm();
    sum_parts({&v, 1});
    return v;
  }
  // Eigen's norm() is sqrt(squaredNorm()): the same bits.
  double norm(const Vec& a) const { return std::sqrt(squared_norm(a)); }
  bool all_finite(const Vec& a) const {
    double bad = a.allFinite() ? 0.0 : 1.0;
    max_parts({&bad, 1});
    return bad == 0.0;
  }
  double max_abs(const Vec& a) const {
    double v = a.size() ? a.lpNorm<Eigen::Infinity>() : 0.0;
    max_parts({&v, 1});
    return v;
  }

  // A partitioned objective answers for all slices (a slice may hold no penalized coordinate).
  virtual bool has_l1() const { return l1_weights().size() > 0 && l1_weights().maxCoeff() > 0; }
  // J = f + Σ λⱼ|xⱼ|
  double total(const Point& p) const {
    if (!has_l1()) return p.f;
    double l1 = l1_weights().cwiseProduct(p.x.cwiseAbs()).sum();
    sum_parts({&l1, 1});
    return p.f + l1;
  }
};

// φ(α) from full evaluations of x + α d (the base-class line search of LIBLINEAR's function
// class): eval costs one evaluate(); point(α) hands over the last evaluation when α matches it.
class EvaluatingLine final : public LineFunction {
 public:
  EvaluatingLine(Objective& objective, const Point& from, const Vec& direction)
      : objective_(objective), from_(from), direction_(direction) {}
  std::pair<double, double> eval(double alpha) override {
    last_ = objective_.evaluate(from_.x + alpha * direction_);
    last_alpha_ = alpha;
    return {last_.f, objective_.dot(last_.g, direction_)};
  }
  Point point(double alpha) override {
    if (alpha == last_alpha_) {
      last_alpha_ = std::numeric_limits<double>::quiet_NaN();  // handed over, not copied
      return std::move(last_);
    }
    return objective_.evaluate(from_.x + alpha * direction_);
  }

 private:
  Objective& objective_;
  const Point& from_;
  const Vec& direction_;
  Point last_;
  double last_alpha_ = std::numeric_limits<double>::quiet_NaN();
};

inline std::unique_ptr<LineFunction> Objective::line(const Point& from, const Vec& direction) {
  return std::make_unique<EvaluatingLine>(*this, from, direction);
}

}  // namespace logreg
