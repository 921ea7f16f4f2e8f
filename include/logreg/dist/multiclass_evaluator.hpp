// Classification metrics of a K-class softmax model on a data set spread over the ranks, without
// gathering rows, equal to scikit-learn 1.2's unweighted metrics and identical (bit for bit) on
// any number of ranks:
//  * log_loss: mean of −log pᵢ,yᵢ with sklearn.metrics.log_loss's treatment of the
//    probabilities (clipped to [ε, 1 − ε], ε = 2⁻⁵² (its eps='auto' for float64), then each row
//    renormalized); the per-row losses are summed in fixed point (2⁻⁶⁴ units, exact integer
//    reduce), so the sum does not depend on how rows are split;
//  * accuracy: predicted class = argmax of the probabilities, ties to the lowest class (numpy's
//    argmax);
//  * auc: macro average over the classes of the one-vs-rest ROC AUC of the scores pᵢₖ (sklearn's
//    roc_auc_score(multi_class='ovr', average='macro')), ties counted ½; NaN when some class has
//    no rows or all rows (sklearn refuses those).
// The AUC comes from per-class histograms of the scores over bins that are a monotone function of
// the double pᵢₖ (its binary exponent and leading mantissa bits, of p below ½ and of 1 − p above,
// 2⁻⁶⁴ and below in one bin), reduced with the sums in ONE allreduce. A bin holding both
// positives and negatives of a class is the only source of error; when the rows in such bins
// number at most `exact_rows` (all classes together), their scores are gathered (one allgather)
// and ranked exactly: auc is then the exact AUC of the scores and auc_bound is 0. Otherwise each
// mixed bin counts ½ per pair and auc_bound = mean over classes of ½·Σ_b pos_b·neg_b/(P·N)
// bounds |auc − exact|. Either way the result depends only on the multiset of rows.
// θ is class-major in original units: [W row 0 (d), …, W row K−1 (d), b₀ … b_{K−1}].
#pragma once

#include <vector>

#include "logreg/comm/communicator.hpp"
#include "logreg/core/shard.hpp"
#include "logreg/dist/evaluator.hpp"

namespace logreg {

struct MulticlassAucParams {
  // Rows in mixed bins (summed over classes and ranks) up to which the AUC is made exact.
  Index exact_rows = Index{1} << 18;
  void validate() const;  // throws ConfigError
};

class MulticlassEvaluator final : public ModelEvaluator {
 public:
  // Throws ConfigError for classes < 2, DataError for a label that is not an integer in
  // [0, classes). Not collective: construct inside collectively() when ranks may disagree.
  MulticlassEvaluator(Shard shard, int classes, Communicator& comm,
                      MulticlassAucParams params = {});

  // Collective. Unweighted metrics over all ranks' rows (rows = their number). Throws DataError
  // (on every rank alike) when θ does not have classes·(d+1) entries. A non-finite probability
  // makes log_loss, accuracy and auc NaN.
  EvalMetrics evaluate(const Vec& theta) override;

  // The local rows' probabilities (rows × K), from an overflow-free softmax (max subtracted).
  RowMatrix<double> probabilities(const Vec& theta) const;

  int classes() const { return classes_; }
  Index features() const { return shard_.features; }
  const Shard& shard() const { return shard_; }

  // Histogram layout (exposed for the tests): bins per class and the bin of a probability.
  Index bins() const { return bins_; }
  Index bin_of(double p) const;

 private:
  void check_theta(const Vec& theta) const;
  void compute_probabilities(const Vec& theta, RowMatrix<double>& p) const;
  void auc_from_histograms(EvalMetrics& m);
  // Adds to won[k] the pairs of class k won inside its mixed bins, from the gathered scores.
  void add_pairs_within_mixed_bins(std::vector<double>& won);
  bool mixed(int k, Index bin) const;

  Shard shard_;
  int classes_;
  Communicator& comm_;
  MulticlassAucParams params_;
  int mantissa_bits_;
  Index bins_;
  RowMatrix<double> p_;      // local probabilities, sized once
  std::vector<double> buf_;  // the one reduce: sums then K positive and K negative histograms
};

// Predicted class of each row of a probability matrix: argmax, ties to the lowest class.
Vec predicted_labels(const RowMatrix<double>& probabilities);

}  // namespace logreg
