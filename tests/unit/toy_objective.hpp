// A toy objective for the solvers' unit tests, with a known minimum and no data, MPI or HDF5:
// f(x) = ½ (x − c)ᵀ A (x − c) + μ Σ log cosh(xⱼ − cⱼ), plus Σ λⱼ|xⱼ| for OWL-QN. Its minimum
// without λ is c; with A diagonal and μ = 0 it is the soft threshold of c (solvers_toy.cpp). Its
// line() is Objective's default, built on evaluate().
#pragma once

#include <Eigen/Dense>
#include <cmath>

#include "logreg/solvers/objective.hpp"

namespace logreg::test {

class ToyObjective final : public Objective {
 public:
  ToyObjective(Eigen::MatrixXd A, Vec c, double mu, Vec l1 = Vec())
      : A_(std::move(A)), c_(std::move(c)), mu_(mu), l1_(l1.size() ? l1 : Vec::Zero(c_.size())) {}
  Index dim() const override { return c_.size(); }
  const Vec& l1_weights() const override { return l1_; }
  bool interrupted() const override { return false; }
  Point evaluate(const Vec& x) override {
    ++evaluations;
    const Vec r = x - c_;
    Point p{x, 0.5 * r.dot(A_ * r), A_ * r, nullptr};
    p.f += mu_ * r.unaryExpr([](double t) { return std::log(std::cosh(t)); }).sum();
    p.g += mu_ * r.unaryExpr([](double t) { return std::tanh(t); });
    return p;
  }
  std::unique_ptr<HessianOperator> hessian_at(const Point& at) override {
    const Vec sech2 =
        (at.x - c_).unaryExpr([](double t) { return 1.0 / (std::cosh(t) * std::cosh(t)); });
    return std::make_unique<Hessian>(A_ + mu_ * Eigen::MatrixXd(sech2.asDiagonal()));
  }
  long evaluations = 0;

 private:
  struct Hessian final : HessianOperator {
    explicit Hessian(Eigen::MatrixXd h) : H(std::move(h)) {}
    void apply(const Vec& v, Vec& out) override { out.noalias() = H * v; }
    Vec diagonal() override { return H.diagonal(); }
    Eigen::MatrixXd H;
  };
  Eigen::MatrixXd A_;
  Vec c_;
  double mu_;
  Vec l1_;
};

}  // namespace logreg::test
