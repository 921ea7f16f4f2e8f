#include "logreg/dist/multiclass_evaluator.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <tuple>

#include "logreg/core/kernel_dispatch.hpp"
#include "logreg/errors.hpp"

namespace logreg {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// sklearn 1.2 log_loss(eps='auto'): np.finfo(float64).eps.
constexpr double kClipEps = 0x1p-52;
// p (below ½) or 1 − p (above) from 2⁻⁶⁴ to ½ get binary-exponent × mantissa bins; smaller
// values share the outermost bin.
constexpr int kExponents = 64;
// The 2K histograms hold at most this many doubles: 2^m bins per binade, m from 10 down to 2 as
// K grows (K = 3: 2⁹, K = 10: 2⁷, K = 128: 2⁴, K ≥ 512: 2², past the budget above 512).
constexpr Index kHistogramBudget = Index{1} << 19;
// The reduce buffer starts with the fixed-point loss (3 digits), correct, rows, non-finite rows.
constexpr Index kSums = 6;

int mantissa_bits_for(int classes) {
  int m = 10;
  while (m > 2 && Index{4} * classes * (Index{kExponents} << m) > kHistogramBudget) --m;
  return m;
}

// A sum of doubles in [0, 2³²) kept as integer digits of 2³², 1 and 2⁻³² … 2⁻⁶⁴: each term is
// truncated to a multiple of 2⁻⁶⁴, then everything is exact, so the reduced sum does not depend
// on the order of the terms or on how the rows are split over the ranks. (Holds for fewer than
// 2³² terms per rank and 2²¹ ranks.)
class FixedSum {
 public:
  void add(double v) {
    const double i0 = std::floor(v);
    const double r1 = (v - i0) * 0x1p32;  // exact: the fraction, scaled by a power of two
    const double i1 = std::floor(r1);
    d_[0] += static_cast<uint64_t>(i0);
    d_[1] += static_cast<uint64_t>(i1);
    d_[2] += static_cast<uint64_t>(std::floor((r1 - i1) * 0x1p32));
  }
  void store(double* out) const {
    uint64_t d[3] = {d_[0], d_[1], d_[2]};
    normalize(d);
    for (int j = 0; j < 3; ++j) out[j] = static_cast<double>(d[j]);
  }
  // The value of digits summed over the ranks (each an integer below 2⁵³).
  static double load(const double* in) {
    uint64_t d[3];
    for (int j = 0; j < 3; ++j) d[j] = static_cast<uint64_t>(in[j]);
    normalize(d);
    return static_cast<double>(d[0]) +
           (static_cast<double>(d[1]) + static_cast<double>(d[2]) * 0x1p-32) * 0x1p-32;
  }

 private:
  static void normalize(uint64_t* d) {
    constexpr uint64_t mask = (uint64_t{1} << 32) - 1;
    d[1] += d[2] >> 32;
    d[2] &= mask;
    d[0] += d[1] >> 32;
    d[1] &= mask;
  }
  uint64_t d_[3] = {0, 0, 0};
};

double clip(double p) { return std::clamp(p, kClipEps, 1.0 - kClipEps); }

// The row's loss as sklearn.metrics.log_loss computes it: clip, renormalize, −log p_y.
double row_log_loss(const double* p, int classes, int label) {
  double s = 0.0;
  for (int k = 0; k < classes; ++k) s += clip(p[k]);
  return std::max(0.0, -std::log(clip(p[label]) / s));
}

int argmax(const double* p, int classes) {
  int best = 0;
  for (int k = 1; k < classes; ++k) best = p[k] > p[best] ? k : best;
  return best;
}

// One gathered row of a mixed bin: the bin (class-major global index), the score, the side.
struct Scored {
  double bin, p;
  bool positive;
  bool operator<(const Scored& o) const { return std::tie(bin, p) < std::tie(o.bin, o.p); }
};

// Σ over positives of (#negatives scored lower + ½ #negatives scored equal), for rows sorted by p.
double pairs_won(const Scored* first, const Scored* last) {
  double below = 0.0, won = 0.0;
  for (const Scored* run = first; run != last;) {
    double pos = 0.0, neg = 0.0;
    const Scored* end = run;
    for (; end != last && end->p == run->p; ++end) (end->positive ? pos : neg) += 1.0;
    won += pos * (below + 0.5 * neg);
    below += neg;
    run = end;
  }
  return won;
}

}  // namespace

