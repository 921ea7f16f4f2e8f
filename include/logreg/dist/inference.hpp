// Statistical inference for a binomial fit at its optimum θ = [w; b] (original units): standard
// errors, z-values and two-sided p-values from the observed information of the summed penalized
// objective S·J (README, "Objective"; x_w = σ∘w are the solver's coordinates, coordinate_map.hpp):
//
//   I_pen = X̂ᵀDX̂ + S·l2·diag(σ₁², …, σ_d², 0),   cov = I_pen⁻¹ (Cholesky),
//   SEⱼ = √covⱼⱼ,   zⱼ = θⱼ / SEⱼ,   pⱼ = erfc(|zⱼ| / √2),
//
// with X̂ = [X 1] and D = diag(sᵢσᵢ(1 − σᵢ)) (core/information.hpp). With l2 = 0 these are the Wald
// statistics of an unpenalized maximum-likelihood fit (statsmodels' Logit); with l2 > 0 they are
// those of the penalized fit's curvature. Without an intercept its row and column are dropped and
// its outputs are NaN.
#pragma once

#include <string>
#include <vector>

#include "logreg/comm/communicator.hpp"
#include "logreg/core/information.hpp"
#include "logreg/core/shard.hpp"

namespace logreg {

// The information matrix is (d+1)² doubles on every rank: 200 MB at this limit.
constexpr Index kMaxInferenceFeatures = 5000;

// What the fit was: the objective's weight sum, penalty, feature scales and intercept.
struct InferenceParams {
  double weight_sum = 0.0;  // S = Σ sᵢ over all ranks (RegularizedObjective::weight_sum)
  double l2 = 0.0;
  Vec scale;  // σ (d) with model.standardize (RegularizedObjective::feature_scale); empty = all 1
  bool fit_intercept = true;
  // std::invalid_argument unless S > 0, l2 ≥ 0 (both finite) and σ is empty or d positive values.
  void validate(Index features) const;
};

// Collective: one allreduce of the (d+1)² information matrix; every rank returns the same values
// or throws the same error, decided from reduced values only. θ has d+1 entries (b = 0 without an
// intercept). Throws ConfigError above kMaxInferenceFeatures features (before any collective);
// NumericalError when the information is not finite or not positive definite, naming the likely
// culprit: "inference: the information matrix is singular (feature 7 is constant); standard
// errors are undefined. Add l2 > 0 or remove the column" — or, instead of a constant feature,
// classes that look separable (fitted probabilities saturated at 0 or 1), or collinear features.
Inference compute_inference(Communicator& comm, const Shard& shard, const Vec& theta,
                            const InferenceParams& p);

// The table rank 0 prints, as statsmodels' summary: a header, then one line per coefficient
// (name, coef, std err, z, P>|z|) and the intercept last (left out without one). `names` are
// the d feature names; empty: x0, x1, ….
std::string inference_table(const Vec& theta, const Inference& inf,
                            const std::vector<std::string>& names);

}  // namespace logreg
