// The start of a regularization path (include/logreg/dist/penalty_path.hpp).
#include "logreg/dist/penalty_path.hpp"

#include <cmath>

#include "logreg/errors.hpp"

namespace logreg {

PathStart path_start(TrainingObjective& objective, bool binary_parts) {
  const Index m = objective.intercepts(), weights = objective.dim() - m;
  PathStart start;
  start.x = Vec::Zero(objective.dim());
  if (m > 0) {
    // At x = 0 the intercepts' gradient is the mean of σ(0) − y (binary) or 1/K − share_k
    // (softmax), so the label means come from one pass.
    const Vec g = objective.evaluate(start.x).g.tail(m);
    const bool sigmoid = m == 1 || binary_parts;
    for (Index k = 0; k < m; ++k) {
      const double share = sigmoid ? 0.5 - g[k] : 1.0 / static_cast<double>(m) - g[k];
      if (!(share > 0 && share < 1)) {
        throw DataError("path: the training labels are all one class (weighted share " +
                        config_number(share) + "): there is no path to fit");
      }
      start.x[weights + k] = sigmoid ? std::log(share / (1.0 - share)) : std::log(share);
    }
  }
  const Point p = objective.evaluate(start.x);
  start.l1_max = weights > 0 ? p.g.head(weights).cwiseAbs().maxCoeff() : 0.0;
  return start;
}

std::vector<double> log_spaced(double max, double ratio, int n) {
  std::vector<double> out(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    out[static_cast<size_t>(i)] =
        n == 1 ? max : max * std::pow(ratio, static_cast<double>(i) / (n - 1));
  }
  return out;
}

}  // namespace logreg