void MulticlassAucParams::validate() const {
  if (exact_rows < 0)
    throw ConfigError("exact_rows must be >= 0, got " + std::to_string(exact_rows));
}

MulticlassEvaluator::MulticlassEvaluator(Shard shard, int classes, Communicator& comm,
                                         MulticlassAucParams params)
    : shard_(std::move(shard)),
      classes_(classes),
      comm_(comm),
      params_(params),
      mantissa_bits_(mantissa_bits_for(std::max(classes, 1))),
      bins_(2 * ((Index{kExponents} - 1) << mantissa_bits_) + 3) {
  if (classes < 2)
    throw ConfigError("a multiclass model needs at least 2 classes, got " +
                      std::to_string(classes));
  params_.validate();
  const Vec& y = shard_.y;
  for (Index i = 0; i < y.size(); ++i) {
    if (!(y[i] >= 0 && y[i] < classes && y[i] == std::floor(y[i]))) {
      throw DataError("row " + std::to_string(shard_.row_offset + i) + ": label " +
                      config_number(y[i]) + " is not a class index in [0, " +
                      std::to_string(classes) + ")");
    }
  }
  p_.resize(shard_.rows(), classes);
  buf_.resize(static_cast<size_t>(kSums + 2 * classes * bins_));
}

Index MulticlassEvaluator::bin_of(double p) const {
  // Bits of a non-negative double grow with its value: bits − bits(2⁻⁶⁴) is (exponent + 64)·2⁵²
  // + mantissa, so its top bits are (exponent, leading mantissa bits), a monotone bin.
  const Index half = ((Index{kExponents} - 1) << mantissa_bits_) + 1;  // the bin of ½
  auto half_bin = [&](double u) -> Index {
    const uint64_t bits = std::bit_cast<uint64_t>(u), low = std::bit_cast<uint64_t>(0x1p-64);
    return bits < low ? 0 : static_cast<Index>((bits - low) >> (52 - mantissa_bits_)) + 1;
  };
  if (!(p > 0.0)) return 0;  // also NaN (such rows are skipped anyway)
  if (p <= 0.5) return half_bin(p);
  return 2 * half - half_bin(std::max(1.0 - p, 0.0));  // 1 − p is exact for p ≥ ½
}

void MulticlassEvaluator::check_theta(const Vec& theta) const {
  const Index want = classes_ * (shard_.features + 1);
  if (theta.size() != want) {
    throw DataError("multiclass parameters: " + std::to_string(theta.size()) + " values, " +
                    "expected classes·(features + 1) = " + std::to_string(want));
  }
}

void MulticlassEvaluator::compute_probabilities(const Vec& theta, RowMatrix<double>& p) const {
  const Index n = shard_.rows(), d = shard_.features;
  p.resize(n, classes_);
  Vec tk(d + 1), z(n);
  for (int k = 0; k < classes_; ++k) {
    tk.head(d) = theta.segment(k * d, d);
    tk[d] = theta[classes_ * d + k];
    // The library's margin kernel: each row's sum in the documented order, whatever the rows
    // around it, so every row gets the same bits on any number of ranks.
    std::visit(
        [&](const auto& m) {
          const auto view = m.view();
          active_kernels().get<std::decay_t<decltype(view)>>().margins(view, tk.data(), z.data());
        },
        shard_.X);
    p.col(k) = z;
  }
  for (Index i = 0; i < n; ++i) {
    double* row = p.row(i).data();
    const double top = *std::max_element(row, row + classes_);
    double s = 0.0;
    for (int k = 0; k < classes_; ++k) s += row[k] = std::exp(row[k] - top);
    for (int k = 0; k < classes_; ++k) row[k] /= s;
  }
}

Vec predicted_labels(const RowMatrix<double>& probabilities) {
  const int classes = static_cast<int>(probabilities.cols());
  Vec labels(probabilities.rows());
  for (Index i = 0; i < labels.size(); ++i)
    labels[i] = argmax(probabilities.row(i).data(), classes);
  return labels;
}

RowMatrix<double> MulticlassEvaluator::probabilities(const Vec& theta) const {
  check_theta(theta);
  RowMatrix<double> p;
  compute_probabilities(theta, p);
  return p;
}

