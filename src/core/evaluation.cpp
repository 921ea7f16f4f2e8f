#include "logreg/core/evaluation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "logreg/core/logistic.hpp"
#include <algorithm>

namespace logreg {

double mean_log_loss_from_margins(ConstVecRef z, ConstVecRef y) {
  if (z.size() == 0) return std::numeric_limits<double>::quiet_NaN();
  double total = 0.0;
  for (Index i = 0; i < z.size(); ++i) total += logistic_loss(z[i], y[i]);
  return total / static_cast<double>(z.size());
}

double accuracy(ConstVecRef p, ConstVecRef y) {
  if (p.size() == 0) return std::numeric_limits<double>::quiet_NaN();
  Index right = 0;
  for (Index i = 0; i < p.size(); ++i) right += ((p[i] > 0.5) == (y[i] > 0.5));
  return static_cast<double>(right) / static_cast<double>(p.size());
}

double roc_auc(ConstVecRef p, ConstVecRef y) {
  const Index n = p.size();
  std::vector<Index> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](Index a, Index b) { return p[a] < p[b]; });
  // Sum of positive ranks with average ranks for ties.
  double rank_sum = 0.0, positives = 0.0;
  for (Index i = 0; i < n;) {
    Index j = i;
    while (j < n && p[order[j]] == p[order[i]]) ++j;
    const double avg_rank = 0.5 * static_cast<double>(i + j + 1);  // ranks are 1-based
    for (Index k = i; k < j; ++k) {
      if (y[order[k]] > 0.5) rank_sum += avg_rank, positives += 1;
    }
    i = j;
  }
  const double negatives = static_cast<double>(n) - positives;
  if (positives == 0 || negatives == 0) return std::numeric_limits<double>::quiet_NaN();
  return (rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives);
}

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
