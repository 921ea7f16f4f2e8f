#include "logreg/core/logistic.hpp"

#include "logreg/core/kernel_dispatch.hpp"

namespace logreg {

// The block functions run the process's kernel set, so they give the bits of a training pass.

void loss_and_residual(ConstVecRef z, ConstVecRef y, const double* s, VecRef r, double& loss,
                       double* h) {
  active_kernels().rows.loss_residual(z.size(), z.data(), y.data(), s, r.data(), h, &loss);
}

std::pair<double, double> line_sums(ConstVecRef z0, ConstVecRef zd, double alpha, ConstVecRef y,
                                    const double* s) {
  double loss = 0.0, slope = 0.0;
  active_kernels().rows.line_sums(z0.size(), z0.data(), zd.data(), alpha, y.data(), s, &loss,
                                  &slope);
  return {loss, slope};
}

void hessian_weights(ConstVecRef z, const double* s, VecRef d) {
  active_kernels().rows.hessian_weights(z.size(), z.data(), s, d.data());
}

}  // namespace logreg