EvalMetrics MulticlassEvaluator::evaluate(const Vec& theta) {
  check_theta(theta);  // θ is the same on every rank: all throw or none
  compute_probabilities(theta, p_);
  std::fill(buf_.begin(), buf_.end(), 0.0);
  FixedSum loss;
  double correct = 0.0, nonfinite = 0.0;
  for (Index i = 0; i < p_.rows(); ++i) {
    const double* row = p_.row(i).data();
    const int label = static_cast<int>(shard_.y[i]);
    if (!std::all_of(row, row + classes_, [](double v) { return std::isfinite(v); })) {
      nonfinite += 1.0;
      continue;
    }
    correct += argmax(row, classes_) == label;
    loss.add(row_log_loss(row, classes_, label));
    for (int k = 0; k < classes_; ++k) {
      buf_[static_cast<size_t>(kSums + (2 * k + (k == label ? 0 : 1)) * bins_ + bin_of(row[k]))] +=
          1.0;
    }
  }
  loss.store(buf_.data());
  buf_[3] = correct;
  buf_[4] = static_cast<double>(p_.rows());
  buf_[5] = nonfinite;
  comm_.allreduce_sum(buf_);

  EvalMetrics m;
  m.rows = buf_[4];
  if (buf_[5] > 0) {
    m.log_loss = m.accuracy = m.auc = kNaN;
    return m;
  }
  m.log_loss = FixedSum::load(buf_.data()) / m.rows;
  m.accuracy = buf_[3] / m.rows;
  auc_from_histograms(m);
  return m;
}

bool MulticlassEvaluator::mixed(int k, Index bin) const {
  const double* pos = buf_.data() + kSums + 2 * k * bins_;
  return pos[bin] > 0 && pos[bins_ + bin] > 0;
}

void MulticlassEvaluator::auc_from_histograms(EvalMetrics& m) {
  std::vector<double> won(classes_), pairs(classes_), tied(classes_);
  double mixed_rows = 0.0;
  bool defined = true;
  for (int k = 0; k < classes_; ++k) {
    const double* pos = buf_.data() + kSums + 2 * k * bins_;
    const double* neg = pos + bins_;
    double below = 0.0, positives = 0.0;
    for (Index b = 0; b < bins_; ++b) {
      won[k] += pos[b] * below;
      tied[k] += pos[b] * neg[b];
      if (pos[b] > 0 && neg[b] > 0) mixed_rows += pos[b] + neg[b];
      below += neg[b];
      positives += pos[b];
    }
    pairs[k] = positives * below;
    defined = defined && pairs[k] > 0;
  }
  if (!defined) {
    m.auc = kNaN;
    return;
  }
  // Every rank takes the same branch (the counts are reduced). Unresolved, a mixed bin counts
  // its pairs ½ each, off by at most that much.
  const bool exact = mixed_rows <= static_cast<double>(params_.exact_rows);
  if (exact && mixed_rows > 0) add_pairs_within_mixed_bins(won);
  double auc = 0.0, bound = 0.0;
  for (int k = 0; k < classes_; ++k) {
    if (!exact) won[k] += 0.5 * tied[k], bound += 0.5 * tied[k] / pairs[k];
    auc += won[k] / pairs[k];
  }
  m.auc = auc / classes_;
  m.auc_bound = bound / classes_;
}

void MulticlassEvaluator::add_pairs_within_mixed_bins(std::vector<double>& won) {
  std::vector<double> mine;  // per row in a mixed bin: ±(global bin + 1) (+ = positive), p
  for (Index i = 0; i < p_.rows(); ++i) {
    for (int k = 0; k < classes_; ++k) {
      const double p = p_(i, k);
      const Index b = bin_of(p);
      if (!mixed(k, b)) continue;
      const double code = static_cast<double>(k * bins_ + b + 1);
      mine.push_back(static_cast<int>(shard_.y[i]) == k ? code : -code);
      mine.push_back(p);
    }
  }
  std::vector<double> all;
  std::vector<int> counts;
  comm_.allgather(mine, all, counts);
  std::vector<Scored> rows(all.size() / 2);
  for (size_t r = 0; r < rows.size(); ++r) {
    rows[r] = {std::abs(all[2 * r]) - 1.0, all[2 * r + 1], all[2 * r] > 0};
  }
  // The same multiset on every rank count, ranked by (bin, score): the same result.
  std::sort(rows.begin(), rows.end());
  for (size_t first = 0, last = 0; first < rows.size(); first = last) {
    while (last < rows.size() && rows[last].bin == rows[first].bin) ++last;
    const auto k = static_cast<size_t>(static_cast<Index>(rows[first].bin) / bins_);
    won[k] += pairs_won(rows.data() + first, rows.data() + last);
  }
}

}  // namespace logreg
