// Pieces of distributed classification metrics over margins z and labels y ∈ {0, 1}.
#pragma once

#include "logreg/core/types.hpp"

namespace logreg {

// Local sums for distributed metrics: Σ ℓ(z, y), number of correct predictions (z > 0 ⇔ y = 1)
// and of rows.
struct MetricSums {
  double log_loss = 0.0, correct = 0.0, rows = 0.0, positives = 0.0;
};
MetricSums metric_sums(ConstVecRef z, ConstVecRef y);

// Adds each row to bin ⌊(z − lo)/(hi − lo)·B⌋ (clamped) of `pos` or `neg` (B = pos.size()).
void margin_histogram(ConstVecRef z, ConstVecRef y, double lo, double hi, VecRef pos, VecRef neg);

// AUC from per-bin counts in increasing score order, pairs within a bin counted as ½; `bound`
// receives the largest possible error, ½·Σ pos_b·neg_b / (P·N).
double auc_from_histogram(ConstVecRef pos, ConstVecRef neg, double* bound);

}  // namespace logreg
