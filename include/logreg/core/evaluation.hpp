// Classification metrics over probabilities p and labels y ∈ {0, 1} (unit weights).
#pragma once

#include "logreg/core/types.hpp"

namespace logreg {

// Mean log-loss from margins z (stable for any z).
double mean_log_loss_from_margins(ConstVecRef z, ConstVecRef y);
// Fraction of rows with (p ≥ 0.5) == y.
double accuracy(ConstVecRef p, ConstVecRef y);
// Exact ROC AUC with ties counted as one half (Mann–Whitney U); NaN when one class is absent.
double roc_auc(ConstVecRef p, ConstVecRef y);

}  // namespace logreg
