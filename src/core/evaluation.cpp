#include "logreg/core/evaluation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "logreg/core/logistic.hpp"

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
  for (Index i = 0; i < p.size(); ++i) right += ((p[i] >= 0.5) == (y[i] > 0.5));
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

}  // namespace logreg
