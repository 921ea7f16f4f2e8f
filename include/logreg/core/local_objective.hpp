// The logistic loss on one shard, as sums (never means) over its rows. No MPI here: the
// distributed layer reduces these sums. Vectors named theta/grad have d+1 entries [w; b].
#pragma once

#include <memory>
#include <utility>

#include "logreg/core/shard.hpp"

namespace logreg {

// Hessian of the loss sum at fixed margins: H = X̂ᵀ D X̂ with X̂ = [X 1]. Owns its weights D.
class LocalHessian {
 public:
  virtual ~LocalHessian() = default;
  // out = H v  (one pass over the shard)
  virtual void apply(ConstVecRef v, VecRef out) const = 0;
  // diag(H) (one pass)
  virtual void diagonal(VecRef out) const = 0;
  // Column sums X̂ᵀ D (one pass); with diagonal() this gives the diagonal of a reparametrized H.
  virtual void weighted_column_sums(VecRef out) const = 0;
};

class LocalObjective {
 public:
  virtual ~LocalObjective() = default;
  virtual Index rows() const = 0;
  virtual Index features() const = 0;
  virtual const Shard& shard() const = 0;

  // z = X w + b; returns Σ sᵢℓᵢ and grad = X̂ᵀ r. One pass.
  virtual double loss_grad(ConstVecRef theta, VecRef z, VecRef grad) const = 0;
  // loss_grad, and in the same pass the curvature sums at the new margins: diag = diag(X̂ᵀ D X̂)
  // and, when `sums` is not empty, sums = X̂ᵀ D (D = sᵢσᵢ(1 − σᵢ)). Saves the separate pass of
  // hessian(z)->diagonal() for a preconditioner at a starting point.
  virtual double loss_grad_curvature(ConstVecRef theta, VecRef z, VecRef grad, VecRef diag,
                                     VecRef sums) const = 0;
  // zd = X̂ dir, z = z0 + α zd; returns Σ sᵢℓᵢ(z) and grad at z. One pass.
  virtual double loss_grad_along(ConstVecRef z0, ConstVecRef dir, double alpha, VecRef zd,
                                 VecRef z, VecRef grad) const = 0;
  // Σ sᵢℓᵢ(z) and grad at given margins. One pass (transposed product only).
  virtual double loss_grad_at_margins(ConstVecRef z, VecRef grad) const = 0;
  // Σ sᵢℓᵢ(z0 + α zd) and its derivative in α. O(rows), no pass over X.
  virtual std::pair<double, double> line_sums(ConstVecRef z0, ConstVecRef zd,
                                              double alpha) const = 0;
  // z = X w + b
  virtual void margins(ConstVecRef theta, VecRef z) const = 0;
  // Weighted column sums Σ sᵢ xᵢ and Σ sᵢ xᵢ² (length d each) and Σ sᵢ.
  virtual double moments(VecRef sum, VecRef sum_sq) const = 0;
  virtual std::unique_ptr<LocalHessian> hessian(ConstVecRef z) const = 0;
};

// Builds the objective for a shard; the shard is moved in and owned. Its passes run on the
// process's kernel set (kernel_dispatch.hpp) or the one given.
std::unique_ptr<LocalObjective> make_local_objective(Shard shard);
std::unique_ptr<LocalObjective> make_local_objective(Shard shard, const KernelSet& kernels);

}  // namespace logreg
