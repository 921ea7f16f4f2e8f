// The observed information of a binomial fit on one shard, and the record of the inference it
// yields. At θ = [w; b] the Hessian of the summed loss Σ sᵢℓᵢ is I = X̂ᵀDX̂ with X̂ = [X 1] and
// D = diag(sᵢσᵢ(1 − σᵢ)); dist/inference.hpp reduces it over the ranks and inverts it. The record
// lives here, below both dist and io, because the model file (io/model_io.hpp) stores it.
#pragma once

#include "logreg/core/shard.hpp"

namespace logreg {

// Standard errors, z-values and two-sided p-values of the coefficients (d each, feature order)
// and of the intercept (NaN in a model without one). README, "Outputs".
struct Inference {
  Vec std_error, z_value, p_value;
  double intercept_std_error = 0.0, intercept_z_value = 0.0, intercept_p_value = 0.0;
};

// Adds this shard's X̂ᵀDX̂ at θ = [w; b] (d+1 entries; b is 0 in a model without intercept) to
// `out`: (d+1) × (d+1) with the intercept's row and column last, or d × d without them. `out`
// must be symmetric on entry (zero, or a sum of such matrices): only its lower triangle is
// accumulated, then mirrored. Dense storage: rank-256 updates of √D-scaled blocks of rows; CSR:
// the outer product of each row's non-zeros. O(rows · d²) for dense, O(Σ nnzᵢ²) for CSR.
// std::invalid_argument when θ, `out` and the shard's columns do not fit together.
void add_information(const Shard& shard, ConstVecRef theta, bool fit_intercept, Mat& out);

}  // namespace logreg
