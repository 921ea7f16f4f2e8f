// The start of a regularization path (README, "Regularization path and cross-validation"): the
// intercept-only optimum and λ_max, the smallest l1 at which every coefficient is zero, from two
// passes; and the log-spaced sequence from λ_max down. Every value is identical on all ranks.
#pragma once

#include <vector>

#include "logreg/dist/training_objective.hpp"

namespace logreg {

struct PathStart {
  Vec x;                // the intercept-only optimum in solver coordinates (0 without intercept)
  double l1_max = 0.0;  // max_j |∂f/∂x_j| over the weights at x: λ_max for l1
};

// Collective: two passes (one without an intercept). The intercepts are the last
// objective.intercepts() solver coordinates: one is the binary model's (b = logit of the weighted
// mean label), several are the multinomial model's (b_k = log of class k's weight share). The
// objective's penalty is not used: its gradient is zero at w = 0. With `binary_parts` every
// intercept is a binary model's of its own (the cross-validation fold-models).
PathStart path_start(TrainingObjective& objective, bool binary_parts = false);

// λ_max for l2: the l1 value divided by 1e-3, glmnet's convention for ridge (alpha = 0 uses the
// lasso's λ_max at alpha = 0.001): at that penalty every coefficient of the first fit is about
// 1e-3 of the largest gradient entry over the penalty or less.
constexpr double kRidgeFactor = 1e3;

// n values from `max` down to ratio·max, evenly spaced in log: max·ratio^(i/(n−1)).
std::vector<double> log_spaced(double max, double ratio, int n);

}  // namespace logreg
