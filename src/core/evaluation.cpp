#include "logreg/core/evaluation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "logreg/core/logistic.hpp"

namespace logreg {

MetricSums metric_sums(ConstVecRef z, ConstVecRef y) {
  MetricSums m;
  for (Index i = 0; i < z.size(); ++i) {
    m.log_loss += logistic_loss(z[i], y[i]);
    m.correct += ((z[i] > 0) == (y[i] > 0.5));
    m.positives += y[i];
  }
  m.rows = static_cast<double>(z.size());
  return m;
}

void margin_histogram(ConstVecRef z, ConstVecRef y, double lo, double hi, VecRef pos, VecRef neg) {
  const Index bins = pos.size();
  const double scale = hi > lo ? static_cast<double>(bins) / (hi - lo) : 0.0;
  for (Index i = 0; i < z.size(); ++i) {
    Index b = static_cast<Index>((z[i] - lo) * scale);
    b = std::clamp<Index>(b, 0, bins - 1);
    (y[i] > 0.5 ? pos : neg)[b] += 1.0;
  }
}

double auc_from_histogram(ConstVecRef pos, ConstVecRef neg, double* bound) {
  const double P = pos.sum(), N = neg.sum();
  if (P == 0 || N == 0) {
    if (bound) *bound = 0.0;
    return std::numeric_limits<double>::quiet_NaN();
  }
  double below = 0.0, wins = 0.0, mixed = 0.0;
  for (Index b = 0; b < pos.size(); ++b) {
    wins += pos[b] * (below + 0.5 * neg[b]);
    mixed += pos[b] * neg[b];
    below += neg[b];
  }
  if (bound) *bound = 0.5 * mixed / (P * N);
  return wins / (P * N);
}

}  // namespace logreg
